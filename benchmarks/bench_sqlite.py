"""SQLite store throughput and search latency, against raw ``sqlite3`` in the same run.

    python -m benchmarks.bench_sqlite [--listings 10000] [--repeats 3]

* upsert: ``SqliteStore.upsert_listings`` of N generated listings into a fresh file
  (versions, the folded FTS5 word index and trigrams for CJK rows, facet counts,
  triggers) versus a raw ``executemany`` of the same rows (same JSON serialisation)
  into one plain table. Both in WAL mode, one transaction;
  the median of ``--repeats`` runs is reported, and the ratio store/raw.
* re-upsert: the same N listings again (the incremental-crawl path: all unchanged).
* search: p50/p95 latency per query shape over the stored N listings (each query run
  ``20 × repeats`` times).

Numbers depend on the machine; the ratio is what to compare across machines.
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from classifiers.base import Detection
from crawlers.base import Listing
from index.base import SearchQuery
from index.sqlite import SqliteStore

WORDS = (
    "carved ivory bangle old stock antique tiger claw pendant rhino horn cup pangolin scales "
    "genuine rare collection vintage resin bone jewellery necklace shipping worldwide contact "
    "whatsapp price negotiable estate sale wooden box certificate handmade"
).split()
CJK = ("出售老象牙手镯", "穿山甲鳞片", "犀牛角杯", "虎牙吊坠", "收购象牙")
SOURCES = ("bazaar", "tradepost", "wildfeed")


def make_listings(n: int, seed: int = 7) -> list[Listing]:
    """Adverts of ~70 words: filler from a 5,000-word vocabulary (Zipf-like) plus three
    trade words, so a trade word matches roughly a tenth of the listings; every tenth
    listing has a Chinese phrase."""
    rnd = random.Random(seed)
    filler = [f"w{i}" for i in range(5000)]
    weights = [1 / (rank + 1) for rank in range(len(filler))]
    out = []
    for i in range(n):
        words = rnd.choices(filler, weights, k=67) + rnd.choices(WORDS, k=3)
        rnd.shuffle(words)
        if i % 10 == 0:
            words.insert(rnd.randrange(len(words)), rnd.choice(CJK))
        out.append(
            Listing(
                source=SOURCES[i % 3],
                listing_id=str(i),
                url=f"http://127.0.0.1/item/{i}",
                title=" ".join(rnd.choices(WORDS, k=2) + rnd.choices(filler, weights, k=4)),
                text=" ".join(words),
                fetched_at="2024-05-01T10:00:00.000000Z",
                price=float(rnd.randrange(10, 5000)),
                currency="USD",
                seller_id=f"seller-{i % 500}",
                seller_name=f"Seller {i % 500}",
                lang_hint="zh" if i % 10 == 0 else "en",
            )
        )
    return out


def raw_insert(path: Path, listings: list[Listing]) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("CREATE TABLE t (key TEXT PRIMARY KEY, source, title, text, seller, data)")
    conn.execute("BEGIN")
    conn.executemany(
        "INSERT INTO t VALUES (?, ?, ?, ?, ?, ?)",
        [
            (lst.key, lst.source, lst.title, lst.text, lst.seller_name)
            + (json.dumps(lst.to_dict(), ensure_ascii=False, separators=(",", ":")),)
            for lst in listings
        ],
    )
    conn.execute("COMMIT")
    conn.close()


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def one_round(folder: Path, listings: list[Listing]) -> tuple[float, float, float]:
    """Seconds for: raw insert, store upsert of new listings, store upsert of the same."""
    raw = timed(lambda: raw_insert(folder / "raw.db", listings))
    store = SqliteStore(folder / "store.db")
    store.init()
    fresh = timed(lambda: store.upsert_listings(listings))
    again = timed(lambda: store.upsert_listings(listings))
    store.close()
    return raw, fresh, again


def bench_upserts(listings: list[Listing], repeats: int) -> dict[str, float]:
    rounds = []
    for _ in range(repeats):
        with tempfile.TemporaryDirectory() as tmp:
            rounds.append(one_round(Path(tmp), listings))
    n = len(listings)
    return {
        name: n / statistics.median(r[i] for r in rounds)
        for i, name in enumerate(("raw", "store", "again"))
    }


QUERIES = {
    "one word": SearchQuery(text="pangolin"),
    "two words": SearchQuery(text="ivory bangle"),
    "frequent word": SearchQuery(text="w1"),
    "word + filter": SearchQuery(text="tiger", source="bazaar", min_score=0.5),
    "chinese 4 chars (trigram)": SearchQuery(text="象牙手镯"),
    "chinese 2 chars (scan)": SearchQuery(text="象牙"),
    "no text, facets": SearchQuery(),
    "no text, page 50": SearchQuery(offset=1000, limit=20, facets=()),
}


def bench_search(listings: list[Listing], repeats: int) -> dict[str, tuple[float, float, int]]:
    results: dict[str, tuple[float, float, int]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        store = SqliteStore(Path(tmp) / "search.db")
        store.init()
        store.upsert_listings(listings)
        rnd = random.Random(3)
        store.put_detections(
            (lst.content_hash, Detection(id=lst.key, score=rnd.random(), label="wildlife"))
            for lst in listings
        )
        for name, query in QUERIES.items():
            samples = sorted(timed(partial(store.search, query)) for _ in range(20 * repeats))
            p95 = samples[min(len(samples) - 1, int(0.95 * len(samples)))]
            results[name] = (statistics.median(samples), p95, store.search(query).total)
        store.close()
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listings", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    listings = make_listings(args.listings)
    rates = bench_upserts(listings, args.repeats)
    print(f"SQLite {sqlite3.sqlite_version}, {args.listings} listings, median of {args.repeats}")
    print(f"{'operation':<34}{'docs/s':>10}{'vs raw':>9}")
    for label, key in (("raw sqlite3 executemany", "raw"), ("SqliteStore.upsert (new)", "store"),
                       ("SqliteStore.upsert (unchanged)", "again")):  # fmt: skip
        print(f"{label:<34}{rates[key]:>10.0f}{rates[key] / rates['raw']:>9.2f}")
    print(f"\n{'search':<34}{'p50 ms':>10}{'p95 ms':>9}{'total':>8}")
    for name, (p50, p95, total) in bench_search(listings, args.repeats).items():
        print(f"{name:<34}{p50 * 1000:>10.2f}{p95 * 1000:>9.2f}{total:>8}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
