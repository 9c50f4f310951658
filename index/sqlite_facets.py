"""Facet counts of the SQLite store kept up to date, so that a search without text is
counted without reading a million listings.

Design notes
------------
* ``listing_facets`` holds, for every combination of the facet columns (``source``,
  ``commodity``, ``intent``, ``lang``, ``kind``) and removed-or-not, how many listings
  have it. It is kept exact in the writing transaction — new listings are counted by
  the store a batch at a time (``add_new``; by a trigger before v11), triggers on
  ``listings`` move one from the old combination to the new on a change of a facet
  column or of ``removed_at``, and take one away on a delete — so a read transaction
  sees counts that agree with the rows it reads. A few hundred rows stand for a million listings.
* A search whose filters are all facet columns (or none) takes its total and facets from
  here (``cube_sql``): a sum over a few hundred rows instead of a group-by over every
  matching listing (at 1M: 18 s → milliseconds). Any other search (text, ``min_score``,
  ``seller_id``) counts the matching rows themselves, as before.
* ``NULL`` is stored as ``''`` (a ``UNIQUE`` constraint treats NULLs as distinct, so an
  upsert could not find the row) and read back as ``NULL`` (not counted in a facet, as
  everywhere else). A filter on the value ``''`` is answered from the rows themselves.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Sequence

FACET_COLUMNS = ("source", "commodity", "intent", "lang", "kind")
_NEW = ", ".join(f"ifnull(new.{c}, '')" for c in FACET_COLUMNS)
_OLD_MATCH = " AND ".join(f"{c} = ifnull(old.{c}, '')" for c in FACET_COLUMNS)


def _add(row: str) -> str:
    values = ", ".join(f"ifnull({row}.{c}, '')" for c in FACET_COLUMNS)
    return (
        f"INSERT INTO listing_facets VALUES ({values}, {row}.removed_at IS NOT NULL, 1) "
        "ON CONFLICT DO UPDATE SET n = n + 1;"
    )


_TAKE_OLD = (
    f"UPDATE listing_facets SET n = n - 1 WHERE {_OLD_MATCH} "
    "AND removed = (old.removed_at IS NOT NULL);"
)
_CHANGED = (
    f"({_NEW}, new.removed_at IS NOT NULL) IS NOT "
    f"({_NEW.replace('new.', 'old.')}, old.removed_at IS NOT NULL)"
)

# Schema v7 (``index.sqlite_schema``): the table, filled from the listings already
# stored, and its triggers. ``lang`` is generated from ``det_lang``/``lang_hint``.
SCHEMA: tuple[str, ...] = (
    """CREATE TABLE listing_facets (
        source TEXT NOT NULL, commodity TEXT NOT NULL, intent TEXT NOT NULL,
        lang TEXT NOT NULL, kind TEXT NOT NULL, removed INTEGER NOT NULL,
        n INTEGER NOT NULL,
        UNIQUE (source, commodity, intent, lang, kind, removed)
    )""",
    "INSERT INTO listing_facets SELECT "
    + ", ".join(f"ifnull({c}, '')" for c in FACET_COLUMNS)
    + ", removed_at IS NOT NULL, count(*) FROM listings GROUP BY 1, 2, 3, 4, 5, 6",
    f"CREATE TRIGGER listing_facets_ai AFTER INSERT ON listings BEGIN {_add('new')} END",
    f"CREATE TRIGGER listing_facets_ad AFTER DELETE ON listings BEGIN {_TAKE_OLD} END",
    "CREATE TRIGGER listing_facets_au AFTER UPDATE OF source, commodity, intent, det_lang, "
    f"lang_hint, kind, removed_at ON listings WHEN {_CHANGED} "
    f"BEGIN {_TAKE_OLD} {_add('new')} END",
)


# Schema v10: each listing's ``facet`` is the rowid of its combination's row above (rows
# are never deleted, so a rowid keeps naming the same combination). A text search groups
# its matches by this one integer and joins the few groups to their values, instead of
# sorting every match by five text columns (at 1M, a common word's 68k matches: ~85 of
# ~130 ms of CPU). The triggers set it in the writing transaction, after the count.
def _set_key(row: str) -> str:
    match = " AND ".join(f"{c} = ifnull({row}.{c}, '')" for c in FACET_COLUMNS)
    return (
        "UPDATE listings SET facet = (SELECT rowid FROM listing_facets WHERE "
        f"{match} AND removed = ({row}.removed_at IS NOT NULL)) WHERE id = {row}.id;"
    )


SCHEMA_V10: tuple[str, ...] = (
    "DROP TRIGGER listing_facets_ai",
    "DROP TRIGGER listing_facets_au",
    "DROP INDEX listings_facets",  # v8's, rebuilt below with the key
    "ALTER TABLE listings ADD COLUMN facet INTEGER",
    "UPDATE listings SET facet = (SELECT f.rowid FROM listing_facets f WHERE "
    + " AND ".join(f"f.{c} = ifnull(listings.{c}, '')" for c in FACET_COLUMNS)
    + " AND f.removed = (listings.removed_at IS NOT NULL))",
    # The store counts the listings it inserts itself, a batch at a time (``add_new``),
    # and gives each its key: the trigger only counts a row inserted without one.
    "CREATE TRIGGER listing_facets_ai AFTER INSERT ON listings WHEN new.facet IS NULL "
    f"BEGIN {_add('new')} {_set_key('new')} END",
    "CREATE TRIGGER listing_facets_au AFTER UPDATE OF source, commodity, intent, det_lang, "
    f"lang_hint, kind, removed_at ON listings WHEN {_CHANGED} "
    f"BEGIN {_TAKE_OLD} {_add('new')} {_set_key('new')} END",
    "CREATE INDEX listings_facets ON listings(id, facet, removed_at, source, commodity, "
    "intent, lang, kind, score, last_seen_at)",
)


# Schema v11: the insert trigger goes. The store counts and keys every listing it inserts
# (``add_new``, the only writer of ``listings`` rows), so the trigger never fired — yet
# SQLite runs a row trigger's program for each inserted row to test its ``WHEN``: about a
# third of a listing row's insert cost (measured: 13.9 → 8.6 µs of CPU per row). A row
# inserted without a key would be in no facet and not counted (``key_sql`` still totals
# it); the update trigger stays, for verdicts, removals and un-removals.
SCHEMA_V11: tuple[str, ...] = ("DROP TRIGGER listing_facets_ai",)


def add_new(conn: sqlite3.Connection, rows: Sequence[tuple[str, str | None, str]]) -> list[int]:
    """Count listings about to be inserted — ``(source, lang_hint, kind)`` each, with no
    verdict yet and not removed — in ``listing_facets`` (one statement per combination,
    not a trigger per row: the per-row upsert was a third of a listing row's insert
    cost) and return each one's ``facet`` key, in order. The keys are read back in one
    statement for the batch's sources (a ``SELECT`` per combination was ~3 µs of CPU
    per listing: a batch of 1,000 has ~100 combinations)."""
    combos = [(source, lang or "", kind) for source, lang, kind in rows]
    counted = Counter(combos)
    conn.executemany(
        "INSERT INTO listing_facets VALUES (?1, '', '', ?2, ?3, 0, ?4) "
        "ON CONFLICT DO UPDATE SET n = n + excluded.n",
        [(*combo, n) for combo, n in counted.items()],
    )
    sources = sorted({source for source, _, _ in counted})
    keys: dict[tuple[str, str, str], int] = {}
    for i in range(0, len(sources), 500):
        chunk = sources[i : i + 500]
        found = conn.execute(
            "SELECT source, lang, kind, rowid FROM listing_facets WHERE commodity = '' "
            f"AND intent = '' AND removed = 0 AND source IN ({','.join('?' * len(chunk))})",
            chunk,
        )
        keys.update(((s, lang, k), int(rowid)) for s, lang, k, rowid in found)
    return [keys[combo] for combo in combos]


def key_sql(source: str, where: str, facets: Sequence[str]) -> str:
    """``facet_sql``-shaped rows (each facet's value, then a count) for the listings of
    ``source`` matching ``where``: grouped by ``facet``, then each group's values read
    from ``listing_facets`` (``''`` read back as ``NULL``, as in ``cube_sql``). A listing
    without a key (none should be) is still in the total, in no facet."""
    columns = ", ".join(f"nullif(f.{name}, '')" for name in facets)
    return (
        f"SELECT {columns}, g.n FROM (SELECT l.facet AS k, count(*) AS n FROM {source} "
        f"WHERE {where} GROUP BY l.facet) g LEFT JOIN listing_facets f ON f.rowid = g.k"
    )


def cube_sql(
    filters: dict[str, str], include_removed: bool, facets: Sequence[str]
) -> tuple[str, list[object]] | None:
    """``(sql, params)`` giving ``facet_sql``-shaped rows (the value of each facet, then
    a count) from ``listing_facets``, or ``None`` when it cannot answer exactly: a filter
    on another column, or on the value ``''``. ``facets`` must be checked names."""
    if set(facets) - set(FACET_COLUMNS):
        raise ValueError(f"unknown facet fields: {sorted(set(facets) - set(FACET_COLUMNS))}")
    if any(name not in FACET_COLUMNS or value == "" for name, value in filters.items()):
        return None
    where = [f"{name} = ?" for name in filters]
    if not include_removed:
        where.append("removed = 0")
    names = tuple(dict.fromkeys(facets))
    columns = [f"nullif({name}, '')" for name in names]
    groups = ", ".join(str(i) for i in range(1, len(names) + 1))
    count = "sum(n)" if groups else "ifnull(sum(n), 0)"
    sql = (
        f"SELECT {', '.join([*columns, count])} FROM listing_facets "
        f"WHERE {' AND '.join(where) or '1'}"
    )
    if groups:  # a combination whose listings all moved away stays, with n = 0
        sql += f" GROUP BY {groups} HAVING sum(n) > 0"
    return sql, list(filters.values())
