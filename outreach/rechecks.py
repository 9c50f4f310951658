"""Removal verification: every listing sent to a partner is re-checked on a schedule,
whatever the partner said, and a listing that comes back is flagged.

Design notes
------------
* A check is one request for the listing's URL by a ``Prober`` (built by the composition
  root under the source's egress policy): ``online`` (2xx), ``gone`` (404/410) or
  ``unreadable`` (anything else: timeout, 5xx, refused, a redirect). "Could not read it"
  is never "it was removed": only ``gone`` marks the listing removed in the store
  (``mark_removed``, the crawler's own rule), and an unreadable answer changes nothing.
* Every check is appended to the ledger's ``rechecks`` table (what, when, which status);
  nothing captured is rewritten: a listing that comes back keeps its stored versions and
  its ``removed_at``; the comeback is a new fact beside them.
* Comeback: the listing answers ``online`` after a *claim* of removal — the partner's
  latest answer is ``removed``, the store saw it removed, or an earlier check found it
  ``gone`` — and no comeback was flagged since that claim. It is written into the
  alert's audit log (``alerts.notes``), shown in the feed item (``removal.comeback_at``)
  to the partner, and on the investigators' pages. The first ``gone`` after a claim-free
  state is written to the audit log too (the removal was verified).
* Due: items never checked first, then the longest unchecked, none checked more recently
  than ``older_than``; at most ``limit`` per run, so one run is bounded.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from alerts.base import ACTION_RECHECK, AlertError, AlertNote
from index.base import Store, StoredListing
from outreach.base import (
    ACK_REMOVED,
    CHECK_GONE,
    CHECK_ONLINE,
    Ack,
    Check,
    FeedEntry,
    Probe,
    Prober,
)
from outreach.ledger import FeedLedger

log = logging.getLogger(__name__)
ACTOR = "recheck"


@dataclass(frozen=True, slots=True)
class RemovalView:
    """What the feed item says of re-checks (``outreach.feeds.feed_item``)."""

    checked_at: str | None = None
    check_outcome: str | None = None
    check_status: int | None = None
    comeback_at: str | None = None


def removal_view(checks: list[Check]) -> RemovalView:
    """The latest check, and the latest comeback unless a later check found it gone."""
    if not checks:
        return RemovalView()
    last = checks[-1]
    comeback = None
    for check in checks:
        if check.comeback:
            comeback = check.at
        elif check.outcome == CHECK_GONE:
            comeback = None
    return RemovalView(last.at, last.outcome, last.http_status, comeback)


def claim_of(stored: StoredListing, ack: Ack | None, checks: list[Check]) -> str | None:
    """When removal was last claimed (partner said so, store saw it, a check found it
    gone), or ``None``."""
    times = [stored.removed_at or ""]
    if ack is not None and ack.status == ACK_REMOVED:
        times.append(ack.at)
    times += [c.at for c in checks if c.outcome == CHECK_GONE]
    latest = max(times)
    return latest or None


def judge(probe: Probe, claim: str | None, checks: list[Check]) -> bool:
    """Whether this ``online`` answer is a comeback not flagged yet."""
    if probe.outcome != CHECK_ONLINE or claim is None:
        return False
    return not any(c.comeback and c.at >= claim for c in checks)


def _note(store: Store, alert_id: str, text: str) -> None:
    try:
        store.annotate_alert(alert_id, AlertNote(ACTION_RECHECK, ACTOR, text[:2000]))
    except AlertError as exc:  # the alert moved meanwhile; the ledger keeps the fact
        log.warning("re-check note on alert %s not written: %s", alert_id, exc)


def check_one(
    store: Store, ledger: FeedLedger, probe: Prober, entry: FeedEntry, now: str
) -> Check | None:
    """Re-check one feed item; the logged check, or ``None`` (no listing URL known)."""
    alert = store.get_alert(entry.item_id)
    stored = store.get_listing(alert.listing_key) if alert else None
    if alert is None or stored is None or not stored.listing.url:
        return None
    before = ledger.checks([entry.item_id]).get(entry.item_id, [])
    ack = ledger.latest_acks([entry.item_id]).get(entry.item_id)
    claim = claim_of(stored, ack, before)
    answer = probe(entry.source, stored.listing.url)
    comeback = judge(answer, claim, before)
    check = Check(entry.item_id, entry.source, now, answer.outcome, answer.http_status,
                  answer.detail[:500], comeback)  # fmt: skip
    ledger.record_check(check)
    status = f"HTTP {answer.http_status}" if answer.http_status else answer.detail[:80]
    if comeback:
        _note(store, alert.id, f"listing back online ({status}) after removal claimed {claim}")
    elif answer.outcome == CHECK_GONE:
        if not stored.removed_at:
            store.mark_removed([alert.listing_key], now)
        if not before or before[-1].outcome != CHECK_GONE:
            _note(store, alert.id, f"removal verified: listing answers {status}")
    return check


def due(ledger: FeedLedger, older_than: str, limit: int) -> list[FeedEntry]:
    """Feed items to re-check now (see the module notes)."""
    last = {item: checks[-1].at for item, checks in ledger.checks().items()}
    entries = [e for e in ledger.page(None, 0, 10**9) if last.get(e.item_id, "") < older_than]
    entries.sort(key=lambda e: (last.get(e.item_id, ""), e.seq))
    return entries[:limit]


def recheck_due(
    store: Store,
    ledger: FeedLedger,
    probe: Prober,
    *,
    now: str,
    older_than: str,
    limit: int,
) -> dict[str, int]:
    """Re-check what is due; counts per outcome, plus ``comeback`` and ``skipped``."""
    counts = {"online": 0, "gone": 0, "unreadable": 0, "comeback": 0, "skipped": 0}
    for entry in due(ledger, older_than, limit):
        check = check_one(store, ledger, probe, entry, now)
        if check is None:
            counts["skipped"] += 1
            continue
        counts[check.outcome] += 1
        counts["comeback"] += int(check.comeback)
    return counts


def comebacks(ledger: FeedLedger, item_ids: Iterable[str]) -> dict[str, str]:
    """Items flagged as back online now: ``item_id → comeback time``."""
    views = {i: removal_view(c) for i, c in ledger.checks(item_ids).items()}
    return {i: v.comeback_at for i, v in views.items() if v.comeback_at}
