"""The outreach services the web app uses (``outreach.base`` protocols) over a store:
``Feeds`` (takedown feed + acknowledgements) and ``Audiences``.

Every feed read first ``sync``s the ledger with the alert store, so an alert confirmed a
moment ago is in the next page a partner reads (and in the next webhook push, which
syncs the same way: ``Feeds.push``). Every acknowledgement is appended to the ledger and
written into the alert's audit log (``alerts.notes``), where investigators read it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

from alerts.base import ACTION_PARTNER_ACK, AlertError, AlertNote, ConflictError
from classifiers.base import Detection
from common.clock import utc_now
from index.base import Store, StoredListing
from outreach.audiences import DIMENSIONS, AudienceTable, build
from outreach.base import (
    Ack,
    Match,
    SavedSearch,
    Subscription,
    UnknownItemError,
    check_address,
)
from outreach.contacts import SegmentContacts, collect, export_csv, summary
from outreach.digests import find_matches
from outreach.feeds import FeedPolicy, encode_cursor, read_page, sync
from outreach.ledger import FeedLedger
from outreach.notify.outbox import Outbox
from outreach.rechecks import comebacks
from outreach.subscriptions import Subscriptions
from outreach.transparency import PlatformRow, report, to_csv

log = logging.getLogger(__name__)


def audit_ack(store: Store, ack: Ack, tries: int = 3) -> None:
    """Write the acknowledgement into the alert's audit log too (the ledger keeps it
    whatever happens here); a concurrent change of the alert is retried."""
    note = AlertNote(ACTION_PARTNER_ACK, ack.actor, f"{ack.status}: {ack.reason}".rstrip(": "))
    for _ in range(tries):
        try:
            store.annotate_alert(ack.item_id, note)
            return
        except ConflictError:
            continue
        except AlertError as exc:
            log.warning("acknowledgement of %s not in the audit log: %s", ack.item_id, exc)
            return
    log.warning("acknowledgement of %s not in the audit log: alert kept changing", ack.item_id)


class Feeds:
    def __init__(self, store: Store, ledger: FeedLedger, policy: FeedPolicy) -> None:
        self.store, self.ledger, self.policy = store, ledger, policy

    def page(
        self, sources: tuple[str, ...] | None, cursor: str | None, limit: int
    ) -> dict[str, Any]:
        sync(self.store, self.ledger, self.policy, utc_now())
        return read_page(self.store, self.ledger, sources, cursor, limit)

    def acknowledge(
        self, item_id: str, sources: tuple[str, ...], actor: str, status: str, reason: str
    ) -> Ack:
        entry = self.ledger.entry(item_id)
        if entry is None or entry.source not in sources:
            raise UnknownItemError(f"no feed item {item_id[:40]!r} for this partner")
        ack = self.ledger.acknowledge(item_id, actor, status, reason, utc_now())
        audit_ack(self.store, ack)
        return ack

    def acks(self, sources: tuple[str, ...] | None, limit: int) -> list[Ack]:
        return self.ledger.acks(sources, limit)

    def comebacks(self, sources: tuple[str, ...] | None) -> list[dict[str, Any]]:
        entries = self.ledger.page(sources, 0, 10**9)
        back = comebacks(self.ledger, (e.item_id for e in entries))
        out = []
        for entry in entries:
            alert = self.store.get_alert(entry.item_id) if entry.item_id in back else None
            if alert is not None:
                out.append({"item_id": entry.item_id, "platform": entry.source,
                            "title": alert.title, "comeback_at": back[entry.item_id]})  # fmt: skip
        return sorted(out, key=lambda row: row["comeback_at"], reverse=True)

    def report(self) -> list[PlatformRow]:
        return report(self.store, self.ledger)

    def report_csv(self) -> str:
        return to_csv(self.report())

    def push(self, outbox: Outbox, partners: dict[str, tuple[str, ...]], now: float) -> int:
        """Queue every feed item a partner's webhook has not had yet; return how many."""
        queued = 0
        for partner, _url, _dry, after in outbox.channels():
            sources = partners.get(partner)
            if not sources:
                continue
            page = self.page(sources, encode_cursor(after), 500)
            queued += outbox.enqueue(partner, page["items"], now)
        return queued


def _pairs(store: Store) -> Iterator[tuple[StoredListing, Detection]]:
    for stored in store.iter_listings():
        detection = store.get_detection(stored.listing.key)
        if detection is not None and detection.is_hit:
            yield stored, detection


def table_to_dict(table: AudienceTable) -> dict[str, Any]:
    published = table.published()
    return {
        "version": "1",
        "k": table.k,
        "dimensions": list(DIMENSIONS),
        "cells": [
            {**dict(zip(DIMENSIONS, key, strict=True)), "count": n, "suppressed": n is None}
            for key, n in published["cells"]
        ],
        "groups": [
            {"intent": g[0], "commodity": g[1], "week": g[2], "total": n, "suppressed": n is None}
            for g, n in published["groups"]
        ],
        "intents": [
            {"intent": i[0], "total": n, "suppressed": n is None} for i, n in published["intents"]
        ],
        "keywords": [
            {
                "intent": s[0],
                "commodity": s[1],
                "lang": s[2],
                "terms": [{"term": w, "listings": n} for w, n in words],
            }
            for s, words in sorted(table.keywords.items())
        ],  # fmt: skip
    }


class Audiences:
    def __init__(self, store: Store, k: int) -> None:
        if k < 2:
            raise ValueError("audiences.min_cell (k) must be at least 2")
        self.store, self.k = store, k

    def table(self) -> dict[str, Any]:
        return table_to_dict(build(_pairs(self.store), self.k))

    def contacts(self) -> list[SegmentContacts]:
        return collect(_pairs(self.store))

    def contact_segments(self) -> list[dict[str, Any]]:
        return summary(self.contacts(), self.k)

    def contact_csv(self, commodity: str, lang: str) -> str:
        return export_csv(self.contacts(), self.k, commodity, lang)


class Notifications:
    """``outreach.base.NotifyService`` over the subscriptions file and the store."""

    def __init__(self, store: Store, subs: Subscriptions) -> None:
        self.store, self.subs = store, subs

    def subscribe(self, username: str, kind: str, email: str, at: str) -> None:
        self.subs.subscribe(username, kind, check_address(email), 0, at)

    def unsubscribe(self, username: str, kind: str) -> None:
        self.subs.unsubscribe(username, kind)

    def subscription(self, username: str, kind: str) -> Subscription | None:
        return next((s for s in self.subs.subscriptions(username) if s.kind == kind), None)

    def save_search(self, username: str, name: str, params: dict[str, str], min_score: float,
                    email: str, at: str) -> int:  # fmt: skip
        return self.subs.save_search(username, name, params, min_score, email, at)

    def searches(self, username: str) -> list[SavedSearch]:
        return self.subs.searches(username)

    def matches(self, search_id: int) -> list[Match]:
        return self.subs.matches(search_id)

    def delete_search(self, username: str, search_id: int) -> bool:
        return self.subs.delete_search(username, search_id)

    def run_searches(self, username: str, at: str) -> int:
        added = 0
        for search in self.subs.searches(username):
            found = [(a.id, a.title, a.score) for a in find_matches(self.store, search)]
            added += self.subs.add_matches(search.id, found, at)
        return added
