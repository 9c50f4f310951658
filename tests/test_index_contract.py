"""The ``Store`` contract (``index/base.py``), run against every backend in
``store_factories.STORE_BACKENDS`` (the ``store`` fixture of ``conftest.py``).
Backend-specific behaviour lives in
``test_index_<backend>.py``."""

from __future__ import annotations

import dataclasses
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from store_factories import (
    STORE_BACKENDS,
    at,
    make_alert,
    make_detection,
    make_listing,
)

from alerts.base import STATE_DISMISSED, STATE_NEW, STATE_TRIAGED, ConflictError, UnknownAlertError
from index.base import (
    HIGHLIGHT_END,
    HIGHLIGHT_START,
    HISTOGRAM_FIELDS,
    HISTOGRAM_INTERVALS,
    AlertFilter,
    SearchQuery,
    Store,
)


def keys(result) -> set[str]:  # type: ignore[no-untyped-def]
    return {hit.stored.listing.key for hit in result.hits}


# -- listings: versions, freshness, removal ---------------------------------------------


def test_upsert_new_unchanged_changed(store: Store) -> None:
    one, two = make_listing(listing_id="1"), make_listing(listing_id="2", title="Tiger claw")
    first = store.upsert_listings([one, two])
    assert (first.new, first.changed, first.unchanged) == (2, 0, 0)
    assert set(first.fresh_keys) == {one.key, two.key}
    store.put_detections((x.content_hash, make_detection(x)) for x in (one, two))

    again = store.upsert_listings([make_listing(listing_id="1", fetched_at=at(5)), two])
    assert (again.new, again.changed, again.unchanged, again.fresh_keys) == (0, 0, 2, ())
    stored = store.get_listing(one.key)
    assert stored is not None
    assert (stored.version, stored.first_seen_at, stored.last_seen_at) == (1, at(0), at(5))

    edited = make_listing(listing_id="1", price=99.0, fetched_at=at(10))
    changed = store.upsert_listings([edited])
    assert (changed.new, changed.changed, changed.unchanged) == (0, 1, 0)
    assert changed.fresh_keys == (one.key,)
    latest = store.get_listing(one.key)
    assert latest is not None and latest.version == 2
    assert latest.listing == edited and latest.first_seen_at == at(0)
    assert store.listing_versions(one.key) == [one, edited]
    assert store.get_listing("bazaar:nope") is None and store.listing_versions("bazaar:nope") == []


def test_change_and_change_back_is_three_versions(store: Store) -> None:
    a1 = make_listing(text="ivory", fetched_at=at(0))
    b = make_listing(text="bone", fetched_at=at(1))
    a2 = make_listing(text="ivory", fetched_at=at(2))
    for listing in (a1, b, a2):
        store.upsert_listings([listing])
    versions = store.listing_versions(a1.key)
    assert [v.text for v in versions] == ["ivory", "bone", "ivory"]
    assert [v.fetched_at for v in versions] == [at(0), at(1), at(2)]
    stored = store.get_listing(a1.key)
    assert stored is not None and stored.version == 3


def test_repeats_within_one_batch_are_compared_in_order(store: Store) -> None:
    batch = [make_listing(text=t, fetched_at=at(i)) for i, t in enumerate(["a", "b", "b", "a"])]
    result = store.upsert_listings(batch)
    assert (result.new, result.changed, result.unchanged) == (1, 2, 1)
    assert result.fresh_keys == (batch[0].key,)
    assert [v.text for v in store.listing_versions(batch[0].key)] == ["a", "b", "a"]


def test_removal_and_reappearance(store: Store) -> None:
    listings = [make_listing(listing_id=str(i)) for i in range(3)]
    other = make_listing(source="tradepost", listing_id="9")
    store.upsert_listings([*listings, other])
    assert store.active_keys("bazaar") == {lst.key for lst in listings}

    assert store.mark_removed([listings[0].key, listings[1].key, "bazaar:ghost"], at(3)) == 2
    assert store.mark_removed([listings[0].key], at(4)) == 0  # already removed: time kept
    removed = store.get_listing(listings[0].key)
    assert removed is not None and removed.removed_at == at(3)
    assert store.active_keys("bazaar") == {listings[2].key}
    assert store.active_keys("tradepost") == {other.key}
    assert store.counts()["removed"] == 2

    store.put_detections([(listings[0].content_hash, make_detection(listings[0]))])
    back = store.upsert_listings([make_listing(listing_id="0", fetched_at=at(8))])
    assert back.unchanged == 1 and back.fresh_keys == ()
    reappeared = store.get_listing(listings[0].key)
    assert reappeared is not None
    assert (reappeared.removed_at, reappeared.version, reappeared.last_seen_at) == (None, 1, at(8))
    assert store.active_keys("bazaar") == {listings[0].key, listings[2].key}


