"""Takedown feeds: what enters a platform's feed, and what one feed item says.

Design notes
------------
* Entry rule (``FeedPolicy``): every alert an investigator *confirmed*, plus, for the
  sources named in ``auto_sources`` (``*`` = all), every alert scoring at least
  ``threshold`` (``classifier.takedown_threshold``). ``sync`` records newcomers in the
  ``FeedLedger`` with the next sequence number; an item never leaves the ledger (a later
  dismissal shows as ``alert_state`` in the item, so a partner is told, not left
  guessing).
* Items are built at read time from the alert, the listing's latest stored version and
  its detection, plus the latest acknowledgement: the feed always says what is known
  now. The item id is the alert id, stable across re-crawls.
* Cursor: ``v1.<seq>`` of the last item of a page (see ``outreach.ledger``).
* "Could not read it" is never "it was removed": ``removal.observed_removed_at`` is only
  set when the crawler saw the listing gone (``removed_at``); a partner's "removed" is
  reported separately as ``removal.partner_status``; re-checks (``outreach.rechecks``)
  as ``removal.checked_at``/``check_outcome``, and a listing back online after a
  removal claim as ``removal.comeback_at``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from alerts.base import STATE_CONFIRMED, Alert
from index.base import AlertFilter, Store
from outreach.base import FEED_VERSION, MAX_FEED_PAGE, Ack, CursorError, FeedEntry
from outreach.ledger import FeedLedger
from outreach.rechecks import RemovalView, removal_view

ALL_SOURCES = "*"


@dataclass(frozen=True, slots=True)
class FeedPolicy:
    threshold: float
    auto_sources: tuple[str, ...] = ()

    def auto(self, source: str) -> bool:
        return ALL_SOURCES in self.auto_sources or source in self.auto_sources


def entering(store: Store, policy: FeedPolicy) -> Iterator[tuple[Alert, str]]:
    """Alerts that belong in the feed, each with why (``confirmed`` / ``threshold``)."""
    for alert in store.iter_alerts(AlertFilter(state=STATE_CONFIRMED)):
        yield alert, "confirmed"
    if not policy.auto_sources:
        return
    sources: Iterable[str | None] = (
        [None] if ALL_SOURCES in policy.auto_sources else policy.auto_sources
    )
    for source in sources:
        for alert in store.iter_alerts(AlertFilter(source=source, min_score=policy.threshold)):
            if alert.state != STATE_CONFIRMED and policy.auto(alert.source):
                yield alert, "threshold"


def sync(store: Store, ledger: FeedLedger, policy: FeedPolicy, at: str) -> int:
    """Record alerts that entered the feed since the last sync; return how many."""
    return ledger.enter(((a.id, a.source, via) for a, via in entering(store, policy)), at)


def encode_cursor(seq: int) -> str:
    return f"v{FEED_VERSION}.{seq}"


def decode_cursor(cursor: str | None) -> int:
    if not cursor:
        return 0
    prefix, _, number = cursor.partition(".")
    if prefix != f"v{FEED_VERSION}" or not number.isdigit() or len(number) > 18:
        raise CursorError(f"not a cursor of this feed: {cursor[:40]!r}")
    return int(number)


def _reasons(store: Store, alert: Alert) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    detection = store.get_detection(alert.listing_key)
    if detection is None:
        return {"species": [], "cites_appendix": None}, []
    reasons = [
        {"kind": r.kind, "detail": r.detail, "matched": r.matched}
        for r in detection.reasons
        if r.weight >= 0
    ]
    return {"species": list(detection.species), "cites_appendix": detection.cites_appendix}, reasons


def feed_item(
    store: Store, entry: FeedEntry, alert: Alert, ack: Ack | None, checks: RemovalView
) -> dict[str, Any]:
    """One feed item (the versioned JSON shape; see the README's example)."""
    stored = store.get_listing(alert.listing_key)
    listing = stored.listing if stored else None
    taxa, reasons = _reasons(store, alert)
    return {
        "id": alert.id,
        "seq": entry.seq,
        "entered_at": entry.entered_at,
        "entered_via": entry.via,
        "platform": alert.source,
        "listing_id": listing.listing_id if listing else alert.listing_key.partition(":")[2],
        "listing_url": listing.url if listing else None,
        "seller_id": alert.seller_id,
        "title": alert.title,
        "commodity": alert.commodity,
        **taxa,
        "score": round(alert.score, 4),
        "reasons": reasons,
        "evidence_sha256": listing.evidence_sha256 if listing else None,
        "first_seen_at": stored.first_seen_at if stored else None,
        "last_seen_at": stored.last_seen_at if stored else None,
        "alert_state": alert.state,
        "removal": {
            "observed_removed_at": stored.removed_at if stored else None,
            "partner_status": ack.status if ack else None,
            "partner_reason": ack.reason if ack else None,
            "partner_at": ack.at if ack else None,
            "checked_at": checks.checked_at,
            "check_outcome": checks.check_outcome,
            "check_http_status": checks.check_status,
            "comeback_at": checks.comeback_at,
        },
    }


def read_page(
    store: Store,
    ledger: FeedLedger,
    sources: Iterable[str] | None,
    cursor: str | None,
    limit: int,
) -> dict[str, Any]:
    """One page of the feed after ``cursor``: ``{"version", "items", "next_cursor"}``.
    ``next_cursor`` is where to continue (also when the page was empty: poll with it)."""
    if not 1 <= limit <= MAX_FEED_PAGE:
        raise ValueError(f"limit must be 1-{MAX_FEED_PAGE}")
    after = decode_cursor(cursor)
    entries = ledger.page(sources, after, limit)
    acks = ledger.latest_acks(e.item_id for e in entries)
    checks = ledger.checks(e.item_id for e in entries)
    items = []
    for entry in entries:
        alert = store.get_alert(entry.item_id)
        if alert is not None:
            view = removal_view(checks.get(entry.item_id, []))
            items.append(feed_item(store, entry, alert, acks.get(entry.item_id), view))
    last = entries[-1].seq if entries else after
    return {"version": FEED_VERSION, "items": items, "next_cursor": encode_cursor(last)}
