"""The seller graph's rows in SQLite (``GraphStorage`` of ``alerts/networks/graph.py``).

Design notes
------------
* Five tables: ``net_nodes`` (node → network id, indexed both ways), ``net_sizes``
  (accounts + identifiers per network), ``net_listings`` (the facts a summary needs, one
  row per listing, replaced by newer versions), ``net_sightings`` (which listing showed
  which identifier, when: append-only evidence, triggers refuse UPDATE/DELETE) and
  ``net_weak`` (weak signals per account).
* Only rows here; the merge rules live once in ``NetworkGraph``. The caller wraps one
  ``add_listing`` in one transaction (``SqliteGraphStorage.transaction``), so a crash
  never leaves a half-relabelled network.
* ``GRAPH_SCHEMA`` is idempotent (``IF NOT EXISTS``) so it can run as a store migration
  or on its own (benchmarks, tools).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager

from alerts.base import ListingFacts, Sighting

GRAPH_SCHEMA: tuple[str, ...] = (
    "CREATE TABLE IF NOT EXISTS net_nodes (node TEXT PRIMARY KEY, network TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS net_nodes_network ON net_nodes(network)",
    "CREATE TABLE IF NOT EXISTS net_sizes (network TEXT PRIMARY KEY, size INTEGER NOT NULL)",
    """CREATE TABLE IF NOT EXISTS net_listings (
        listing_key TEXT PRIMARY KEY, source TEXT NOT NULL, seller TEXT NOT NULL,
        seen_at TEXT NOT NULL, commodity TEXT, score REAL NOT NULL, value_ref REAL,
        title TEXT NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS net_listings_seller ON net_listings(seller)",
    """CREATE TABLE IF NOT EXISTS net_sightings (
        identifier TEXT NOT NULL, seller TEXT NOT NULL, listing_key TEXT NOT NULL,
        seen_at TEXT NOT NULL, surface TEXT NOT NULL,
        UNIQUE (identifier, listing_key, seen_at, surface))""",
    "CREATE INDEX IF NOT EXISTS net_sightings_identifier ON net_sightings(identifier)",
    """CREATE TRIGGER IF NOT EXISTS net_sightings_no_update BEFORE UPDATE ON net_sightings
        BEGIN SELECT RAISE(ABORT, 'net_sightings is append-only evidence'); END""",
    """CREATE TRIGGER IF NOT EXISTS net_sightings_no_delete BEFORE DELETE ON net_sightings
        BEGIN SELECT RAISE(ABORT, 'net_sightings is append-only evidence'); END""",
    """CREATE TABLE IF NOT EXISTS net_weak (
        seller TEXT NOT NULL, kind TEXT NOT NULL, value TEXT NOT NULL,
        PRIMARY KEY (seller, kind, value))""",
    "CREATE INDEX IF NOT EXISTS net_weak_value ON net_weak(kind, value)",
)
_CHUNK = 500  # SQLite's default limit on host parameters is 999 (older builds)


def _chunks(items: Sequence[str]) -> Iterator[Sequence[str]]:
    for i in range(0, len(items), _CHUNK):
        yield items[i : i + _CHUNK]


def _marks(n: int) -> str:
    return ",".join("?" * n)


