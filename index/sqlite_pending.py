"""Text indexing off the SQLite store's write path: a durable queue and its catch-up step.

Design notes
------------
* Since schema v13 an upsert no longer folds text nor writes ``listing_text`` and the FTS5
  indexes (``index.sqlite_text``) in its own transaction: it puts the listing's id in
  ``text_pending`` (one row per listing whose latest text is not indexed yet) and
  commits. ``index_chunk`` — called by ``SqliteStore.index_pending`` — later reads the
  latest version of queued listings, folds their text and indexes it, deleting their queue
  rows in the *same* transaction. Folding and FTS work were 60 % of an upsert's CPU and
  most of its WAL pages; the listing itself is durable as soon as the upsert commits.
* Like Elasticsearch's refresh interval, a listing is found by a text search only once its
  text is indexed; filters, facets without text, ``get_listing``, alerts and the queue see it
  at once. ``lag`` says how many listings wait (``Store.index_lag``; status and
  ``/api/stats`` show it).
* Crash safety: the queue row commits with the listing, and leaves only with the indexed
  text, so a crash between the two loses nothing — the next ``index_pending`` (the
  pipeline calls it at the end of each source's crawl and of every run) resumes.
* What is indexed is the *latest stored version*, read back from ``listing_versions``:
  a listing changed twice before indexing is indexed once, at its latest text, and a
  listing re-queued while indexed (changed) has its old terms removed first
  (``text_ops.replace``). The text and its folding are exactly what an upsert wrote
  before v13 (``text_row``), so search results after indexing are the same.
* The store that queued a listing hands the text it stored to this step (``Known``), so
  it is not read back; only while that version is still the listing's latest.
* Ids are taken in id order, ``CHUNK`` per transaction: a web request waiting for the
  write lock waits for one chunk, not the whole backlog.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence

from index import sqlite_text as text_ops
from index.query_terms import NO_SPACE_SCRIPT, fold_fields
from index.sqlite_search import plain_column

CHUNK = 2000
MAX_KNOWN = 20_000  # listings whose text a store keeps for its indexing step (``Known``)

# v13: the queue. No foreign key (a look-up per insert on the write path); listings are
# never deleted, and an id with no listing is dropped by ``index_chunk``.
SCHEMA_V13 = ("CREATE TABLE text_pending (id INTEGER PRIMARY KEY)",)


def folds(title: str | None, text: str | None, seller: str | None) -> tuple[str, str]:
    """``listing_text``'s ``(folded, plain)`` of a listing's fields (``plain`` is ``''``
    where it would repeat ``folded``)."""
    folded, plain = fold_fields(title, text, seller)
    return folded, plain_column(folded, plain)


def text_row(
    row_id: int, title: str | None, text: str | None, seller: str | None
) -> text_ops.TextRow:
    """A ``listing_text`` row: the cjk flag and the folded forms the FTS indexes read. The
    original text columns stay empty since schema v6 (the text is in the version record).
    The flag is read from the folded text, which is what the indexes and a folded query
    item hold (since v12: fold turns half-width katakana into kana)."""
    folded, plain = folds(title, text, seller)
    return row_id, NO_SPACE_SCRIPT.search(folded) is not None, folded, plain


def enqueue_from(conn: sqlite3.Connection, first_id: int) -> None:
    """Queue every listing with an id from ``first_id`` on (the rows an upsert just added
    under the write lock): one statement, no per-row Python."""
    conn.execute("INSERT OR IGNORE INTO text_pending(id) SELECT id FROM listings WHERE id >= ?",
                 (first_id,))  # fmt: skip


def enqueue(conn: sqlite3.Connection, ids: Sequence[int]) -> None:
    """Queue these listings (changed ones: their text is indexed again)."""
    conn.executemany("INSERT OR IGNORE INTO text_pending(id) VALUES (?)", [(i,) for i in ids])


def lag(conn: sqlite3.Connection) -> int:
    """How many listings wait for their text to be indexed."""
    return int(conn.execute("SELECT count(*) FROM text_pending").fetchone()[0])


# What is indexed of a listing: title, text, seller name.
Fields = tuple[str | None, str | None, str | None]
# Listing id → (version, *fields): the text of versions this process just stored, handed
# from the upsert to the indexing step so it need not read them back. Exact: a listing's
# version number names one immutable record, so the fields are used only while that
# version is still the listing's latest (another process may have stored a newer one).
Known = dict[int, tuple[int, str | None, str | None, str | None]]

# The fields to index, read from the stored record by SQLite's JSON functions (a third of
# the cost of ``json.loads`` per record) — except from a record holding an escaped NUL
# (``\u0000``): ``json_extract`` cuts such a string short, so that record is returned
# whole and decoded by Python (as are the rare ones holding the six characters as text).
_FIELDS = (
    "CASE WHEN instr(v.data, '\\u0000') THEN v.data END, json_extract(v.data, '$.title'), "
    "json_extract(v.data, '$.text'), json_extract(v.data, '$.seller_name')"
)


def _stored(conn: sqlite3.Connection, ids: Sequence[int]) -> dict[int, Fields]:
    """The fields to index of these listings' latest versions, read from the file."""
    marks = ",".join("?" * len(ids))
    found = conn.execute(
        f"SELECT l.id, {_FIELDS} FROM listings l "
        "JOIN listing_versions v ON v.key = l.key AND v.version = l.version "
        f"WHERE l.id IN ({marks})",
        list(ids),
    ).fetchall()
    out: dict[int, Fields] = {}
    for row_id, data, title, text, seller in found:
        if data is not None:  # see ``_FIELDS``
            record = json.loads(data)
            title, text, seller = record.get("title"), record.get("text"), record.get("seller_name")
        out[row_id] = (title, text, seller)
    return out


def index_chunk(conn: sqlite3.Connection, limit: int = CHUNK, known: Known | None = None) -> int:
    """Index the latest text of up to ``limit`` queued listings and take them off the
    queue; returns how many ids left it. The caller owns the (write) transaction.
    ``known``: text this process wrote (see ``Known``), used where its version is still
    the latest; entries used or found stale are taken out of it."""
    ids = [r[0] for r in conn.execute("SELECT id FROM text_pending ORDER BY id LIMIT ?", (limit,))]
    if not ids:
        return 0
    marks = ",".join("?" * len(ids))
    heads = conn.execute(
        f"SELECT l.id, l.version, t.id IS NOT NULL FROM listings l "
        f"LEFT JOIN listing_text t ON t.id = l.id WHERE l.id IN ({marks})",
        ids,
    ).fetchall()
    fields: dict[int, Fields] = {}
    for row_id, version, _ in heads:
        hit = known.pop(row_id, None) if known else None
        if hit is not None and hit[0] == version:
            fields[row_id] = hit[1:]
    missing = [r[0] for r in heads if r[0] not in fields]
    if missing:
        fields.update(_stored(conn, missing))
    new: list[text_ops.TextRow] = []
    old: list[text_ops.TextRow] = []
    for row_id, _, indexed in heads:
        if row_id in fields:  # (a listing always has its latest version)
            (old if indexed else new).append(text_row(row_id, *fields[row_id]))
    text_ops.insert(conn, new)
    text_ops.replace(conn, old)
    conn.execute(f"DELETE FROM text_pending WHERE id IN ({marks})", ids)
    return len(ids)
