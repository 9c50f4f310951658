"""Round-eleven rows: reproducible, train/dev only, live pets sold the way pets are sold
in every new language, with legal pets and ordinary senses through the same templates."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import pytest

from classifiers.train.corpus_round11 import earlier, generate
from classifiers.train.data import ROUND11_PATH, lang_tag, load_corpora, load_corpus

NEW = ("ar", "ko", "sw", "ru", "hi", "my", "km", "lo", "tl")
LIVE = ("live_bird", "live_reptile", "live_primate", "live_mammal")


@pytest.fixture(scope="module")
def rows() -> list[dict[str, Any]]:
    return load_corpus(ROUND11_PATH)


def test_round11_rows_are_reproduced_byte_for_byte(rows: list[dict[str, Any]]) -> None:
    body = "".join(
        json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n" for r in generate(earlier())
    )
    assert body.encode() == ROUND11_PATH.read_bytes()


def test_round11_rows_are_train_and_dev_only_and_new(rows: list[dict[str, Any]]) -> None:
    assert {r["split"] for r in rows} == {"train", "dev"}
    assert not earlier() & {(r["title"], r["text"]) for r in rows}
    assert len({r["id"] for r in load_corpora()}) == len(load_corpora())


def test_every_new_language_sells_and_asks_for_live_pets(rows: list[dict[str, Any]]) -> None:
    live = Counter(
        (lang_tag(r), r["intent"])
        for r in rows
        if r["label"] == "wildlife" and r["commodity"] in LIVE
    )
    for tag in NEW:
        assert live[(tag, "sell")] >= 30, tag
        assert live[(tag, "buy")] >= 5, tag


def test_legal_pets_go_through_the_same_pet_templates(rows: list[dict[str, Any]]) -> None:
    pet_styles = {"r11_pet_sell", "r11_pet_chat", "r11_pet_buy"}
    by = Counter((lang_tag(r), r["label"]) for r in rows if r["style"] in pet_styles)
    kinds = Counter((lang_tag(r), r["negative_kind"]) for r in rows if r["label"] == "clean")
    for tag in NEW:
        assert by[(tag, "clean")] >= 15 and by[(tag, "wildlife")] >= 20, tag
        assert kinds[(tag, "lookalike_animal")] >= 10, tag
        assert kinds[(tag, "colour_material")] >= 3, tag
    assert all(r["intent"] in ("sell", "buy", "other") for r in rows)
