"""``python -m benchmarks.ingest_cpu [N] [--stages]``: CPU per listing of SQLite ingest.

``bench_scale`` reports the wall-clock ratio store/raw; on a shared 2-core machine the
wall clock follows the other jobs and the disk, and a change of a few µs per listing is
lost in it. This measures the same two sides — ``SqliteStore.upsert_listings`` and the
raw ``executemany`` of ``benchmarks.scale_sqlite`` (same rows, same JSON, batches of
``BATCH``, interleaved) — by CPU time (``time.process_time``: user + system, so the
kernel's work of writing and syncing the WAL counts), in µs per listing.

Since schema v13 the upsert leaves text indexing to ``SqliteStore.index_pending``, timed
apart (after every batch, as ``scale_sqlite.build`` does).

``--stages`` runs, on a second store, a step-by-step copy of what ``upsert_listings``
does for *new* listings (``index.sqlite_listings.upsert``: heads, plan, facet keys,
listing rows, the queue, version records, commit) and then ``index_pending`` (reading
the versions back, folding, ``listing_text``, the three FTS5 indexes), each step timed
apart. It is a copy: its total is printed beside the real ones so that a copy gone
stale shows. The copy always reads the versions back; the real step uses the text the
upsert just stored (``sqlite_pending.Known``), so its total is lower by about that line.

Not a ``bench_*`` module: ``make bench`` does not run it (it is for A/B work, e.g. two
trees run alternately: ``PYTHONPATH=<tree> python -m benchmarks.ingest_cpu 100000``).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.scale_data import Row, ScaleSpec, batches
from benchmarks.scale_sqlite import BATCH, _raw_db, _raw_insert, _raw_rows
from crawlers.base import Listing
from index import sqlite_facets as facet_ops
from index import sqlite_listings as listing_ops
from index import sqlite_pending as pending_ops
from index import sqlite_text as text_ops
from index.rules import plan_upsert
from index.sqlite import SqliteStore

_LISTING_INSERT = (
    "INSERT INTO listings(id, key, source, listing_id, version, content_hash, first_seen_at, "
    "last_seen_at, seller_id, kind, lang_hint, facet) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_VERSION_INSERT = (
    "INSERT INTO listing_versions(key, version, content_hash, fetched_at, data) "
    "VALUES (?, ?, ?, ?, ?)"
)


def _stages(conn: sqlite3.Connection, batch: list[Listing], t: dict[str, float]) -> None:
    """One batch of new listings through a timed copy of ``sqlite_listings.upsert`` and
    then of ``SqliteStore.index_pending`` (``sqlite_pending.index_chunk``)."""
    clock = [time.process_time()]

    def tick(name: str) -> None:
        now = time.process_time()
        t[name] += now - clock[0]
        clock[0] = now

    conn.execute("BEGIN IMMEDIATE")
    plan = plan_upsert(batch, listing_ops.heads(conn, [x.key for x in batch]))
    tick("upsert: heads + plan")
    rows = [(key, plan.latest[key], plan.heads[key]) for key in plan.new_keys]
    first = int(conn.execute("SELECT ifnull(max(id), 0) + 1 FROM listings").fetchone()[0])
    keys = facet_ops.add_new(conn, [(x.source, x.lang_hint, x.kind) for _, x, _ in rows])
    tick("upsert: facet keys")
    conn.executemany(_LISTING_INSERT, [
        (n, key, x.source, x.listing_id, h.version, h.content_hash, h.first_seen_at,
         h.last_seen_at, x.seller_id, x.kind, x.lang_hint, facet)
        for (n, (key, x, h)), facet in zip(enumerate(rows, first), keys, strict=True)
    ])  # fmt: skip
    tick("upsert: SQL listing rows")
    pending_ops.enqueue_from(conn, first)
    tick("upsert: SQL text_pending queue")
    versions = [(x.key, v, x.content_hash, x.fetched_at, listing_ops._json(x.to_dict()))
                for x, v in plan.versions]  # fmt: skip
    tick("upsert: to_dict + JSON (raw pays it too)")
    conn.executemany(_VERSION_INSERT, versions)
    tick("upsert: SQL version rows")
    conn.execute("COMMIT")
    tick("upsert: COMMIT (WAL + fsync, checkpoint)")
    _index_stages(conn, tick)


def _index_stages(conn: sqlite3.Connection, tick: Callable[[str], None]) -> None:
    """A timed copy of ``sqlite_pending.index_chunk`` (new listings only), committed."""
    conn.execute("BEGIN IMMEDIATE")
    ids = [r[0] for r in conn.execute("SELECT id FROM text_pending ORDER BY id")]
    marks = ",".join("?" * len(ids))
    found = conn.execute(
        f"SELECT l.id, {pending_ops._FIELDS} FROM listings l JOIN listing_versions v "
        f"ON v.key = l.key AND v.version = l.version WHERE l.id IN ({marks})",
        ids,
    ).fetchall()
    records = [(i, (d := json.loads(data)).get("title"), d.get("text"), d.get("seller_name"))
               if data else (i, *fields) for i, data, *fields in found]  # fmt: skip
    tick("index: read latest versions (JSON in SQL)")
    text = [pending_ops.text_row(*r) for r in records]
    tick("index: folding (+ cjk flag)")
    conn.executemany(text_ops._INSERT_TEXT, text)
    tick("index: SQL listing_text")
    conn.executemany(text_ops._FOLD, [(i, f, p) for i, _, f, p in text])
    tick("index: SQL FTS5 words")
    cjk = [(i, f, p) for i, is_cjk, f, p in text if is_cjk]
    conn.executemany(text_ops._TRI, cjk)
    tick("index: SQL FTS5 trigrams (cjk rows)")
    grams = [(i, *text_ops.grams(f, p)) for i, f, p in cjk]
    tick("index: cjk grams (Python)")
    conn.executemany(text_ops._GRAM, grams)
    tick("index: SQL FTS5 grams (cjk rows)")
    conn.execute(f"DELETE FROM text_pending WHERE id IN ({marks})", ids)
    tick("index: SQL queue delete")
    conn.execute("COMMIT")
    tick("index: COMMIT (FTS5 flush, WAL + fsync)")


def _timed(fn: Callable[..., Any], *args: Any) -> float:
    started = time.process_time()
    fn(*args)
    return time.process_time() - started


def _raw(conn: sqlite3.Connection, batch: list[Row]) -> None:
    """The baseline, as ``scale_sqlite.build`` times it (JSON inside the clock)."""
    _raw_insert(conn, _raw_rows(batch))


def run(n: int, stages: bool) -> dict[str, float]:
    work = Path(tempfile.mkdtemp(prefix="ingest-cpu-"))
    store, raw = SqliteStore(work / "store.db"), _raw_db(work / "raw.db")
    store.init()
    copy = SqliteStore(work / "copy.db") if stages else None
    if copy is not None:
        copy.init()
    t: dict[str, float] = defaultdict(float)
    try:
        for batch in batches(ScaleSpec(n), BATCH):
            listings = [r.listing for r in batch]
            t["store"] += _timed(store.upsert_listings, listings)
            t["index"] += _timed(store.index_pending)
            t["raw"] += _timed(_raw, raw, batch)
            if copy is not None:
                _stages(copy._conn(), listings, t)
    finally:
        store.close()
        raw.close()
        if copy is not None:
            copy.close()
        shutil.rmtree(work)
    return {k: v / n * 1e6 for k, v in t.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, nargs="?", default=100_000, help="listings")
    parser.add_argument("--stages", action="store_true", help="also time each step")
    args = parser.parse_args(argv)
    us = run(args.n, args.stages)
    store, index, raw = us.pop("store"), us.pop("index"), us.pop("raw")
    print(f"n={args.n:,} CPU µs per listing: upsert {store:.1f}, index_pending {index:.1f}, "
          f"raw {raw:.1f}; ratio raw/upsert {raw / store:.3f}, raw/(upsert + index) "
          f"{raw / (store + index):.3f}; load {os.getloadavg()[0]:.1f}")  # fmt: skip
    if us:
        total = sum(us.values())
        for name, v in us.items():
            print(f"  {name:<46}{v:7.1f} µs {v / total:6.1%}")
        print(f"  {'total of the copy (the real ones: above)':<46}{total:7.1f} µs")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
