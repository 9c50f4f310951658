"""The rules every store backend obeys, written once (the HMA storage-interface style).

Design notes
------------
* ``StoreRules`` is every backend's base. Its public methods that carry a rule are
  ``@final``: they validate once, then call one narrow abstract primitive that only
  moves data. A backend cannot drift from a rule it never implements.
* The upsert plan (``plan_upsert``) is a pure function: given the stored heads of a
  batch's keys it decides, in batch order, what is new, changed (a new version) or
  unchanged, the version numbers, first/last-seen times, un-removal (every key seen is
  no longer removed) and which keys are fresh (need classifying). Backends fetch the
  heads and write the plan (Elasticsearch: in one replayable operation).
* Alert upserts (``plan_alert_upsert``): new alerts get a "created" audit entry;
  existing ones only ``alerts.base.REFRESHED_FIELDS``. Changes (``StateChange``,
  ``Assignment``, ``alerts.notes.AlertNote``) check the request and decide against the
  current alert; the primitive reads and writes atomically (transaction or seq CAS).
* Paging: ``list_alerts`` refuses pages over ``MAX_PAGE`` or deeper than ``MAX_WINDOW``
  (``check_page``); ``iter_alerts``/``iter_listings`` walk all with a keyset cursor.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, NamedTuple, final

from alerts.base import (
    REFRESHED_FIELDS,
    Alert,
    AlertNote,
    Assignment,
    AuditEntry,
    StateChange,
    created_entry,
    refresh,
)
from classifiers.base import Detection
from common.clock import utc_now
from crawlers.base import Listing
from index.base import (
    MAX_PAGE,
    MAX_WINDOW,
    AlertCursor,
    AlertFilter,
    SearchQuery,
    SearchResult,
    StoredListing,
    UpsertResult,
    check_histogram,
)

# Decides one state change against the current alert: (changed alert, audit entry).
Decide = Callable[[Alert], tuple[Alert, AuditEntry]]


def check_page(limit: int, offset: int) -> None:
    """Raise ``ValueError`` unless ``limit``/``offset`` are within the paging rules."""
    if not 0 <= limit <= MAX_PAGE:
        raise ValueError(f"limit must be 0..{MAX_PAGE}, not {limit} (iterate for more)")
    if offset < 0 or offset + limit > MAX_WINDOW:
        raise ValueError(f"offset + limit must be 0..{MAX_WINDOW} (iterate for more)")


class Head(NamedTuple):
    """What the store holds for one listing key: its latest version. (A named tuple: made
    for every listing of every batch, at half the cost of a frozen dataclass.)"""

    version: int
    content_hash: str
    first_seen_at: str
    last_seen_at: str
    classified: bool = False  # the latest version has a detection


@dataclass
class UpsertPlan:
    """What one upsert batch writes, decided before anything is written."""

    heads: dict[str, Head]  # every key of the batch → its head after the batch
    versions: list[tuple[Listing, int]] = field(default_factory=list)  # (record, version)
    latest: dict[str, Listing] = field(default_factory=dict)  # keys whose content changed
    new_keys: list[str] = field(default_factory=list)  # stored for the first time
    fresh: dict[str, None] = field(default_factory=dict)  # ordered set: to classify
    unchanged: int = 0

    @property
    def changed_keys(self) -> list[str]:
        """Keys that existed before the batch and got a new version in it."""
        new = set(self.new_keys)
        return [k for k in self.latest if k not in new]

    @property
    def result(self) -> UpsertResult:
        new = len(self.new_keys)
        changed = len(self.versions) - new
        return UpsertResult(new, changed, self.unchanged, tuple(self.fresh))


def plan_upsert(batch: Sequence[Listing], stored: Mapping[str, Head]) -> UpsertPlan:
    """The upsert rules (see the module docstring) for ``batch`` against ``stored``."""
    plan = UpsertPlan(heads=dict(stored))
    for listing in batch:
        key = listing.key
        head = plan.heads.get(key)
        if head is not None and head.content_hash == listing.content_hash:
            plan.unchanged += 1
            last_seen = max(head.last_seen_at, listing.fetched_at)
            plan.heads[key] = head._replace(last_seen_at=last_seen)
            if not head.classified:
                plan.fresh[key] = None
            continue
        if head is None:  # one ``Head`` made per new listing
            plan.new_keys.append(key)
            version, first, last = 1, listing.fetched_at, listing.fetched_at
        else:
            version, first = head.version + 1, head.first_seen_at
            last = max(head.last_seen_at, listing.fetched_at)
        plan.heads[key] = Head(version, listing.content_hash, first, last)
        plan.versions.append((listing, version))
        plan.latest[key] = listing
        plan.fresh[key] = None
    plan.heads = {k: plan.heads[k] for k in dict.fromkeys(x.key for x in batch)}
    return plan


@dataclass(frozen=True, slots=True)
class AlertUpsertPlan:
    created: list[Alert]
    entries: list[AuditEntry]  # "created" per new alert, "refreshed" per changed re-raise
    refreshed: list[Alert]  # existing alerts as re-raised (``alerts.base.refresh``)
    read_versions: dict[str, int] = field(default_factory=dict)  # write only if still so


def plan_alert_upsert(batch: Iterable[Alert], existing: Mapping[str, Alert]) -> AlertUpsertPlan:
    """Create new alerts; refresh existing ones (``existing``: their stored records)."""
    plan = AlertUpsertPlan([], [], [])
    for newer in batch:
        current = existing.get(newer.id)
        if current is None:
            plan.created.append(newer)
            plan.entries.append(created_entry(newer))
            continue
        merged, entry = refresh(current, newer)
        plan.refreshed.append(merged)
        plan.read_versions[merged.id] = current.version
        if entry is not None:
            plan.entries.append(entry)
    return plan


def refreshed_fields(alert: Alert) -> dict[str, Any]:
    """The fields an upsert writes onto an existing alert (the version moves with a
    change, see ``alerts.base.refresh``)."""
    return {name: getattr(alert, name) for name in (*REFRESHED_FIELDS, "version")}


def _unique_alerts(alerts: Iterable[Alert]) -> list[Alert]:
    batch: dict[str, Alert] = {}
    for alert in alerts:
        if not isinstance(alert, Alert):
            raise TypeError(f"expected an Alert, got {type(alert).__name__}")
        batch[alert.id] = alert  # the last word on an id within one batch wins
    return list(batch.values())


class StoreRules(ABC):
    """The rule-carrying half of every backend (see the module docstring)."""

    @final
    def upsert_listings(self, listings: Iterable[Listing]) -> UpsertResult:
        batch = list(listings)
        for listing in batch:
            if not isinstance(listing, Listing):
                raise TypeError(f"expected a Listing, got {type(listing).__name__}")
        return self._upsert_listings(batch) if batch else UpsertResult()

    @final
    def mark_removed(self, keys: Iterable[str], at: str) -> int:
        if not isinstance(at, str) or not at:
            raise ValueError("mark_removed needs the time of the removal")
        unique = list(dict.fromkeys(keys))
        return self._mark_removed(unique, at) if unique else 0

    @final
    def put_detections(self, detections: Iterable[tuple[str, Detection]]) -> int:
        pairs = list(detections)
        for digest, detection in pairs:
            if not isinstance(digest, str) or not isinstance(detection, Detection):
                raise TypeError("put_detections takes (content_hash, Detection) pairs")
        return self._put_detections(pairs) if pairs else 0

    @final
    def upsert_alerts(self, alerts: Iterable[Alert]) -> int:
        batch = _unique_alerts(alerts)
        return self._upsert_alerts(batch) if batch else 0

    @final
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
        change = StateChange(state, actor, expected_version, note, reason)
        return self._change_alert(alert_id, lambda current: change.apply(current, utc_now()))

    @final
    def assign_alert(self, alert_id: str, assignment: Assignment) -> Alert:
        return self._change_alert(alert_id, lambda current: assignment.apply(current, utc_now()))

    @final
    def annotate_alert(self, alert_id: str, note: AlertNote) -> Alert:
        return self._change_alert(alert_id, lambda current: note.apply(current, utc_now()))

    @final
    def list_alerts(self, flt: AlertFilter) -> list[Alert]:
        check_page(flt.limit, flt.offset)
        if flt.after is not None and flt.offset:
            raise ValueError("page with a cursor (after) or an offset, not both")
        return self._list_alerts(flt) if flt.limit else []

    @final
    def iter_alerts(self, flt: AlertFilter, *, page_size: int = 500) -> Iterator[Alert]:
        page = replace(flt, limit=page_size, offset=0, after=None)
        check_page(page.limit, 0)
        while alerts := self._list_alerts(page):
            yield from alerts
            if len(alerts) < page_size:
                return
            page = replace(page, after=AlertCursor.after(alerts[-1]))

    @final
    def iter_listings(
        self, source: str | None = None, *, page_size: int = 500
    ) -> Iterator[StoredListing]:
        check_page(page_size, 0)
        after = ""
        while page := self._listing_page(source, after, page_size):
            yield from page
            if len(page) < page_size:
                return
            after = page[-1].listing.key

    @final
    def search(self, query: SearchQuery) -> SearchResult:
        # Search pages are clamped (never refused): the web app asks for pages by number.
        limit = max(0, min(int(query.limit), MAX_PAGE))
        return self._search(replace(query, limit=limit, offset=max(0, int(query.offset))))

    @final
    def date_histogram(
        self, query: SearchQuery, *, field: str = "first_seen_at", interval: str = "day"
    ) -> list[tuple[str, int]]:
        check_histogram(field, interval)
        return self._date_histogram(query, field, interval)

    # -- the primitives each backend provides ---------------------------------------------

    @abstractmethod
    def _upsert_listings(self, batch: list[Listing]) -> UpsertResult:
        """Fetch the batch's heads, ``plan_upsert``, write the plan (non-empty batch)."""

    @abstractmethod
    def _mark_removed(self, keys: list[str], at: str) -> int: ...

    @abstractmethod
    def _put_detections(self, pairs: list[tuple[str, Detection]]) -> int: ...

    @abstractmethod
    def _upsert_alerts(self, batch: list[Alert]) -> int:
        """Find which ids exist, ``plan_alert_upsert``, write it; return how many new."""

    @abstractmethod
    def _change_alert(self, alert_id: str, decide: Decide) -> Alert:
        """Read the alert (``UnknownAlertError`` if none), ``decide``, write the changed
        alert and its audit entry atomically; ``ConflictError`` if it moved meanwhile."""

    @abstractmethod
    def _list_alerts(self, flt: AlertFilter) -> list[Alert]:
        """One page in queue order (score desc, created_at, id), after ``flt.after``."""

    @abstractmethod
    def _listing_page(self, source: str | None, after: str, size: int) -> list[StoredListing]:
        """Up to ``size`` listings (of ``source``) with keys after ``after``, by key."""

    @abstractmethod
    def _search(self, query: SearchQuery) -> SearchResult: ...

    @abstractmethod
    def _date_histogram(
        self, query: SearchQuery, field: str, interval: str
    ) -> list[tuple[str, int]]: ...
