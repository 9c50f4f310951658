"""Round-six rows: reproducible, train/dev only, ordinary goods in every language and
posting style, nothing repeated from a test split."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import pytest

from classifiers.lexicon import LANGS
from classifiers.train.corpus_round6 import generate
from classifiers.train.data import (
    BREADTH_PATH,
    CORPUS_PATH,
    ROUND6_PATH,
    lang_tag,
    load_corpora,
    load_corpus,
)


@pytest.fixture(scope="module")
def rows() -> list[dict[str, Any]]:
    return load_corpus(ROUND6_PATH)


def test_round6_rows_are_reproduced_byte_for_byte(rows: list[dict[str, Any]]) -> None:
    taken = {(r["title"], r["text"]) for p in (CORPUS_PATH, BREADTH_PATH) for r in load_corpus(p)}
    body = "".join(
        json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n" for r in generate(taken)
    )
    assert body.encode() == ROUND6_PATH.read_bytes()


def test_round6_rows_are_train_and_dev_only_and_new(rows: list[dict[str, Any]]) -> None:
    assert {r["split"] for r in rows} == {"train", "dev"}
    earlier = {(r["title"], r["text"]) for p in (CORPUS_PATH, BREADTH_PATH) for r in load_corpus(p)}
    assert not earlier & {(r["title"], r["text"]) for r in rows}
    assert len({r["id"] for r in load_corpora()}) == len(load_corpora())


def test_ordinary_goods_in_every_language_and_style(rows: list[dict[str, Any]]) -> None:
    clean = [r for r in rows if r["label"] == "clean"]
    assert {lang_tag(r).lower() for r in clean} == set(LANGS)
    per_lang = Counter(lang_tag(r) for r in clean)
    assert min(per_lang.values()) >= 90
    styles = Counter(r["style"] for r in clean)
    assert set(styles) >= {"listing", "livestream", "chat_sell", "chat_buy", "wtb", "buy", "extra"}
    assert all(r["negative_kind"] == "generic" and r["commodity"] is None for r in clean)
