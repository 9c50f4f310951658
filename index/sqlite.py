"""``SqliteStore``: the embedded default ``Store`` (stdlib ``sqlite3`` + FTS5).

Design notes
------------
* One file, zero set-up. ``init()`` applies ``index.sqlite_schema``'s migrations (idempotent,
  safe from several processes) and puts the file in WAL mode.
* Threads: one connection per thread (``threading.local``). The web app serves requests
  from a thread pool while the pipeline writes; WAL lets readers proceed during a write,
  and SQLite's own lock (with a busy timeout) serialises writers. Every write method is
  one ``BEGIN IMMEDIATE`` transaction — taking the write lock up front means two writers
  queue instead of failing with a read-to-write upgrade deadlock. ``search`` runs its
  count, facet and hit queries in one read transaction (they agree with each other);
  connections of threads that ended stay open until ``close()``.
* Evidence is never rewritten: triggers refuse UPDATE/DELETE on ``listing_versions`` and
  ``alert_audit``; a detection needs a captured version (``put_detections``: ValueError).
* Text is indexed after the upsert (``index.sqlite_pending``, with the text this store
  wrote at hand). A text search, and ``close()``, first index what *this* store queued
  (read-your-writes, as ``ElasticsearchStore`` refreshes before reads).
* The rules are ``index.rules.StoreRules``'s, the operations in small modules (``sqlite_listings``,
  ``sqlite_alerts``, ``sqlite_search``); this class owns connections and transactions only.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager, suppress
from pathlib import Path
from typing import Any

from alerts.base import Alert, AuditEntry
from classifiers.base import Detection
from crawlers.base import Listing
from index import sqlite_alerts as alerts_ops
from index import sqlite_listings as listing_ops
from index import sqlite_pending as pending_ops
from index import sqlite_search as search_sql
from index.base import (
    AlertFilter,
    ReplayResult,
    SearchHit,
    SearchQuery,
    SearchResult,
    StoredListing,
    StoreStatus,
    UnsupportedOperationError,
    UpsertResult,
)
from index.query_terms import highlights
from index.rules import Decide, StoreRules
from index.sqlite_schema import migrate

CACHE_KIB = 65_536  # per connection
MMAP_BYTES = 1 << 30
_HIT_COLUMNS = (
    "l.key, l.version, l.first_seen_at, l.last_seen_at, l.removed_at, "
    "v.data AS data, d.data AS detection, t.folded AS folded, t.plain AS plain, "
    "p.id IS NULL AS current"
)


class SqliteStore(StoreRules):
    """A ``Store`` in one SQLite file. See the module docstring for the design."""

    def __init__(self, path: str | Path, *, busy_timeout: float = 30.0) -> None:
        self.path = Path(path)
        self.busy_timeout = busy_timeout
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self._closed = False
        self._unindexed = False  # this instance upserted text that may not be indexed yet
        self._known: pending_ops.Known = {}  # its text, for the indexing step (bounded)

    # -- connections and transactions -------------------------------------------------

    def _conn(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is not None:
            return conn
        with self._lock:
            if self._closed:
                raise RuntimeError(f"store {self.path} is closed")
            # check_same_thread=False only so close() may close every thread's connection.
            conn = sqlite3.connect(
                self.path, timeout=self.busy_timeout, isolation_level=None, check_same_thread=False
            )
            self._connections.append(conn)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA foreign_keys = ON")
        # Reads at a million listings: the default 2 MB page cache re-reads the same index
        # pages per query; memory-mapped I/O shares the OS cache between connections.
        conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
        conn.execute(f"PRAGMA mmap_size = {MMAP_BYTES}")
        conn.execute("PRAGMA temp_store = MEMORY")
        self._local.conn = conn
        return conn

    @contextmanager
    def _transaction(self, begin: str) -> Iterator[sqlite3.Connection]:
        conn = self._conn()
        conn.execute(begin)
        try:
            yield conn
            conn.execute("COMMIT")
        except BaseException:
            # Also when COMMIT itself failed: never leave the thread's connection inside
            # a half-done transaction.
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise

    def _write(self) -> AbstractContextManager[sqlite3.Connection]:
        return self._transaction("BEGIN IMMEDIATE")

    def _read(self) -> AbstractContextManager[sqlite3.Connection]:
        return self._transaction("BEGIN")

    def init(self) -> None:
        conn = self._conn()
        conn.execute("PRAGMA journal_mode = WAL")
        migrate(conn)
        with self._write() as tx:
            listing_ops.fold_unfolded(tx)

    def status(self) -> StoreStatus:
        detail = {"backend": "sqlite", "counts": self.counts(), "index_lag": self.index_lag()}
        return StoreStatus("sqlite", True, 0, detail)

    def index_pending(self, limit: int | None = None) -> int:
        """Index queued text, ``pending_ops.CHUNK`` listings per transaction."""
        done = 0
        while limit is None or done < limit:
            size = pending_ops.CHUNK if limit is None else min(pending_ops.CHUNK, limit - done)
            with self._write() as conn:
                step = pending_ops.index_chunk(conn, size, self._known)
            done += step
            if step < size:  # drained: whatever text is still at hand is not needed
                self._unindexed = False
                self._known.clear()
                break
        return done

    def index_lag(self) -> int:
        return pending_ops.lag(self._conn())

    def reindex(self, names: Sequence[str] = (), *, delete_old: bool = False) -> list[Any]:
        raise UnsupportedOperationError("SQLite has no indices to rebuild")

    def replay(self) -> ReplayResult:
        raise UnsupportedOperationError("SQLite writes never queue: nothing to replay")

    def close(self) -> None:
        if self._unindexed and not self._closed:
            with suppress(sqlite3.Error):  # e.g. the lock is held elsewhere: the queue is durable
                self.index_pending()
        with self._lock:
            self._closed = True
            connections, self._connections = self._connections, []
        if connections:
            _optimize(connections[0])
        for conn in connections:
            conn.close()
        self._local = threading.local()

    # -- listings and detections ------------------------------------------------------

    def _upsert_listings(self, batch: list[Listing]) -> UpsertResult:
        queued: pending_ops.Known = {}
        with self._write() as conn:
            result = listing_ops.upsert(conn, batch, queued)
        if len(self._known) + len(queued) <= pending_ops.MAX_KNOWN:  # beyond: read back
            self._known.update(queued)  # committed: these versions are on file
        self._unindexed = self._unindexed or bool(result.new or result.changed)
        return result

    def active_keys(self, source: str) -> set[str]:
        return listing_ops.active_keys(self._conn(), source)

    def _mark_removed(self, keys: list[str], at: str) -> int:
        with self._write() as conn:
            return listing_ops.mark_removed(conn, keys, at)

    def get_listing(self, key: str) -> StoredListing | None:
        return listing_ops.get(self._conn(), key)

    def _listing_page(self, source: str | None, after: str, size: int) -> list[StoredListing]:
        with self._read() as conn:
            return listing_ops.page(conn, source, after, size)

    def listing_versions(self, key: str) -> list[Listing]:
        return listing_ops.versions(self._conn(), key)

    def _put_detections(self, pairs: list[tuple[str, Detection]]) -> int:
        with self._write() as conn:
            return listing_ops.put_detections(conn, pairs)

    def get_detection(self, key: str) -> Detection | None:
        return listing_ops.get_detection(self._conn(), key)

    def counts(self) -> dict[str, int]:
        with self._read() as conn:
            return listing_ops.counts(conn)

    # -- search -----------------------------------------------------------------------

    def _catch_up(self, query: SearchQuery) -> None:
        if self._unindexed and query.text and query.text.strip():  # read-your-writes
            self.index_pending()

    def _search(self, query: SearchQuery) -> SearchResult:
        self._catch_up(query)
        sql = search_sql.build(query)
        facets = tuple(query.facets)
        with self._read() as conn:
            facet_rows = conn.execute(*search_sql.count_sql(query, sql)).fetchall()
            if facets:
                total, counted = search_sql.facet_counts([tuple(r) for r in facet_rows], facets)
            else:
                total, counted = int(facet_rows[0][0]), {}
            # Two steps: the page's ids (``page_ids_sql``), then the stored records of
            # those ids alone — not of every match before the sort, and without running
            # the text match a third time.
            listings = int(conn.execute("SELECT ifnull(max(id), 0) FROM listings").fetchone()[0])
            end = query.offset + query.limit
            page = search_sql.page_ids_sql(sql, total, listings, end)
            ids = [r[0] for r in conn.execute(page, [*sql.params, query.limit, query.offset])]
            rows = conn.execute(
                f"SELECT {_HIT_COLUMNS} FROM listings l "
                "JOIN listing_versions v ON v.key = l.key AND v.version = l.version "
                # The stored folded text, when it is the latest version's (not pending).
                "LEFT JOIN listing_text t ON t.id = l.id LEFT JOIN text_pending p ON p.id = l.id "
                "LEFT JOIN detections d ON d.key = l.key AND d.content_hash = l.content_hash "
                f"WHERE l.id IN ({','.join('?' * len(ids))}) ORDER BY {sql.order_sql}",
                ids,
            ).fetchall()
        return SearchResult(
            total=total, hits=tuple(self._hit(r, sql) for r in rows), facets=counted
        )

    def _date_histogram(
        self, query: SearchQuery, field: str, interval: str
    ) -> list[tuple[str, int]]:
        self._catch_up(query)
        sql = search_sql.build(query)
        statement = search_sql.histogram_sql(sql, field, interval)
        with self._read() as conn:
            return [(str(b), int(n)) for b, n in conn.execute(statement, sql.params)]

    @staticmethod
    def _hit(row: sqlite3.Row, sql: search_sql.SearchSql) -> SearchHit:
        stored = listing_ops.stored_listing(row)
        listing = stored.listing
        folded = row["folded"] if row["current"] else None
        indexed = (folded, row["plain"] or folded) if sql.clauses and folded is not None else None
        marked = highlights(listing.title, listing.text, sql.clauses, indexed)
        detection = Detection.from_dict(json.loads(row["detection"])) if row["detection"] else None
        return SearchHit(stored=stored, detection=detection, highlights=marked)

    # -- alerts -----------------------------------------------------------------------

    def _upsert_alerts(self, batch: list[Alert]) -> int:
        with self._write() as conn:
            return alerts_ops.upsert(conn, batch)

    def get_alert(self, alert_id: str) -> Alert | None:
        return alerts_ops.get(self._conn(), alert_id)

    def _list_alerts(self, flt: AlertFilter) -> list[Alert]:
        return alerts_ops.list_(self._conn(), flt)

    def count_alerts(self, flt: AlertFilter) -> int:
        return alerts_ops.count(self._conn(), flt)

    def relabel_alert_networks(self, renames: Mapping[str, str]) -> int:
        with self._write() as conn:
            return alerts_ops.relabel_networks(conn, dict(renames))

    def _change_alert(self, alert_id: str, decide: Decide) -> Alert:
        with self._write() as conn:
            return alerts_ops.change(conn, alert_id, decide)

    def alert_history(self, alert_id: str) -> list[AuditEntry]:
        return alerts_ops.history(self._conn(), alert_id)


def _optimize(conn: sqlite3.Connection) -> None:
    """``PRAGMA optimize`` before closing, as SQLite advises: refreshes the planner's
    statistics (``ANALYZE``, bounded by ``analysis_limit``) for tables whose size changed
    a lot, so a million-row file is not planned as if it were empty (a filtered listing
    query at 1M went from 4.2 s to 2.4 s with statistics). Skipped, never waited for,
    when another process holds the write lock."""
    try:
        conn.execute("PRAGMA busy_timeout = 50")
        conn.execute("PRAGMA analysis_limit = 1000")
        conn.execute("PRAGMA optimize")
    except sqlite3.Error:
        pass  # statistics are an optimisation; the next close tries again
