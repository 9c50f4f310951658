"""The storage stage's contract: the ``Store`` protocol and its query/result records.

Design notes
------------
* Narrow and batch-first. Every write takes an iterable so a backend can use one
  transaction (SQLite) or one bulk request stream (Elasticsearch).
* Listings are versioned, never overwritten. ``upsert_listings`` compares each record's
  ``content_hash`` with the latest stored version: equal means unchanged (only
  ``last_seen_at`` moves), different means a new version. Captured versions are
  immutable evidence.
* Removal is a fact with a time: ``mark_removed`` sets ``removed_at`` on the listing; a
  listing that reappears is un-removed and gets a new version only if its content
  changed.
* Freshness: ``UpsertResult.fresh_keys`` lists the listings that need classifying — new,
  changed, or unchanged but with no detection for their latest version yet (the
  classifier failed after an earlier upsert). A listing is fresh until a detection for
  its latest version is stored, so a failed classification is retried by the next crawl.
* Detections are keyed by ``(listing_key, content_hash)`` so each version keeps the
  verdict it got; ``get_detection`` returns the one for the latest version.
* Alerts: one per listing (see ``alerts.base``), state changes with optimistic
  concurrency, the transition rules of ``alerts.base`` and an append-only audit log.
* Paging is explicit and the same on every backend: one page holds at most
  ``MAX_PAGE`` records and ``offset + limit`` may not pass ``MAX_WINDOW``; asking for
  more raises ``ValueError`` instead of coming back silently short. To read *every*
  matching alert, ``iter_alerts`` walks the queue order with a keyset cursor
  (``AlertFilter.after``, ``search_after``-style), however long it is.
* Search returns hit sets, totals and facet counts; relevance scores are backend-specific
  and never part of the contract.
* Text search is near-real-time, as in Elasticsearch: a stored listing may be found by
  its text only after ``index_pending`` (SQLite indexes text after the upsert, from a
  durable queue; Elasticsearch refreshes). ``index_lag`` counts listings waiting; after
  ``index_pending`` it is 0 and a text search finds every stored listing's latest text.
  Everything else (filters, facets, gets, alerts) sees a listing once it is stored.
* ``date_histogram`` counts the listings a ``SearchQuery`` matches per UTC calendar
  bucket of one listing date (for dashboards). Only non-empty buckets are returned.
* A backend that depends on a server raises ``StoreUnavailableError`` from reads it cannot
  answer during an outage; its writes may queue locally instead (see the backend).
* The protocol is four narrow ones combined: ``ListingStore``, ``AlertStore``,
  ``SearchStore`` and ``AdminStore``; a caller names the one it needs.
* The rules every backend obeys (the upsert plan, alert upserts and transitions,
  paging limits) are written once in ``index.rules``; backends supply narrow primitives.

Both backends pass the same contract suite (``tests/test_index_contract.py``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from alerts.base import Alert, AlertNote, Assignment, AuditEntry
from classifiers.base import Detection
from crawlers.base import Listing
from index.status import ReplayResult as ReplayResult
from index.status import StoreStatus as StoreStatus

FACET_FIELDS = ("source", "commodity", "intent", "lang", "kind")
# Plain-text markers around matched terms in ``SearchHit.highlights`` (never HTML:
# highlights are scraped text, escaped by whoever renders them).
HIGHLIGHT_START, HIGHLIGHT_END = "«", "»"
# ``date_histogram``: the listing dates it can count, and its UTC calendar intervals
# (weeks start on Monday, as ISO 8601 and Elasticsearch's ``calendar_interval`` have it).
HISTOGRAM_FIELDS = ("first_seen_at", "last_seen_at", "removed_at")
HISTOGRAM_INTERVALS = ("hour", "day", "week", "month")
# Paging: records per page, and how deep offset paging may go (Elasticsearch's default
# ``max_result_window``); deeper reads use the ``iter_alerts`` cursor.
MAX_PAGE = 1000
MAX_WINDOW = 10_000


class StoreUnavailableError(Exception):
    """The store's server cannot answer right now (an outage, not a bad request)."""


