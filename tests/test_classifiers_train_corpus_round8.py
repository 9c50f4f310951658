"""Round-eight rows: reproducible, train/dev only, nothing repeated from earlier rounds,
offers, requests and ordinary-sense negatives through the same new templates."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import pytest

from classifiers.train.corpus_round8 import DOUBLE, earlier, generate
from classifiers.train.data import ROUND8_PATH, lang_tag, load_corpora, load_corpus


@pytest.fixture(scope="module")
def rows() -> list[dict[str, Any]]:
    return load_corpus(ROUND8_PATH)


def test_round8_rows_are_reproduced_byte_for_byte(rows: list[dict[str, Any]]) -> None:
    body = "".join(
        json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n" for r in generate(earlier())
    )
    assert body.encode() == ROUND8_PATH.read_bytes()


def test_round8_rows_are_train_and_dev_only_and_new(rows: list[dict[str, Any]]) -> None:
    assert {r["split"] for r in rows} == {"train", "dev"}
    assert not earlier() & {(r["title"], r["text"]) for r in rows}
    assert len({r["id"] for r in load_corpora()}) == len(load_corpora())


def test_no_rows_in_the_breadth_issue_languages(rows: list[dict[str, Any]]) -> None:
    """Russian, Hindi and Lao belong to issue 15's round nine."""
    assert not {"ru", "hi", "lo"} & {lang_tag(r) for r in rows}


def test_each_new_template_carries_offers_and_negatives(rows: list[dict[str, Any]]) -> None:
    """A style is never evidence on its own: the sell templates also carry clean rows."""
    by_tag = Counter((lang_tag(r), r["label"], r["intent"]) for r in rows)
    for tag in {lang_tag(r) for r in rows} - {"ms"}:  # ms has no base negatives of its own
        assert by_tag[(tag, "wildlife", "sell")] >= 25
        assert by_tag[(tag, "wildlife", "buy")] >= 10
        assert by_tag[(tag, "clean", "sell")] >= 10
    for tag in DOUBLE:
        assert by_tag[(tag, "wildlife", "sell")] >= 55
    assert all(r["label"] == "clean" for r in rows if r["negative_kind"])
