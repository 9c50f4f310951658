"""Build a ``SqliteStore`` of N generated listings, timing its ingest against raw SQLite.

Ingest is timed batch by batch, interleaved: each batch of ``BATCH`` generated rows goes
first through ``SqliteStore.upsert_listings`` (one transaction: state read, version plan,
versions, listing rows, facet keys, the text-indexing queue), then through
``SqliteStore.index_pending`` (folding, ``listing_text`` and the FTS5 indexes: since schema
v13 a step of its own, ``index.sqlite_pending``), timed apart, and then, as the
baseline, through a raw ``executemany`` of the same rows (the same JSON serialisation,
inside the clock as in ``bench_sqlite``; one plain table with a primary key, one
transaction per batch) into a second file. Generation time is outside both clocks, and
both see the same machine load, so the ratio store/raw is fair.
Two ratios against the same raw clock: upsert alone (``ratio_store_vs_raw``: stored,
durable, found by everything but a text search) and upsert + indexing
(``ratio_searchable_vs_raw``: the time until a text search finds the batch).
Detections, alerts, second versions (with their indexing) and removals are written
afterwards (timed apart).

A store of ``CACHE_MIN`` rows or more is kept under ``var/scale/`` with the figures
measured while it was built (``*.json`` beside it) and reused by later runs: rebuilding
a million rows takes minutes. ``init()`` still runs on a reused file, so schema
migrations added since reach it.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.scale_data import Row, ScaleSpec, batches
from common.clock import utc_now
from index.sqlite import SqliteStore

BATCH = 1000
CACHE_MIN = 500_000
CACHE_DIR = Path("var/scale")
REMOVED_SHARE = 0.03
# Bumped when what the store writes per row changes (a cached file of an older format
# would be measured as if it were current): 2 = schema v6 (issue 13).
FORMAT = 2


def _raw_rows(batch: list[Row]) -> list[tuple[str, ...]]:
    return [
        (x.key, x.source, x.title, x.text, x.seller_name or "")
        + (json.dumps(x.to_dict(), ensure_ascii=False, separators=(",", ":")),)
        for x in (r.listing for r in batch)
    ]


def _raw_db(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("CREATE TABLE t (key TEXT PRIMARY KEY, source, title, text, seller, data)")
    return conn


def _raw_insert(conn: sqlite3.Connection, rows: list[tuple[str, ...]]) -> None:
    conn.execute("BEGIN")
    conn.executemany("INSERT INTO t VALUES (?, ?, ?, ?, ?, ?)", rows)
    conn.execute("COMMIT")


def build(path: Path, spec: ScaleSpec) -> dict[str, Any]:
    """Fill a fresh store at ``path``; return the ingest figures (seconds and rates)."""
    for stale in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        stale.unlink(missing_ok=True)
    raw_path = path.with_suffix(".raw.db")
    raw_path.unlink(missing_ok=True)
    store, raw = SqliteStore(path), _raw_db(raw_path)
    store.init()
    t = {"store": 0.0, "index": 0.0, "raw": 0.0, "detections": 0.0, "alerts": 0.0,
         "versions": 0.0}  # fmt: skip
    edited, alerts = 0, 0
    started = time.perf_counter()
    for batch in batches(spec, BATCH):
        later, raised = _timed_batch(store, raw, batch, t)
        edited, alerts = edited + later, alerts + raised
    removed = _remove_some(store, spec)
    store.close()
    raw.close()
    raw_path.unlink(missing_ok=True)
    return {
        "rows": spec.n, "seed": spec.seed, "batch": BATCH, "built_at": utc_now(),
        "build_s": round(time.perf_counter() - started, 1),
        "seconds": {k: round(v, 2) for k, v in t.items()},
        "store_listings_per_s": round(spec.n / t["store"]),
        "raw_listings_per_s": round(spec.n / t["raw"]),
        "ratio_store_vs_raw": round(t["raw"] / t["store"], 3),
        "searchable_listings_per_s": round(spec.n / (t["store"] + t["index"])),
        "ratio_searchable_vs_raw": round(t["raw"] / (t["store"] + t["index"]), 3),
        "second_versions": edited, "alerts": alerts, "removed": removed,
        "file_mb": round(path.stat().st_size / 2**20, 1),
        "load_avg": os.getloadavg(),
    }  # fmt: skip


def _timed_batch(
    store: SqliteStore, raw: sqlite3.Connection, batch: list[Row], t: dict[str, float]
) -> tuple[int, int]:
    """One batch through every write, each timed into ``t``: (second versions, alerts)."""
    t0 = time.perf_counter()
    store.upsert_listings(r.listing for r in batch)
    t1 = time.perf_counter()
    store.index_pending()
    t2 = time.perf_counter()
    _raw_insert(raw, _raw_rows(batch))
    t3 = time.perf_counter()
    store.put_detections((r.listing.content_hash, r.detection) for r in batch)
    t4 = time.perf_counter()
    alerts = store.upsert_alerts(r.alert for r in batch if r.alert)
    t5 = time.perf_counter()
    later = [r.edited for r in batch if r.edited]
    store.upsert_listings(later)
    store.index_pending()
    spans = {"store": t1 - t0, "index": t2 - t1, "raw": t3 - t2, "detections": t4 - t3,
             "alerts": t5 - t4, "versions": time.perf_counter() - t5}  # fmt: skip
    for name, took in spans.items():
        t[name] += took
    return len(later), alerts


def _remove_some(store: SqliteStore, spec: ScaleSpec) -> int:
    """Mark every ``1 / REMOVED_SHARE``-th listing of the first source removed."""
    keys = sorted(store.active_keys("bazaar"))
    step = max(1, round(1 / REMOVED_SHARE))
    return store.mark_removed(keys[::step], "2026-11-30T00:00:00.000000Z")


def cache_path(spec: ScaleSpec) -> Path:
    """Where the cached store of ``spec`` lives (its build figures: same name, ``.json``)."""
    return CACHE_DIR / f"sqlite-{spec.n}-s{spec.seed}-f{FORMAT}.db"


def is_cached(spec: ScaleSpec) -> bool:
    return spec.n < CACHE_MIN or cache_path(spec).with_suffix(".json").is_file()


def cached_store(spec: ScaleSpec, *, rebuild: bool = False) -> tuple[SqliteStore, dict[str, Any]]:
    """A store of ``spec``'s rows: the cached one under ``var/scale/`` when there is one (and
    ``spec.n >= CACHE_MIN``), else freshly built. Returns it with its build figures."""
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    path = cache_path(spec)
    name, meta_path = path.stem, path.with_suffix(".json")
    if spec.n < CACHE_MIN:  # small stores are rebuilt every run, somewhere disposable
        path = Path(tempfile.mkdtemp(prefix="bench-scale-")) / f"{name}.db"
    if spec.n < CACHE_MIN or rebuild or not meta_path.is_file():
        if spec.n >= CACHE_MIN:
            print(f"building the cached {spec.n:,}-listing store {path} (one-time: about "
                  "40 min on 2 busy cores; later runs reuse it)", flush=True)  # fmt: skip
        meta_path.unlink(missing_ok=True)
        tmp = path.with_name(f"{name}.building.db")
        figures = build(tmp, spec)
        shutil.move(tmp, path)
        for suffix in ("-wal", "-shm"):
            Path(f"{tmp}{suffix}").unlink(missing_ok=True)
        figures["cached"] = False
        if spec.n >= CACHE_MIN:
            meta_path.write_text(json.dumps(figures, indent=1), encoding="utf-8")
    else:
        figures = {**json.loads(meta_path.read_text(encoding="utf-8")), "cached": True}
    store = SqliteStore(path)
    store.init()
    return store, figures
