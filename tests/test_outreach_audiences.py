"""Audience suppression, property-based (hypothesis): no published figure under k, and no
suppressed cell recoverable from what is published — checked from the published view
alone with numpy's rank, independently of the module's own audit."""

from __future__ import annotations

import numpy as np
from factories import make_listing
from hypothesis import given, settings
from hypothesis import strategies as st

from classifiers.base import LABEL_CLEAN, LABEL_WILDLIFE, Detection, Reason
from index.base import StoredListing
from outreach.audiences import Key, build, group_of, suppress

KEYS = st.tuples(
    st.sampled_from(["buy", "sell"]),
    st.sampled_from(["ivory", "pangolin"]),
    st.sampled_from(["en", "vi"]),
    st.sampled_from(["north", "south"]),
    st.sampled_from(["bazaar", "wildfeed"]),
    st.sampled_from(["2026-W47", "2026-W48"]),
)
TABLES = st.dictionaries(KEYS, st.integers(min_value=1, max_value=40), min_size=1, max_size=24)


Published = dict[str, list[tuple[tuple[str, ...], int | None]]]


def recoverable(published: Published) -> list[tuple[str, ...]]:
    """Hidden cells whose value the published totals pin down (linear algebra over the
    published equations only: a cell is pinned iff its unit vector is in the row space)."""
    hidden = [key for key, n in published["cells"] if n is None]
    rows = []
    for g, total in published["groups"]:
        if total is not None:
            rows.append([1.0 if group_of(c) == g else 0.0 for c in hidden])  # type: ignore[arg-type]
    for (intent,), total in published["intents"]:
        if total is not None:
            rows.append([1.0 if c[0] == intent else 0.0 for c in hidden])
    if not hidden or not rows:
        return []
    a = np.array(rows)
    rank = np.linalg.matrix_rank(a)
    out = []
    for j, cell in enumerate(hidden):
        unit = np.zeros(len(hidden))
        unit[j] = 1.0
        if np.linalg.matrix_rank(np.vstack([a, unit])) == rank:
            out.append(cell)
    return out


@settings(max_examples=300, deadline=None)
@given(TABLES, st.sampled_from([3, 5, 10]))
def test_no_published_figure_is_under_k(cells: dict[Key, int], k: int) -> None:
    published = suppress(cells, k).published()
    for part in ("cells", "groups", "intents"):
        assert all(n is None or n >= k for _, n in published[part]), part


@settings(max_examples=300, deadline=None)
@given(TABLES, st.sampled_from([3, 5, 10]))
def test_no_suppressed_cell_is_recoverable_from_the_totals(cells: dict[Key, int], k: int) -> None:
    published = suppress(cells, k).published()
    assert recoverable(published) == []
    # And every published figure is the true one.
    for key, n in published["cells"]:
        assert n is None or n == cells[key]  # type: ignore[index]


def test_the_independent_check_does_catch_a_lone_hidden_cell() -> None:
    cells = {("buy", "ivory", "en", "north", "bazaar", "2026-W47"): 3,
             ("buy", "ivory", "vi", "north", "bazaar", "2026-W47"): 30}  # fmt: skip
    naive: Published = {
        "cells": [(k, None if n < 10 else n) for k, n in cells.items()],
        "groups": [(("buy", "ivory", "2026-W47"), 33)],
        "intents": [(("buy",), 33)],
    }
    assert recoverable(naive) == [("buy", "ivory", "en", "north", "bazaar", "2026-W47")]
    assert recoverable(suppress(cells, 10).published()) == []


def _pair(
    n: int, intent: str, words: tuple[str, ...], label: str = LABEL_WILDLIFE
) -> tuple[StoredListing, Detection]:
    item = make_listing(
        listing_id=f"P{n}", title="tusk", text="white",
        url=f"https://bazaar.example/{n}", seller_id=f"seller{n}", region_hint="north",
    )  # fmt: skip
    stored = StoredListing(item, 1, "2026-11-23T10:00:00Z", "2026-11-24T10:00:00Z")
    reasons = tuple(Reason("term" if i else "code_word", "x", 0.5, None, w)
                    for i, w in enumerate(words))  # fmt: skip
    reasons += (Reason("context", "signal contact: phone", 0.4, None, f"+44 7700 900{n:03d}"),)
    return stored, Detection(item.key, 0.9, label, "ivory", intent=intent, lang="en",
                             reasons=reasons)  # fmt: skip


def test_keywords_are_only_common_matched_words_and_nothing_personal() -> None:
    pairs = [_pair(n, "buy", ("White Gold", f"handle{n}x")) for n in range(12)]
    pairs += [_pair(100 + n, "sell", ("tusk",)) for n in range(4)]  # a small intent
    pairs += [_pair(200, "buy", ("tusk",), LABEL_CLEAN)]  # not wildlife: never counted
    table = build(pairs, k=10)
    assert table.keywords == {("buy", "ivory", "en"): [("white gold", 12)]}
    published = table.published()
    assert dict(published["intents"]) == {("buy",): 12, ("sell",): None}
    text = repr(published) + repr(table.keywords)
    assert "seller" not in text and "http" not in text and "7700" not in text
