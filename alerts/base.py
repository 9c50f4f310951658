"""The alert stage's contract: ``Alert`` and ``AuditEntry`` records and the triage states.

An alert is one listing that a rule judged worth a human look. There is at most one
alert per listing (``alert_id_for`` derives the id from the listing key), so re-crawls
and re-classifications update the alert's score instead of flooding the queue.

State changes go through the store with optimistic concurrency: the caller passes the
``version`` it saw, and the store refuses the change (``ConflictError``) if someone else
changed the alert in between. Every change appends an ``AuditEntry``; entries are never
edited or deleted.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass
from typing import Any

STATE_NEW = "new"
STATE_TRIAGED = "triaged"
STATE_ESCALATED = "escalated"
STATE_CONFIRMED = "confirmed"
STATE_DISMISSED = "dismissed"
STATES = (STATE_NEW, STATE_TRIAGED, STATE_ESCALATED, STATE_CONFIRMED, STATE_DISMISSED)


class ConflictError(Exception):
    """The alert changed since the caller read it (optimistic concurrency)."""


class UnknownAlertError(KeyError):
    """No alert with that id."""


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

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


# Seller networks (``alerts/networks/``): the records readers of the alert contract see.
from alerts.networks.graph import GraphStorage as GraphStorage  # noqa: E402
from alerts.networks.graph import ListingFacts as ListingFacts  # noqa: E402
from alerts.networks.graph import Sighting as Sighting  # noqa: E402
from alerts.networks.summary import IdentifierSeen as IdentifierSeen  # noqa: E402
from alerts.networks.summary import Network as Network  # noqa: E402
from alerts.networks.summary import summarise as summarise  # noqa: E402
