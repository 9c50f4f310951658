"""Audited notes (``alerts.notes.AlertNote`` through ``Store.annotate_alert``: a partner's
answer, a re-check), on every backend: the state stays, the version moves on, the audit
log keeps who said what, in order; a bad note is refused before the store is touched."""

from __future__ import annotations

import pytest
from factories import make_alert, make_listing

from alerts.base import (
    ACTION_PARTNER_ACK,
    ACTION_RECHECK,
    AlertNote,
    InvalidChangeError,
    UnknownAlertError,
)
from index.base import Store


def test_notes_keep_the_state_and_are_audited_in_order(store: Store) -> None:
    alert = make_alert(make_listing())
    store.upsert_alerts([alert])
    noted = store.annotate_alert(alert.id, AlertNote(ACTION_PARTNER_ACK, "pat", "removed: ok"))
    assert (noted.state, noted.version) == (alert.state, 2)
    store.annotate_alert(alert.id, AlertNote(ACTION_RECHECK, "recheck", "back online"))
    stored = store.get_alert(alert.id)
    assert stored is not None and stored.version == 3 and stored.state == alert.state
    history = store.alert_history(alert.id)
    assert [(h.action, h.actor, h.note) for h in history[-2:]] == [
        (ACTION_PARTNER_ACK, "pat", "removed: ok"),
        (ACTION_RECHECK, "recheck", "back online"),
    ]
    assert all(h.from_state == h.to_state == alert.state for h in history[-2:])


def test_bad_notes_and_unknown_alerts_are_refused(store: Store) -> None:
    with pytest.raises(InvalidChangeError):
        AlertNote("state", "pat", "x")
    with pytest.raises(InvalidChangeError):
        AlertNote(ACTION_PARTNER_ACK, "  ", "x")
    with pytest.raises(InvalidChangeError):
        AlertNote(ACTION_PARTNER_ACK, "pat", "x" * 2001)
    with pytest.raises(UnknownAlertError):
        store.annotate_alert("nope", AlertNote(ACTION_PARTNER_ACK, "pat", "x"))
