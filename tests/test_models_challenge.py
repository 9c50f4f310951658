"""The independent challenge set (models/challenge/): schema, minimum counts, reproducible build.

These tests check the data file only, never detector performance: the file is a test set and
nothing may be tuned on it.
"""

from __future__ import annotations

import importlib.util
import json
from collections import Counter
from pathlib import Path
from types import ModuleType

import pytest

DIR = Path(__file__).resolve().parents[1] / "models" / "challenge"
FILE = DIR / "challenge.jsonl"


def _module(name: str) -> ModuleType:
    # models/ is data, not a package: load the two scripts by path.
    spec = importlib.util.spec_from_file_location(f"challenge_{name}", DIR / f"{name}.py")
    assert spec
    assert spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def validate() -> ModuleType:
    return _module("validate")


@pytest.fixture(scope="module")
def rows(validate: ModuleType) -> list[dict[str, object]]:
    loaded, errs = validate.load(FILE)
    assert errs == []
    rows: list[dict[str, object]] = loaded
    return rows


def test_every_line_is_a_json_object_with_exactly_the_schema_fields(
    validate: ModuleType,
) -> None:
    for line in FILE.read_text(encoding="utf-8").splitlines():
        obj = json.loads(line)
        assert tuple(obj) == validate.FIELDS


def test_validator_rejects_broken_rows(validate: ModuleType, tmp_path: Path) -> None:
    good = {
        "id": "x", "title": "t", "text": "Tiger Balm 19g", "lang": "en", "script": None,
        "label": "clean", "commodity": None, "intent": "sell",
        "negative_kind": "brand_place", "obfuscation": "none", "split": "challenge",
    }  # fmt: skip
    assert validate.check_row(good) == []
    assert validate.check_row({**good, "commodity": "ivory"})  # clean rows carry no commodity
    assert validate.check_row({**good, "lang": "zh"})  # zh needs a script
    assert validate.check_row({**good, "label": "wildlife", "negative_kind": None})
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps(good) + "\n{oops\n" + json.dumps(good) + "\n", encoding="utf-8")
    _, errs = validate.load(bad)
    assert any("not JSON" in e for e in errs)
    assert any("duplicate id" in e for e in errs)


def test_minimum_counts(rows: list[dict[str, object]], validate: ModuleType) -> None:
    assert len(rows) >= 500
    per_lang = Counter(r["lang"] for r in rows)
    assert all(per_lang[lang] >= 25 for lang in validate.LANGS), per_lang
    scripts = Counter(r["script"] for r in rows if r["lang"] == "zh")
    assert scripts["Hans"] >= 10
    assert scripts["Hant"] >= 10
    wild = [r for r in rows if r["label"] == "wildlife"]
    assert 0.30 <= len(wild) / len(rows) <= 0.40
    assert 0.15 <= sum(r["intent"] == "buy" for r in wild) / len(wild) <= 0.25
    assert set(r["commodity"] for r in wild) == set(validate.COMMODITIES)
    clean_kinds = Counter(r["negative_kind"] for r in rows if r["label"] == "clean")
    assert all(clean_kinds[k] >= 20 for k in validate.NEGATIVE_KINDS), clean_kinds
    obf = Counter(r["obfuscation"] for r in wild)
    assert all(obf[k] >= 3 for k in validate.OBFUSCATIONS), obf


def test_each_language_has_both_labels(rows: list[dict[str, object]]) -> None:
    pairs = Counter((r["lang"], r["label"]) for r in rows)
    assert all(pairs[(lang, label)] >= 10 for lang, _ in pairs for label in ("wildlife", "clean"))


def test_no_duplicate_texts_and_no_markup_left(rows: list[dict[str, object]]) -> None:
    texts = Counter(str(r["text"]) for r in rows)
    assert [t for t, n in texts.items() if n > 1] == []
    assert not any("{zw:" in str(r["text"]) or "{hg:" in str(r["text"]) for r in rows)


def test_obfuscation_markup_really_is_obfuscated(rows: list[dict[str, object]]) -> None:
    by_kind = {k: [str(r["title"]) + str(r["text"]) for r in rows if r["obfuscation"] == k]
               for k in ("zero_width", "homoglyph", "fullwidth")}  # fmt: skip
    assert all("\u200b" in t for t in by_kind["zero_width"])
    assert all(any("\u0400" <= c <= "\u04ff" for c in t) for t in by_kind["homoglyph"])
    assert all(any("\uff01" <= c <= "\uff5e" for c in t) for t in by_kind["fullwidth"])


def test_file_is_exactly_what_the_sources_build() -> None:
    build = _module("build")
    assert build.render(build.build()) == FILE.read_text(encoding="utf-8")
