"""The image catalog on a real SQLite file: a batch of listings in one transaction, a
listing's current images replacing those of an older version."""

from __future__ import annotations

from pathlib import Path

from classifiers.image.base import ImageSignals
from classifiers.image.catalog import ImageCatalog

A, B, C = "a" * 64, "b" * 64, "c" * 64


def test_record_many_writes_each_listing_and_a_new_version_replaces_its_images(
    tmp_path: Path,
) -> None:
    catalog = ImageCatalog(tmp_path / "images.sqlite")
    first = ImageSignals(sha256=A, pdq="f" * 64, quality=90, concepts={"tiger": 0.5})
    broken = ImageSignals(sha256=B, error="truncated: image file is truncated")
    catalog.record_many([("s:1", [first, broken]), ("s:2", [first])], "2026-12-01T00:00:00Z")
    assert catalog.images_of("s:1") == [first, broken]
    assert catalog.images_of("s:2") == [first]
    catalog.record_many([("s:1", [ImageSignals(sha256=C)])], "2026-12-02T00:00:00Z")
    assert [s.sha256 for s in catalog.images_of("s:1")] == [C]
    assert catalog.images_of("s:2") == [first]  # other listings untouched
    catalog.close()
    reopened = ImageCatalog(tmp_path / "images.sqlite")  # committed, not just cached
    assert [s.sha256 for s in reopened.images_of("s:1")] == [C]
    reopened.close()


def test_the_catalog_keeps_a_write_ahead_log_and_another_reader_sees_each_commit(
    tmp_path: Path,
) -> None:
    import sqlite3

    path = tmp_path / "images.sqlite"
    catalog = ImageCatalog(path)
    reader = sqlite3.connect(path)
    assert reader.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    catalog.record_many([("s:1", [ImageSignals(sha256=A)])], "2026-12-01T00:00:00Z")
    rows = reader.execute("SELECT listing_key, sha256 FROM listing_images").fetchall()
    assert rows == [("s:1", A)]
    reader.close()
    catalog.close()
