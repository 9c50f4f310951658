"""Incremental seller-graph update cost per listing, at 10k and 1M generated listings.

    python -m benchmarks.bench_networks [--sizes 10000,1000000] [--block 5000]
                                        [--storage memory,sqlite]

Generated listings (seeded): sellers on three sources, most with their own phone or
handle reused across their listings, 2 % in rings of 3–8 accounts that share identifiers
across sources, and a trickle of listings that bridge two rings (so networks grow and
merge, which is what costs). Each listing is one ``NetworkGraph.add_listing`` with its
identifiers, sightings and weak signals.

Rows: microseconds per listing, measured over the ``--block`` listings that end at each
size (the graph already holds that many listings), median of the block's chunks. One
generator feeds every row's graph, chunk by chunk, so each sees the same listings and the
same machine load; building a graph up to a block is not timed (the SQLite one is built
there with ``synchronous=OFF`` and bigger transactions: same code, same rows, fewer fsyncs):

* baseline: a plain in-memory union-find with path compression doing the same unions
  (no persistence, no summaries, no "who is in network N" index) — ratio 1.00;
* ``NetworkGraph`` over ``MemoryGraphStorage``;
* ``NetworkGraph`` over ``SqliteGraphStorage`` (a file in a temporary directory, WAL,
  one transaction per 500 listings as the pipeline batches them).

Photo links (``--photos``, on by default): the cost of mapping a batch's images to photo
keys (``classifiers.image.PhotoKeys.keys_for_many``, one batched exact index search per
64-listing batch as ``link_listings`` does) with 10k and 1M photos already known; 1.5
images per listing, half of them reposts (5–25 bits flipped) of a known photo, half new.
Baseline for that row: the same lookups as a linear numpy popcount scan over every known
photo (measured on a 200-listing sample at 1M).

Then what grows: relabelled nodes per listing (bounded by log2 of the network size for
each node over its life), the largest network, and the SQLite file's size.
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field

from alerts.networks.graph import ListingFacts, NetworkGraph, Sighting
from alerts.networks.memory import MemoryGraphStorage
from index.sqlite_graph import SqliteGraphStorage

SOURCES = ("bazaar", "tradepost", "wildfeed")
Adder = Callable[["Gen"], None]
Tx = Callable[[], AbstractContextManager[None]]
TX = 500
# Listings per transaction while building the graph up to a timed block (not timed).
BUILD_TX = 10_000


@dataclass(frozen=True, slots=True)
class Gen:
    facts: ListingFacts
    idents: list[str]


def generate(n: int, seed: int = 3) -> Iterator[Gen]:
    rng = random.Random(seed)
    sellers = max(10, n // 5)
    rings = max(1, sellers // 250)
    for k in range(n):
        s = (
            min(int(rng.paretovariate(1.2)) - 1, sellers - 1)
            if rng.random() < 0.5
            else rng.randrange(sellers)
        )
        source = SOURCES[s % 3]
        if s % 50 == 0:  # a ring account: shares its ring's phone and wallet
            ring = (s // 50) % rings
            idents = [f"phone|+8490355{ring:05d}", f"crypto_tron|T{ring:033d}"][
                : rng.randrange(1, 3)
            ]
            if rng.random() < 0.002:
                idents.append(f"phone|+8490355{rng.randrange(rings):05d}")  # bridges two rings
        else:
            idents = [f"phone|+6281{s:08d}"] if rng.random() < 0.7 else [f"handle:line|u{s}"]
        day = f"2026-11-{1 + k % 28:02d}"
        commodity = "ivory" if s % 50 == 0 else None
        facts = ListingFacts(f"{source}:{k}", source, f"s|{source}|{s}", day, commodity, 0.3, 100.0)
        yield Gen(facts, idents)


class PlainUnionFind:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        parent = self.parent
        root = parent.setdefault(x, x)
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return root

    def add(self, g: Gen) -> None:
        a = self.find(g.facts.seller_node)
        for i in g.idents:
            b = self.find(i)
            if a != b:
                self.parent[b] = a


@dataclass
class Lane:
    """One way of applying the listings; ``out`` gets µs per listing at each size."""

    name: str
    add: Adder
    tx: Tx | None = None
    # Called with True before the untimed build of the graph up to a block, False before
    # the block (a store may build faster than it is measured: see ``_sqlite_lane``).
    building: Callable[[bool], None] | None = None
    out: dict[int, float] = field(default_factory=dict)


def _run(lanes: list[Lane], sizes: list[int], block: int) -> None:
    """Every lane gets the same listings, chunk by chunk, from one generator; each lane is
    timed over the block ending at each size (the median of its ``TX``-listing chunks)."""
    gen = generate(max(sizes))
    done = 0
    for size in sizes:
        for lane in lanes:
            if lane.building:
                lane.building(True)
        while done < size - block:
            chunk = [next(gen) for _ in range(min(BUILD_TX, size - block - done))]
            for lane in lanes:
                _apply(chunk, lane.add, lane.tx)
            done += len(chunk)
        for lane in lanes:
            if lane.building:
                lane.building(False)
        times: dict[str, list[float]] = {lane.name: [] for lane in lanes}
        while done < size:
            chunk = [next(gen) for _ in range(min(TX, size - done))]
            for lane in lanes:
                t0 = time.perf_counter()
                _apply(chunk, lane.add, lane.tx)
                times[lane.name].append((time.perf_counter() - t0) / len(chunk))
            done += len(chunk)
        for lane in lanes:
            lane.out[size] = statistics.median(times[lane.name]) * 1e6
            print(f"  {lane.name}: {size:>9,} listings, {lane.out[size]:8.1f} µs/listing",
                  flush=True)  # fmt: skip


def _apply(chunk: list[Gen], add: Adder, tx: Tx | None) -> None:
    if tx is None:
        for g in chunk:
            add(g)
        return
    with tx():
        for g in chunk:
            add(g)


def _graph_adder(graph: NetworkGraph) -> Adder:
    def add(g: Gen) -> None:
        node = g.facts.seller_node
        sightings = [Sighting(i, node, g.facts.listing_key, g.facts.seen_at) for i in g.idents]
        graph.add_listing(g.facts, g.idents, sightings)

    return add


def _sqlite_lane(path: str) -> tuple[Lane, sqlite3.Connection]:
    """``NetworkGraph`` on a SQLite file, measured as the pipeline writes it (WAL,
    ``synchronous=NORMAL``, ``TX`` listings per transaction). The untimed build up to each
    block runs the same code with ``synchronous=OFF`` and ``BUILD_TX`` listings per
    transaction (same rows, fewer commits); the WAL is checkpointed before the block."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    store = SqliteGraphStorage(conn)

    def building(on: bool) -> None:
        conn.execute(f"PRAGMA synchronous={'OFF' if on else 'NORMAL'}")
        if not on:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    lane = Lane("sqlite", _graph_adder(NetworkGraph(store)), store.transaction, building)
    return lane, conn


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sizes", default="10000,1000000")
    parser.add_argument("--block", type=int, default=5000)
    parser.add_argument("--storage", default="memory,sqlite")
    parser.add_argument("--photos", default="10000,1000000", help="known photos ('' = skip)")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    mem = MemoryGraphStorage()
    memory = NetworkGraph(mem)
    lanes = [Lane("plain", PlainUnionFind().add)]
    if "memory" in args.storage:
        lanes.append(Lane("memory", _graph_adder(memory)))
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "graph.db")
        conn, mb = None, 0.0
        if "sqlite" in args.storage:
            lane, conn = _sqlite_lane(path)
            lanes.append(lane)
        _run(lanes, sizes, args.block)
        if conn is not None:
            conn.close()
            mb = os.path.getsize(path) / 1e6
    labels = {"plain": "baseline: plain in-memory union-find",
              "memory": "NetworkGraph, memory storage",
              "sqlite": "NetworkGraph, SQLite file (WAL)"}  # fmt: skip
    base = lanes[0].out
    print(f"\nseller graph, incremental update cost per listing (block of {args.block:,} "
          f"ending at each size; median of {TX}-listing chunks)")  # fmt: skip
    head = "".join(f"{f'{s:,}':>14}" for s in sizes)
    print(f"{'storage':<40}{head}   (µs/listing, ratio to baseline)")
    for lane in lanes:
        cells = "".join(f"{lane.out[s]:>8.1f} {lane.out[s] / base[s]:>5.1f}" for s in sizes)
        print(f"{labels[lane.name]:<40}{cells}")
    if "memory" in args.storage:
        largest = max(mem.sizes.values())
        print(f"memory: {memory.relabelled / max(sizes):.3f} relabelled nodes per listing, "
              f"largest network {largest:,} nodes, {len(mem.sizes):,} networks")  # fmt: skip
    if conn is not None:
        print(f"sqlite: file {mb:,.0f} MB after {max(sizes):,} listings")
    if args.photos:
        _photo_rows([int(n) for n in args.photos.split(",")])
    return 0


