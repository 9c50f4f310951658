"""Round-seven rows: reproducible, train/dev only, live pets by species name and legal pets
in every language, hard negatives in the weak languages, nothing repeated from earlier."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import pytest

from classifiers.lexicon import LANGS
from classifiers.train.corpus_round7 import earlier, generate
from classifiers.train.data import ROUND7_PATH, lang_tag, load_corpora, load_corpus

LIVE = ("live_primate", "live_bird", "live_reptile", "live_mammal", "live_amphibian")


@pytest.fixture(scope="module")
def rows() -> list[dict[str, Any]]:
    return load_corpus(ROUND7_PATH)


def test_round7_rows_are_reproduced_byte_for_byte(rows: list[dict[str, Any]]) -> None:
    body = "".join(
        json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n" for r in generate(earlier())
    )
    assert body.encode() == ROUND7_PATH.read_bytes()


def test_round7_rows_are_train_and_dev_only_and_new(rows: list[dict[str, Any]]) -> None:
    assert {r["split"] for r in rows} == {"train", "dev"}
    assert not earlier() & {(r["title"], r["text"]) for r in rows}
    assert len({r["id"] for r in load_corpora()}) == len(load_corpora())


def test_live_pets_and_legal_pets_in_every_language(rows: list[dict[str, Any]]) -> None:
    pets = Counter(lang_tag(r).lower() for r in rows if r["commodity"] in LIVE)
    legal = Counter(lang_tag(r).lower() for r in rows if r["negative_kind"] == "lookalike_animal")
    assert set(pets) == set(LANGS) == set(legal)
    assert min(pets.values()) >= 35 and min(legal.values()) >= 10
    assert all(r["label"] == "clean" for r in rows if r["negative_kind"])


def test_weak_languages_get_news_and_ordinary_senses(rows: list[dict[str, Any]]) -> None:
    kinds = Counter((lang_tag(r), r["negative_kind"]) for r in rows if r["label"] == "clean")
    for tag in ("ru", "zh-Hans", "zh-Hant", "ko", "hi", "lo"):
        assert kinds[(tag, "news")] >= 30 and kinds[(tag, "awareness")] >= 10
        assert kinds[(tag, "faux")] + kinds[(tag, "other_species")] >= 10
