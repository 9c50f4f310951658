"""Outage safety for the Elasticsearch store: spool writes, replay them, guard reads.

Design notes
------------
* Writes (``upsert_listings``, ``mark_removed``, ``put_detections``, ``upsert_alerts`` and
  audit entries) go through ``_write``: if the cluster is unreachable or refuses writes
  for now (429/5xx, cluster block), the operation is appended to a durable local spool
  (``index/es_spool.py``) and a warning is logged. The spool is replayed in order before
  the next write, or by ``replay()``; while anything is spooled, new writes queue behind
  it so order holds. After an outage, writes skip the cluster for a back-off period (1 s
  doubling to 60 s) instead of waiting on a dead node for every chunk.
* Reads go through ``_reading``: it refreshes the indices first if the store wrote since
  the last refresh (search, counts and scans are near-real-time), and turns an outage into
  ``index.base.StoreUnavailableError``.
* ``OutageSafe`` is the base of ``ElasticsearchStore``, which sets the attributes declared
  here in its ``__init__``.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import elasticsearch as es
from elasticsearch import Elasticsearch

from common.clock import utc_now
from index import es_admin
from index.base import StoreUnavailableError
from index.es_bulk import Rejected, Unavailable, classify
from index.es_spool import PoisonOperation, Spool
from index.es_writes import Writer

log = logging.getLogger(__name__)


class OutageSafe:
    """Spooling writes and guarded reads (see the module docstring)."""

    url: str
    prefix: str
    client: Elasticsearch
    writer: Writer
    spool: Spool
    last_error: str | None
    last_error_at: str | None
    _dirty: bool
    _initialised: bool
    _backoff: float
    _down_until: float
    _lock: threading.RLock

    def _reset_outage_state(self) -> None:
        self.last_error = self.last_error_at = None
        self._dirty = True
        self._initialised = False
        self._backoff = self._down_until = 0.0
        self._lock = threading.RLock()

    def _ensure_indices(self) -> None:
        if not self._initialised:
            es_admin.ensure_indices(self.client, self.prefix)
            self._initialised = self._dirty = True

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
                    self._replay_spool()
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

    def _replay_spool(self) -> int:
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
        except (es.ApiError, es.TransportError, Unavailable) as exc:
            err = classify(exc)
            if isinstance(err, Unavailable):
                raise StoreUnavailableError(str(err)) from exc
            raise
