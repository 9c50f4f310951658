"""Assigning alerts (``alerts.base.Assignment`` through ``Store.assign_alert``), on every
backend: the assignee is kept, the version moves on, the audit log says who did it, and
a stale version is a conflict."""

from __future__ import annotations

import pytest
from factories import make_alert, make_listing

from alerts.base import ACTION_ASSIGN, ConflictError, InvalidChangeError, UnknownAlertError
from index.base import AlertFilter, Store


def test_assign_and_unassign(store: Store) -> None:
    alert = make_alert(make_listing())
    store.upsert_alerts([alert])
    given = store.assign_alert(alert.id, "ana", actor="root", expected_version=1, note="yours")
    assert (given.assignee, given.version, given.state) == ("ana", 2, alert.state)
    stored = store.get_alert(alert.id)
    assert stored is not None and stored.assignee == "ana" and stored.version == 2
    (listed,) = store.list_alerts(AlertFilter())
    assert listed.assignee == "ana"
    entry = store.alert_history(alert.id)[-1]
    assert (entry.action, entry.actor, entry.note) == (
        ACTION_ASSIGN,
        "root",
        "assigned to ana: yours",
    )
    assert entry.from_state == entry.to_state == alert.state
    back = store.assign_alert(alert.id, None, actor="ana", expected_version=2)
    assert back.assignee is None
    assert store.alert_history(alert.id)[-1].note == "unassigned"


def test_assignment_rules(store: Store) -> None:
    alert = make_alert(make_listing())
    store.upsert_alerts([alert])
    with pytest.raises(ConflictError):
        store.assign_alert(alert.id, "ana", actor="root", expected_version=5)
    with pytest.raises(InvalidChangeError):
        store.assign_alert(alert.id, "ana", actor="  ", expected_version=1)
    with pytest.raises(UnknownAlertError):
        store.assign_alert("nope", "ana", actor="root", expected_version=1)
    # A triage decision made against the version before the assignment is a conflict.
    store.assign_alert(alert.id, "ana", actor="root", expected_version=1)
    with pytest.raises(ConflictError):
        store.set_alert_state(alert.id, "triaged", actor="bob", expected_version=1)
    # Re-raising the alert (a re-crawl) keeps the assignment.
    store.upsert_alerts([make_alert(make_listing(), score=0.5)])
    stored = store.get_alert(alert.id)
    assert stored is not None and stored.assignee == "ana"
