"""Turn a ``SearchQuery`` into SQL for the SQLite store, safely.

Design notes
------------
* The query is read by ``index.query_terms.parse`` (folded like the classifiers read
  listings; phrases; ``OR``) into clauses of alternatives. Each item becomes an
  ``l.id IN (…)`` condition; a clause ORs its items, the query ANDs its clauses.
* User text never reaches FTS5 syntax: every item is a double-quoted FTS5 string (inner
  ``"`` doubled) behind a fixed column filter (``folded`` or ``plain``), so ``NEAR(``,
  ``*``, ``^``, ``:`` and quotes in the query are just text.
* Words go to ``listings_fold`` (``unicode61``, accents kept: an accented query item
  must match the accents, see ``query_terms``). Items in scripts without word spaces go
  to the ``listings_foldtri`` trigram index as substrings; shorter than three
  characters (象牙 is two) they cannot use trigrams and look up ``listings_cjkgram``
  (every such character and pair of ``cjk`` rows, ``index.sqlite_text``) — the same
  rows an ``instr`` scan of the folded columns found before schema v9, without the scan.
* A query that has text but no searchable item (``"***"``) matches nothing.
* Hits are ordered as without text (score, then last seen): relevance is not part of
  the contract. Highlights are made from the original text (``query_terms.highlight``).
* Column names in SQL come from fixed mappings here, never from the query.
* Date histograms group the filtered set by hour or day first — as text for stored UTC
  timestamps ("…Z"), by ``strftime`` otherwise — then map each group to its bucket
  (weeks start on Monday: ``-6 days, weekday 1``). Unparseable or missing dates are not
  counted. No date is parsed per row, only per group.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

from index.base import (
    FACET_FIELDS,
    HIGHLIGHT_END,
    HIGHLIGHT_START,
    HISTOGRAM_FIELDS,
    SearchQuery,
    check_histogram,
)
from index.query_terms import FIELD_FOLDED, FIELD_PLAIN, Clause, Item, parse
from index.sqlite_facets import cube_sql, key_sql

HL_START, HL_END = HIGHLIGHT_START, HIGHLIGHT_END

_MARKER_SWAP = str.maketrans({HL_START: "‹", HL_END: "›"})

# Facet / filter name → listings column (``lang`` is generated: detection, else hint).
FACET_COLUMNS = {name: f"l.{name}" for name in FACET_FIELDS}
_EQUALITY_FILTERS = ("source", "commodity", "intent", "lang", "kind", "seller_id")


def index_text(value: str | None) -> str:
    """What goes into an FTS content column: the text with our marker characters swapped."""
    return (value or "").translate(_MARKER_SWAP)


def _quoted(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


@dataclass
class SearchSql:
    """The pieces of one search: ``FROM … WHERE …`` shared by the count, facet and hit
    queries, the ordering for the hit query, and the parsed text (for highlights)."""

    from_sql: str
    where: list[str] = field(default_factory=list)
    params: list[object] = field(default_factory=list)
    # SQLite sorts NULL lowest, so unclassified listings come last; matches listings_rank.
    order_sql: str = "l.score DESC, l.last_seen_at DESC, l.id"
    clauses: list[Clause] = field(default_factory=list)

    @property
    def where_sql(self) -> str:
        return " AND ".join(self.where) if self.where else "1"


def _clean(text: str) -> str:
    """Control characters and lone surrogates become spaces (FTS5 stops at NUL; SQLite
    cannot encode surrogates)."""
    return "".join(" " if unicodedata.category(ch) in ("Cc", "Cs") else ch for ch in text)


def build(query: SearchQuery) -> SearchSql:
    """Assemble the SQL pieces for ``query`` (see the module docstring)."""
    sql = SearchSql(from_sql="listings l")
    if query.text and query.text.strip():
        sql.clauses = parse(_clean(query.text))
        _add_text(sql)
    for name in _EQUALITY_FILTERS:
        value = getattr(query, name)
        if value is not None:
            sql.where.append(f"l.{name} = ?")
            sql.params.append(value)
    if query.min_score is not None:
        sql.where.append("l.score >= ?")
        sql.params.append(float(query.min_score))
    if not query.include_removed:
        sql.where.append("l.removed_at IS NULL")
    return sql


# An item typed without accents matches the accent-free form, which since schema v6 is
# stored only where it differs from ``folded`` (``plain = ''`` otherwise: most text has no
# accents, and indexing it twice was a third of the ingest cost). So such an item looks in
# both columns: where ``plain`` is empty, ``folded`` has no accents and *is* that form;
# where it is set, every accent-free word of ``folded`` is in ``plain`` too.
_COLUMNS = {FIELD_FOLDED: "folded", FIELD_PLAIN: "{folded plain}"}


def plain_column(folded: str, plain: str) -> str:
    """What ``listing_text.plain`` stores: ``''`` when it would repeat ``folded``."""
    return "" if plain == folded else plain


def _item_sql(item: Item) -> tuple[str, object]:
    column = _COLUMNS[item.field]
    if not item.substring:
        return (
            "l.id IN (SELECT rowid FROM listings_fold WHERE listings_fold MATCH ?)",
            f"{column} : {_quoted(item.text)}",
        )
    if len(item.text) >= 3:
        return (
            "l.id IN (SELECT rowid FROM listings_foldtri WHERE listings_foldtri MATCH ?)",
            f"{column} : {_quoted(item.text)}",
        )
    return (
        "l.id IN (SELECT rowid FROM listings_cjkgram WHERE listings_cjkgram MATCH ?)",
        f"{column} : {_quoted(item.text)}",
    )


def _add_text(sql: SearchSql) -> None:
    if not sql.clauses:
        sql.where.append("0")
        return
    for clause in sql.clauses:
        parts = [_item_sql(item) for item in clause]
        sql.where.append("(" + " OR ".join(p[0] for p in parts) + ")")
        sql.params.extend(p[1] for p in parts)


def facet_sql(sql: SearchSql, facets: tuple[str, ...]) -> str:
    """One statement returning ``(value of each facet…, count)`` rows: the filtered set
    grouped once by its facet combination (``sqlite_facets.key_sql``: one integer per
    listing, not one pass per facet), for ``facet_counts`` to fold. With no facets it is
    one row, the total."""
    facets = _checked(facets)
    # With text, the matches' facet keys are read from the narrow ``listings_facets``
    # index (v8, v10) rather than from the table's rows: a tenth of the pages to visit.
    source = f"{sql.from_sql} INDEXED BY listings_facets" if sql.clauses else sql.from_sql
    if not facets:
        return f"SELECT count(*) FROM {source} WHERE {sql.where_sql}"
    return key_sql(source, sql.where_sql, facets)


# A page is found by walking ``listings_rank`` (the sort order) and keeping matches until
# it is full when that walk is expected to be short — (offset + limit) × listings / matches
# index entries, at most ``WALK_BUDGET`` — instead of sorting every match (65,000 rows for
# a common word at 1M). Matches that cluster at low scores make the walk longer than
# expected; it stays exact either way.
WALK_BUDGET = 50_000


def page_ids_sql(sql: SearchSql, total: int, listings: int, end: int) -> str:
    """The ids of one page of hits, in order (params: ``sql.params``, limit, offset);
    ``total`` matches among ``listings``, the page ending at match ``end``."""
    source = sql.from_sql
    if total > 0 and end * listings <= WALK_BUDGET * total:
        source += " INDEXED BY listings_rank"
    elif sql.clauses:  # every match's sort keys: from the narrow index, not the rows
        source += " INDEXED BY listings_facets"
    return (
        f"SELECT l.id FROM {source} WHERE {sql.where_sql} ORDER BY {sql.order_sql} LIMIT ? OFFSET ?"
    )


def _checked(facets: tuple[str, ...]) -> tuple[str, ...]:
    """The facet names without repeats; an unknown one raises (names become SQL)."""
    unknown = set(facets) - set(FACET_COLUMNS)
    if unknown:
        raise ValueError(f"unknown facet fields: {sorted(unknown)}")
    return tuple(dict.fromkeys(facets))


def count_sql(query: SearchQuery, sql: SearchSql) -> tuple[str, list[object]]:
    """The statement for total and facets: from the kept counts of ``index.sqlite_facets``
    when the query has no text and filters only facet columns, else ``facet_sql``."""
    facets = _checked(tuple(query.facets))
    if (not query.text or not query.text.strip()) and query.min_score is None:
        filters = {n: getattr(query, n) for n in _EQUALITY_FILTERS}
        present = {n: str(v) for n, v in filters.items() if v is not None}
        cube = cube_sql(present, query.include_removed, facets)
        if cube is not None:
            return cube
    return facet_sql(sql, facets), sql.params


def facet_counts(
    rows: list[tuple[object, ...]], facets: tuple[str, ...]
) -> tuple[int, dict[str, dict[str, int]]]:
    """``(total, {facet: {value: count}})`` from ``facet_sql`` rows (NULL values uncounted)."""
    names = tuple(dict.fromkeys(facets))
    out: dict[str, dict[str, int]] = {name: {} for name in names}
    total = 0
    for row in rows:
        count = int(row[-1])  # type: ignore[call-overload]
        total += count
        for name, value in zip(names, row[:-1], strict=True):
            if value is not None:
                bucket = out[name]
                bucket[str(value)] = bucket.get(str(value), 0) + count
    return total, out


# Buckets in two steps: first group by the hour (or day) as text — taken straight from
# the stored ISO timestamp when it ends in "Z" (UTC already: no date parsing per row), else
# from ``strftime`` (which converts offsets to UTC) — then compute each interval's bucket
# once per group. A key that is not a date gives NULL there and is not counted.
_KEY_SQL = {
    13: "CASE WHEN substr({col}, -1) = 'Z' THEN substr({col}, 1, 13) "
    "ELSE strftime('%Y-%m-%dT%H', {col}) END",
    10: "CASE WHEN substr({col}, -1) = 'Z' THEN substr({col}, 1, 10) "
    "ELSE strftime('%Y-%m-%d', {col}) END",
}
_BUCKET_SQL = {
    "hour": (13, "strftime('%Y-%m-%dT%H:00:00Z', k || ':00:00Z')"),
    "day": (10, "strftime('%Y-%m-%dT00:00:00Z', k)"),
    "week": (10, "strftime('%Y-%m-%dT00:00:00Z', k, '-6 days', 'weekday 1')"),
    "month": (10, "strftime('%Y-%m-01T00:00:00Z', k)"),
}
_HISTOGRAM_COLUMNS = {name: f"l.{name}" for name in HISTOGRAM_FIELDS}


def histogram_sql(sql: SearchSql, field: str, interval: str) -> str:
    """``(bucket, count)`` rows for the filtered set, oldest first, empty buckets absent."""
    check_histogram(field, interval)
    width, bucket = _BUCKET_SQL[interval]
    key = _KEY_SQL[width].format(col=_HISTOGRAM_COLUMNS[field])
    return (
        f"SELECT {bucket} AS b, sum(n) FROM (SELECT {key} AS k, count(*) AS n "
        f"FROM {sql.from_sql} WHERE {sql.where_sql} GROUP BY k) "
        "WHERE b IS NOT NULL GROUP BY b ORDER BY b"
    )
