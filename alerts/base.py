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
  view of the listing). State and ``created_at`` belong to triage and are kept. A
  re-raise that changes what the alert shows (score, commodity, intent, title — after
  the listing changed or was re-classified) is not a silent rewrite: ``refresh`` moves
  the version on (a triage form opened before it is a conflict) and writes a
  ``refreshed`` audit entry saying what changed.
* Errors share one base (``AlertError``); its ``kind`` is the API's ``"error"`` name.
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
REFRESHED_FIELDS = ("score", "commodity", "intent", "title", "updated_at", "priority", "network")

ACTION_CREATED = "created"
ACTION_STATE = "state"
ACTION_ASSIGN = "assign"
ACTION_REFRESHED = "refreshed"
# What an investigator sees of a re-raise (``updated_at`` alone is not a change).
SHOWN_FIELDS = ("score", "commodity", "intent", "title")
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
    assignee: str | None = None  # the account working on it (``Assignment``)
    # Queue order (0-100, ``classifiers.priority``): what matters most first. 0 for alerts
    # stored before priorities existed, and for detections without one.
    priority: float = 0.0
    # The seller network of the listing's account (``alerts/networks``); an absorbed
    # network's id is relabelled to the survivor's. None: no graph (or it was down).
    network: str | None = None

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


def checked_actor(actor: object) -> str:
    """``actor`` stripped, or ``InvalidChangeError`` unless 1-``MAX_ACTOR_CHARS`` characters."""
    name = actor.strip() if isinstance(actor, str) else ""
    if not name or len(name) > MAX_ACTOR_CHARS:
        raise InvalidChangeError(f"actor must be 1-{MAX_ACTOR_CHARS} non-blank characters")
    return name


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
        object.__setattr__(self, "actor", checked_actor(self.actor))
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
        entry = AuditEntry(current.id, at, self.actor, ACTION_STATE, current.state, self.state,
                           self.note, self.reason)  # fmt: skip
        return changed, entry


@dataclass(frozen=True, slots=True)
class Assignment:
    """Giving an alert to a person (``assignee``), or taking it back (``None``).

    Not a state change: the state stays, the version moves on (so a triage decision made
    against the old assignment is a conflict), and the audit log records who assigned
    whom (``from_state == to_state``, the note names the assignee).
    """

    assignee: str | None
    actor: str
    expected_version: int
    note: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "actor", checked_actor(self.actor))
        assignee = (self.assignee or "").strip() or None
        if assignee is not None and len(assignee) > MAX_ACTOR_CHARS:
            raise InvalidChangeError(f"assignee must be at most {MAX_ACTOR_CHARS} characters")
        object.__setattr__(self, "assignee", assignee)
        if len(self.note) > MAX_NOTE_CHARS:
            raise InvalidChangeError(f"note is longer than {MAX_NOTE_CHARS} characters")

    def apply(self, current: Alert, at: str) -> tuple[Alert, AuditEntry]:
        """The re-assigned alert and its audit entry, or ``ConflictError``."""
        if current.version != self.expected_version:
            raise ConflictError(
                f"alert {current.id} is at version {current.version}, not {self.expected_version}"
            )
        changed = replace(
            current, assignee=self.assignee, version=current.version + 1, updated_at=at
        )
        said = f"assigned to {self.assignee}" if self.assignee else "unassigned"
        note = f"{said}: {self.note}" if self.note else said
        entry = AuditEntry(
            current.id, at, self.actor, ACTION_ASSIGN, current.state, current.state, note
        )
        return changed, entry


def _shown(name: str, value: Any) -> str:
    if name == "score":
        return f"{value:.6g}"
    text = "—" if value is None else str(value)
    return text if len(text) <= 80 else text[:79] + "…"


def refresh(current: Alert, newer: Alert) -> tuple[Alert, AuditEntry | None]:
    """``current`` re-raised as ``newer`` (same id): ``REFRESHED_FIELDS`` taken from
    ``newer``; when a ``SHOWN_FIELDS`` value changed, the version moves on and the audit
    entry (by the rule) says what changed, else there is no entry."""
    merged = replace(current, **{name: getattr(newer, name) for name in REFRESHED_FIELDS})
    if newer.network is None:  # re-raised while the graph was down: keep what is known
        merged = replace(merged, network=current.network)
    changes = [
        f"{name} {_shown(name, getattr(current, name))} → {_shown(name, getattr(newer, name))}"
        for name in SHOWN_FIELDS
        if getattr(current, name) != getattr(newer, name)
    ]
    if not changes:
        return merged, None
    merged = replace(merged, version=current.version + 1)
    entry = AuditEntry(
        current.id,
        newer.updated_at,
        f"rule:{newer.rule}",
        ACTION_REFRESHED,
        current.state,
        current.state,
        "; ".join(changes),
    )
    return merged, entry


# Records readers of the alert contract see: seller networks (``alerts/networks/``) and
# audited notes from outside the desk, partner answers and re-checks (``alerts/notes.py``).
from alerts.networks.graph import GraphStorage as GraphStorage  # noqa: E402
from alerts.networks.graph import ListingFacts as ListingFacts  # noqa: E402
from alerts.networks.graph import Sighting as Sighting  # noqa: E402
from alerts.networks.links import identifier_key as identifier_key  # noqa: E402
from alerts.networks.summary import IdentifierSeen as IdentifierSeen  # noqa: E402
from alerts.networks.summary import Network as Network  # noqa: E402
from alerts.networks.summary import summarise as summarise  # noqa: E402
from alerts.notes import ACTION_PARTNER_ACK as ACTION_PARTNER_ACK  # noqa: E402
from alerts.notes import ACTION_RECHECK as ACTION_RECHECK  # noqa: E402
from alerts.notes import AlertNote as AlertNote  # noqa: E402
