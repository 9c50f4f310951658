"""Triage writes from the desk: one state change, or the same change on many alerts.

What a valid change is — allowed transitions, a non-blank actor, a dismissal reason — is
``alerts.base``'s rule (``StateChange``, ``TRANSITIONS``, ``DISMISSAL_REASONS``); this
module only reads forms into it. The acting account is always the signed-in one (never a
typed name). Every change carries the version the investigator saw; when someone else
changed the alert in between, the store refuses (``ConflictError``) and the page shows
the alert again with the typed note still in the form.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from alerts.base import (
    DISMISSAL_REASONS,
    MAX_NOTE_CHARS,
    AlertError,
    ConflictError,
    InvalidChangeError,
    StateChange,
    TransitionError,
    UnknownAlertError,
)
from index.base import Store
from web.queries import BadRequest

# How the reasons read on the page (the keys are the contract's).
REASON_LABELS = {
    "not_wildlife": "Not wildlife",
    "legal_product": "Legal product",
    "duplicate": "Duplicate",
    "not_actionable": "Not actionable",
}
DISMISS_REASONS = {r: REASON_LABELS.get(r, r.replace("_", " ")) for r in DISMISSAL_REASONS}
MAX_BULK = 200


def parse_version(value: str | None) -> int:
    try:
        return int(value or "")
    except ValueError:
        raise BadRequest("expected_version must be a number") from None


def parse_change(form: dict[str, str], *, actor: str, version: int) -> StateChange:
    """The form as a checked ``StateChange`` (``BadRequest`` if it is not one)."""
    try:
        return StateChange(
            form.get("state", ""),
            actor,
            version,
            form.get("note", "")[:MAX_NOTE_CHARS],
            form.get("reason") or None,
        )
    except InvalidChangeError as exc:
        raise BadRequest(str(exc)) from exc


def apply(store: Store, alert_id: str, change: StateChange) -> None:
    """One state change; raises the contract's ``AlertError``s."""
    store.set_alert_state(
        alert_id,
        change.state,
        actor=change.actor,
        expected_version=change.expected_version,
        note=change.note,
        reason=change.reason,
    )


@dataclass
class BulkResult:
    changed: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)  # changed by someone meanwhile
    refused: list[str] = field(default_factory=list)  # not allowed from their state
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
    store: Store, selection: list[tuple[str, int]], form: dict[str, str], *, actor: str
) -> BulkResult:
    """The same change on each selected alert; one that cannot take it is left alone."""
    result = BulkResult()
    for alert_id, version in selection:
        try:
            apply(store, alert_id, parse_change(form, actor=actor, version=version))
        except ConflictError:
            result.conflicts.append(alert_id)
        except TransitionError:
            result.refused.append(alert_id)
        except UnknownAlertError:
            result.missing.append(alert_id)
        except AlertError:
            result.refused.append(alert_id)
        else:
            result.changed.append(alert_id)
    return result
