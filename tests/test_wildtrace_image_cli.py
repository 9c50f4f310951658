"""``wildtrace train-image --feedback`` and ``wildtrace eval-image`` through the CLI."""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from classifiers.image.head import ImageHead
from classifiers.image.synthetic import scene
from crawlers.evidence import EvidenceStore
from wildtrace.cli import main


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("WILDTRACE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("WILDTRACE_CONFIG", str(tmp_path / "none.toml"))
    (tmp_path / "none.toml").write_text("", encoding="utf-8")
    return tmp_path


def test_train_image_from_feedback(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    evidence = EvidenceStore(env / "data" / "evidence")
    lines: list[dict[str, object]] = []
    for seed in range(8):
        im = scene(seed)
        if seed % 2:  # the "wildlife" family: dark, channel-swapped
            im = Image.fromarray(np.asarray(im)[:, :, ::-1] // 3)
        path = env / f"img{seed}.png"
        im.save(path)
        label = "wildlife" if seed % 2 else "clean"
        if seed < 2:  # two examples come from the evidence store by hash
            lines.append({"sha256": evidence.put(path.read_bytes()), "label": label})
        else:
            lines.append({"image": str(path), "label": label})
    both = []
    for seed in (20, 21):  # an export-feedback line: all of a listing's images
        buffer = io.BytesIO()
        scene(seed).save(buffer, format="PNG")
        both.append(evidence.put(buffer.getvalue()))
    lines.append({"image_sha256": both, "label": "clean", "text": "..."})
    lines.append({"image": str(env / "missing.png"), "label": "clean"})
    lines.append({"image": str(env / "img2.png"), "label": "maybe"})
    feedback = env / "feedback.jsonl"
    feedback.write_text("\n".join(json.dumps(x) for x in lines) + "\nnot json\n", "utf-8")
    assert main(["train-image", "--feedback", str(feedback)]) == 0
    err = capsys.readouterr().err
    assert "feedback.jsonl:10: skipped" in err and "feedback.jsonl:11: skipped" in err
    assert "feedback.jsonl:12: skipped" in err and "on 10 images" in err
    head = ImageHead.load(
        env / "data" / "models" / "image-head", "efficientnet-lite0@imagenet-57934424"
    )
    assert head.examples == 10


def test_train_image_needs_both_labels(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = env / "a.png"
    scene(1).save(path)
    feedback = env / "f.jsonl"
    feedback.write_text(json.dumps({"image": str(path), "label": "clean"}) + "\n", "utf-8")
    assert main(["train-image", "--feedback", str(feedback)]) == 1
    assert "at least 2" in capsys.readouterr().err


def test_eval_image_prints_the_table(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eval-image", "--images", "6"]) == 0
    out = capsys.readouterr().out
    assert "| JPEG q60 | 6/6 |" in out and "distinct pairs: 15" in out
