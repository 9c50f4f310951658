"""The alert half of the ``Store`` contract on every backend: paging limits and cursor
iteration (the drift that let one backend cap ``list_alerts`` at 1,000 and the other at
10,000), triage transitions, dismissal reasons, and the fields an upsert refreshes."""

from __future__ import annotations

import pytest
from factories import at, make_alert, make_listing

from alerts.base import (
    DISMISSAL_REASONS,
    REFRESHED_FIELDS,
    STATE_CONFIRMED,
    STATE_DISMISSED,
    STATE_ESCALATED,
    STATE_NEW,
    STATE_TRIAGED,
    TRANSITIONS,
    Alert,
    ConflictError,
    InvalidChangeError,
    TransitionError,
)
from index.base import MAX_PAGE, MAX_WINDOW, AlertCursor, AlertFilter, Store

QUEUE = 1_234  # more than one page (MAX_PAGE) of alerts


def _queue(store: Store, n: int = QUEUE) -> list[Alert]:
    """``n`` alerts with many equal priorities, scores and creation times, so the order's
    tie-breaks (score, created_at, then id) decide most positions."""
    alerts = [
        make_alert(
            make_listing(listing_id=str(i)),
            score=round(0.5 + (i % 7) / 20, 2),
            created_at=at(i % 3),
            commodity="ivory" if i % 2 else "pangolin",
            priority=float((i % 4) * 20),
        )
        for i in range(n)
    ]
    store.upsert_alerts(alerts)
    return sorted(alerts, key=lambda a: (-a.priority, -a.score, a.created_at, a.id))


def _ids(alerts: list[Alert]) -> list[str]:
    return [a.id for a in alerts]


# -- queue order: priority first, then the probability ---------------------------------------


def test_the_queue_is_ordered_by_priority_before_score(store: Store) -> None:
    low = make_alert(make_listing(listing_id="a"), score=0.99, priority=20.0)
    high = make_alert(make_listing(listing_id="b"), score=0.60, priority=80.0)
    none = make_alert(make_listing(listing_id="c"), score=0.95)  # stored before priorities
    store.upsert_alerts([low, high, none])
    assert _ids(store.list_alerts(AlertFilter())) == _ids([high, low, none])
    assert _ids(list(store.iter_alerts(AlertFilter(), page_size=1))) == _ids([high, low, none])


def test_a_new_detection_refreshes_the_priority(store: Store) -> None:
    alert = make_alert(make_listing(listing_id="a"), priority=10.0)
    store.upsert_alerts([alert])
    store.upsert_alerts([make_alert(make_listing(listing_id="a"), priority=70.0)])
    stored = store.get_alert(alert.id)
    assert stored is not None and stored.priority == 70.0
    assert "priority" in REFRESHED_FIELDS
    old = {k: v for k, v in alert.to_dict().items() if k != "priority"}
    assert Alert.from_dict(old).priority == 0.0


# -- paging: the same limits on every backend ----------------------------------------------


def test_a_page_larger_than_max_page_is_refused_not_cut_short(store: Store) -> None:
    with pytest.raises(ValueError, match="limit"):
        store.list_alerts(AlertFilter(limit=MAX_PAGE + 1))


def test_offset_paging_stops_at_the_window(store: Store) -> None:
    with pytest.raises(ValueError, match="offset"):
        store.list_alerts(AlertFilter(limit=10, offset=MAX_WINDOW - 9))
    with pytest.raises(ValueError, match="offset"):
        store.list_alerts(AlertFilter(limit=10, offset=-1))


def test_a_full_page_is_max_page_alerts(store: Store) -> None:
    expected = _queue(store)
    page = store.list_alerts(AlertFilter(limit=MAX_PAGE))
    assert len(page) == MAX_PAGE
    assert _ids(page) == _ids(expected[:MAX_PAGE])


def test_iter_alerts_reads_the_whole_queue_in_order(store: Store) -> None:
    expected = _queue(store)
    everything = list(store.iter_alerts(AlertFilter(), page_size=100))
    assert len(everything) == QUEUE
    assert _ids(everything) == _ids(expected)


def test_iter_alerts_keeps_the_filters(store: Store) -> None:
    expected = [a for a in _queue(store) if a.commodity == "ivory"]
    found = list(store.iter_alerts(AlertFilter(commodity="ivory", limit=3, offset=7)))
    assert _ids(found) == _ids(expected)
    assert store.count_alerts(AlertFilter(commodity="ivory")) == len(expected)


def test_cursor_pages_continue_where_the_last_one_ended(store: Store) -> None:
    expected = _queue(store, 40)
    first = store.list_alerts(AlertFilter(limit=15))
    second = store.list_alerts(AlertFilter(limit=15, after=AlertCursor.after(first[-1])))
    assert _ids(first + second) == _ids(expected[:30])


def test_cursor_and_offset_together_are_refused(store: Store) -> None:
    cursor = AlertCursor(0.5, at(0), "x")
    with pytest.raises(ValueError, match="not both"):
        store.list_alerts(AlertFilter(limit=5, offset=5, after=cursor))


# -- upserts refresh only what the rule sees ------------------------------------------------


