"""The alert queue: filters, badges and sorting over what the store can list.

Design notes
------------
* The store filters by state, source, commodity, seller and minimum score, and orders by
  priority (``classifiers.priority``), then score: the default "priority" sort is the
  store's own order. Everything else the desk filters on — language, a score ceiling, a date range,
  "removed" or "changed since triage", other sort orders — needs the listing and the
  audit history of each alert, so it is applied here over at most ``MAX_SCAN`` alerts of
  the store's answer; a page says when that cap cut the scan short (never silently).
  (The store's explicit paging and richer alert filters are the codebase issue's; when
  they land the cheap conditions move into the store query.)
* Assignee: ``assignee=<username>``, ``me`` (the page resolves it) or ``none``.
* "Changed since triage": the listing has a version captured after the alert's first
  human state change. "Removed": the listing has ``removed_at``. Both are shown as
  badges on every row, filter or not.
* Grouped by seller network (``group=network``, the product brief's "alert queue grouped
  by seller network"): the scanned alerts are ordered by network — the network holding
  the highest-ranked alert first — keeping the chosen order inside each network, and
  each network gets a header (alerts, accounts and sources among the scanned alerts,
  with links to the network page and to a queue of that network alone). Alerts with no
  recorded network (no graph, or the graph was down) come last, as one group.
* Scores are shown to three decimals: the calibrated score ranks at that precision
  (two decimals showed 25 of 35 demo alerts as "1.00").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from itertools import islice

from alerts.base import Alert
from index.base import AlertFilter, Store, StoredListing
from web.queries import BadRequest

MAX_SCAN = 2_000
SORTS: dict[str, tuple[str, bool]] = {  # name -> (row attribute, descending)
    "priority": ("", False),  # the store's queue order (no attribute: kept as listed)
    "score": ("score", True),
    "newest": ("created_at", True),
    "oldest": ("created_at", False),
    "updated": ("updated_at", True),
}
FLAGS = ("removed", "changed")
GROUPS = ("network",)
UNASSIGNED = "none"


@dataclass(frozen=True, slots=True)
class QueueRow:
    alert: Alert
    stored: StoredListing | None
    lang: str | None
    triaged_at: str | None  # first human state change
    changed: bool  # a version captured after triage

    @property
    def removed(self) -> bool:
        return bool(self.stored and self.stored.removed_at)

    @property
    def score(self) -> float:
        return self.alert.score

    @property
    def created_at(self) -> str:
        return self.alert.created_at

    @property
    def updated_at(self) -> str:
        return self.alert.updated_at


@dataclass(frozen=True, slots=True)
class QueueFilter:
    """The desk's conditions beyond the store's ``AlertFilter``."""

    lang: str | None = None
    max_score: float | None = None
    since: str | None = None  # created on/after this date (YYYY-MM-DD, UTC)
    until: str | None = None  # created on/before this date
    flag: str | None = None  # "removed" | "changed"
    assignee: str | None = None  # a username, or UNASSIGNED
    sort: str = "priority"
    group: str | None = None  # "network": rows grouped by seller network

    @property
    def active(self) -> bool:
        return any(
            (
                self.lang,
                self.max_score is not None,
                self.since,
                self.until,
                self.flag,
                self.assignee,
                self.group,
            )
        )


def parse_score(value: str | None, name: str) -> float | None:
    if value is None or not value.strip():
        return None
    try:
        score = float(value)
    except ValueError:
        raise BadRequest(f"{name} must be a number between 0 and 1") from None
    if not 0.0 <= score <= 1.0:
        raise BadRequest(f"{name} must be between 0 and 1")
    return score


def parse_date(value: str | None, name: str) -> str | None:
    if value is None or not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip()[:10]).isoformat()
    except ValueError:
        raise BadRequest(f"{name} must be a date like 2026-11-30") from None


def check_choice(value: str | None, choices: tuple[str, ...], name: str) -> str | None:
    if value is None or not value.strip():
        return None
    if value not in choices:
        raise BadRequest(f"{name} must be one of {', '.join(choices)}")
    return value


def row_for(store: Store, alert: Alert) -> QueueRow:
    stored = store.get_listing(alert.listing_key)
    detection = store.get_detection(alert.listing_key)
    lang = (detection.lang if detection else None) or (stored.listing.lang_hint if stored else None)
    triaged = next(
        (h.at for h in store.alert_history(alert.id) if not h.actor.startswith("rule:")), None
    )
    changed = False
    if triaged is not None and stored is not None and stored.version > 1:
        changed = any(v.fetched_at > triaged for v in store.listing_versions(alert.listing_key))
    return QueueRow(alert, stored, lang, triaged, changed)


def _keep(qf: QueueFilter) -> Callable[[QueueRow], bool]:
    def keep(row: QueueRow) -> bool:
        a = row.alert
        if qf.max_score is not None and a.score > qf.max_score:
            return False
        if qf.since and a.created_at[:10] < qf.since:
            return False
        if qf.until and a.created_at[:10] > qf.until:
            return False
        if qf.lang and row.lang != qf.lang:
            return False
        if qf.assignee and (a.assignee or UNASSIGNED) != qf.assignee:
            return False
        if qf.flag == "removed" and not row.removed:
            return False
        return not (qf.flag == "changed" and not row.changed)

    return keep


@dataclass(frozen=True, slots=True)
class NetworkGroup:
    """One seller network's header in a grouped queue (over the scanned alerts)."""

    network: str | None
    alerts: int
    sellers: int
    sources: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class QueuePage:
    rows: list[QueueRow]
    total: int
    truncated: bool  # the scan cap cut the candidates short
    groups: dict[str | None, NetworkGroup] | None = None  # when grouped: network → header


def group_by_network(rows: list[QueueRow]) -> tuple[list[QueueRow], dict[str | None, NetworkGroup]]:
    """Rows ordered by network (first-ranked network first, no network last), the
    order inside each network kept; and each network's header."""
    members: dict[str | None, list[QueueRow]] = {}
    for row in rows:
        members.setdefault(row.alert.network, []).append(row)
    order = sorted(members, key=lambda n: n is None)  # dicts keep first-seen order
    groups = {
        n: NetworkGroup(
            n,
            len(members[n]),
            len({(r.alert.source, r.alert.seller_id or r.alert.listing_key) for r in members[n]}),
            tuple(sorted({r.alert.source for r in members[n]})),
        )
        for n in order
    }
    return [r for n in order for r in members[n]], groups


def queue_page(store: Store, flt: AlertFilter, qf: QueueFilter) -> QueuePage:
    """One page of the queue (``flt.limit``/``flt.offset``) under both filters."""
    if not qf.active and qf.sort == "priority":  # the store can answer alone: no scan
        alerts = store.list_alerts(flt)
        return QueuePage([row_for(store, a) for a in alerts], store.count_alerts(flt), False)
    candidates = list(islice(store.iter_alerts(flt), MAX_SCAN + 1))
    truncated = len(candidates) > MAX_SCAN
    candidates = candidates[:MAX_SCAN]
    keep = _keep(qf)
    rows = [r for r in (row_for(store, a) for a in candidates) if keep(r)]
    attr, desc = SORTS[qf.sort]
    if attr:  # otherwise the candidates are already in the store's queue order
        rows.sort(key=lambda r: (getattr(r, attr), r.alert.id), reverse=desc)
    groups = None
    if qf.group == "network":
        rows, groups = group_by_network(rows)
    page = rows[flt.offset : flt.offset + flt.limit]
    return QueuePage(page, len(rows), truncated, groups)
