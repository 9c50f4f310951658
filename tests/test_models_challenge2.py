"""The second, independent challenge set (models/challenge2/): schema, the issue's minimum
size, and that the file is exactly what its hand-written sources serialise to.

Like the first set's test, this checks the data only, never detector performance: the
file is a test set and nothing may be tuned on it (see its README).
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

DIR = Path(__file__).resolve().parents[1] / "models" / "challenge2"
FILE = DIR / "challenge2.jsonl"
FIELDS = ("id", "title", "text", "lang", "script", "label", "commodity", "intent",
          "negative_kind", "obfuscation", "style", "split")  # fmt: skip
COMMODITIES = {"ivory", "rhino_horn", "pangolin", "big_cat", "bear_bile", "hornbill_casque",
               "turtle_shell", "totoaba_maw", "shahtoosh", "live_primate", "live_bird",
               "live_reptile"}  # fmt: skip
CORPUS_LANGS = {"en", "zh", "vi", "th", "id", "ms", "es", "pt", "fr", "ja", "de"}


@pytest.fixture(scope="module")
def rows() -> list[dict[str, object]]:
    return [json.loads(line) for line in FILE.read_text(encoding="utf-8").splitlines()]


def test_validator_accepts_the_file() -> None:
    done = subprocess.run(
        [sys.executable, "validate.py", "challenge2.jsonl"],
        cwd=DIR, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-2000:]


def test_schema_and_labels(rows: list[dict[str, object]]) -> None:
    assert all(tuple(r) == FIELDS for r in rows)
    assert len({r["id"] for r in rows}) == len(rows)
    assert all(r["split"] == "challenge2" for r in rows)
    for r in rows:
        wildlife = r["label"] == "wildlife"
        assert (r["commodity"] in COMMODITIES) if wildlife else r["commodity"] is None
        assert (r["negative_kind"] is None) == wildlife
        assert r["intent"] in ("sell", "buy", "other")
        assert (r["script"] in ("Hans", "Hant")) == (r["lang"] == "zh")


def test_issue_minimums(rows: list[dict[str, object]]) -> None:
    """Issue 12: at least 600 rows in at least 10 languages, every corpus language there."""
    langs = Counter(str(r["lang"]) for r in rows)
    assert len(rows) >= 600 and len(langs) >= 10 and CORPUS_LANGS <= set(langs)
    wild = [r for r in rows if r["label"] == "wildlife"]
    assert {r["commodity"] for r in wild} == COMMODITIES
    assert all(langs[lang] >= 50 for lang in langs)


def test_file_is_what_the_sources_serialise_to(tmp_path: Path) -> None:
    shutil.copytree(DIR / "rows", tmp_path / "rows")
    shutil.copy(DIR / "ser.py", tmp_path / "ser.py")
    subprocess.run([sys.executable, "ser.py"], cwd=tmp_path, check=True, timeout=60,
                   capture_output=True)  # fmt: skip
    assert (tmp_path / "challenge2.jsonl").read_bytes() == FILE.read_bytes()


def test_file_is_the_one_the_writer_handed_over() -> None:
    """The README records the first 16 hex digits of the SHA-256 at hand-over."""
    digest = hashlib.sha256(FILE.read_bytes()).hexdigest()
    assert digest.startswith("e52966f7f8b703e4")
