"""The image catalog: which listing showed which image, with what hashes and concepts.

One SQLite table beside the bank (``<data.dir>/images.sqlite``):

    listing_images(listing_key, sha256, pdq, quality, phash, concepts, error, notes,
                   seen_at, PRIMARY KEY (listing_key, sha256))

It is what near-duplicate links are computed from (the same photo under different
sellers and sources, ``neardup.py``) and what the desk shows per image. Rows are
derived data: a re-analysed listing's rows are replaced by those of its current version
(older versions' images stay in the write-once evidence store and the versioned listing
records, which is where evidence lives).

Write-ahead log, as the store and the seller graph use: a commit (one per pipeline
batch) appends to the log and syncs it once, where the default rollback journal synced
the journal and the database file and deleted the journal (~18 ms of each batch spent
waiting for the disk on the bazaar demo). Durability is the same: synchronous stays FULL.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from pathlib import Path

from classifiers.image.base import ImageSignals
from classifiers.image.neardup import HashedImage, NearDuplicateLink, near_duplicate_links

SCHEMA = """
CREATE TABLE IF NOT EXISTS listing_images (
    listing_key TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    pdq TEXT,
    quality INTEGER,
    phash TEXT,
    concepts TEXT NOT NULL DEFAULT '{}',
    error TEXT,
    notes TEXT NOT NULL DEFAULT '[]',
    seen_at TEXT NOT NULL,
    PRIMARY KEY (listing_key, sha256)
);
CREATE INDEX IF NOT EXISTS listing_images_sha ON listing_images (sha256);
"""


class ImageCatalog:
    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self.path)
        self._db.execute("PRAGMA journal_mode = WAL")
        self._db.executescript(SCHEMA)

    def close(self) -> None:
        self._db.close()

    def record_many(
        self, listings: Sequence[tuple[str, Sequence[ImageSignals]]], seen_at: str
    ) -> None:
        """Each listing's images, all in one transaction (one commit per pipeline batch,
        not one per listing: a commit is a disk sync)."""
        with self._db:  # the listing's current version replaces what an older one showed
            for listing_key, signals in listings:
                self._db.execute("DELETE FROM listing_images WHERE listing_key = ?", (listing_key,))
                self._db.executemany(
                    "INSERT OR REPLACE INTO listing_images VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [_row(listing_key, s, seen_at) for s in signals],
                )

    def images_of(self, listing_key: str) -> list[ImageSignals]:
        cur = self._db.execute(
            "SELECT sha256, pdq, quality, phash, concepts, error, notes FROM listing_images"
            " WHERE listing_key = ? ORDER BY rowid",
            (listing_key,),
        )
        return [
            ImageSignals(
                sha256=row[0],
                pdq=row[1],
                quality=row[2],
                phash=row[3],
                concepts=json.loads(row[4]),
                error=row[5],
                notes=tuple(json.loads(row[6])),
            )
            for row in cur
        ]

    def hashed(self) -> list[HashedImage]:
        cur = self._db.execute(
            "SELECT listing_key, sha256, pdq, quality FROM listing_images"
            " WHERE pdq IS NOT NULL ORDER BY listing_key, sha256"
        )
        return [HashedImage(r[0], r[1], r[2], int(r[3])) for r in cur]

    def links(self, max_distance: int = 31, min_quality: int = 50) -> list[NearDuplicateLink]:
        return near_duplicate_links(self.hashed(), max_distance, min_quality)


def _row(listing_key: str, s: ImageSignals, seen_at: str) -> tuple[object, ...]:
    concepts = json.dumps({k: round(v, 5) for k, v in s.concepts.items()})
    notes = json.dumps(list(s.notes), ensure_ascii=False)
    return (listing_key, s.sha256, s.pdq, s.quality, s.phash, concepts, s.error, notes, seen_at)
