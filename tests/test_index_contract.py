"""The ``Store`` contract (``index/base.py``), run against every backend in
``factories.STORE_BACKENDS`` (the ``store`` fixture of ``conftest.py``).
Backend-specific behaviour lives in
``test_index_<backend>.py``."""

from __future__ import annotations

import pytest
from factories import (
    at,
    make_alert,
    make_detection,
    make_listing,
)

from alerts.base import STATE_DISMISSED, STATE_NEW, STATE_TRIAGED, ConflictError, UnknownAlertError
from index.base import (
    AlertFilter,
    SearchResult,
    Store,
)


def keys(result: SearchResult) -> set[str]:
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
    assert latest is not None
    assert latest.version == 2
    assert latest.listing == edited
    assert latest.first_seen_at == at(0)
    assert store.listing_versions(one.key) == [one, edited]
    assert store.get_listing("bazaar:nope") is None
    assert store.listing_versions("bazaar:nope") == []


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
    assert stored is not None
    assert stored.version == 3


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
    assert removed is not None
    assert removed.removed_at == at(3)
    assert store.active_keys("bazaar") == {listings[2].key}
    assert store.active_keys("tradepost") == {other.key}
    assert store.counts()["removed"] == 2

    store.put_detections([(listings[0].content_hash, make_detection(listings[0]))])
    back = store.upsert_listings([make_listing(listing_id="0", fetched_at=at(8))])
    assert back.unchanged == 1
    assert back.fresh_keys == ()
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
    assert current is not None
    assert (current.state, current.version) == (STATE_DISMISSED, 3)
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


# -- iterating listings --------------------------------------------------------------------


def test_iter_listings_reads_every_listing_by_key_past_any_page(store: Store) -> None:
    batch = [
        make_listing(source=("bazaar", "wildfeed")[i % 2], listing_id=f"{i:04d}")
        for i in range(1_150)
    ]
    store.upsert_listings(batch)
    store.mark_removed([batch[0].key], at(1))
    everything = list(store.iter_listings())
    assert [s.listing.key for s in everything] == sorted(x.key for x in batch)
    assert everything[0].removed_at == at(1)
    assert everything[0].version == 1


def test_iter_listings_keeps_to_one_source(store: Store) -> None:
    batch = [make_listing(source=s, listing_id=str(i)) for i, s in enumerate("abcab")]
    store.upsert_listings(batch)
    keys = [s.listing.key for s in store.iter_listings("a")]
    assert keys == ["a:0", "a:3"]
    assert list(store.iter_listings("nowhere")) == []
