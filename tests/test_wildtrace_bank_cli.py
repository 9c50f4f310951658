"""``wildtrace bank import|export|match`` end to end, through the real CLI entry point."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from image_fixtures import hostile

from classifiers.image.decode import decode_image
from classifiers.image.hashes import pdq_hash
from classifiers.image.synthetic import scene
from wildtrace.cli import main


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("WILDTRACE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("WILDTRACE_CONFIG", str(tmp_path / "none.toml"))
    (tmp_path / "none.toml").write_text("", encoding="utf-8")
    return tmp_path


def _save(path: Path, seed: int, quality: int = 95) -> Path:
    scene(seed).save(path, quality=quality)
    return path


def test_import_match_export(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    known = _save(env / "known.png", 1)
    pdq, quality = pdq_hash(decode_image(known.read_bytes()).image)
    csv_file = env / "share.csv"
    csv_file.write_text(
        f"pdq,quality,labels,commodity,source,id\n{pdq},{quality},tiger;skin,big_cat,ngo,K1\n"
        "zz,90,,,,\n",
        encoding="utf-8",
    )
    assert main(["bank", "import", str(csv_file)]) == 0
    err = capsys.readouterr().err
    assert "share.csv:3" in err and "1 added" in err
    assert main(["bank", "import", str(csv_file)]) == 0
    assert "0 added, 1 already in the bank" in capsys.readouterr().err

    repost = _save(env / "repost.jpg", 1, quality=60)
    other = _save(env / "other.jpg", 2, quality=90)
    broken = env / "broken.jpg"
    broken.write_bytes(hostile()["truncated jpeg"])
    assert main(["bank", "match", str(repost), str(other), str(broken)]) == 0
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert [x["image"] for x in lines] == [str(repost), str(other), str(broken)]
    hit = lines[0]["matches"][0]
    assert hit["id"] == "K1" and hit["labels"] == ["tiger", "skin"] and hit["distance"] <= 31
    assert len(lines[0]["pdq"]) == 64 and lines[0]["quality"] >= 50
    assert lines[1]["matches"] == []
    assert lines[2]["pdq"] is None and "truncated" in lines[2]["error"]

    out = env / "export.csv"
    assert main(["bank", "export", str(out)]) == 0
    rows = out.read_text(encoding="utf-8").splitlines()
    assert rows[0].startswith("pdq,quality,labels") and rows[1].startswith(f"{pdq},{quality},")


def test_import_of_missing_file_fails(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bank", "import", str(env / "nope.csv")]) == 1
    assert "cannot read" in capsys.readouterr().err


def test_export_to_stdout(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bank", "export", "-"]) == 0
    assert capsys.readouterr().out == "pdq,quality,labels,commodity,source,id,added_at,note\n"
