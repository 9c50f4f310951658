"""Round-thirteen rows: reproducible, train/dev only, romanised Hindi, pets, bear bile and
rhino horn in every new language, and clean rows outnumbering offers per language."""

from __future__ import annotations

import json
import re
from collections import Counter
from typing import Any

import pytest

from classifiers.train.corpus_round13 import earlier, generate
from classifiers.train.data import ROUND13_PATH, lang_tag, load_corpora, load_corpus

NEW = ("ar", "ko", "sw", "ru", "hi", "my", "km", "lo", "tl")
LIVE = ("live_bird", "live_reptile", "live_primate", "live_mammal")
_LATIN = re.compile("[a-z]{3,}")
_DEVANAGARI = re.compile("[\u0900-\u097f]")


@pytest.fixture(scope="module")
def rows() -> list[dict[str, Any]]:
    return load_corpus(ROUND13_PATH)


def test_round13_rows_are_reproduced_byte_for_byte() -> None:
    body = "".join(
        json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n" for r in generate(earlier())
    )
    assert body.encode() == ROUND13_PATH.read_bytes()


def test_round13_rows_are_train_and_dev_only_and_new(rows: list[dict[str, Any]]) -> None:
    assert {r["split"] for r in rows} == {"train", "dev"}
    assert not earlier() & {(r["title"], r["text"]) for r in rows}
    every = load_corpora()
    assert len({r["id"] for r in every}) == len(every)


def test_every_new_language_has_pets_bile_horn_and_more_clean_rows(
    rows: list[dict[str, Any]],
) -> None:
    by = Counter((lang_tag(r), r["label"], r["commodity"]) for r in rows)
    labels = Counter((lang_tag(r), r["label"]) for r in rows)
    for tag in NEW:
        assert sum(by[(tag, "wildlife", c)] for c in LIVE) >= 40, tag
        assert by[(tag, "wildlife", "bear_bile")] >= 5, tag
        assert by[(tag, "wildlife", "rhino_horn")] >= 5, tag
        assert labels[(tag, "clean")] > labels[(tag, "wildlife")], tag


def test_hindi_is_written_in_latin_letters_and_devanagari_alike(
    rows: list[dict[str, Any]],
) -> None:
    hindi = [r for r in rows if r["lang"] == "hi"]
    latin = [r for r in hindi if _LATIN.search(r["text"]) and not _DEVANAGARI.search(r["text"])]
    mixed = [r for r in hindi if _LATIN.search(r["text"]) and _DEVANAGARI.search(r["text"])]
    for group in (latin, mixed):
        labels = Counter(r["label"] for r in group)
        assert labels["wildlife"] >= 20 and labels["clean"] >= 20
    assert Counter(r["intent"] for r in latin if r["label"] == "wildlife")["buy"] >= 3


def test_ordinary_senses_of_the_weakest_scripts_go_through_sale_templates(
    rows: list[dict[str, Any]],
) -> None:
    kinds = Counter(
        (r["lang"], r["negative_kind"])
        for r in rows
        if r["label"] == "clean" and r["intent"] != "other"
    )
    for tag in ("ko", "km", "my"):
        assert kinds[(tag, "colour_material")] >= 5, tag
        assert kinds[(tag, "other_species")] >= 5, tag
        assert kinds[(tag, "lookalike_animal")] >= 10, tag


def test_negated_imitation_offers_beside_resin_replicas(rows: list[dict[str, Any]]) -> None:
    neg = Counter((lang_tag(r), r["label"]) for r in rows if r["style"] == "r13_sell_neg")
    real = Counter((lang_tag(r), r["label"]) for r in rows if r["style"] == "r13_not_real")
    for tag in NEW:
        assert neg[(tag, "wildlife")] >= 15 and neg[(tag, "clean")] == 0, tag
        assert real[(tag, "clean")] >= 15 and real[(tag, "wildlife")] == 0, tag