def test_unclassified_listing_stays_fresh_until_a_detection_is_stored(store: Store) -> None:
    """A classifier failure after the upsert must not leave a listing unclassified for good:
    an identical upsert lists it again, until its latest version has a detection."""
    one, two = make_listing(listing_id="1"), make_listing(listing_id="2", title="Tiger claw")
    store.upsert_listings([one, two])

    again = store.upsert_listings([one, make_listing(listing_id="2", title="Tiger claw")])
    assert (again.new, again.changed, again.unchanged) == (0, 0, 2)
    assert set(again.fresh_keys) == {one.key, two.key}
    assert store.counts()["versions"] == 2  # fresh again, but no new version

    store.put_detections([(one.content_hash, make_detection(one))])
    third = store.upsert_listings([one, two, one])
    assert (third.unchanged, third.fresh_keys) == (3, (two.key,))

    store.put_detections([(two.content_hash, make_detection(two))])
    assert store.upsert_listings([one, two]).fresh_keys == ()


def test_a_detection_of_an_older_version_does_not_make_the_latest_classified(
    store: Store,
) -> None:
    a = make_listing(text="ivory bangle")
    store.upsert_listings([a])
    store.put_detections([(a.content_hash, make_detection(a))])
    b = make_listing(text="cow bone bangle", fetched_at=at(1))
    assert store.upsert_listings([b]).fresh_keys == (b.key,)
    assert store.upsert_listings([b]).fresh_keys == (b.key,)  # B still has no detection

    a_again = make_listing(text="ivory bangle", fetched_at=at(2))
    assert store.upsert_listings([a_again]).fresh_keys == (a.key,)  # a change: fresh
    assert store.upsert_listings([a_again]).fresh_keys == ()  # A's verdict applies again


# -- detections --------------------------------------------------------------------------


def test_detections_follow_the_latest_version(store: Store) -> None:
    a = make_listing(text="ivory bangle")
    store.upsert_listings([a])
    assert store.get_detection(a.key) is None
    det_a = make_detection(a, score=0.8)
    assert store.put_detections([(a.content_hash, det_a)]) == 1
    assert store.get_detection(a.key) == det_a

    b = make_listing(text="cow bone bangle", fetched_at=at(1))
    store.upsert_listings([b])
    assert store.get_detection(a.key) is None  # the new version is not classified yet
    det_b = make_detection(b, score=0.1, label="clean", commodity=None, intent="other")
    store.put_detections([(b.content_hash, det_b)])
    assert store.get_detection(a.key) == det_b

    store.upsert_listings([make_listing(text="ivory bangle", fetched_at=at(2))])
    assert store.get_detection(a.key) == det_a  # back to A: A's verdict applies again

    reclassified = make_detection(a, score=0.95, model="lexicon@2")
    store.put_detections([(a.content_hash, reclassified)])
    assert store.get_detection(a.key) == reclassified
    assert store.counts()["detections"] == 2


# -- search ------------------------------------------------------------------------------


@pytest.fixture
def corpus(store: Store) -> Store:
    """Five listings in four languages; four classified."""
    rows = [
        (make_listing(listing_id="en", title="Carved ivory bangle"), 0.9, "ivory", "sell", "en"),
        (
            make_listing(
                source="tradepost", listing_id="fr", title="Défense d'éléphant sculptée",
                text="Pièce ancienne", lang_hint="fr", seller_id="seller-2",
            ),
            0.7, "ivory", "sell", None,
        ),
        (
            make_listing(listing_id="zh", title="出售老象牙手镯", text="微信联系", lang_hint="zh"),
            0.8, "ivory", "buy", "zh",
        ),
        (
            make_listing(listing_id="th", title="ขายงาช้างแท้ ราคาถูก", text="", lang_hint="th",
                         kind="post"),
            0.6, "pangolin", "sell", "th",
        ),
        (make_listing(listing_id="plain", title="Ivory-coloured dress", lang_hint=None), None,
         None, None, None),
    ]  # fmt: skip
    store.upsert_listings([row[0] for row in rows])
    store.put_detections(
        (lst.content_hash, make_detection(lst, score=s, commodity=c, intent=i, lang=lang))
        for lst, s, c, i, lang in rows
        if s is not None
    )
    return store