def _photo_rows(sizes: list[int]) -> None:
    import numpy as np

    from classifiers.image.pdq_index import popcount_distances
    from classifiers.image.photo_keys import PhotoKeys

    print("\nphoto keys per listing (64-listing batches, 1.5 images per listing)")
    for size in sizes:
        rng = np.random.default_rng(size)
        known = rng.integers(0, 256, (size, 32), dtype=np.uint8)
        t0 = time.perf_counter()
        keys = PhotoKeys([c.tobytes().hex() for c in known], linear_below=0)
        built = time.perf_counter() - t0
        batches, times = 40, []
        for _ in range(batches):
            batch = []
            for k in range(96):  # 64 listings x 1.5 images
                code = rng.integers(0, 256, 32, dtype=np.uint8)
                if k % 2 == 0:
                    bits = np.unpackbits(known[rng.integers(size)])
                    bits[rng.choice(256, int(rng.integers(5, 26)), replace=False)] ^= 1
                    code = np.packbits(bits)
                batch.append((code.tobytes().hex(), 100))
            t1 = time.perf_counter()
            keys.keys_for_many(batch)
            times.append((time.perf_counter() - t1) / 64)
        sample = [bytes.fromhex(h) for h, _ in batch[:16]]
        t1 = time.perf_counter()
        for q in sample:
            popcount_distances(known, np.frombuffer(q, dtype=np.uint8))
        linear = (time.perf_counter() - t1) / len(sample) * 1.5
        med = statistics.median(times) * 1e6
        print(f"  {size:>9,} known photos: {med:8.1f} µs/listing (linear scan {linear * 1e6:,.0f} "
              f"µs/listing, {linear * 1e6 / med:.0f}x); index built in {built:.1f} s")  # fmt: skip


if __name__ == "__main__":
    raise SystemExit(main())
