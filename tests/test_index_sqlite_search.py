"""``index.sqlite_search``: the two ways of finding a page of hits (sorting every match,
or walking the sort-order index past non-matches) give the same page, in the same
order, with the same total and facets, on ties of score and time too."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from factories import at, make_detection, make_listing

from index import sqlite_search
from index.base import SearchQuery
from index.sqlite import SqliteStore

WORDS = ("ivory", "tiger", "bangle", "pangolin", "carved", "vintage")
QUERIES = [
    SearchQuery(text="ivory"),
    SearchQuery(text="ivory", offset=20),
    SearchQuery(text="tiger OR pangolin", source="tradepost", limit=7, offset=3),
    SearchQuery(text="carved bangle", min_score=0.4, include_removed=True),
    SearchQuery(text="vintage", commodity="ivory", facets=("commodity",)),
    SearchQuery(source="bazaar", lang="en", offset=4),
    SearchQuery(commodity="ivory", include_removed=True),
]


def _page(store: SqliteStore, query: SearchQuery) -> tuple[object, ...]:
    result = store.search(query)
    return result.total, result.facets, [h.stored.listing.key for h in result.hits]


def test_walking_the_rank_index_gives_the_page_sorting_gives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rnd = random.Random(11)
    store = SqliteStore(tmp_path / "wildtrace.db")
    store.init()
    listings = [
        make_listing(
            source=rnd.choice(("bazaar", "tradepost")), listing_id=str(i),
            title=" ".join(rnd.sample(WORDS, 2)), text=" ".join(rnd.choices(WORDS, k=5)),
            fetched_at=at(rnd.randrange(3)),
        )
        for i in range(240)
    ]  # fmt: skip
    store.upsert_listings(listings)
    store.put_detections(
        (x.content_hash, make_detection(x, score=rnd.choice((0.2, 0.5, 0.9)),
                                        commodity=rnd.choice(("ivory", None))))
        for x in listings[:200]
    )  # fmt: skip
    store.mark_removed([x.key for x in listings[::9]], at(5))
    try:
        monkeypatch.setattr(sqlite_search, "WALK_BUDGET", 0)
        sorted_pages = [_page(store, q) for q in QUERIES]
        monkeypatch.setattr(sqlite_search, "WALK_BUDGET", 10**9)
        walked_pages = [_page(store, q) for q in QUERIES]
    finally:
        store.close()
    assert walked_pages == sorted_pages
    assert all(page[2] for page in sorted_pages), "every query has hits"
