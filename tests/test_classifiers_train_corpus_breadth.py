"""The breadth corpus: reproducible, pinned test split, every language and style tested,
and no overlap with the base corpus's test rows."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from typing import Any

import pytest

from classifiers.lexicon import LANGS
from classifiers.text.lexicon_detector import LexiconDetector
from classifiers.train.corpus_breadth import generate
from classifiers.train.data import (
    BREADTH_PATH,
    CORPUS_PATH,
    lang_tag,
    load_corpora,
    load_corpus,
    to_docs,
)

# The breadth test split as first shipped (970 rows): whole rows, sorted keys.
BREADTH_TEST_SHA = "e45a24acc2760c34f40a3f750ea02ad0f35a0f602165cb62673ab470c4b33641"


@pytest.fixture(scope="module")
def rows() -> list[dict[str, Any]]:
    return load_corpus(BREADTH_PATH)


def test_the_breadth_corpus_is_reproduced_byte_for_byte(rows: list[dict[str, Any]]) -> None:
    generated = generate()
    body = "".join(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n" for r in generated)
    assert body.encode() == BREADTH_PATH.read_bytes()


def test_the_breadth_test_split_is_pinned(rows: list[dict[str, Any]]) -> None:
    test = [r for r in rows if r["split"] == "test"]
    assert len(test) == 970
    body = "".join(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n" for r in test)
    assert hashlib.sha256(body.encode()).hexdigest() == BREADTH_TEST_SHA


def test_every_language_has_test_rows_of_both_labels(rows: list[dict[str, Any]]) -> None:
    tags = {lang_tag(r).lower() for r in rows}
    assert tags == set(LANGS)
    test = Counter((lang_tag(r), r["label"]) for r in rows if r["split"] == "test")
    for tag in {lang_tag(r) for r in rows}:
        assert test[(tag, "wildlife")] >= 8 and test[(tag, "clean")] >= 5, tag
    new = [t for t in ("ar", "ko", "sw", "ru", "hi", "my", "km", "lo", "tl")]
    assert all(test[(t, "wildlife")] + test[(t, "clean")] >= 50 for t in new)


def test_every_style_and_ordinary_kind_is_in_test(rows: list[dict[str, Any]]) -> None:
    test = [r for r in rows if r["split"] == "test"]
    styles = {r["style"] for r in test if r["label"] == "wildlife"}
    assert styles >= {
        "listing", "livestream", "chat_sell", "heirloom", "emoji", "runtogether", "homoglyph",
        "buy", "chat_buy", "wtb",
    }  # fmt: skip
    ordinary = {r.get("ordinary_kind") for r in test if r["label"] == "clean"}
    assert ordinary >= {
        "furniture", "eyewear", "fish_variety", "coin", "gemstone", "resin_replica", "legal_pet",
    }  # fmt: skip
    live = [r for r in test if r["commodity"] and r["commodity"].startswith("live_")]
    assert len(live) >= 100 and sum(1 for r in live if r["species"]) >= 40


def test_breadth_rows_never_repeat_a_base_test_row(rows: list[dict[str, Any]]) -> None:
    base_test = {(r["title"], r["text"]) for r in load_corpus(CORPUS_PATH) if r["split"] == "test"}
    assert not base_test & {(r["title"], r["text"]) for r in rows}
    assert len({r["id"] for r in load_corpora()}) == len(load_corpora())


def test_frozen_species_phrases_are_still_lexicon_terms(rows: list[dict[str, Any]]) -> None:
    """The snapshot keeps the pinned rows still; this says when the lexicon drifted from it."""
    species_rows = [
        r for r in rows if r["species"] and r["style"] not in ("runtogether", "homoglyph")
    ]
    assert len({r["species"] for r in species_rows}) >= 100
    detector = LexiconDetector()
    found = [
        r["commodity"] in a.per_commodity or r["commodity"] in a.cancelled_sums
        for r, a in zip(species_rows, detector.analyse(to_docs(species_rows)), strict=True)
    ]
    assert sum(found) / len(found) > 0.98
