"""Listing, version and detection operations for the SQLite store.

Plain functions over a connection; the caller (``SqliteStore``) owns the transaction.

Upserting a batch: one ``SELECT`` for the stored heads of the batch's keys, the plan of
``index.rules.plan_upsert`` (each record compared with the *latest* version, in batch
order, so A→B→A is three versions even within one batch), then a handful of
``executemany`` calls that write it. Every version's full record is kept in
``listing_versions``; new and changed listings are queued for text indexing
(``index.sqlite_pending``: the latest version's folded text goes into ``listing_text``
and the FTS indexes in a following step, off the write path).

An unchanged listing is still *fresh* (needs classifying) while its latest version has
no row in ``detections``: a classifier failure after the upsert must not leave it
unclassified for good. The ``SELECT`` of the batch's state answers that with one
primary-key probe of ``detections`` per stored row.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence

from classifiers.base import Detection
from crawlers.base import Listing
from index import sqlite_facets as facet_ops
from index import sqlite_pending as pending_ops
from index import sqlite_text as text_ops
from index.base import StoredListing, UpsertResult
from index.rules import Head, UpsertPlan, plan_upsert

_CHUNK = 500
_DETECTION_COLUMNS = "(score, commodity, intent, label, det_lang)"


def _json(data: dict[str, object]) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def _chunks(items: Sequence[str]) -> Iterable[Sequence[str]]:
    for i in range(0, len(items), _CHUNK):
        yield items[i : i + _CHUNK]


def heads(conn: sqlite3.Connection, keys: Sequence[str]) -> dict[str, Head]:
    """The stored heads among ``keys``, with whether their latest version is classified
    (one primary-key probe of ``detections`` per stored row)."""
    found: dict[str, Head] = {}
    for chunk in _chunks(keys):
        marks = ",".join("?" * len(chunk))
        sql = (
            "SELECT l.key, l.version, l.content_hash, l.first_seen_at, l.last_seen_at, "
            "EXISTS (SELECT 1 FROM detections d "
            " WHERE d.key = l.key AND d.content_hash = l.content_hash) "
            f"FROM listings l WHERE l.key IN ({marks})"
        )
        for key, version, digest, first, last, classified in conn.execute(sql, chunk):
            found[key] = Head(version, digest, first, last, bool(classified))
    return found


def upsert(
    conn: sqlite3.Connection, batch: Sequence[Listing], queued: pending_ops.Known | None = None
) -> UpsertResult:
    """Write the plan ``index.rules.plan_upsert`` makes for ``batch``; ``queued`` gets the
    text of each listing queued for indexing (``sqlite_pending.Known``)."""
    plan = plan_upsert(batch, heads(conn, list(dict.fromkeys(x.key for x in batch))))
    queued = {} if queued is None else queued
    _write_new(conn, plan, queued)
    conn.executemany(
        "INSERT INTO listing_versions(key, version, content_hash, fetched_at, data) "
        "VALUES (?, ?, ?, ?, ?)",
        [
            (x.key, version, x.content_hash, x.fetched_at, _json(x.to_dict()))
            for x, version in plan.versions
        ],
    )
    _write_changed(conn, plan, queued)
    new = set(plan.new_keys)
    # Every key seen is seen now and no longer removed (un-removal).
    conn.executemany(
        "UPDATE listings SET last_seen_at = max(last_seen_at, ?), removed_at = NULL WHERE key = ?",
        [(head.last_seen_at, key) for key, head in plan.heads.items() if key not in new],
    )
    return plan.result


def _write_new(conn: sqlite3.Connection, plan: UpsertPlan, queued: pending_ops.Known) -> None:
    rows = [(key, plan.latest[key], plan.heads[key]) for key in plan.new_keys]
    # Ids given here (the write lock is held): the text rows need no look-up by key.
    first = int(conn.execute("SELECT ifnull(max(id), 0) + 1 FROM listings").fetchone()[0])
    keys = facet_ops.add_new(conn, [(x.source, x.lang_hint, x.kind) for _, x, _ in rows])
    conn.executemany(
        "INSERT INTO listings(id, key, source, listing_id, version, content_hash, "
        "first_seen_at, last_seen_at, seller_id, kind, lang_hint, facet) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (n, key, lst.source, lst.listing_id, head.version, head.content_hash)
            + (head.first_seen_at, head.last_seen_at, lst.seller_id, lst.kind, lst.lang_hint)
            + (facet,)
            for (n, (key, lst, head)), facet in zip(enumerate(rows, first), keys, strict=True)
        ],
    )
    pending_ops.enqueue_from(conn, first)
    for n, (_, lst, head) in enumerate(rows, first):
        queued[n] = (head.version, lst.title, lst.text, lst.seller_name)


def _write_changed(conn: sqlite3.Connection, plan: UpsertPlan, queued: pending_ops.Known) -> None:
    """New latest content for listings that existed before this batch, and the verdict
    of the new latest version (it may already exist: A→B→A brings A's verdict back)."""
    changed = [(key, plan.latest[key], plan.heads[key]) for key in plan.changed_keys]
    conn.executemany(
        "UPDATE listings SET version = ?1, content_hash = ?2, seller_id = ?3, kind = ?4, "
        f"lang_hint = ?5, {_DETECTION_COLUMNS} = "
        "(SELECT score, commodity, intent, label, lang FROM detections "
        " WHERE key = ?6 AND content_hash = ?2) WHERE key = ?6",
        [
            (head.version, head.content_hash, lst.seller_id, lst.kind, lst.lang_hint, key)
            for key, lst, head in changed
        ],
    )
    ids = _ids(conn, [key for key, _, _ in changed])
    pending_ops.enqueue(conn, list(ids.values()))
    for key, lst, head in changed:
        queued[ids[key]] = (head.version, lst.title, lst.text, lst.seller_name)


def _ids(conn: sqlite3.Connection, keys: Sequence[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for chunk in _chunks(keys):
        marks = ",".join("?" * len(chunk))
        sql = f"SELECT key, id FROM listings WHERE key IN ({marks})"
        found.update((k, int(i)) for k, i in conn.execute(sql, chunk))
    return found


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


def page(
    conn: sqlite3.Connection, source: str | None, after: str, size: int
) -> list[StoredListing]:
    """Up to ``size`` listings (of ``source``) with keys after ``after``, by key."""
    where, params = "l.key > ?", [after]
    if source is not None:
        where, params = where + " AND l.source = ?", [after, source]
    rows = conn.execute(
        "SELECT l.version, l.first_seen_at, l.last_seen_at, l.removed_at, v.data "
        "FROM listings l JOIN listing_versions v ON v.key = l.key AND v.version = l.version "
        f"WHERE {where} ORDER BY l.key LIMIT ?",
        [*params, size],
    )
    return [stored_listing(r) for r in rows]


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
    """Fold the text of rows written before schema v3 (see ``sqlite_schema``)."""
    rows = conn.execute(
        "SELECT id, title, text, seller FROM listing_text "
        "WHERE folded = '' AND (title != '' OR text != '' OR seller != '')"
    ).fetchall()
    text_ops.replace(conn, [pending_ops.text_row(*r) for r in rows])
    return len(rows)