def test_an_upsert_refreshes_exactly_the_refreshed_fields(store: Store) -> None:
    listing = make_listing()
    alert = make_alert(listing)
    store.upsert_alerts([alert])
    store.set_alert_state(alert.id, STATE_TRIAGED, actor="ana", expected_version=1)
    newer = make_alert(
        listing,
        score=0.55,
        commodity="rhino_horn",
        intent="buy",
        title="Edited",
        created_at=at(30),
        updated_at=at(30),
        rule="other",
        seller_id="someone-else",
    )
    assert store.upsert_alerts([newer]) == 0
    stored = store.get_alert(alert.id)
    assert stored is not None
    for name in REFRESHED_FIELDS:
        assert getattr(stored, name) == getattr(newer, name), name
    # What it shows changed: the version moves on (see test_index_contract_refresh.py).
    kept = ("state", "version", "created_at", "rule", "seller_id", "listing_key", "source")
    assert {n: getattr(stored, n) for n in kept} == {
        "state": STATE_TRIAGED,
        "version": 3,
        "created_at": alert.created_at,
        "rule": alert.rule,
        "seller_id": alert.seller_id,
        "listing_key": alert.listing_key,
        "source": alert.source,
    }


def test_the_last_alert_for_an_id_in_one_batch_wins(store: Store) -> None:
    listing = make_listing()
    first, last = make_alert(listing, score=0.6), make_alert(listing, score=0.95)
    assert store.upsert_alerts([first, last]) == 1
    stored = store.get_alert(first.id)
    assert stored is not None
    assert stored.score == 0.95
    assert len(store.alert_history(first.id)) == 1


# -- triage transitions ---------------------------------------------------------------------


def _alert_in(store: Store, state: str) -> Alert:
    """A stored alert brought to ``state`` by allowed steps."""
    alert = make_alert(make_listing(listing_id=f"in-{state}"))
    store.upsert_alerts([alert])
    path = {
        STATE_NEW: [],
        STATE_TRIAGED: [STATE_TRIAGED],
        STATE_ESCALATED: [STATE_ESCALATED],
        STATE_CONFIRMED: [STATE_CONFIRMED],
        STATE_DISMISSED: [STATE_DISMISSED],
    }[state]
    current = alert
    for step in path:
        reason = "duplicate" if step == STATE_DISMISSED else None
        current = store.set_alert_state(
            alert.id, step, actor="setup", expected_version=current.version, reason=reason
        )
    return current


@pytest.mark.parametrize(
    ("start", "target"),
    [(s, t) for s in TRANSITIONS for t in TRANSITIONS if t != s],
)
def test_transitions_follow_the_table(store: Store, start: str, target: str) -> None:
    alert = _alert_in(store, start)
    reason = "not_actionable" if target == STATE_DISMISSED else None
    change = {"actor": "ana", "expected_version": alert.version, "reason": reason}
    if target in TRANSITIONS[start]:
        moved = store.set_alert_state(alert.id, target, **change)  # type: ignore[arg-type]
        assert (moved.state, moved.version) == (target, alert.version + 1)
    else:
        with pytest.raises(TransitionError):
            store.set_alert_state(alert.id, target, **change)  # type: ignore[arg-type]
        unchanged = store.get_alert(alert.id)
        assert unchanged is not None
        assert (unchanged.state, unchanged.version) == (start, alert.version)


def test_a_change_to_the_same_state_is_refused(store: Store) -> None:
    alert = _alert_in(store, STATE_TRIAGED)
    with pytest.raises(TransitionError):
        store.set_alert_state(alert.id, STATE_TRIAGED, actor="ana", expected_version=2)


@pytest.mark.parametrize("actor", ["", "   ", "x" * 101])
def test_a_change_needs_a_real_actor(store: Store, actor: str) -> None:
    alert = _alert_in(store, STATE_NEW)
    with pytest.raises(InvalidChangeError, match="actor"):
        store.set_alert_state(alert.id, STATE_TRIAGED, actor=actor, expected_version=1)
    assert len(store.alert_history(alert.id)) == 1


@pytest.mark.parametrize("reason", [None, "", "looked fine", "NOT_WILDLIFE"])
def test_dismissing_needs_a_known_reason(store: Store, reason: str | None) -> None:
    alert = _alert_in(store, STATE_NEW)
    with pytest.raises(InvalidChangeError, match="reason"):
        store.set_alert_state(
            alert.id, STATE_DISMISSED, actor="ana", expected_version=1, reason=reason
        )


def test_a_reason_is_only_for_dismissals(store: Store) -> None:
    alert = _alert_in(store, STATE_NEW)
    with pytest.raises(InvalidChangeError, match="reason"):
        store.set_alert_state(
            alert.id, STATE_CONFIRMED, actor="ana", expected_version=1, reason="duplicate"
        )


@pytest.mark.parametrize("reason", DISMISSAL_REASONS)
def test_the_dismissal_reason_is_kept_in_the_audit_entry(store: Store, reason: str) -> None:
    alert = _alert_in(store, STATE_NEW)
    store.set_alert_state(
        alert.id, STATE_DISMISSED, actor=" ana ", expected_version=1, note="n", reason=reason
    )
    last = store.alert_history(alert.id)[-1]
    assert (last.from_state, last.to_state) == (STATE_NEW, STATE_DISMISSED)
    assert (last.actor, last.note, last.reason) == ("ana", "n", reason)


def test_a_stale_version_is_a_conflict_before_the_transition_is_judged(store: Store) -> None:
    alert = _alert_in(store, STATE_CONFIRMED)
    with pytest.raises(ConflictError):
        store.set_alert_state(alert.id, STATE_NEW, actor="ana", expected_version=1)
