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
  characters (象牙 is two) they cannot use trigrams and fall back to an ``instr`` scan
  of the folded columns of rows flagged ``cjk`` — slower, but correct.
* A query that has text but no searchable item (``"***"``) matches nothing.
* Hits are ordered as without text (score, then last seen): relevance is not part of
  the contract. Highlights are made from the original text (``query_terms.highlight``).
* Column names in SQL come from fixed mappings here, never from the query.
* Date histograms group the filtered set by ``strftime`` of the stored ISO timestamp
  (UTC; SQLite truncates fractional seconds, as Elasticsearch does); weeks start on
  Monday (``-6 days, weekday 1``). Unparseable or missing dates are not counted.
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
from index.query_terms import FIELD_FOLDED, FIELD_PLAIN, NO_SPACE_SCRIPT, Clause, Item, parse

HL_START, HL_END = HIGHLIGHT_START, HIGHLIGHT_END

_MARKER_SWAP = str.maketrans({HL_START: "‹", HL_END: "›"})

# Facet / filter name → listings column (``lang`` is generated: detection, else hint).
FACET_COLUMNS = {name: f"l.{name}" for name in FACET_FIELDS}
_EQUALITY_FILTERS = ("source", "commodity", "intent", "lang", "kind", "seller_id")


def needs_trigrams(*texts: str | None) -> bool:
    """Whether any text is written (partly) in a script without word spaces."""
    return any(t and NO_SPACE_SCRIPT.search(t) for t in texts)


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


_COLUMNS = {FIELD_FOLDED: "folded", FIELD_PLAIN: "plain"}


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
    return f"l.id IN (SELECT id FROM listing_text WHERE cjk AND instr({column}, ?))", item.text


def _add_text(sql: SearchSql) -> None:
    if not sql.clauses:
        sql.where.append("0")
        return
    for clause in sql.clauses:
        parts = [_item_sql(item) for item in clause]
        sql.where.append("(" + " OR ".join(p[0] for p in parts) + ")")
        sql.params.extend(p[1] for p in parts)


def facet_sql(sql: SearchSql, facets: tuple[str, ...]) -> str:
    """One statement returning ``(facet, value, count)`` rows; the ``(NULL, NULL, total)``
    row carries the total. The filtered set is materialised once for all of them."""
    facets = tuple(dict.fromkeys(facets))
    unknown = set(facets) - set(FACET_COLUMNS)
    if unknown:
        raise ValueError(f"unknown facet fields: {sorted(unknown)}")
    columns = ", ".join(f"{FACET_COLUMNS[f]} AS {f}" for f in facets) or "1 AS one"
    parts = ["SELECT NULL, NULL, count(*) FROM m"]
    parts += [
        f"SELECT '{f}', {f}, count(*) FROM m WHERE {f} IS NOT NULL GROUP BY {f}" for f in facets
    ]
    return (
        f"WITH m AS MATERIALIZED (SELECT {columns} FROM {sql.from_sql} WHERE {sql.where_sql}) "
        + " UNION ALL ".join(parts)
    )


_BUCKET_SQL = {
    "hour": "strftime('%Y-%m-%dT%H:00:00Z', {col})",
    "day": "strftime('%Y-%m-%dT00:00:00Z', {col})",
    "week": "strftime('%Y-%m-%dT00:00:00Z', {col}, '-6 days', 'weekday 1')",
    "month": "strftime('%Y-%m-01T00:00:00Z', {col})",
}
_HISTOGRAM_COLUMNS = {name: f"l.{name}" for name in HISTOGRAM_FIELDS}


def histogram_sql(sql: SearchSql, field: str, interval: str) -> str:
    """``(bucket, count)`` rows for the filtered set, oldest first, empty buckets absent."""
    check_histogram(field, interval)
    bucket = _BUCKET_SQL[interval].format(col=_HISTOGRAM_COLUMNS[field])
    return (
        f"SELECT b, count(*) FROM (SELECT {bucket} AS b FROM {sql.from_sql} "
        f"WHERE {sql.where_sql}) WHERE b IS NOT NULL GROUP BY b ORDER BY b"
    )