def test_search_text_in_several_scripts(corpus: Store) -> None:
    def found(text: str) -> set[str]:
        return {k.split(":")[1] for k in keys(corpus.search(SearchQuery(text=text)))}

    assert found("bangle") == {"en"}
    assert found("IVORY") == {"en", "plain"}
    assert found("ivory bangle") == {"en"}  # terms are ANDed
    assert found("elephant sculptee") == {"fr"}  # accents are ignored
    assert found("éléphant") == {"fr"}
    assert found("象牙手镯") == {"zh"}  # Chinese: substring, no word breaks
    assert found("象牙") == {"zh"}  # even two characters
    assert found("งาช้าง") == {"th"}  # Thai: substring
    assert found("Curios") == {"en", "fr", "zh", "th", "plain"}  # seller name
    assert found("rhino") == set()


def test_search_sees_only_the_latest_version(store: Store) -> None:
    store.upsert_listings([make_listing(title="出售老象牙手镯", text="tusk")])
    store.upsert_listings([make_listing(title="Carved bangle", text="", fetched_at=at(1))])
    assert store.search(SearchQuery(text="象牙手镯")).total == 0
    assert store.search(SearchQuery(text="tusk")).total == 0
    assert store.search(SearchQuery(text="bangle")).total == 1
    store.upsert_listings([make_listing(title="收购象牙手镯", text="", fetched_at=at(2))])
    assert store.search(SearchQuery(text="象牙手镯")).total == 1
    assert store.search(SearchQuery(text="bangle")).total == 0


def test_search_highlights_mark_the_match(corpus: Store) -> None:
    (hit,) = corpus.search(SearchQuery(text="bangle")).hits
    assert any(f"{HIGHLIGHT_START}bangle{HIGHLIGHT_END}" in h.lower() for h in hit.highlights)
    assert hit.detection is not None and hit.detection.score == 0.9


def test_search_filters(corpus: Store) -> None:
    def found(**filters: object) -> set[str]:
        result = corpus.search(SearchQuery(**filters))  # type: ignore[arg-type]
        assert result.total == len(result.hits)
        return {k.split(":")[1] for k in keys(result)}

    assert found() == {"en", "fr", "zh", "th", "plain"}
    assert found(source="tradepost") == {"fr"}
    assert found(commodity="ivory") == {"en", "fr", "zh"}
    assert found(intent="buy") == {"zh"}
    assert found(lang="fr") == {"fr"}  # no detected language: the crawler's hint
    assert found(kind="post") == {"th"}
    assert found(seller_id="seller-2") == {"fr"}
    assert found(min_score=0.75) == {"en", "zh"}
    assert found(text="ivory", commodity="ivory") == {"en"}
    corpus.mark_removed(["bazaar:en"], at(5))
    assert found(commodity="ivory", include_removed=False) == {"fr", "zh"}
    assert found(commodity="ivory") == {"en", "fr", "zh"}


def test_search_facets_count_the_filtered_set(corpus: Store) -> None:
    result = corpus.search(SearchQuery())
    assert result.facets == {
        "source": {"bazaar": 4, "tradepost": 1},
        "commodity": {"ivory": 3, "pangolin": 1},
        "intent": {"sell": 3, "buy": 1},
        "lang": {"en": 1, "fr": 1, "zh": 1, "th": 1},
        "kind": {"listing": 4, "post": 1},
    }
    narrowed = corpus.search(SearchQuery(commodity="ivory", facets=("source", "intent")))
    assert narrowed.total == 3
    assert narrowed.facets == {
        "source": {"bazaar": 2, "tradepost": 1},
        "intent": {"sell": 2, "buy": 1},
    }


def test_search_orders_by_score_and_pages(store: Store) -> None:
    listings = [make_listing(listing_id=f"{i:02d}", fetched_at=at(i)) for i in range(25)]
    store.upsert_listings(listings)
    store.put_detections(
        (lst.content_hash, make_detection(lst, score=i / 100)) for i, lst in enumerate(listings)
    )
    pages = [store.search(SearchQuery(limit=10, offset=o, facets=())) for o in (0, 10, 20)]
    assert [p.total for p in pages] == [25, 25, 25]
    assert [len(p.hits) for p in pages] == [10, 10, 5]
    order = [h.stored.listing.listing_id for p in pages for h in p.hits]
    assert order == [f"{i:02d}" for i in reversed(range(25))]
    text_pages = [
        store.search(SearchQuery(text="bangle", limit=7, offset=o)) for o in (0, 7, 14, 21)
    ]
    assert {p.total for p in text_pages} == {25}
    text_keys = [h.stored.listing.key for p in text_pages for h in p.hits]
    assert sorted(text_keys) == sorted(lst.key for lst in listings)