class SqliteGraphStorage:
    def __init__(self, conn: sqlite3.Connection, create: bool = True) -> None:
        self.conn = conn
        if create:
            for statement in GRAPH_SCHEMA:
                conn.execute(statement)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    def node_networks(self, nodes: Sequence[str]) -> dict[str, str]:
        out: dict[str, str] = {}
        for part in _chunks(list(nodes)):
            sql = f"SELECT node, network FROM net_nodes WHERE node IN ({_marks(len(part))})"
            out.update(self.conn.execute(sql, part).fetchall())
        return out

    def set_node_networks(self, rows: dict[str, str]) -> None:
        self.conn.executemany(
            "INSERT INTO net_nodes(node, network) VALUES (?, ?) "
            "ON CONFLICT(node) DO UPDATE SET network = excluded.network",
            rows.items(),
        )

    def network_members(self, network_id: str) -> list[str]:
        sql = "SELECT node FROM net_nodes WHERE network = ? ORDER BY node"
        return [r[0] for r in self.conn.execute(sql, (network_id,))]

    def nodes_with_prefix(self, prefix: str) -> list[str]:
        # A range over the primary key (LIKE would scan): every string that starts with
        # ``prefix`` sorts between it and ``prefix`` + the highest code point.
        sql = "SELECT node FROM net_nodes WHERE node >= ? AND node < ? ORDER BY node"
        return [r[0] for r in self.conn.execute(sql, (prefix, prefix + "\U0010ffff"))]

    def network_sizes(self, ids: Sequence[str]) -> dict[str, int]:
        out: dict[str, int] = {}
        for part in _chunks(list(ids)):
            sql = f"SELECT network, size FROM net_sizes WHERE network IN ({_marks(len(part))})"
            out.update(self.conn.execute(sql, part).fetchall())
        return out

    def set_network_sizes(self, sizes: dict[str, int]) -> None:
        gone = [(i,) for i, n in sizes.items() if not n]
        self.conn.executemany("DELETE FROM net_sizes WHERE network = ?", gone)
        self.conn.executemany(
            "INSERT INTO net_sizes(network, size) VALUES (?, ?) "
            "ON CONFLICT(network) DO UPDATE SET size = excluded.size",
            [(i, n) for i, n in sizes.items() if n],
        )

    def add_sightings(self, rows: Iterable[Sighting]) -> None:
        self.conn.executemany(
            "INSERT OR IGNORE INTO net_sightings VALUES (?, ?, ?, ?, ?)",
            [(r.identifier, r.seller_node, r.listing_key, r.seen_at, r.surface) for r in rows],
        )

    def add_weak(self, seller_node: str, signals: Iterable[tuple[str, str]]) -> None:
        self.conn.executemany(
            "INSERT OR IGNORE INTO net_weak VALUES (?, ?, ?)",
            [(seller_node, k, v) for k, v in signals],
        )

    def put_listing(self, facts: ListingFacts) -> None:
        self.conn.execute(
            "INSERT OR REPLACE INTO net_listings VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (facts.listing_key, facts.source, facts.seller_node, facts.seen_at,
             facts.commodity, facts.score, facts.value_ref, facts.title),
        )  # fmt: skip

    def listings_of(self, seller_nodes: Sequence[str]) -> list[ListingFacts]:
        out = []
        for part in _chunks(list(seller_nodes)):
            sql = f"SELECT * FROM net_listings WHERE seller IN ({_marks(len(part))})"
            out += [ListingFacts(*row) for row in self.conn.execute(sql, part)]
        return sorted(out, key=lambda x: x.listing_key)

    def sightings_of(self, identifiers: Sequence[str]) -> list[Sighting]:
        out = []
        for part in _chunks(list(identifiers)):
            sql = f"SELECT * FROM net_sightings WHERE identifier IN ({_marks(len(part))})"
            out += [Sighting(*row) for row in self.conn.execute(sql, part)]
        return out

    def weak_of(self, seller_nodes: Sequence[str]) -> list[tuple[str, str, str]]:
        out: list[tuple[str, str, str]] = []
        for part in _chunks(list(seller_nodes)):
            sql = f"SELECT seller, kind, value FROM net_weak WHERE seller IN ({_marks(len(part))})"
            out += self.conn.execute(sql, part).fetchall()
        return sorted(out)

    def largest_networks(self, min_size: int, limit: int) -> list[tuple[str, int]]:
        sql = (
            "SELECT network, size FROM net_sizes WHERE size >= ? "
            "ORDER BY size DESC, network LIMIT ?"
        )
        return [(r[0], int(r[1])) for r in self.conn.execute(sql, (min_size, limit))]
