"""The outreach stage's contract: what the web app may ask of takedown feeds, partner
acknowledgements, webhook administration, audiences, subscriptions and saved searches,
and the records and errors it gets back. Implementations: ``outreach.service`` (feeds,
audiences, notifications) and ``outreach.notify.outbox`` (webhooks); the composition
root builds them.

Design notes
------------
* Feeds are read per set of sources (``None`` = every source): the caller (the web app)
  decides which sources an account may see; the feed never widens that.
* An acknowledgement is the platform's word (``received`` / ``removed`` / ``rejected``
  with a reason), kept append-only; it is never taken as proof of removal.
* Audiences are published tables only: counts (suppressed below k), totals, keywords;
  hashed contact lists (``contact_csv``) only for segments of at least k listings and k
  contacts, and only where an admin switched them on (the web app checks the switch).
* Re-checks (``Probe``/``Check``/``Prober``) say what a listing's URL answered; only
  ``gone`` (404/410) is a removal, ``unreadable`` never is (``outreach.rechecks``).
* ``NotifyService``: digest subscriptions and saved searches per account; an account
  only ever reads or deletes its own (the caller passes its own username).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any, Protocol

ACK_RECEIVED = "received"
ACK_REMOVED = "removed"
ACK_REJECTED = "rejected"
ACK_STATUSES = (ACK_RECEIVED, ACK_REMOVED, ACK_REJECTED)
MAX_REASON_CHARS = 1000
FEED_VERSION = "1"
MAX_FEED_PAGE = 500


DIGEST_KINDS = ("feed", "audience")
SEARCH_FIELDS = ("q", "source", "commodity", "intent", "lang", "kind")
_ADDRESS = re.compile(r"^[^@\s<>,;\"']{1,64}@[A-Za-z0-9.-]{1,253}$")
LEGAL_NOTE = (
    "Hashed contact lists are personal data. Upload them only where you have a lawful "
    "basis (e.g. the platform's customer-match terms and your data-protection "
    "assessment), for demand-reduction messaging only, never to identify, contact or "
    "pursue a person; delete them after the campaign."
)


def check_address(address: str) -> str:
    """A plain ``local@domain`` e-mail address (no name, no line break), or ``ValueError``."""
    address = (address or "").strip()
    if not _ADDRESS.match(address):
        raise ValueError(f"not a plain e-mail address: {address[:80]!r}")
    return address


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


CHECK_ONLINE = "online"  # the listing answered 2xx: it is still there
CHECK_GONE = "gone"  # 404 or 410: the platform took it down
CHECK_UNREADABLE = "unreadable"  # anything else; never taken as removed
CHECK_OUTCOMES = (CHECK_ONLINE, CHECK_GONE, CHECK_UNREADABLE)


@dataclass(frozen=True, slots=True)
class Probe:
    """What one request for a listing's URL found (``outreach.rechecks``)."""

    outcome: str
    http_status: int | None = None
    detail: str = ""


@dataclass(frozen=True, slots=True)
class Check:
    """One re-check of a feed item, as logged (append-only)."""

    item_id: str
    source: str
    at: str
    outcome: str
    http_status: int | None
    detail: str
    comeback: bool

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class Prober(Protocol):
    def __call__(self, source: str, url: str) -> Probe:
        """Request ``url`` of ``source`` once; never raises for what the site did."""


@dataclass(frozen=True, slots=True)
class Subscription:
    username: str
    kind: str  # one of DIGEST_KINDS
    email: str
    cursor: int  # feed digests: the sequence number already mailed
    last_sent_at: str | None


@dataclass(frozen=True, slots=True)
class SavedSearch:
    id: int
    username: str
    name: str
    params: dict[str, str]  # SEARCH_FIELDS
    min_score: float
    email: str
    since: str  # alerts created after this are new to the search


@dataclass(frozen=True, slots=True)
class Match:
    search_id: int
    alert_id: str
    title: str
    score: float
    at: str
    notified: bool


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

    def comebacks(self, sources: tuple[str, ...] | None) -> list[dict[str, Any]]:
        """Feed items back online after a removal (``outreach.rechecks``), newest first."""

    def report(self) -> list[Any]:
        """Per-platform transparency rows with time to takedown (``outreach.transparency``)."""

    def report_csv(self) -> str:
        """The same rows as formula-safe CSV."""


class AudienceService(Protocol):
    k: int  # cells (and contact-list segments) under k are never published

    def table(self) -> dict[str, Any]:
        """The published audience table (see ``outreach.audiences``)."""

    def contact_segments(self) -> list[dict[str, Any]]:
        """Buyer segments: ``commodity``, ``lang``, ``eligible``, ``contacts`` (``None``
        unless eligible); no hash, no contact (``outreach.contacts``)."""

    def contact_csv(self, commodity: str, lang: str) -> str:
        """The hashed contact list of one eligible segment (``LookupError``)."""


class NotifyService(Protocol):
    """Digest subscriptions and saved searches (``outreach.subscriptions``)."""

    def subscribe(self, username: str, kind: str, email: str, at: str) -> None: ...

    def unsubscribe(self, username: str, kind: str) -> None: ...

    def subscription(self, username: str, kind: str) -> Subscription | None: ...

    def save_search(self, username: str, name: str, params: dict[str, str], min_score: float,
                    email: str, at: str) -> int:  # fmt: skip
        """Save a search (``ValueError`` past the per-account limit); its id."""

    def searches(self, username: str) -> list[SavedSearch]: ...

    def matches(self, search_id: int) -> list[Match]: ...

    def delete_search(self, username: str, search_id: int) -> bool: ...

    def run_searches(self, username: str, at: str) -> int:
        """Run the account's saved searches now; how many new matches."""


class WebhookAdmin(Protocol):
    def add_channel(self, partner: str, url: str, *, dry_run: bool = False, at: str) -> str | None:
        """Register a partner's webhook; the generated secret, once (``BlockedTarget``)."""

    def deliveries(self, status: str | None = None) -> list[Delivery]: ...

    def replay(self, delivery_id: int, now: float) -> bool:
        """A dead letter back to the queue; ``False`` if it is not dead."""
