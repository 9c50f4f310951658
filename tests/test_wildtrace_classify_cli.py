"""``wildtrace classify``: the JSONL command-line contract other tools depend on."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from classifiers.jsonl import OUTPUT_FIELDS

pytestmark = pytest.mark.slow

GOOD = [
    {
        "id": "1",
        "text": "Selling carved ivory bangle, old stock no papers, WhatsApp +84 912 345 678",
    },
    {"id": 2, "title": "Tiger Balm", "text": "Tiger Balm ointment 30g, new, 5 USD", "lang": "en"},
    {"id": "3", "text": "出售象牙手镯，保真，微信 lucky88", "source": "forum"},
]


def _run(args: list[str], stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "wildtrace.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )


def _lines(objs: list[object]) -> str:
    return "".join(
        (o if isinstance(o, str) else json.dumps(o, ensure_ascii=False)) + "\n" for o in objs
    )


@pytest.mark.parametrize("detector", ["lexicon", "learned"])
def test_files_in_files_out(tmp_path: Path, detector: str) -> None:
    inp, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    inp.write_text(_lines(GOOD), encoding="utf-8")
    proc = _run(["classify", "--input", str(inp), "--output", str(out), "--detector", detector])
    assert proc.returncode == 0, proc.stderr
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in rows] == ["1", "2", "3"]
    assert all(tuple(r) == OUTPUT_FIELDS for r in rows)
    assert rows[0]["label"] == "wildlife"
    assert rows[0]["commodity"] == "ivory"
    assert rows[1]["label"] == "clean"
    assert rows[2]["label"] == "wildlife"
    assert rows[2]["cites_appendix"] == "I"
    assert rows[0]["reasons"]
    assert all(0 <= r["score"] <= 1 for r in rows)


def test_malformed_lines_are_reported_and_skipped_via_stdin_stdout() -> None:
    stdin = _lines(
        [
            GOOD[0],
            "{not json",
            {"id": "x"},
            [1, 2],
            {"id": True, "text": "a"},
            {"id": "9", "text": "mountain bike for sale", "title": 5},
            GOOD[2],
        ]
    )
    proc = _run(
        ["classify", "--input", "-", "--output", "-", "--detector", "lexicon", "--batch-size", "1"],
        stdin=stdin,
    )
    assert proc.returncode == 0, proc.stderr
    assert [json.loads(x)["id"] for x in proc.stdout.splitlines()] == ["1", "3"]
    for number in (2, 3, 4, 5, 6):
        assert f"line {number}: skipped" in proc.stderr
    assert "line 1:" not in proc.stderr
    assert "line 7:" not in proc.stderr


def test_exit_non_zero_only_when_nothing_could_be_read(tmp_path: Path) -> None:
    proc = _run(
        ["classify", "--input", "-", "--output", "-", "--detector", "lexicon"],
        stdin='garbage\n{"id": 1}\n',
    )
    assert proc.returncode == 1
    assert proc.stdout == ""
    assert "line 1: skipped" in proc.stderr
    assert "line 2: skipped" in proc.stderr
    missing = _run(
        [
            "classify",
            "--input",
            str(tmp_path / "nope.jsonl"),
            "--output",
            "-",
            "--detector",
            "lexicon",
        ]
    )
    assert missing.returncode == 2
    assert "nope.jsonl" in missing.stderr
