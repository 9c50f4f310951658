"""The SQLite store's schema, as an ordered list of migrations.

Design notes
------------
* ``MIGRATIONS[i]`` takes the database from schema version ``i`` to ``i + 1``. A migration
  is a tuple of single statements (no script splitting: trigger bodies contain ``;``) —
  or functions of the connection, for a data step SQL cannot do (v9's grams) — and
  runs in one ``BEGIN IMMEDIATE`` transaction together with the version bump, so two
  processes opening the same file never apply it twice. Never edit a shipped one.
* ``listings`` holds one row per listing: identity, history times, the latest version's
  searchable text and the *latest version's* detection, denormalised (score, commodity,
  intent, label, detected language) so filters and facets need no join. ``lang`` is a
  generated column: the detected language, else the crawler's hint.
* ``listing_versions`` and ``alert_audit`` are evidence: triggers refuse UPDATE and DELETE.
* FTS5 indexes over ``listing_text`` (external content: the text is stored once): since
  v3 ``listings_fold`` (words of the folded forms, accents kept) and ``listings_foldtri``
  (``trigram``: substrings, for scripts without spaces — Chinese, Thai, …; ``cjk`` rows
  only), since v9 ``listings_cjkgram`` (their one- and two-character items), kept in step
  by ``index.sqlite_text`` (triggers before v9; v1's ``listings_fts``/``_tri`` gone in v6),
  since v13 after the upsert, from a queue (``index.sqlite_pending``).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from index.sqlite_facets import SCHEMA as FACET_SCHEMA
from index.sqlite_facets import SCHEMA_V10, SCHEMA_V11
from index.sqlite_pending import SCHEMA_V13
from index.sqlite_text import SCHEMA_V9 as TEXT_SCHEMA_V9
from index.sqlite_text import fill_grams, flag_folded_cjk

# A migration step: one SQL statement, or (rarely) a function doing what SQL cannot.
Step = str | Callable[[sqlite3.Connection], None]

_FTS_COLUMNS = "title, text, seller"


def _fts_sync_triggers(table: str, when: str = "1") -> tuple[str, ...]:
    """The documented external-content sync triggers for one FTS5 index over
    ``listing_text``, indexing only rows where ``when`` (``{row}`` = old/new) holds."""
    w_old, w_new = when.format(row="old"), when.format(row="new")
    delete_old = (
        f"INSERT INTO {table}({table}, rowid, {_FTS_COLUMNS}) "
        f"SELECT 'delete', old.id, old.title, old.text, old.seller WHERE {w_old};"
    )
    insert_new = (
        f"INSERT INTO {table}(rowid, {_FTS_COLUMNS}) "
        f"SELECT new.id, new.title, new.text, new.seller WHERE {w_new};"
    )
    return (
        f"CREATE TRIGGER {table}_ai AFTER INSERT ON listing_text BEGIN {insert_new} END",
        f"CREATE TRIGGER {table}_ad AFTER DELETE ON listing_text BEGIN {delete_old} END",
        f"CREATE TRIGGER {table}_au AFTER UPDATE ON listing_text "
        f"BEGIN {delete_old} {insert_new} END",
    )


def _immutable(table: str) -> tuple[str, ...]:
    """Triggers that make ``table`` append-only."""
    return tuple(
        f"CREATE TRIGGER {table}_no_{op.lower()} BEFORE {op} ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{table} is append-only evidence'); END"
        for op in ("UPDATE", "DELETE")
    )


_V1: tuple[str, ...] = (
    """CREATE TABLE listings (
        id INTEGER PRIMARY KEY,
        key TEXT NOT NULL UNIQUE,
        source TEXT NOT NULL,
        listing_id TEXT NOT NULL,
        version INTEGER NOT NULL,
        content_hash TEXT NOT NULL,
        first_seen_at TEXT NOT NULL,
        last_seen_at TEXT NOT NULL,
        removed_at TEXT,
        seller_id TEXT,
        kind TEXT NOT NULL,
        lang_hint TEXT,
        score REAL,
        commodity TEXT,
        intent TEXT,
        label TEXT,
        det_lang TEXT,
        lang TEXT GENERATED ALWAYS AS (coalesce(det_lang, lang_hint)) VIRTUAL
    )""",
    "CREATE INDEX listings_source ON listings(source, removed_at)",
    "CREATE INDEX listings_seller ON listings(seller_id)",
    "CREATE INDEX listings_rank ON listings(score DESC, last_seen_at DESC)",
    # The latest version's searchable text, apart so that listing rows stay small and
    # filter/facet scans never read text. ``cjk``: has text in a script without spaces.
    """CREATE TABLE listing_text (
        id INTEGER PRIMARY KEY REFERENCES listings(id),
        cjk INTEGER NOT NULL,
        title TEXT NOT NULL,
        text TEXT NOT NULL,
        seller TEXT NOT NULL
    )""",
    "CREATE INDEX listing_text_cjk ON listing_text(cjk) WHERE cjk",
    """CREATE TABLE listing_versions (
        key TEXT NOT NULL REFERENCES listings(key),
        version INTEGER NOT NULL,
        content_hash TEXT NOT NULL,
        fetched_at TEXT NOT NULL,
        data TEXT NOT NULL,
        PRIMARY KEY (key, version)
    )""",
    "CREATE INDEX listing_versions_hash ON listing_versions(key, content_hash)",
    """CREATE TABLE detections (
        key TEXT NOT NULL REFERENCES listings(key),
        content_hash TEXT NOT NULL,
        score REAL NOT NULL,
        label TEXT NOT NULL,
        commodity TEXT,
        intent TEXT NOT NULL,
        lang TEXT,
        model TEXT NOT NULL,
        data TEXT NOT NULL,
        PRIMARY KEY (key, content_hash)
    )""",
    # A detection must judge a version we actually captured.
    """CREATE TRIGGER detections_need_version BEFORE INSERT ON detections
       WHEN NOT EXISTS (SELECT 1 FROM listing_versions
                        WHERE key = new.key AND content_hash = new.content_hash)
       BEGIN SELECT RAISE(ABORT, 'detection for a listing version that was never stored'); END""",
    """CREATE TABLE alerts (
        id TEXT PRIMARY KEY,
        listing_key TEXT NOT NULL UNIQUE,
        source TEXT NOT NULL,
        rule TEXT NOT NULL,
        score REAL NOT NULL,
        commodity TEXT,
        intent TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        state TEXT NOT NULL,
        version INTEGER NOT NULL,
        seller_id TEXT,
        title TEXT NOT NULL
    )""",
    "CREATE INDEX alerts_queue ON alerts(state, score DESC)",
    """CREATE TABLE alert_audit (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        alert_id TEXT NOT NULL REFERENCES alerts(id),
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        from_state TEXT,
        to_state TEXT,
        note TEXT NOT NULL
    )""",
    "CREATE INDEX alert_audit_alert ON alert_audit(alert_id, seq)",
    f"CREATE VIRTUAL TABLE listings_fts USING fts5({_FTS_COLUMNS}, content='listing_text', "
    "content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
    f"CREATE VIRTUAL TABLE listings_tri USING fts5({_FTS_COLUMNS}, content='listing_text', "
    "content_rowid='id', tokenize='trigram')",
    *_fts_sync_triggers("listings_fts"),
    # Only text in scripts without spaces needs trigrams: a CJK/Thai query term can only
    # occur in such text, and most listings are spared the (large) trigram index.
    *_fts_sync_triggers("listings_tri", when="{row}.cjk"),
    *_immutable("listing_versions"),
    *_immutable("alert_audit"),
)

# v2: the dismissal reason of a state change (``alerts.base.DISMISSAL_REASONS``).
_V2 = ("ALTER TABLE alert_audit ADD COLUMN reason TEXT",)


def _fold_sync_triggers(table: str, when: str = "1") -> tuple[str, ...]:
    """Sync triggers for an FTS5 index over ``listing_text(folded, plain)``."""
    w_old, w_new = when.format(row="old"), when.format(row="new")
    delete_old = (
        f"INSERT INTO {table}({table}, rowid, folded, plain) "
        f"SELECT 'delete', old.id, old.folded, old.plain WHERE {w_old};"
    )
    insert_new = (
        f"INSERT INTO {table}(rowid, folded, plain) "
        f"SELECT new.id, new.folded, new.plain WHERE {w_new};"
    )
    return (
        f"CREATE TRIGGER {table}_ai AFTER INSERT ON listing_text BEGIN {insert_new} END",
        f"CREATE TRIGGER {table}_ad AFTER DELETE ON listing_text BEGIN {delete_old} END",
        f"CREATE TRIGGER {table}_au AFTER UPDATE OF folded, plain, cjk ON listing_text "
        f"BEGIN {delete_old} {insert_new} END",
    )


# v3: search reads text as the classifiers do (``index/query_terms.py``): the folded
# forms of title, text and seller name (``folded`` keeps accents, ``plain`` strips
# them), a word index that keeps accents (an accented query must match accents) and a
# trigram index for scripts without spaces. Rows written before v3 are folded by
# ``SqliteStore.init`` (folding is Python, not SQL).
_V3: tuple[str, ...] = (
    "ALTER TABLE listing_text ADD COLUMN folded TEXT NOT NULL DEFAULT ''",
    "ALTER TABLE listing_text ADD COLUMN plain TEXT NOT NULL DEFAULT ''",
    "CREATE VIRTUAL TABLE listings_fold USING fts5(folded, plain, content='listing_text', "
    "content_rowid='id', tokenize='unicode61 remove_diacritics 0')",
    "CREATE VIRTUAL TABLE listings_foldtri USING fts5(folded, plain, content='listing_text', "
    "content_rowid='id', tokenize='trigram')",
    *_fold_sync_triggers("listings_fold"),
    *_fold_sync_triggers("listings_foldtri", when="{row}.cjk"),
    # Who works on an alert (``alerts.base.Assignment``).
    "ALTER TABLE alerts ADD COLUMN assignee TEXT",
)

# v4: alert priority (``alerts.base.Alert.priority``), the first key of the queue order.
_V4 = (
    "ALTER TABLE alerts ADD COLUMN priority REAL NOT NULL DEFAULT 0",
    "CREATE INDEX alerts_priority ON alerts(state, priority DESC, score DESC)",
)

# v5: the seller network of an alert (``alerts.base.Alert.network``): the queue groups
# and filters by it, and a network merge relabels its alerts.
_V5 = (
    "ALTER TABLE alerts ADD COLUMN network TEXT",
    "CREATE INDEX alerts_network ON alerts(network)",
)

# v6 (issue 13, scale): what the queue, seller and dashboard reads need at a million
# listings — each alert index ends in the queue order (``priority DESC, score DESC``) so a
# page is an index range, never a sort — and less write work per listing: the v1 word and
# trigram indexes over the original text are no longer read by anything since v3 (search
# reads ``listings_fold``/``listings_foldtri``) yet cost as much to keep as those two, so
# they go with their triggers; the original text columns of ``listing_text`` stop being
# written (the listing's text is in its version record). FTS5 ``automerge`` 8: merge 8
# segments of a level at a time instead of 4 — less write work, still few segments.
_V6: tuple[str, ...] = (
    *(
        f"DROP TRIGGER {t}_{op}"
        for t in ("listings_fts", "listings_tri")
        for op in "ai ad au".split()
    ),
    "DROP TABLE listings_fts",
    "DROP TABLE listings_tri",
    "CREATE INDEX alerts_seller ON alerts(seller_id, priority DESC, score DESC)",
    "CREATE INDEX alerts_rank ON alerts(priority DESC, score DESC, created_at, id)",
    "CREATE INDEX alerts_source ON alerts(source, state, priority DESC, score DESC)",
    "CREATE INDEX alerts_commodity ON alerts(commodity, state, priority DESC, score DESC)",
    "CREATE INDEX alerts_source_commodity "
    "ON alerts(source, commodity, state, priority DESC, score DESC)",
    "CREATE INDEX listings_first_seen ON listings(first_seen_at)",
    "INSERT INTO listings_fold(listings_fold, rank) VALUES ('automerge', 8)",
    "INSERT INTO listings_foldtri(listings_foldtri, rank) VALUES ('automerge', 8)",
)

# v7: facet counts kept by triggers, for searches without text (``index.sqlite_facets``).
_V7 = FACET_SCHEMA
# v8: a text search's facets, total and page read each match's facet values and sort
# keys; this index holds just those (and the filters'), a fraction of a table row, so far
# fewer pages are visited per match (``sqlite_search`` names it).
_V8 = ("CREATE INDEX listings_facets ON listings(id, removed_at, source, commodity, intent, "
       "lang, kind, score, last_seen_at)",)  # fmt: skip

# v9: text indexes written in batches by ``index.sqlite_text`` (not triggers), and
# ``listings_cjkgram`` for short CJK items; its data step is Python (seconds at 1M).
# v10: an integer facet key per listing (``index.sqlite_facets``); v8's index rebuilt.
# v11: no insert trigger on ``listings`` (the store counts new listings itself).
# v12: indexes no read uses go (EXPLAIN QUERY PLAN of each: ``alerts_priority`` serves
# state filters; ``listing_text_cjk`` only v9's step); ``cjk`` follows the folded text.
# v13: the ``text_pending`` queue of ``index.sqlite_pending`` (empty after migrating).
_V9: tuple[Step, ...] = (*TEXT_SCHEMA_V9, fill_grams)
_UNUSED = ("alerts_queue", "listing_text_cjk")
_V12: tuple[Step, ...] = (*(f"DROP INDEX IF EXISTS {i}" for i in _UNUSED), flag_folded_cjk)
MIGRATIONS: list[tuple[Step, ...]] = [_V1, _V2, _V3, _V4, _V5, _V6, _V7, _V8, _V9, SCHEMA_V10]
MIGRATIONS += [SCHEMA_V11, _V12, SCHEMA_V13]


def schema_version(conn: sqlite3.Connection) -> int:
    conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
    row = conn.execute("SELECT max(version) FROM schema_version").fetchone()
    return int(row[0] or 0)


def run_step(conn: sqlite3.Connection, step: Step) -> None:
    """Run one migration step (a statement, or a function of the connection)."""
    _ = step(conn) if callable(step) else conn.execute(step)


def migrate(conn: sqlite3.Connection) -> int:
    """Apply pending migrations in one transaction; return the resulting version.

    ``conn`` must be in autocommit mode (``isolation_level=None``).
    """
    conn.execute("BEGIN IMMEDIATE")
    try:
        current = schema_version(conn)
        if current > len(MIGRATIONS):
            raise RuntimeError(f"database schema v{current} is newer than this code's")
        for number, statements in enumerate(MIGRATIONS[current:], start=current + 1):
            for statement in statements:
                run_step(conn, statement)
            conn.execute("INSERT INTO schema_version(version) VALUES (?)", (number,))
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
    return len(MIGRATIONS)