class UnsupportedOperationError(Exception):
    """This backend has no such operation (e.g. ``reindex`` on SQLite)."""


def check_histogram(field: str, interval: str) -> None:
    """Raise ``ValueError`` unless ``field`` and ``interval`` are supported."""
    if field not in HISTOGRAM_FIELDS:
        raise ValueError(f"histogram field must be one of {HISTOGRAM_FIELDS}, not {field!r}")
    if interval not in HISTOGRAM_INTERVALS:
        raise ValueError(
            f"histogram interval must be one of {HISTOGRAM_INTERVALS}, not {interval!r}"
        )


@dataclass(frozen=True, slots=True)
class UpsertResult:
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    # Keys of listings that need classifying: new, changed, or whose latest stored version
    # has no detection yet (see "Freshness" in the module docstring). No repeats.
    fresh_keys: tuple[str, ...] = ()
    # Listings a backend queued locally (cluster unreachable) instead of storing now; they
    # are also in ``fresh_keys``, because whether they are new is not known yet.
    spooled: int = 0


@dataclass(frozen=True, slots=True)
class StoredListing:
    """The latest version of a listing plus what the store knows about its history."""

    listing: Listing
    version: int
    first_seen_at: str
    last_seen_at: str
    removed_at: str | None = None


@dataclass(frozen=True, slots=True)
class SearchQuery:
    text: str | None = None
    source: str | None = None
    commodity: str | None = None
    intent: str | None = None
    lang: str | None = None
    kind: str | None = None
    seller_id: str | None = None
    min_score: float | None = None
    include_removed: bool = True
    limit: int = 20
    offset: int = 0
    facets: Sequence[str] = FACET_FIELDS


