"""Hash banks: known-bad images as PDQ hashes, stored in one SQLite file.

Storage (documented format, ``<data.dir>/image_bank.sqlite`` by default): one table

    bank_entries(id TEXT PRIMARY KEY, pdq TEXT, quality INTEGER, labels TEXT,
                 commodity TEXT, source TEXT, added_at TEXT, note TEXT,
                 UNIQUE(pdq, source))

``pdq`` is 64 lower-case hex digits (ThreatExchange/HMA order), ``labels`` a JSON list of
strings, ``source`` who contributed the hash (a CSV file's name, ``alert:<id>``, a partner),
``added_at`` ISO-8601 UTC. The same hash from the same source is stored once, so importing
a file twice adds nothing; the same hash from two sources is two entries (two opinions).
SQLite because every deployment already has it and entries are few and append-mostly;
matching never scans the table — the codes are loaded once into a ``PdqIndex``.

Matching follows the trust-and-safety convention: a query hash whose quality is below
``min_quality`` is not matched at all (its hash is noise), and a hit is any entry within
``max_distance`` (Hamming, default 31). Entries below ``min_quality`` are refused at
import for the same reason.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from classifiers.image.base import BankMatch
from classifiers.image.hashes import normalise_pdq_hex, pdq_to_bytes
from classifiers.image.pdq_index import PdqIndex

SCHEMA = """
CREATE TABLE IF NOT EXISTS bank_entries (
    id TEXT PRIMARY KEY,
    pdq TEXT NOT NULL,
    quality INTEGER NOT NULL,
    labels TEXT NOT NULL DEFAULT '[]',
    commodity TEXT,
    source TEXT NOT NULL DEFAULT '',
    added_at TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    UNIQUE (pdq, source)
);
"""


def utc_now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


@dataclass(frozen=True, slots=True)
class BankEntry:
    id: str
    pdq: str
    quality: int
    labels: tuple[str, ...] = ()
    commodity: str | None = None
    source: str = ""
    added_at: str = field(default_factory=utc_now)
    note: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "pdq", normalise_pdq_hex(self.pdq))
        if not 0 <= self.quality <= 100:
            raise ValueError(f"quality must be 0..100, got {self.quality}")
        if not self.id:
            raise ValueError("entry id must not be empty")


@dataclass(frozen=True, slots=True)
class AddResult:
    added: int
    duplicates: int
    refused: tuple[str, ...] = ()


class HashBank:
    """A bank of PDQ hashes in a SQLite file, matched through an in-memory index."""

    def __init__(
        self,
        path: str | Path,
        max_distance: int = 31,
        min_quality: int = 50,
        linear_below: int = 2048,
    ) -> None:
        self.path = Path(path)
        self.max_distance = max_distance
        self.min_quality = min_quality
        self.linear_below = linear_below
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self.path)
        self._db.executescript(SCHEMA)
        self._index: PdqIndex | None = None
        self._entries: list[BankEntry] = []

    def close(self) -> None:
        self._db.close()

    def __len__(self) -> int:
        row = self._db.execute("SELECT count(*) FROM bank_entries").fetchone()
        return int(row[0])

    def add(self, entries: Iterable[BankEntry]) -> AddResult:
        """Insert new entries; existing (pdq, source) pairs and low-quality hashes are not."""
        added = duplicates = 0
        refused: list[str] = []
        with self._db:
            for entry in entries:
                if entry.quality < self.min_quality:
                    refused.append(f"{entry.id}: quality {entry.quality} < {self.min_quality}")
                    continue
                cur = self._db.execute(
                    "INSERT OR IGNORE INTO bank_entries VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        entry.id,
                        entry.pdq,
                        entry.quality,
                        json.dumps(list(entry.labels), ensure_ascii=False),
                        entry.commodity,
                        entry.source,
                        entry.added_at,
                        entry.note,
                    ),
                )
                added += cur.rowcount
                duplicates += 1 - cur.rowcount
        if added:
            self._index = None
        return AddResult(added=added, duplicates=duplicates, refused=tuple(refused))

    def entries(self) -> Iterator[BankEntry]:
        cur = self._db.execute(
            "SELECT id, pdq, quality, labels, commodity, source, added_at, note"
            " FROM bank_entries ORDER BY rowid"
        )
        for row in cur:
            yield BankEntry(
                id=row[0],
                pdq=row[1],
                quality=int(row[2]),
                labels=tuple(json.loads(row[3] or "[]")),
                commodity=row[4],
                source=row[5],
                added_at=row[6],
                note=row[7],
            )

    def index(self) -> PdqIndex:
        if self._index is None:
            self._entries = list(self.entries())
            codes = pdq_to_bytes([e.pdq for e in self._entries])
            self._index = PdqIndex(codes, linear_below=self.linear_below)
        return self._index

    def match(self, pdq: str, quality: int) -> list[BankMatch]:
        return self.match_many([(pdq, quality)])[0]

    def match_many(self, queries: Sequence[tuple[str, int]]) -> list[list[BankMatch]]:
        """Matches per ``(pdq_hex, quality)`` query, nearest first; [] for low quality."""
        index = self.index()
        usable = [i for i, (_, q) in enumerate(queries) if q >= self.min_quality]
        out: list[list[BankMatch]] = [[] for _ in queries]
        if not usable or len(index) == 0:
            return out
        codes = pdq_to_bytes([normalise_pdq_hex(queries[i][0]) for i in usable])
        for i, (ids, dist) in zip(usable, index.search_many(codes, self.max_distance), strict=True):
            out[i] = [self._match(int(k), int(d)) for k, d in zip(ids, dist, strict=True)]
        return out

    def _match(self, k: int, distance: int) -> BankMatch:
        e = self._entries[k]
        return BankMatch(e.id, distance, e.labels, e.commodity, e.source)


def entry_id(pdq: str, source: str) -> str:
    """A stable id for an entry that came without one."""
    return "h-" + hashlib.sha256(f"{source}|{pdq}".encode()).hexdigest()[:16]
