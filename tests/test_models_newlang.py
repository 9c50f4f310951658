"""The independent hand-written set for the nine new languages (models/newlang/): schema and
minimum counts only, never detector performance — it is a test set and nothing may be tuned
on it (see its README)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

DIR = Path(__file__).resolve().parents[1] / "models" / "newlang"
FILE = DIR / "newlang.jsonl"
NEW_LANGS = ("ar", "ko", "sw", "ru", "hi", "my", "km", "lo", "tl")
FIELDS = (
    "id", "title", "text", "lang", "script", "label", "commodity", "species", "intent",
    "negative_kind", "obfuscation", "style", "split",
)  # fmt: skip


@pytest.fixture(scope="module")
def rows() -> list[dict[str, Any]]:
    return [json.loads(line) for line in FILE.read_text(encoding="utf-8").splitlines()]


def test_the_writers_own_validator_passes() -> None:
    done = subprocess.run(
        [sys.executable, str(DIR / "validate.py"), str(FILE)],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-2000:]


def test_schema_ids_and_labels(rows: list[dict[str, Any]]) -> None:
    ids = [r["id"] for r in rows]
    assert len(ids) == len(set(ids))
    for r in rows:
        assert set(r) == set(FIELDS)
        assert r["split"] == "newlang" and r["lang"] in NEW_LANGS
        assert (r["label"] == "wildlife") == (r["commodity"] is not None)
        assert (r["label"] == "clean") == (r["negative_kind"] is not None)
        assert r["text"].strip()


def test_at_least_forty_rows_per_new_language_with_both_labels(
    rows: list[dict[str, Any]],
) -> None:
    counts = Counter((r["lang"], r["label"]) for r in rows)
    for lang in NEW_LANGS:
        assert counts[(lang, "wildlife")] + counts[(lang, "clean")] >= 40, lang
        assert counts[(lang, "wildlife")] >= 10 and counts[(lang, "clean")] >= 10, lang