@dataclass(frozen=True, slots=True)
class SearchHit:
    stored: StoredListing
    detection: Detection | None
    highlights: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SearchResult:
    total: int
    hits: tuple[SearchHit, ...]
    facets: dict[str, dict[str, int]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class AlertCursor:
    """Where a queue page ended: its last alert's sort key (priority, score, ``created_at``, id)."""

    score: float
    created_at: str
    id: str
    priority: float = 0.0

    @classmethod
    def after(cls, alert: Alert) -> AlertCursor:
        return cls(alert.score, alert.created_at, alert.id, alert.priority)


@dataclass(frozen=True, slots=True)
class AlertFilter:
    state: str | None = None
    source: str | None = None
    commodity: str | None = None
    seller_id: str | None = None
    min_score: float | None = None
    limit: int = 100
    offset: int = 0
    # Keyset paging: only alerts after this one in queue order (``offset`` must be 0).
    after: AlertCursor | None = None
    network: str | None = None  # a seller network id (``Alert.network``)


@runtime_checkable
class ListingStore(Protocol):
    """Listings (versioned), removals and detections."""

    def upsert_listings(self, listings: Iterable[Listing]) -> UpsertResult:
        """Store new versions of changed listings; touch ``last_seen_at`` of unchanged.
        ``fresh_keys`` of the result: new, changed, and unclassified unchanged listings."""

    def active_keys(self, source: str) -> set[str]:
        """Keys of the source's listings that are not marked removed."""

    def mark_removed(self, keys: Iterable[str], at: str) -> int:
        """Set ``removed_at`` on these listings (if not already); return how many changed."""

    def get_listing(self, key: str) -> StoredListing | None: ...

    def listing_versions(self, key: str) -> list[Listing]:
        """Every captured version, oldest first."""

    def iter_listings(self, source: str | None = None) -> Iterator[StoredListing]:
        """Every stored listing (of ``source``), by key, read page by page with a cursor."""

    def put_detections(self, detections: Iterable[tuple[str, Detection]]) -> int:
        """Store ``(content_hash, detection)`` pairs; ``detection.id`` is the listing key."""

    def get_detection(self, key: str) -> Detection | None:
        """The detection for the latest version of the listing, if classified."""


@runtime_checkable
class AlertStore(Protocol):
    """The alert queue: one alert per listing, triage with audit."""

    def upsert_alerts(self, alerts: Iterable[Alert]) -> int:
        """Create alerts, or refresh ``alerts.base.REFRESHED_FIELDS`` of existing ones
        (state, version and created_at are kept). Returns how many were *new*."""

    def get_alert(self, alert_id: str) -> Alert | None: ...

    def list_alerts(self, flt: AlertFilter) -> list[Alert]:
        """One page of alerts matching the filter, highest score first (see "Paging")."""

    def iter_alerts(self, flt: AlertFilter, *, page_size: int = 500) -> Iterator[Alert]:
        """Every alert matching the filter in queue order (``limit``/``offset`` ignored),
        read page by page with a cursor."""

    def count_alerts(self, flt: AlertFilter) -> int: ...

    def set_alert_state(
        self,
        alert_id: str,
        state: str,
        *,
        actor: str,
        expected_version: int,
        note: str = "",
        reason: str | None = None,
    ) -> Alert:
        """Change state under ``alerts.base``'s rules: ``InvalidChangeError`` (bad request),
        ``UnknownAlertError``, ``ConflictError`` (the version moved on) or
        ``TransitionError`` (not allowed from the current state)."""

    def assign_alert(self, alert_id: str, assignment: Assignment) -> Alert: ...  # audited

    def annotate_alert(self, alert_id: str, note: AlertNote) -> Alert:
        """Add an audited note (a partner's answer, a re-check) without a state change."""

    def relabel_alert_networks(self, renames: Mapping[str, str]) -> int:
        """Alerts whose ``network`` is an absorbed network's id (``renames``: old → new)
        take the new id; returns how many changed. Not a triage change: no version."""

    def alert_history(self, alert_id: str) -> list[AuditEntry]:
        """The audit log for one alert, oldest first."""


@runtime_checkable
class SearchStore(Protocol):
    """Full-text search with filters and facets, and date histograms."""

    def search(self, query: SearchQuery) -> SearchResult: ...

    def index_pending(self, limit: int | None = None) -> int:
        """Make stored listings searchable by their latest text (all of them, or about
        ``limit``); returns how many were indexed (0 where a backend has no queue)."""

    def index_lag(self) -> int:
        """How many stored listings are not searchable by their latest text yet."""

    def date_histogram(
        self, query: SearchQuery, *, field: str = "first_seen_at", interval: str = "day"
    ) -> list[tuple[str, int]]:
        """Listings matching ``query`` (its filters and text; paging and facets are
        ignored) counted per UTC ``interval`` of ``field``, oldest bucket first, as
        ``(bucket start "YYYY-MM-DDTHH:MM:SSZ", count)``. Empty buckets are omitted, and so
        are listings without the date (``removed_at`` of listings never removed). Raises
        ``ValueError`` for a field or interval not in ``HISTOGRAM_FIELDS`` /
        ``HISTOGRAM_INTERVALS``."""


@runtime_checkable
class AdminStore(Protocol):
    """Looking after the store itself (``wildtrace index ...``)."""

    def init(self) -> None:
        """Create tables/indices if missing. Idempotent."""

    def counts(self) -> dict[str, int]:
        """``listings``, ``versions``, ``detections``, ``alerts``, ``removed``."""

    def status(self) -> StoreStatus: ...

    def reindex(self, names: Sequence[str] = (), *, delete_old: bool = False) -> list[Any]:
        """Rebuild indices from the current mappings (all when ``names`` is empty);
        ``UnsupportedOperationError`` where there is nothing to rebuild, ``ValueError``
        for an unknown name."""

    def replay(self) -> ReplayResult:
        """Send locally queued writes now (``UnsupportedOperationError`` if none can be)."""

    def close(self) -> None: ...


@runtime_checkable
class Store(ListingStore, AlertStore, SearchStore, AdminStore, Protocol):
    """Where listings, detections and alerts live. See the module docstring."""
