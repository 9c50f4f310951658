"""The Elasticsearch store: the ``Store`` protocol on a cluster, with outage safety.

Design notes
------------
* Same semantics as the SQLite store; the contract suite runs against both. Index layout,
  mappings and analysers: ``index/es_mappings.py``; the write operations:
  ``index/es_writes.py`` (documents: ``index/es_docs.py``); the reads:
  ``index/es_reads.py``; query building: ``index/es_search.py``; spooling and replay:
  ``index/es_outage.py`` and ``index/es_spool.py``; life cycle (init/status/reindex):
  ``index/es_admin.py``. This class wires them and holds the locking and chunking.
* Outage safety (``es_outage``): writes that the cluster cannot take now are appended to
  a durable local spool, with a warning, and replayed in order before the next write or by
  ``replay()``. ``status()`` shows the spooled operations and records and the last error.
* While spooled, ``upsert_listings`` cannot know whether a listing is new: spooled listings
  are counted in ``UpsertResult.spooled`` and listed in ``fresh_keys`` (classifying them
  again is harmless: detections are keyed by content hash). ``mark_removed`` returns 0 for
  spooled keys.
* Reads and ``set_alert_state`` need the cluster (a state change must see the current
  version): they raise ``index.base.StoreUnavailableError`` during an outage.
* Alert state changes use ``if_seq_no``/``if_primary_term``: a concurrent change makes the
  write fail with 409, reported as ``alerts.base.ConflictError``.
* Read-your-writes: search, counts and scans are near-real-time in Elasticsearch, so the
  store refreshes its indices before such a read if it wrote since the last refresh (gets by
  id are real-time and need no refresh).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import elasticsearch as es
from elasticsearch import Elasticsearch

from alerts.base import Alert, AuditEntry, ConflictError, UnknownAlertError
from classifiers.base import Detection
from crawlers.base import Listing
from index import es_admin
from index.base import (
    AlertFilter,
    ReplayResult,
    SearchQuery,
    SearchResult,
    StoredListing,
    StoreStatus,
    StoreUnavailableError,
    UpsertResult,
)
from index.es_bulk import Unavailable
from index.es_docs import audit_doc
from index.es_mappings import INDEX_NAMES
from index.es_outage import OutageSafe
from index.es_reads import Reader, stored_from_source
from index.es_spool import Spool
from index.es_writes import Writer
from index.rules import Decide, StoreRules

__all__ = ["ElasticsearchStore", "StoreUnavailableError", "stored_from_source"]

log = logging.getLogger(__name__)


class ElasticsearchStore(OutageSafe, StoreRules):
    """See the module docstring."""

    def __init__(
        self,
        url: str,
        *,
        prefix: str = "wildtrace",
        api_key: str | None = None,
        timeout: float = 30,
        chunk_size: int = 500,
        spool_dir: Path,
    ) -> None:
        self.url, self.prefix = url, prefix
        self.client = Elasticsearch(
            url,
            api_key=api_key,
            request_timeout=timeout,
            max_retries=2,
            retry_on_timeout=True,
            retry_on_status=(429, 502, 503, 504),
        )
        self.writer = Writer(self.client, prefix, chunk_size)
        self.reader = Reader(self.client, prefix, self.writer)
        self.chunk_size = chunk_size
        self.spool = Spool(spool_dir)
        self._reset_outage_state()

    # -- Store protocol: writes (spooled during an outage) ------------------------------

    def init(self) -> None:
        """Templates and write aliases. If the cluster is down, log it and carry on: writes
        spool, and the first write that reaches the cluster creates the indices first (a
        write to a missing alias would otherwise auto-create an index without mappings)."""
        try:
            self._ensure_indices()
        except Unavailable as exc:
            self._outage(exc)
            log.warning("elasticsearch unavailable at init, writes will spool: %s", exc)

    def _upsert_listings(self, listings: list[Listing]) -> UpsertResult:
        new = changed = unchanged = spooled = 0
        fresh: list[str] = []
        for start in range(0, len(listings), self.chunk_size):
            batch = listings[start : start + self.chunk_size]
            applied, res = self._write("upsert_listings", [x.to_dict() for x in batch], len(batch))
            if applied:
                new, changed, unchanged = (
                    new + res.new,
                    changed + res.changed,
                    unchanged + res.unchanged,
                )
                fresh.extend(res.fresh_keys)
            else:
                spooled += len(batch)
                fresh.extend(x.key for x in batch)
        return UpsertResult(new, changed, unchanged, tuple(dict.fromkeys(fresh)), spooled)

    def _mark_removed(self, keys: list[str], at: str) -> int:
        applied, count = self._write("mark_removed", {"keys": keys, "at": at}, len(keys))
        return int(count) if applied else 0

    def _put_detections(self, pairs: list[tuple[str, Detection]]) -> int:
        payload = [[h, d.to_dict()] for h, d in pairs]
        total = 0
        for start in range(0, len(payload), self.chunk_size):
            chunk = payload[start : start + self.chunk_size]
            applied, count = self._write("put_detections", chunk, len(chunk))
            total += int(count) if applied else len(chunk)
        return total

    def _upsert_alerts(self, batch: list[Alert]) -> int:
        payload = [a.to_dict() for a in batch]
        applied, new = self._write("upsert_alerts", payload, len(payload))
        return int(new) if applied else 0

    def relabel_alert_networks(self, renames: Mapping[str, str]) -> int:
        applied, count = self._write("relabel_networks", dict(renames), len(renames))
        return int(count) if applied else 0

    def _change_alert(self, alert_id: str, decide: Decide) -> Alert:
        with self._reading():
            hit = self.writer.mget("alerts", [alert_id]).get(alert_id)
            if hit is None:
                raise UnknownAlertError(alert_id)
            changed, entry = decide(Alert.from_dict(hit["_source"]))
            try:
                self.client.index(
                    index=hit["_index"],
                    id=alert_id,
                    document=changed.to_dict(),
                    if_seq_no=hit["_seq_no"],
                    if_primary_term=hit["_primary_term"],
                )
            except es.ConflictError as exc:
                raise ConflictError(f"alert {alert_id} changed concurrently") from exc
        self._dirty = True
        self._write("audit", [audit_doc(entry, changed.version)], 1)
        return changed

    # -- Store protocol: reads (need the cluster) ---------------------------------------

    def active_keys(self, source: str) -> set[str]:
        with self._reading(refresh=True):
            return self.reader.active_keys(source)

    def get_listing(self, key: str) -> StoredListing | None:
        with self._reading():
            return self.reader.get_listing(key)

    def _listing_page(self, source: str | None, after: str, size: int) -> list[StoredListing]:
        with self._reading(refresh=True):
            return self.reader.listing_page(source, after, size)

    def listing_versions(self, key: str) -> list[Listing]:
        with self._reading(refresh=True):
            return self.reader.listing_versions(key)

    def get_detection(self, key: str) -> Detection | None:
        with self._reading():
            return self.reader.get_detection(key)

    def _search(self, query: SearchQuery) -> SearchResult:
        with self._reading(refresh=True):
            return self.reader.search(query)

    def _date_histogram(
        self, query: SearchQuery, field: str, interval: str
    ) -> list[tuple[str, int]]:
        with self._reading(refresh=True):
            return self.reader.date_histogram(query, field, interval)

    def get_alert(self, alert_id: str) -> Alert | None:
        with self._reading():
            hit = self.writer.mget("alerts", [alert_id]).get(alert_id)
        return Alert.from_dict(hit["_source"]) if hit else None

    def _list_alerts(self, flt: AlertFilter) -> list[Alert]:
        with self._reading(refresh=True):
            return self.reader.list_alerts(flt)

    def count_alerts(self, flt: AlertFilter) -> int:
        with self._reading(refresh=True):
            return self.reader.count_alerts(flt)

    def alert_history(self, alert_id: str) -> list[AuditEntry]:
        with self._reading(refresh=True):
            return self.reader.alert_history(alert_id)

    def counts(self) -> dict[str, int]:
        with self._reading(refresh=True):
            return self.reader.counts()

    def index_pending(self, limit: int | None = None) -> int:
        """Elasticsearch indexes as it writes; a refresh makes that searchable now."""
        with self._reading(refresh=True):
            return 0

    def index_lag(self) -> int:
        return 0  # searchable within the cluster's refresh interval (1 s), queued nowhere

    # -- operations ----------------------------------------------------------------------

    def status(self) -> StoreStatus:
        """Cluster reachability, per-index state and the spool (for `wildtrace index status`)."""
        ops, records = self.spool.pending()
        out: dict[str, Any] = {
            "url": self.url,
            "prefix": self.prefix,
            "reachable": True,
            "spool": {
                "operations": ops,
                "records": records,
                "dead": self.spool.dead(),
                "dir": str(self.spool.dir),
            },
            "last_error": self.last_error,
            "last_error_at": self.last_error_at,
        }
        try:
            out["server"] = self.client.info()["version"]["number"]
            out["indices"] = es_admin.index_status(self.client, self.prefix)
        except (Unavailable, es.TransportError) as exc:
            out["reachable"], out["error"] = False, str(exc)[:500]
        return StoreStatus("elasticsearch", out["reachable"], ops, out)

    def reindex(self, names: Sequence[str] = (), *, delete_old: bool = False) -> list[Any]:
        unknown = [n for n in names if n not in INDEX_NAMES]
        if unknown:
            raise ValueError(f"no index named {', '.join(unknown)}; known: {INDEX_NAMES}")
        return [
            es_admin.reindex(self.client, self.prefix, n, delete_old=delete_old)
            for n in (names or INDEX_NAMES)
        ]

    def replay(self) -> ReplayResult:
        """Send spooled writes now; if the cluster is (still) down the spool is kept."""
        error = None
        try:
            done = self._replay_spool()
        except Unavailable as exc:
            done, error = 0, str(exc)[:500]
        ops, records = self.spool.pending()
        return ReplayResult(done, ops, records, error)

    def close(self) -> None:
        self.spool.close()
        self.client.close()
