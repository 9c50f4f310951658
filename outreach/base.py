"""The outreach stage's contract: what the web app may ask of takedown feeds, partner
acknowledgements, webhook administration and audiences, and the records and errors it
gets back. Implementations: ``outreach.service`` (feeds, audiences) and
``outreach.notify.outbox`` (webhooks); the composition root builds them.

Design notes
------------
* Feeds are read per set of sources (``None`` = every source): the caller (the web app)
  decides which sources an account may see; the feed never widens that.
* An acknowledgement is the platform's word (``received`` / ``removed`` / ``rejected``
  with a reason), kept append-only; it is never taken as proof of removal.
* Audiences are published tables only: counts (suppressed below k), totals, keywords.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Protocol

ACK_RECEIVED = "received"
ACK_REMOVED = "removed"
ACK_REJECTED = "rejected"
ACK_STATUSES = (ACK_RECEIVED, ACK_REMOVED, ACK_REJECTED)
MAX_REASON_CHARS = 1000
FEED_VERSION = "1"
MAX_FEED_PAGE = 500


class AckError(ValueError):
    """A malformed acknowledgement (unknown status, missing reason, unknown item)."""


class UnknownItemError(LookupError):
    """No such feed item among the caller's sources (the same answer as none at all)."""


class CursorError(ValueError):
    """A cursor this feed did not hand out."""


class BlockedTarget(ValueError):
    """A webhook URL may not be called (scheme, host, or a non-public address)."""


@dataclass(frozen=True, slots=True)
class FeedEntry:
    seq: int
    item_id: str
    source: str
    via: str  # "confirmed" or "threshold"
    entered_at: str


@dataclass(frozen=True, slots=True)
class Ack:
    item_id: str
    source: str
    actor: str
    status: str
    reason: str
    at: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Delivery:
    id: int
    partner: str
    item_id: str
    status: str  # pending, sending, delivered, dead, dry_run
    attempts: int
    next_at: float
    last_error: str
    delivered_at: float | None


class FeedService(Protocol):
    def page(
        self, sources: tuple[str, ...] | None, cursor: str | None, limit: int
    ) -> dict[str, Any]:
        """``{"version", "items", "next_cursor"}`` after ``cursor`` (``CursorError``,
        ``ValueError`` for a limit outside 1..``MAX_FEED_PAGE``)."""

    def acknowledge(
        self, item_id: str, sources: tuple[str, ...], actor: str, status: str, reason: str
    ) -> Ack:
        """Append an acknowledgement (``UnknownItemError``, ``AckError``)."""

    def acks(self, sources: tuple[str, ...] | None, limit: int) -> list[Ack]:
        """The acknowledgement log, newest first."""


class AudienceService(Protocol):
    def table(self) -> dict[str, Any]:
        """The published audience table (see ``outreach.audiences``)."""


class WebhookAdmin(Protocol):
    def add_channel(self, partner: str, url: str, *, dry_run: bool = False, at: str) -> str | None:
        """Register a partner's webhook; the generated secret, once (``BlockedTarget``)."""

    def deliveries(self, status: str | None = None) -> list[Delivery]: ...

    def replay(self, delivery_id: int, now: float) -> bool:
        """A dead letter back to the queue; ``False`` if it is not dead."""
