"""The outreach services the web app uses (``outreach.base`` protocols) over a store:
``Feeds`` (takedown feed + acknowledgements) and ``Audiences``.

Every feed read first ``sync``s the ledger with the alert store, so an alert confirmed a
moment ago is in the next page a partner reads (and in the next webhook push, which
syncs the same way: ``Feeds.push``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from classifiers.base import Detection
from common.clock import utc_now
from index.base import Store, StoredListing
from outreach.audiences import DIMENSIONS, AudienceTable, build
from outreach.base import Ack, UnknownItemError
from outreach.feeds import FeedPolicy, encode_cursor, read_page, sync
from outreach.ledger import FeedLedger
from outreach.notify.outbox import Outbox


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
        return self.ledger.acknowledge(item_id, actor, status, reason, utc_now())

    def acks(self, sources: tuple[str, ...] | None, limit: int) -> list[Ack]:
        return self.ledger.acks(sources, limit)

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
