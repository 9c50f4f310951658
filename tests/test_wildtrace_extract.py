"""``wildtrace extract`` and ``eval-entities``: the JSONL contract, run as a user would."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path


def _run(args: list[str], stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "wildtrace.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )


LINES = [
    json.dumps({"id": "a", "text": "WA 0813-5550-1234 harga Rp 1.500.000", "lang": "id"}),
    "{not json",
    json.dumps({"id": 7, "title": "Ivory 2kg", "text": "zalo 0903 555 123", "region": "vn"}),
    json.dumps({"id": "c", "text": 5}),
    json.dumps({"id": "d", "text": "nothing here", "region": "Vietnam"}),
    json.dumps({"id": "e", "text": "plain words"}),
]


def test_extract_stdin_to_stdout_reports_bad_lines_and_goes_on() -> None:
    proc = _run(["extract", "--input", "-", "--output", "-"], "\n".join(LINES) + "\n")
    assert proc.returncode == 0, proc.stderr
    out = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [o["id"] for o in out] == ["a", "7", "e"]
    assert "line 2: skipped: not JSON" in proc.stderr
    assert "line 4: skipped: missing or invalid 'text'" in proc.stderr
    assert "line 5: skipped: 'region' must be a two-letter country code" in proc.stderr
    a, b, e = out
    assert [(x["type"], x["value"]) for x in a["entities"]] == [
        ("phone", "+6281355501234"),
        ("price", "1500000 IDR"),
    ]
    source = {"title": "Ivory 2kg", "text": "zalo 0903 555 123"}
    for ent in b["entities"]:
        start, end = ent["span"]
        assert source[ent["field"]][start:end] == ent["surface"]
    assert {(x["field"], x["type"]) for x in b["entities"]} == {
        ("title", "quantity"),
        ("text", "phone"),
    }
    assert e["entities"] == []


def test_extract_files_and_exit_codes(tmp_path: Path) -> None:
    src, dst = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    src.write_text(LINES[0] + "\n", encoding="utf-8")
    proc = _run(["extract", "--input", str(src), "--output", str(dst)])
    assert proc.returncode == 0 and json.loads(dst.read_text())["id"] == "a"
    src.write_text("garbage\n", encoding="utf-8")
    assert _run(["extract", "--input", str(src), "--output", str(dst)]).returncode == 1
    missing = tmp_path / "nope.jsonl"
    assert _run(["extract", "--input", str(missing), "--output", str(dst)]).returncode == 2


def test_bad_rate_table_is_named(tmp_path: Path) -> None:
    bad = tmp_path / "rates.toml"
    bad.write_text('date = "2026-01-01"\nreference = "USD"\n[per_reference]\nUSD = 2.0\n')
    cfg = tmp_path / "wildtrace.toml"
    cfg.write_text(f'[entities]\nrates_file = "{bad}"\n')
    proc = _run(["--config", str(cfg), "extract", "--input", "-", "--output", "-"], "")
    assert proc.returncode == 2
    assert str(bad) in proc.stderr


def test_eval_entities_prints_per_type_and_language() -> None:
    proc = _run(["eval-entities", "--set", "handwritten"])
    assert proc.returncode == 0, proc.stderr
    assert "crypto_btc" in proc.stdout and "language" in proc.stdout
