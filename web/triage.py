"""Triage writes from the desk: one state change, or the same change on many alerts.

The acting account is always the signed-in one (never a typed name). Every change
carries the version the investigator saw; when someone else changed the alert in
between, the store refuses (``ConflictError``) and the page shows the alert again with
the typed note still in the form.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from alerts.base import STATE_DISMISSED, STATES, ConflictError, UnknownAlertError
from index.base import Store
from web.queries import BadRequest

# Why an alert was dismissed; it decides what ``export-feedback`` may learn from it.
DISMISS_REASONS = {
    "not_wildlife": "Not wildlife",
    "legal_product": "Legal product",
    "duplicate": "Duplicate",
    "not_actionable": "Not actionable",
}
MAX_NOTE_CHARS = 2000
MAX_BULK = 200


@dataclass(frozen=True, slots=True)
class Change:
    state: str
    note: str = ""
    reason: str | None = None


def parse_change(form: dict[str, str]) -> Change:
    state = form.get("state", "")
    if state not in STATES:
        raise BadRequest(f"state must be one of {', '.join(STATES)}")
    reason = form.get("reason") or None
    if state == STATE_DISMISSED:
        if reason not in DISMISS_REASONS:
            raise BadRequest(f"dismissing needs a reason: {', '.join(DISMISS_REASONS)}")
    else:
        reason = None
    return Change(state, form.get("note", "")[:MAX_NOTE_CHARS], reason)


def parse_version(value: str | None) -> int:
    try:
        return int(value or "")
    except ValueError:
        raise BadRequest("expected_version must be a number") from None


def apply(store: Store, alert_id: str, change: Change, *, actor: str, version: int) -> None:
    """One state change by ``actor``; raises ``ConflictError`` / ``UnknownAlertError``."""
    note = change.note.strip()
    if change.reason:
        note = f"reason: {change.reason}" + (f" — {note}" if note else "")
    store.set_alert_state(alert_id, change.state, actor=actor, expected_version=version, note=note)


@dataclass
class BulkResult:
    changed: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


def parse_selection(values: list[str]) -> list[tuple[str, int]]:
    """``id:version`` checkbox values (at most ``MAX_BULK``)."""
    if len(values) > MAX_BULK:
        raise BadRequest(f"select at most {MAX_BULK} alerts at once")
    out = []
    for value in values:
        alert_id, _, version = value.partition(":")
        out.append((alert_id[:64], parse_version(version)))
    return out


def apply_bulk(
    store: Store, selection: list[tuple[str, int]], change: Change, *, actor: str
) -> BulkResult:
    """The same change on each selected alert; one that moved on is left alone."""
    result = BulkResult()
    for alert_id, version in selection:
        try:
            apply(store, alert_id, change, actor=actor, version=version)
        except ConflictError:
            result.conflicts.append(alert_id)
        except UnknownAlertError:
            result.missing.append(alert_id)
        else:
            result.changed.append(alert_id)
    return result
