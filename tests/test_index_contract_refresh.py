"""Re-raising an existing alert on every backend: a change in what it shows (score,
commodity, intent, title) is audited and moves the version on; no change, no entry."""

from __future__ import annotations

import pytest
from factories import make_alert, make_listing

from alerts.base import ACTION_REFRESHED, ConflictError
from index.base import Store


def test_a_changed_re_raise_is_audited_not_silent(store: Store) -> None:
    listing = make_listing()
    alert = make_alert(listing)
    store.upsert_alerts([alert])
    store.set_alert_state(alert.id, "triaged", actor="ana", expected_version=1)
    assert store.upsert_alerts([make_alert(listing)]) == 0  # the same again: nothing
    assert [h.action for h in store.alert_history(alert.id)] == ["created", "state"]
    newer = make_alert(
        listing,
        score=0.97,
        title="Carved ivory bangle, price cut",
        updated_at="2030-01-01T00:00:00Z",
    )
    store.upsert_alerts([newer])
    stored = store.get_alert(alert.id)
    assert stored is not None
    assert (stored.state, stored.version, stored.score) == ("triaged", 3, 0.97)
    last = store.alert_history(alert.id)[-1]
    assert (last.action, last.actor) == (ACTION_REFRESHED, "rule:threshold")
    assert "score 0.9 → 0.97" in last.note and "price cut" in last.note
    # An investigator who opened the alert before the re-raise must look again.
    with pytest.raises(ConflictError):
        store.set_alert_state(alert.id, "escalated", actor="ana", expected_version=2)
    store.set_alert_state(alert.id, "escalated", actor="ana", expected_version=3)
    assert [h.action for h in store.alert_history(alert.id)] == [
        "created",
        "state",
        ACTION_REFRESHED,
        "state",
    ]
