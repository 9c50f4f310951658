"""Round-ten rows: reproducible, train/dev only, requests with the new buyer phrasings
(which the lexicon now reads as buyer's words), code-word-only offers and look-alikes
through the same templates, in the twelve base language tags."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import pytest

from classifiers.text.lexicon_detector import LexiconDetector
from classifiers.train.corpus_round10 import earlier, generate
from classifiers.train.data import ROUND10_PATH, lang_tag, load_corpora, load_corpus, to_docs

BASE = ("en", "zh-Hans", "zh-Hant", "vi", "th", "id", "ms", "es", "pt", "fr", "ja", "de")


@pytest.fixture(scope="module")
def rows() -> list[dict[str, Any]]:
    return load_corpus(ROUND10_PATH)


def test_round10_rows_are_reproduced_byte_for_byte(rows: list[dict[str, Any]]) -> None:
    body = "".join(
        json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n" for r in generate(earlier())
    )
    assert body.encode() == ROUND10_PATH.read_bytes()


def test_round10_rows_are_train_and_dev_only_and_new(rows: list[dict[str, Any]]) -> None:
    assert {r["split"] for r in rows} == {"train", "dev"}
    assert not earlier() & {(r["title"], r["text"]) for r in rows}
    assert len({r["id"] for r in load_corpora()}) == len(load_corpora())


def test_every_base_language_gets_requests_code_word_offers_and_lookalikes(
    rows: list[dict[str, Any]],
) -> None:
    kinds = Counter((lang_tag(r), r["label"], r["intent"]) for r in rows)
    assert {lang_tag(r) for r in rows} == set(BASE)
    for tag in BASE:
        assert kinds[(tag, "wildlife", "buy")] >= 30, tag
        assert kinds[(tag, "wildlife", "sell")] >= 10, tag
        assert kinds[(tag, "clean", "buy")] + kinds[(tag, "clean", "sell")] >= 20, tag


def test_the_lexicon_reads_every_request_as_buyers_words(rows: list[dict[str, Any]]) -> None:
    """The phrasings the requests are written in are buy cues of the lexicon, so the
    fusion rule "buying needs buyer's words" lets a request be a request."""
    wanted = [r for r in rows if r["intent"] == "buy"]
    views = LexiconDetector().evaluate(to_docs(wanted)).views
    missing = [r["text"] for r, v in zip(wanted, views, strict=True) if not v.buy_words]
    assert not missing, missing[:5]
