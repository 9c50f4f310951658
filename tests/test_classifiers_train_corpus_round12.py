"""Round-twelve rows: reproducible, train/dev only, new; Russian and Traditional Chinese
offers and requests with look-alikes through the same templates, and buyer replies in
every tag, with clean rows outnumbering offers in every language."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import pytest

from classifiers.train.corpus_round12 import COMMENT, NEWS, earlier, generate
from classifiers.train.data import ROUND12_PATH, lang_tag, load_corpora, load_corpus

TAGS = ("en", "de", "fr", "es", "pt", "id", "ms", "vi", "th", "zh-Hans", "zh-Hant", "ja",
        "ko", "ru")  # fmt: skip


@pytest.fixture(scope="module")
def rows() -> list[dict[str, Any]]:
    return load_corpus(ROUND12_PATH)


def test_round12_rows_are_reproduced_byte_for_byte(rows: list[dict[str, Any]]) -> None:
    body = "".join(
        json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n" for r in generate(earlier())
    )
    assert body.encode() == ROUND12_PATH.read_bytes()


def test_round12_rows_are_train_and_dev_only_and_new(rows: list[dict[str, Any]]) -> None:
    assert {r["split"] for r in rows} == {"train", "dev"}
    assert not earlier() & {(r["title"], r["text"]) for r in rows}
    assert len({r["id"] for r in load_corpora()}) == len(load_corpora())
    assert all(r["id"].rsplit("-", 1)[1].startswith("q") for r in rows)


def test_every_tag_has_buyer_replies_of_both_labels(rows: list[dict[str, Any]]) -> None:
    replies = Counter((lang_tag(r), r["label"]) for r in rows if r["style"] == COMMENT)
    for tag in TAGS:
        assert replies[(tag, "wildlife")] >= 5 and replies[(tag, "clean")] >= 10, tag
    assert all(r["intent"] == "buy" for r in rows if r["style"] == COMMENT)


def test_clean_rows_outnumber_offers_in_every_language(rows: list[dict[str, Any]]) -> None:
    by = Counter((lang_tag(r), r["label"]) for r in rows)
    for tag in TAGS:
        assert by[(tag, "clean")] > by[(tag, "wildlife")], tag


def test_russian_and_traditional_chinese_sell_ask_and_show_look_alikes(
    rows: list[dict[str, Any]],
) -> None:
    wild = Counter((lang_tag(r), r["intent"]) for r in rows if r["label"] == "wildlife")
    kinds = Counter((lang_tag(r), r["negative_kind"]) for r in rows if r["label"] == "clean")
    for tag in ("ru", "zh-Hant"):
        assert wild[(tag, "sell")] >= 20 and wild[(tag, "buy")] >= 15, tag
        for kind in ("colour_material", "imitation", "other_species", "ordinary"):
            assert kinds[(tag, kind)] >= 5, (tag, kind)
        assert kinds[(tag, "news")] >= 4, tag


def test_reactions_to_news_name_the_product_and_are_clean(rows: list[dict[str, Any]]) -> None:
    news = [r for r in rows if r["style"] == NEWS]
    by = Counter(lang_tag(r) for r in news)
    assert all(by[tag] >= 10 for tag in TAGS), by
    assert {(r["label"], r["intent"], r["negative_kind"]) for r in news} == {
        ("clean", "other", "news")
    }
