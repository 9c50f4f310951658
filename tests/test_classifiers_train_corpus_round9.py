"""Round-nine rows: reproducible, train/dev only, new-language offers and look-alikes
(coins, legal pets, tortoiseshell-look eyewear) through the same templates."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import pytest

from classifiers.train.corpus_round9 import earlier, generate
from classifiers.train.data import ROUND9_PATH, lang_tag, load_corpora, load_corpus

NEW = ("ar", "ko", "sw", "ru", "hi", "my", "km", "lo", "tl")


@pytest.fixture(scope="module")
def rows() -> list[dict[str, Any]]:
    return load_corpus(ROUND9_PATH)


def test_round9_rows_are_reproduced_byte_for_byte(rows: list[dict[str, Any]]) -> None:
    body = "".join(
        json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n" for r in generate(earlier())
    )
    assert body.encode() == ROUND9_PATH.read_bytes()


def test_round9_rows_are_train_and_dev_only_and_new(rows: list[dict[str, Any]]) -> None:
    assert {r["split"] for r in rows} == {"train", "dev"}
    assert not earlier() & {(r["title"], r["text"]) for r in rows}
    assert len({r["id"] for r in load_corpora()}) == len(load_corpora())


def test_every_new_language_gets_offers_in_the_new_styles(rows: list[dict[str, Any]]) -> None:
    offers = Counter((lang_tag(r), r["style"]) for r in rows if r["label"] == "wildlife")
    for tag in NEW:
        assert sum(n for (t, _), n in offers.items() if t == tag) >= 35
        for style in ("r9_chat_buy", "r9_comment", "r9_hashtag"):
            assert offers[(tag, style)] >= 1, (tag, style)


def test_precision_classes_of_ru_and_hi(rows: list[dict[str, Any]]) -> None:
    kinds = Counter((lang_tag(r), r["negative_kind"]) for r in rows if r["label"] == "clean")
    for tag in ("ru", "hi"):
        for kind in ("faux", "lookalike_animal", "colour_material", "other_species"):
            assert kinds[(tag, kind)] >= 5, (tag, kind)
    assert all(r["intent"] in ("sell", "buy", "other") for r in rows)
