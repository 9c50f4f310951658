"""Listing, version and detection operations for the SQLite store.

Plain functions over a connection; the caller (``SqliteStore``) owns the transaction.

Upserting a batch is planned in Python first (one ``SELECT`` for the current state of
the batch's keys, then each record compared with the *latest* version, in batch order,
so A→B→A is three versions even within one batch) and then written with a handful of
``executemany`` calls. Only the latest version's text lives in ``listings`` (and so in
the FTS indexes, via ``listing_text``); every version's full record is kept in
``listing_versions``.

An unchanged listing is still *fresh* (needs classifying) while its latest version has
no row in ``detections``: a classifier failure after the upsert must not leave it
unclassified for good. The ``SELECT`` of the batch's state answers that with one
primary-key probe of ``detections`` per stored row.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from classifiers.base import Detection
from crawlers.base import Listing
from index.base import StoredListing, UpsertResult
from index.query_terms import fold_fields
from index.sqlite_search import index_text, needs_trigrams

_CHUNK = 500
_DETECTION_COLUMNS = "(score, commodity, intent, label, det_lang)"


def _json(data: dict[str, object]) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def _chunks(items: Sequence[str]) -> Iterable[Sequence[str]]:
    for i in range(0, len(items), _CHUNK):
        yield items[i : i + _CHUNK]


def _current(
    conn: sqlite3.Connection, keys: Sequence[str]
) -> tuple[dict[str, tuple[int, str]], set[str]]:
    """``key → (latest version, its content hash)`` for the stored ones among ``keys``, and
    the keys among those whose latest version has no detection yet."""
    found: dict[str, tuple[int, str]] = {}
    unclassified: set[str] = set()
    for chunk in _chunks(keys):
        marks = ",".join("?" * len(chunk))
        sql = (
            "SELECT l.key, l.version, l.content_hash, EXISTS (SELECT 1 FROM detections d "
            " WHERE d.key = l.key AND d.content_hash = l.content_hash) "
            f"FROM listings l WHERE l.key IN ({marks})"
        )
        for key, version, digest, classified in conn.execute(sql, chunk):
            found[key] = (version, digest)
            if not classified:
                unclassified.add(key)
    return found, unclassified


@dataclass
class _Plan:
    """What one upsert batch will write, decided before writing anything."""

    current: dict[str, tuple[int, str]]
    unclassified: set[str]  # stored keys whose latest version has no detection
    new_keys: dict[str, str] = field(default_factory=dict)  # key → first fetched_at
    latest: dict[str, Listing] = field(default_factory=dict)  # key → newest content
    seen: dict[str, str] = field(default_factory=dict)  # key → latest fetched_at
    versions: list[tuple[str, int, str, str, str]] = field(default_factory=list)
    fresh: dict[str, None] = field(default_factory=dict)  # ordered set
    counts: dict[str, int] = field(default_factory=lambda: {"new": 0, "changed": 0})

    def add(self, listing: Listing) -> None:
        key, digest = listing.key, listing.content_hash
        self.seen[key] = max(self.seen.get(key, listing.fetched_at), listing.fetched_at)
        state = self.current.get(key)
        if state is not None and state[1] == digest:
            if key in self.unclassified:
                self.fresh[key] = None
            return
        kind = "new" if state is None else "changed"
        if state is None:
            self.new_keys[key] = listing.fetched_at
        version = 1 if state is None else state[0] + 1
        self.current[key] = (version, digest)
        self.counts[kind] += 1
        self.latest[key] = listing
        self.fresh[key] = None
        self.versions.append((key, version, digest, listing.fetched_at, _json(listing.to_dict())))


def _text(listing: Listing) -> tuple[object, ...]:
    """``listing_text`` values: the cjk flag, the FTS columns, the folded forms."""
    title, text, seller = listing.title, listing.text, listing.seller_name
    return (
        needs_trigrams(title, text, seller),
        *map(index_text, (title, text, seller)),
        *fold_fields(title, text, seller),
    )


def upsert(conn: sqlite3.Connection, batch: Sequence[Listing]) -> UpsertResult:
    plan = _Plan(*_current(conn, list(dict.fromkeys(lst.key for lst in batch))))
    for listing in batch:
        plan.add(listing)
    _write_new(conn, plan)
    conn.executemany(
        "INSERT INTO listing_versions(key, version, content_hash, fetched_at, data) "
        "VALUES (?, ?, ?, ?, ?)",
        plan.versions,
    )
    _write_changed(conn, plan)
    conn.executemany(
        "UPDATE listings SET last_seen_at = max(last_seen_at, ?), removed_at = NULL WHERE key = ?",
        [(seen, key) for key, seen in plan.seen.items() if key not in plan.new_keys],
    )
    new, changed = plan.counts["new"], plan.counts["changed"]
    return UpsertResult(
        new=new,
        changed=changed,
        unchanged=len(batch) - new - changed,
        fresh_keys=tuple(plan.fresh),
    )


def _write_new(conn: sqlite3.Connection, plan: _Plan) -> None:
    rows = [(key, plan.latest[key], first) for key, first in plan.new_keys.items()]
    conn.executemany(
        "INSERT INTO listings(key, source, listing_id, version, content_hash, first_seen_at, "
        "last_seen_at, seller_id, kind, lang_hint) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (key, lst.source, lst.listing_id, *plan.current[key], first, plan.seen[key])
            + (lst.seller_id, lst.kind, lst.lang_hint)
            for key, lst, first in rows
        ],
    )
    conn.executemany(
        "INSERT INTO listing_text(id, cjk, title, text, seller, folded, plain) "
        "SELECT id, ?, ?, ?, ?, ?, ? FROM listings WHERE key = ?",
        [(*_text(lst), key) for key, lst, _ in rows],
    )


def _write_changed(conn: sqlite3.Connection, plan: _Plan) -> None:
    """New latest content for listings that existed before this batch, and the verdict
    of the new latest version (it may already exist: A→B→A brings A's verdict back)."""
    changed = [(key, lst) for key, lst in plan.latest.items() if key not in plan.new_keys]
    conn.executemany(
        "UPDATE listings SET version = ?1, content_hash = ?2, seller_id = ?3, kind = ?4, "
        f"lang_hint = ?5, {_DETECTION_COLUMNS} = "
        "(SELECT score, commodity, intent, label, lang FROM detections "
        " WHERE key = ?6 AND content_hash = ?2) WHERE key = ?6",
        [(*plan.current[key], lst.seller_id, lst.kind, lst.lang_hint, key) for key, lst in changed],
    )
    conn.executemany(
        "UPDATE listing_text SET cjk = ?, title = ?, text = ?, seller = ?, folded = ?, plain = ? "
        "WHERE id = (SELECT id FROM listings WHERE key = ?)",
        [(*_text(lst), key) for key, lst in changed],
    )


def active_keys(conn: sqlite3.Connection, source: str) -> set[str]:
    sql = "SELECT key FROM listings WHERE source = ? AND removed_at IS NULL"
    return {r[0] for r in conn.execute(sql, (source,))}


def mark_removed(conn: sqlite3.Connection, keys: Iterable[str], at: str) -> int:
    cursor = conn.executemany(
        "UPDATE listings SET removed_at = ? WHERE key = ? AND removed_at IS NULL",
        [(at, key) for key in dict.fromkeys(keys)],
    )
    return max(cursor.rowcount, 0)


def stored_listing(row: sqlite3.Row) -> StoredListing:
    """Build from a row with key/version/first_seen_at/last_seen_at/removed_at/data."""
    return StoredListing(
        listing=Listing.from_dict(json.loads(row["data"])),
        version=row["version"],
        first_seen_at=row["first_seen_at"],
        last_seen_at=row["last_seen_at"],
        removed_at=row["removed_at"],
    )


def get(conn: sqlite3.Connection, key: str) -> StoredListing | None:
    row = conn.execute(
        "SELECT l.version, l.first_seen_at, l.last_seen_at, l.removed_at, v.data "
        "FROM listings l JOIN listing_versions v ON v.key = l.key AND v.version = l.version "
        "WHERE l.key = ?",
        (key,),
    ).fetchone()
    return stored_listing(row) if row else None


def versions(conn: sqlite3.Connection, key: str) -> list[Listing]:
    sql = "SELECT data FROM listing_versions WHERE key = ? ORDER BY version"
    return [Listing.from_dict(json.loads(r[0])) for r in conn.execute(sql, (key,))]


def put_detections(conn: sqlite3.Connection, pairs: Iterable[tuple[str, Detection]]) -> int:
    """Store each version's verdict (re-classifying a version replaces its verdict) and
    refresh the denormalised columns of listings whose latest version it judges."""
    rows = [
        (d.id, digest, d.score, d.label, d.commodity, d.intent, d.lang, d.model, _json(d.to_dict()))
        for digest, d in pairs
    ]
    try:
        conn.executemany(
            "INSERT INTO detections(key, content_hash, score, label, commodity, intent, lang, "
            "model, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT(key, content_hash) DO UPDATE SET score = excluded.score, "
            "label = excluded.label, commodity = excluded.commodity, intent = excluded.intent, "
            "lang = excluded.lang, model = excluded.model, data = excluded.data",
            rows,
        )
    except sqlite3.IntegrityError as exc:
        raise ValueError(f"cannot store detections: {exc}") from exc
    conn.executemany(
        f"UPDATE listings SET {_DETECTION_COLUMNS} = (?, ?, ?, ?, ?) "
        "WHERE key = ? AND content_hash = ?",
        [(r[2], r[4], r[5], r[3], r[6], r[0], r[1]) for r in rows],
    )
    return len(rows)


def get_detection(conn: sqlite3.Connection, key: str) -> Detection | None:
    row = conn.execute(
        "SELECT d.data FROM listings l JOIN detections d "
        "ON d.key = l.key AND d.content_hash = l.content_hash WHERE l.key = ?",
        (key,),
    ).fetchone()
    return Detection.from_dict(json.loads(row[0])) if row else None


def counts(conn: sqlite3.Connection) -> dict[str, int]:
    row = conn.execute(
        "SELECT (SELECT count(*) FROM listings), (SELECT count(*) FROM listing_versions), "
        "(SELECT count(*) FROM detections), (SELECT count(*) FROM alerts), "
        "(SELECT count(*) FROM listings WHERE removed_at IS NOT NULL)"
    ).fetchone()
    names = ("listings", "versions", "detections", "alerts", "removed")
    return {name: int(value) for name, value in zip(names, row, strict=True)}


def fold_unfolded(conn: sqlite3.Connection) -> int:
    """Fold the text of rows written before schema v2 (see ``sqlite_schema``)."""
    rows = conn.execute(
        "SELECT id, title, text, seller FROM listing_text "
        "WHERE folded = '' AND (title != '' OR text != '' OR seller != '')"
    ).fetchall()
    conn.executemany(
        "UPDATE listing_text SET folded = ?, plain = ? WHERE id = ?",
        [(*fold_fields(r[1], r[2], r[3]), r[0]) for r in rows],
    )
    return len(rows)
