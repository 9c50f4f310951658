"""The Elasticsearch store: the ``Store`` protocol on a cluster, with outage safety.

Design notes
------------
* Same semantics as the SQLite store; the contract suite runs against both. Index layout,
  mappings and analysers: ``index/es_mappings.py``; the write operations:
  ``index/es_writes.py``; query building: ``index/es_search.py``; life cycle
  (init/status/reindex): ``index/es_admin.py``.
* Outage safety. Writes (``upsert_listings``, ``mark_removed``, ``put_detections``,
  ``upsert_alerts`` and audit entries) go through ``_write``: if the cluster is unreachable
  or refuses writes for now (429/5xx, cluster block), the operation is appended to a durable
  local spool (``index/es_spool.py``) and a warning is logged. The spool is replayed in order
  before the next write, or by ``replay()``; while anything is spooled, new writes queue
  behind it so order holds. After an outage, writes skip the cluster for a back-off period
  (1 s doubling to 60 s) instead of waiting on a dead node for every chunk.
  ``status()`` shows the spooled operations and records and the last error.
* While spooled, ``upsert_listings`` cannot know whether a listing is new: spooled listings
  are counted in ``UpsertResult.spooled`` and listed in ``fresh_keys`` (classifying them
  again is harmless: detections are keyed by content hash). ``mark_removed`` returns 0 for
  spooled keys.
* Reads and ``set_alert_state`` need the cluster (a state change must see the current
  version): they raise ``StoreUnavailableError`` during an outage.
* Alert state changes use ``if_seq_no``/``if_primary_term``: a concurrent change makes the
  write fail with 409, reported as ``alerts.base.ConflictError``.
* Read-your-writes: search, counts and scans are near-real-time in Elasticsearch, so the
  store refreshes its indices before such a read if it wrote since the last refresh (gets by
  id are real-time and need no refresh).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import elasticsearch as es
from elasticsearch import Elasticsearch, helpers

from alerts.base import STATES, Alert, AuditEntry, ConflictError, UnknownAlertError
from classifiers.base import Detection
from crawlers.base import Listing, utc_now
from index import es_admin, es_search
from index.base import (
    AlertFilter,
    SearchHit,
    SearchQuery,
    SearchResult,
    StoredListing,
    UpsertResult,
)
from index.es_bulk import Rejected, Unavailable, classify
from index.es_mappings import alias_name, doc_id
from index.es_spool import PoisonOperation, Spool
from index.es_writes import Writer

log = logging.getLogger(__name__)


class StoreUnavailableError(RuntimeError):
    """The cluster cannot answer a read or a state change right now."""


def stored_from_source(src: dict[str, Any]) -> StoredListing:
    return StoredListing(
        listing=Listing.from_dict(src["listing"]),
        version=int(src["version"]),
        first_seen_at=src["first_seen_at"],
        last_seen_at=src["last_seen_at"],
        removed_at=src.get("removed_at"),
    )


class ElasticsearchStore:
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
        self.chunk_size = chunk_size
        self.spool = Spool(spool_dir)
        self.last_error: str | None = None
        self.last_error_at: str | None = None
        self._dirty = True
        self._initialised = False
        self._backoff = 0.0
        self._down_until = 0.0
        self._lock = threading.RLock()

    # -- outage handling ---------------------------------------------------------------

    def _apply(self, op: str, payload: Any) -> Any:
        result = getattr(self.writer, op)(payload)
        self._dirty = True
        return result

    def _outage(self, exc: Exception) -> None:
        self.last_error, self.last_error_at = str(exc)[:500], utc_now()
        self._backoff = min(60.0, max(1.0, self._backoff * 2))
        self._down_until = time.monotonic() + self._backoff

    def _write(self, op: str, payload: Any, records: int) -> tuple[bool, Any]:
        """Apply now if possible, else spool. Returns ``(applied, result)``."""
        with self._lock:
            if time.monotonic() < self._down_until:
                # Recently down: do not wait on a dead node for every chunk.
                self.spool.append(op, payload, records)
                log.warning("elasticsearch marked down, spooled %s (%d records)", op, records)
                return False, None
            try:
                self._ensure_indices()
                if self.spool.has_pending():
                    self.replay()
                result = self._apply(op, payload)
                self._backoff = 0.0
                return True, result
            except Unavailable as exc:
                self._outage(exc)
                self.spool.append(op, payload, records)
                log.warning(
                    "elasticsearch unavailable, spooled %s (%d records): %s", op, records, exc
                )
                return False, None

    def replay(self) -> int:
        """Apply spooled operations in order; return how many. Raises ``Unavailable`` if
        the cluster goes away again (the rest stays spooled)."""

        def apply(op: str, payload: Any) -> None:
            if op == "put_detections":  # set aside only the detections that cannot be stored
                self.writer.put_detections(payload, skip_unknown=True)
                self._dirty = True
                if self.writer.skipped:
                    raise PoisonOperation(
                        "detections of versions never stored", self.writer.skipped
                    )
                return
            try:
                self._apply(op, payload)
            except (Rejected, ValueError) as exc:
                raise PoisonOperation(str(exc)) from exc

        with self._lock:
            self._ensure_indices()
            done = self.spool.replay(apply)
            self._backoff = self._down_until = 0.0
        if done:
            log.info("replayed %d spooled operations to %s", done, self.url)
        return done

    @contextmanager
    def _reading(self, refresh: bool = False) -> Iterator[None]:
        try:
            if refresh and self._dirty:
                self.client.indices.refresh(index=f"{self.prefix}-*")
                self._dirty = False
            yield
        except (es.ApiError, es.TransportError) as exc:
            err = classify(exc)
            if isinstance(err, Unavailable):
                raise StoreUnavailableError(str(err)) from exc
            raise

    # -- Store protocol ----------------------------------------------------------------

    def init(self) -> None:
        """Templates and write aliases. If the cluster is down, log it and carry on: writes
        spool, and the first write that reaches the cluster creates the indices first (a
        write to a missing alias would otherwise auto-create an index without mappings)."""
        try:
            self._ensure_indices()
        except Unavailable as exc:
            self._outage(exc)
            log.warning("elasticsearch unavailable at init, writes will spool: %s", exc)

    def _ensure_indices(self) -> None:
        if not self._initialised:
            es_admin.ensure_indices(self.client, self.prefix)
            self._initialised = self._dirty = True

    def upsert_listings(self, listings: Iterable[Listing]) -> UpsertResult:
        new = changed = unchanged = spooled = 0
        fresh: list[str] = []
        batch: list[Listing] = []
        for listing in [*listings, None]:
            if listing is not None:
                batch.append(listing)
                if len(batch) < self.chunk_size:
                    continue
            if not batch:
                break
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
            batch = []
        return UpsertResult(new, changed, unchanged, tuple(dict.fromkeys(fresh)), spooled)

    def active_keys(self, source: str) -> set[str]:
        query = {
            "bool": {
                "filter": [{"term": {"source": source}}],
                "must_not": [{"exists": {"field": "removed_at"}}],
            }
        }
        with self._reading(refresh=True):
            hits = helpers.scan(
                self.client,
                index=alias_name(self.prefix, "listings"),
                query={"query": query, "_source": ["key"]},
                size=1000,
            )
            return {h["_source"]["key"] for h in hits}

    def mark_removed(self, keys: Iterable[str], at: str) -> int:
        keys = list(keys)
        applied, count = self._write("mark_removed", {"keys": keys, "at": at}, len(keys))
        return int(count) if applied else 0

    def get_listing(self, key: str) -> StoredListing | None:
        with self._reading():
            hit = self.writer.mget("listings", [doc_id(key)]).get(doc_id(key))
        return stored_from_source(hit["_source"]) if hit else None

    def listing_versions(self, key: str) -> list[Listing]:
        with self._reading(refresh=True):
            hits = helpers.scan(
                self.client,
                index=alias_name(self.prefix, "versions"),
                query={"query": {"term": {"key": key}}},
                size=1000,
            )
            docs = sorted((h["_source"] for h in hits), key=lambda s: int(s["version"]))
        return [Listing.from_dict(d["listing"]) for d in docs]

    def put_detections(self, detections: Iterable[tuple[str, Detection]]) -> int:
        payload = [[h, d.to_dict()] for h, d in detections]
        total = 0
        for start in range(0, len(payload), self.chunk_size):
            chunk = payload[start : start + self.chunk_size]
            applied, count = self._write("put_detections", chunk, len(chunk))
            total += int(count) if applied else len(chunk)
        return total

    def _detections(self, pairs: list[tuple[str, str]]) -> dict[str, Detection]:
        hits = self.writer.mget("detections", [doc_id(k, h) for k, h in pairs])
        return {
            h["_source"]["key"]: Detection.from_dict(h["_source"]["detection"])
            for h in hits.values()
        }

    def get_detection(self, key: str) -> Detection | None:
        with self._reading():
            head = self.writer.mget("listings", [doc_id(key)], ["content_hash"]).get(doc_id(key))
            if head is None:
                return None
            return self._detections([(key, head["_source"]["content_hash"])]).get(key)

    def search(self, query: SearchQuery) -> SearchResult:
        body = es_search.search_body(query)
        with self._reading(refresh=True):
            resp = self.client.search(index=alias_name(self.prefix, "listings"), **body)
            raw = resp["hits"]["hits"]
            stored = [stored_from_source(h["_source"]) for h in raw]
            scored = [
                (s.listing.key, s.listing.content_hash)
                for s, h in zip(stored, raw, strict=True)
                if h["_source"].get("label")
            ]
            dets = self._detections(scored) if scored else {}
        hits = tuple(
            SearchHit(s, dets.get(s.listing.key), es_search.highlights(h))
            for s, h in zip(stored, raw, strict=True)
        )
        return SearchResult(int(resp["hits"]["total"]["value"]), hits, es_search.facets(resp.body))

    def upsert_alerts(self, alerts: Iterable[Alert]) -> int:
        payload = [a.to_dict() for a in alerts]
        applied, new = self._write("upsert_alerts", payload, len(payload)) if payload else (True, 0)
        return int(new) if applied else 0

    def get_alert(self, alert_id: str) -> Alert | None:
        with self._reading():
            hit = self.writer.mget("alerts", [alert_id]).get(alert_id)
        return Alert.from_dict(hit["_source"]) if hit else None

    def list_alerts(self, flt: AlertFilter) -> list[Alert]:
        with self._reading(refresh=True):
            resp = self.client.search(
                index=alias_name(self.prefix, "alerts"),
                query=es_search.alert_query(flt),
                sort=es_search.ALERT_SORT,
                size=max(0, min(flt.limit, es_search.MAX_LIMIT)),
                from_=max(0, flt.offset),
            )
        return [Alert.from_dict(h["_source"]) for h in resp["hits"]["hits"]]

    def count_alerts(self, flt: AlertFilter) -> int:
        with self._reading(refresh=True):
            resp = self.client.count(
                index=alias_name(self.prefix, "alerts"), query=es_search.alert_query(flt)
            )
        return int(resp["count"])

    def set_alert_state(
        self, alert_id: str, state: str, *, actor: str, expected_version: int, note: str = ""
    ) -> Alert:
        if state not in STATES:
            raise ValueError(f"state must be one of {STATES}, not {state!r}")
        with self._reading():
            hit = self.writer.mget("alerts", [alert_id]).get(alert_id)
            if hit is None:
                raise UnknownAlertError(alert_id)
            alert = Alert.from_dict(hit["_source"])
            if alert.version != expected_version:
                raise ConflictError(f"alert {alert_id} is at version {alert.version}")
            changed = replace(alert, state=state, version=alert.version + 1, updated_at=utc_now())
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
        entry = AuditEntry(alert_id, changed.updated_at, actor, "state", alert.state, state, note)
        self._write("audit", [{**entry.to_dict(), "seq": changed.version}], 1)
        return changed

    def alert_history(self, alert_id: str) -> list[AuditEntry]:
        with self._reading(refresh=True):
            resp = self.client.search(
                index=alias_name(self.prefix, "audit"),
                size=10_000,
                query={"term": {"alert_id": alert_id}},
                sort=[{"seq": "asc"}],
            )
        fields = AuditEntry.__dataclass_fields__
        return [
            AuditEntry(**{k: v for k, v in h["_source"].items() if k in fields})
            for h in resp["hits"]["hits"]
        ]

    def counts(self) -> dict[str, int]:
        def count(name: str, query: dict[str, Any] | None = None) -> int:
            return int(self.client.count(index=alias_name(self.prefix, name), query=query)["count"])

        with self._reading(refresh=True):
            return {
                "listings": count("listings"),
                "versions": count("versions"),
                "detections": count("detections"),
                "alerts": count("alerts"),
                "removed": count("listings", {"exists": {"field": "removed_at"}}),
            }

    # -- operations ----------------------------------------------------------------------

    def status(self) -> dict[str, Any]:
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
        return out

    def reindex(self, names: Iterable[str], *, delete_old: bool = False) -> list[dict[str, Any]]:
        return [es_admin.reindex(self.client, self.prefix, n, delete_old=delete_old) for n in names]

    def close(self) -> None:
        self.spool.close()
        self.client.close()
