"""The alert stage's contract: ``Alert`` and ``AuditEntry`` records and the triage rules.

An alert is one listing that a rule judged worth a human look. There is at most one
alert per listing (``alert_id_for`` derives the id from the listing key), so re-crawls
and re-classifications update the alert's score instead of flooding the queue.

Design notes
------------
* Triage is a small state machine (``TRANSITIONS``): ``new → triaged → escalated →
  confirmed / dismissed``, with shortcuts forward and a way back to ``triaged`` (reopen).
  A change to the same state is refused: it would be an audit entry that says nothing.
* Every change names a non-blank actor; a dismissal names why (``DISMISSAL_REASONS``).
  ``StateChange`` checks both once, before any store is touched, and ``StateChange.apply``
  decides a change against the alert's current state (version, transition) — every
  store backend calls it, so the rule is written once.
* Optimistic concurrency: the caller passes the ``version`` it saw, and the change is
  refused (``ConflictError``) if someone else changed the alert in between. Every change
  appends an ``AuditEntry`` (with the dismissal reason); entries are never edited.
* ``REFRESHED_FIELDS``: what re-raising an existing alert updates (the rule's latest
  view of the listing). State, version and ``created_at`` belong to triage and are kept.
* Errors share one base (``AlertError``) whose ``kind`` is the stable error name the
  web API puts in its ``{"error", "detail"}`` body.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, replace
from typing import Any

STATE_NEW = "new"
STATE_TRIAGED = "triaged"
STATE_ESCALATED = "escalated"
STATE_CONFIRMED = "confirmed"
STATE_DISMISSED = "dismissed"
STATES = (STATE_NEW, STATE_TRIAGED, STATE_ESCALATED, STATE_CONFIRMED, STATE_DISMISSED)

# Allowed state changes: from → the states it may move to.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    STATE_NEW: (STATE_TRIAGED, STATE_ESCALATED, STATE_CONFIRMED, STATE_DISMISSED),
    STATE_TRIAGED: (STATE_ESCALATED, STATE_CONFIRMED, STATE_DISMISSED),
    STATE_ESCALATED: (STATE_TRIAGED, STATE_CONFIRMED, STATE_DISMISSED),
    STATE_CONFIRMED: (STATE_TRIAGED, STATE_ESCALATED),
    STATE_DISMISSED: (STATE_TRIAGED,),
}

# Why an alert was dismissed (required to dismiss; kept in the audit entry).
DISMISSAL_REASONS = ("not_wildlife", "legal_product", "duplicate", "not_actionable")

# The fields an upsert of an existing alert refreshes; everything else is kept.
REFRESHED_FIELDS = ("score", "commodity", "intent", "title", "updated_at")

ACTION_CREATED = "created"
ACTION_STATE = "state"
MAX_ACTOR_CHARS = 100
MAX_NOTE_CHARS = 2000


class AlertError(Exception):
    """Base of the alert errors; ``kind`` is the stable name an API reports."""

    kind = "alert_error"


class ConflictError(AlertError):
    """The alert changed since the caller read it (optimistic concurrency)."""

    kind = "conflict"


class UnknownAlertError(AlertError, KeyError):
    """No alert with that id."""

    kind = "not_found"


class InvalidChangeError(AlertError, ValueError):
    """A state change request is malformed (unknown state, blank actor, bad reason)."""

    kind = "bad_request"


class TransitionError(AlertError, ValueError):
    """The requested state is not reachable from the alert's current state."""

    kind = "bad_transition"


def alert_id_for(listing_key: str) -> str:
    return hashlib.sha256(listing_key.encode("utf-8")).hexdigest()[:20]


@dataclass(frozen=True, slots=True)
class Alert:
    id: str
    listing_key: str
    source: str
    rule: str
    score: float
    commodity: str | None
    intent: str
    created_at: str
    updated_at: str
    state: str = STATE_NEW
    version: int = 1
    seller_id: str | None = None
    title: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Alert:
        return cls(**{k: data[k] for k in cls.__dataclass_fields__ if k in data})


@dataclass(frozen=True, slots=True)
class AuditEntry:
    alert_id: str
    at: str
    actor: str
    action: str
    from_state: str | None
    to_state: str | None
    note: str = ""
    reason: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AuditEntry:
        return cls(**{k: data[k] for k in cls.__dataclass_fields__ if k in data})


def created_entry(alert: Alert) -> AuditEntry:
    """The audit entry that records an alert's creation by its rule."""
    return AuditEntry(
        alert.id, alert.created_at, f"rule:{alert.rule}", ACTION_CREATED, None, alert.state
    )


@dataclass(frozen=True, slots=True)
class StateChange:
    """One requested triage decision, checked on construction (``InvalidChangeError``)."""

    state: str
    actor: str
    expected_version: int
    note: str = ""
    reason: str | None = None

    def __post_init__(self) -> None:
        if self.state not in STATES:
            raise InvalidChangeError(f"state must be one of {', '.join(STATES)}")
        actor = self.actor.strip() if isinstance(self.actor, str) else ""
        if not actor or len(actor) > MAX_ACTOR_CHARS:
            raise InvalidChangeError(f"actor must be 1-{MAX_ACTOR_CHARS} non-blank characters")
        object.__setattr__(self, "actor", actor)
        if len(self.note) > MAX_NOTE_CHARS:
            raise InvalidChangeError(f"note is longer than {MAX_NOTE_CHARS} characters")
        reason = self.reason or None
        if self.state == STATE_DISMISSED and reason not in DISMISSAL_REASONS:
            raise InvalidChangeError(
                f"dismissing needs a reason: one of {', '.join(DISMISSAL_REASONS)}"
            )
        if self.state != STATE_DISMISSED and reason is not None:
            raise InvalidChangeError("a reason is only given when dismissing")
        object.__setattr__(self, "reason", reason)

    def apply(self, current: Alert, at: str) -> tuple[Alert, AuditEntry]:
        """The changed alert and its audit entry, or ``ConflictError`` (the version moved
        on) / ``TransitionError`` (not allowed from the current state)."""
        if current.version != self.expected_version:
            raise ConflictError(
                f"alert {current.id} is at version {current.version}, not {self.expected_version}"
            )
        if self.state not in TRANSITIONS[current.state]:
            allowed = ", ".join(TRANSITIONS[current.state]) or "none"
            raise TransitionError(
                f"alert {current.id} cannot go from {current.state} to {self.state} "
                f"(allowed: {allowed})"
            )
        changed = replace(current, state=self.state, version=current.version + 1, updated_at=at)
        entry = AuditEntry(
            current.id,
            at,
            self.actor,
            ACTION_STATE,
            current.state,
            self.state,
            self.note,
            self.reason,
        )
        return changed, entry