# -- alerts ------------------------------------------------------------------------------


def test_alerts_are_one_per_listing_and_refresh_keeps_triage(store: Store) -> None:
    listing = make_listing()
    alert = make_alert(listing)
    assert store.upsert_alerts([alert, alert]) == 1
    assert store.upsert_alerts([alert]) == 0
    assert store.count_alerts(AlertFilter()) == 1

    triaged = store.set_alert_state(alert.id, STATE_TRIAGED, actor="ana", expected_version=1)
    assert (triaged.state, triaged.version) == (STATE_TRIAGED, 2)
    refreshed = make_alert(
        listing, score=0.97, title="New title", updated_at=at(9), created_at=at(9)
    )
    assert store.upsert_alerts([refreshed]) == 0
    stored = store.get_alert(alert.id)
    assert stored is not None
    assert (stored.score, stored.title) == (0.97, "New title")
    assert (stored.state, stored.version, stored.created_at) == (STATE_TRIAGED, 2, alert.created_at)
    assert store.get_alert("missing") is None


def test_alert_state_changes_are_compare_and_set_and_audited(store: Store) -> None:
    alert = make_alert(make_listing())
    store.upsert_alerts([alert])
    store.set_alert_state(
        alert.id, STATE_TRIAGED, actor="ana", expected_version=1, note="looks real"
    )
    with pytest.raises(ConflictError):
        store.set_alert_state(
            alert.id, STATE_DISMISSED, actor="ben", expected_version=1, reason="duplicate"
        )
    with pytest.raises(UnknownAlertError):
        store.set_alert_state(
            "missing", STATE_DISMISSED, actor="ben", expected_version=1, reason="duplicate"
        )
    store.set_alert_state(
        alert.id, STATE_DISMISSED, actor="ben", expected_version=2, reason="duplicate"
    )

    history = store.alert_history(alert.id)
    assert [h.action for h in history][0] == "created"
    assert [(h.from_state, h.to_state) for h in history] == [
        (None, STATE_NEW),
        (STATE_NEW, STATE_TRIAGED),
        (STATE_TRIAGED, STATE_DISMISSED),
    ]
    assert [(h.actor, h.note) for h in history[1:]] == [("ana", "looks real"), ("ben", "")]
    current = store.get_alert(alert.id)
    assert current is not None and (current.state, current.version) == (STATE_DISMISSED, 3)
    assert store.alert_history("missing") == []


def test_list_alerts_filters_and_orders_by_score(store: Store) -> None:
    listings = [make_listing(listing_id=str(i), seller_id=f"s{i % 2}") for i in range(4)]
    store.upsert_alerts(
        make_alert(lst, score=s, commodity=c)
        for lst, s, c in zip(
            listings, (0.6, 0.9, 0.7, 0.8), ("ivory", "ivory", "pangolin", "ivory"), strict=True
        )
    )
    first = store.list_alerts(AlertFilter())
    assert [a.score for a in first] == [0.9, 0.8, 0.7, 0.6]
    assert [a.score for a in store.list_alerts(AlertFilter(limit=2, offset=1))] == [0.8, 0.7]
    ivory = AlertFilter(commodity="ivory", min_score=0.7)
    assert [a.listing_key for a in store.list_alerts(ivory)] == ["bazaar:1", "bazaar:3"]
    assert store.count_alerts(ivory) == 2
    assert store.count_alerts(AlertFilter(seller_id="s0")) == 2
    store.set_alert_state(first[0].id, STATE_TRIAGED, actor="ana", expected_version=1)
    assert store.count_alerts(AlertFilter(state=STATE_NEW)) == 3


def test_counts(corpus: Store) -> None:
    corpus.upsert_listings([make_listing(listing_id="en", title="Carved ivory", fetched_at=at(1))])
    corpus.mark_removed(["bazaar:plain"], at(2))
    corpus.upsert_alerts([make_alert(make_listing(listing_id="en"))])
    assert corpus.counts() == {
        "listings": 5,
        "versions": 6,
        "detections": 4,
        "alerts": 1,
        "removed": 1,
    }


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
