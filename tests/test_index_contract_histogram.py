"""``Store.date_histogram`` on every backend: intervals, fields, filters, and both
backends giving the same buckets."""

from __future__ import annotations

import dataclasses
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from factories import (
    STORE_BACKENDS,
    make_detection,
    make_listing,
)

from index.base import (
    HISTOGRAM_FIELDS,
    HISTOGRAM_INTERVALS,
    SearchQuery,
    SearchResult,
    Store,
)


def keys(result: SearchResult) -> set[str]:
    return {hit.stored.listing.key for hit in result.hits}


# -- date histograms ---------------------------------------------------------------------


def _ts(day: str, time: str = "00:00:00.000000") -> str:
    return f"{day}T{time}Z"


@pytest.fixture
def timeline(store: Store) -> Store:
    """Listings around a year end, a leap day and a Sunday/Monday week boundary."""
    rows = [
        ("a", _ts("2023-12-31", "23:30:00.000000"), "bazaar", "Tiger claw"),  # a Sunday
        ("b", _ts("2024-01-01", "00:45:00.500000"), "bazaar", "Carved bangle"),  # a Monday
        ("c", _ts("2024-01-01", "01:00:00.000000"), "bazaar", "Tiger skin"),
        ("d", _ts("2024-01-08", "12:00:00.000000"), "bazaar", "Tiger tooth"),
        ("e", _ts("2024-02-29", "23:59:59.999999"), "tradepost", "Ivory seal"),
    ]
    listings = {
        lid: make_listing(listing_id=lid, fetched_at=ts, source=src, title=title)
        for lid, ts, src, title in rows
    }
    store.upsert_listings(listings.values())
    seen_again = _ts("2024-01-01", "00:15:00.000000")  # unchanged: only last_seen_at moves
    store.upsert_listings([make_listing(listing_id="a", fetched_at=seen_again, title="Tiger claw")])
    store.put_detections(
        (x.content_hash, make_detection(x, commodity="tiger" if "Tiger" in x.title else "ivory"))
        for x in listings.values()
    )
    store.mark_removed([listings["c"].key], _ts("2024-02-04", "10:00:00.000000"))  # Sunday
    store.mark_removed([listings["d"].key], _ts("2024-02-05", "10:00:00.000000"))  # Monday
    return store


def _bucket(day: str, hour: int = 0) -> str:
    return f"{day}T{hour:02d}:00:00Z"


def test_date_histogram_intervals(timeline: Store) -> None:
    def hist(interval: str, field: str = "first_seen_at") -> list[tuple[str, int]]:
        return timeline.date_histogram(SearchQuery(), field=field, interval=interval)

    assert hist("hour") == [
        (_bucket("2023-12-31", 23), 1),
        (_bucket("2024-01-01", 0), 1),
        (_bucket("2024-01-01", 1), 1),
        (_bucket("2024-01-08", 12), 1),
        (_bucket("2024-02-29", 23), 1),  # .999999 s is still 23:59:59
    ]
    assert hist("day") == [
        (_bucket("2023-12-31"), 1),
        (_bucket("2024-01-01"), 2),
        (_bucket("2024-01-08"), 1),
        (_bucket("2024-02-29"), 1),
    ]  # empty days in between are omitted
    assert hist("week") == [  # weeks start on Monday
        (_bucket("2023-12-25"), 1),
        (_bucket("2024-01-01"), 2),
        (_bucket("2024-01-08"), 1),
        (_bucket("2024-02-26"), 1),
    ]
    assert hist("month") == [
        (_bucket("2023-12-01"), 1),
        (_bucket("2024-01-01"), 3),
        (_bucket("2024-02-01"), 1),
    ]
    assert timeline.date_histogram(SearchQuery()) == hist("day")  # the defaults


def test_date_histogram_fields_and_filters(timeline: Store) -> None:
    def hist(query: SearchQuery, field: str = "first_seen_at") -> list[tuple[str, int]]:
        return timeline.date_histogram(query, field=field, interval="month")

    assert hist(SearchQuery(), "last_seen_at") == [
        (_bucket("2024-01-01"), 4),
        (_bucket("2024-02-01"), 1),
    ]
    assert timeline.date_histogram(SearchQuery(), field="removed_at", interval="week") == [
        (_bucket("2024-01-29"), 1),
        (_bucket("2024-02-05"), 1),
    ]  # listings never removed have no bucket
    assert hist(SearchQuery(source="tradepost")) == [(_bucket("2024-02-01"), 1)]
    assert hist(SearchQuery(commodity="tiger")) == [
        (_bucket("2023-12-01"), 1),
        (_bucket("2024-01-01"), 2),
    ]
    assert hist(SearchQuery(text="tiger", include_removed=False)) == [(_bucket("2023-12-01"), 1)]
    assert hist(SearchQuery(text="bangle", limit=0, offset=5)) == [(_bucket("2024-01-01"), 1)]
    assert hist(SearchQuery(text="rhino")) == []


@pytest.mark.parametrize(
    ("field", "interval"), [("fetched_at", "day"), ("first_seen_at", "minute")]
)
def test_date_histogram_refuses_unknown_field_or_interval(
    store: Store, field: str, interval: str
) -> None:
    with pytest.raises(ValueError, match="histogram"):
        store.date_histogram(SearchQuery(), field=field, interval=interval)


def test_date_histograms_agree_across_backends(tmp_path: Path) -> None:
    """Every backend gives the same buckets for a generated year of listings (the
    Elasticsearch backend is skipped when no server answers)."""
    rng = random.Random(4)
    start = datetime(2023, 11, 20, tzinfo=UTC)

    def stamp() -> str:
        moment = start + timedelta(
            seconds=rng.randrange(400 * 86400), microseconds=rng.randrange(10**6)
        )
        return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")

    listings = [
        make_listing(listing_id=str(i), source=rng.choice(["bazaar", "tradepost"]),
                     fetched_at=stamp(), title=rng.choice(["Tiger claw", "Ivory seal"]))
        for i in range(120)
    ]  # fmt: skip
    later = [dataclasses.replace(x, fetched_at=stamp()) for x in listings[::3]]
    removed = {x.key: stamp() for x in listings[::5]}
    results: dict[str, list[list[tuple[str, int]]]] = {}
    for name, factory in STORE_BACKENDS:
        (tmp_path / name).mkdir()
        store = factory(tmp_path / name)
        try:
            store.upsert_listings(listings)
            store.upsert_listings(later)
            for key, when in removed.items():
                store.mark_removed([key], when)
            queries = [SearchQuery(), SearchQuery(source="tradepost", text="tiger")]
            results[name] = [
                store.date_histogram(q, field=f, interval=i)
                for q in queries
                for f in HISTOGRAM_FIELDS
                for i in HISTOGRAM_INTERVALS
            ]
        finally:
            store.close()
    baseline = results.pop("sqlite")
    assert sum(n for _, n in baseline[1]) == 120  # first_seen_at by day counts every listing
    for name, got in results.items():
        assert got == baseline, name
