"""Turn a ``SearchQuery`` into SQL for the SQLite store, safely.

Design notes
------------
* User text never reaches FTS5 syntax. The query is split on whitespace into at most
  ``MAX_TERMS`` terms; every term is emitted as a double-quoted FTS5 string (inner ``"``
  doubled), so ``OR``, ``NEAR(``, ``*``, ``^``, ``:`` and quotes are just text. Terms are
  ANDed.
* Terms written in scripts without word spaces (Chinese, Japanese kana, Thai, Lao, Khmer,
  Myanmar) go to the ``trigram`` index as substring phrases; a ``unicode61`` index would
  see a whole sentence as one token. Such terms shorter than three characters (象牙 is
  two) cannot use trigrams and fall back to an ``instr`` scan of the content columns —
  slower, but correct.
* A query that has text but no searchable term (``"***"``) matches nothing rather than
  everything.
* Highlights come from FTS5 ``snippet()`` with plain ``«`` ``»`` markers; the content
  columns have those characters replaced at write time (``index_text``), so a marker in a
  highlight is always ours. Highlights are still scraped text: escape before rendering.
* Text queries join with ``CROSS JOIN`` so the FTS index is always the outer loop: left
  to itself (no ANALYZE statistics) the planner may drive from a filter index and run the
  full-text query once per row — 30× slower.
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
from index.query_terms import MAX_TERM_CHARS, MAX_TERMS, NO_SPACE_SCRIPT, query_terms

HL_START, HL_END, ELLIPSIS = HIGHLIGHT_START, HIGHLIGHT_END, "…"

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


@dataclass(frozen=True, slots=True)
class TextPlan:
    """How one text query is matched: word index, trigram index, substring scan."""

    words: tuple[str, ...] = ()
    trigrams: tuple[str, ...] = ()
    scans: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.words or self.trigrams or self.scans)


def _clean(text: str) -> str:
    """Control characters and lone surrogates become spaces (FTS5 stops at NUL; SQLite
    cannot encode surrogates); invisible format characters (zero-width space, joiner,
    soft hyphen) are dropped, so "iv\u200bory" is searched as "ivory"."""
    out = []
    for ch in text:
        category = unicodedata.category(ch)
        if category in ("Cc", "Cs"):
            out.append(" ")
        elif category != "Cf":
            out.append(ch)
    return "".join(out)


def plan_text(text: str) -> TextPlan:
    words: list[str] = []
    trigrams: list[str] = []
    scans: list[str] = []
    for term in query_terms(_clean(text[: MAX_TERMS * (MAX_TERM_CHARS + 1)])):
        if NO_SPACE_SCRIPT.search(term):
            (trigrams if len(term) >= 3 else scans).append(term)
        else:
            words.append(term)
    return TextPlan(tuple(words), tuple(trigrams), tuple(scans))


@dataclass
class SearchSql:
    """The pieces of one search: ``FROM … WHERE …`` shared by the count, facet and hit
    queries, plus the ordering and highlight expressions for the hit query."""

    from_sql: str
    where: list[str] = field(default_factory=list)
    params: list[object] = field(default_factory=list)
    # SQLite sorts NULL lowest, so unclassified listings come last; matches listings_rank.
    order_sql: str = "l.score DESC, l.last_seen_at DESC, l.id"
    highlight_sql: str = "NULL, NULL"
    scans: tuple[str, ...] = ()

    @property
    def where_sql(self) -> str:
        return " AND ".join(self.where) if self.where else "1"


def build(query: SearchQuery) -> SearchSql:
    """Assemble the SQL pieces for ``query`` (see the module docstring)."""
    plan = plan_text(query.text) if query.text and query.text.strip() else None
    sql = SearchSql(from_sql="listings l")
    if plan is not None:
        _add_text(sql, plan)
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


def _snippets(table: str, tokens: int) -> str:
    return ", ".join(
        f"snippet({table}, {col}, '{HL_START}', '{HL_END}', '{ELLIPSIS}', {tokens})"
        for col in (0, 1)
    )


def _add_text(sql: SearchSql, plan: TextPlan) -> None:
    if plan.empty:
        sql.where.append("0")
        return
    tri_match = " ".join(_quoted(t) for t in plan.trigrams)
    if plan.words:
        # The word index drives ranking and highlights; other terms narrow the set.
        sql.from_sql = "listings_fts CROSS JOIN listings l ON l.id = listings_fts.rowid"
        sql.where.append("listings_fts MATCH ?")
        sql.params.append(" ".join(_quoted(t) for t in plan.words))
        sql.order_sql = "listings_fts.rank, l.id"
        sql.highlight_sql = _snippets("listings_fts", 12)
        if plan.trigrams:
            sql.where.append("l.id IN (SELECT rowid FROM listings_tri WHERE listings_tri MATCH ?)")
            sql.params.append(tri_match)
    elif plan.trigrams:
        sql.from_sql = "listings_tri CROSS JOIN listings l ON l.id = listings_tri.rowid"
        sql.where.append("listings_tri MATCH ?")
        sql.params.append(tri_match)
        sql.order_sql = "listings_tri.rank, l.id"
        sql.highlight_sql = _snippets("listings_tri", 32)
    for term in plan.scans:
        sql.where.append(
            "l.id IN (SELECT id FROM listing_text WHERE cjk "
            "AND (instr(title, ?) OR instr(text, ?) OR instr(seller, ?)))"
        )
        sql.params.extend((term, term, term))
    if not plan.words and not plan.trigrams:
        sql.scans = plan.scans


def scan_highlight(text: str, term: str, context: int = 30) -> str | None:
    """A snippet around the first occurrence of ``term`` (for scan-only matches)."""
    at = text.find(term)
    if at < 0:
        return None
    start, end = max(0, at - context), min(len(text), at + len(term) + context)
    return "".join(
        (
            ELLIPSIS if start else "",
            text[start:at],
            HL_START,
            term,
            HL_END,
            text[at + len(term) : end],
            ELLIPSIS if end < len(text) else "",
        )
    )


def facet_sql(sql: SearchSql, facets: tuple[str, ...]) -> str:
    """One statement returning ``(value of each facet…, count)`` rows: the filtered set
    grouped once by every facet together (one pass over it, not one per facet), for
    ``facet_counts`` to fold. With no facets it is one row, the total."""
    facets = tuple(dict.fromkeys(facets))
    unknown = set(facets) - set(FACET_COLUMNS)
    if unknown:
        raise ValueError(f"unknown facet fields: {sorted(unknown)}")
    if not facets:
        return f"SELECT count(*) FROM {sql.from_sql} WHERE {sql.where_sql}"
    columns = ", ".join(FACET_COLUMNS[f] for f in facets)
    places = ", ".join(str(i) for i in range(1, len(facets) + 1))
    return f"SELECT {columns}, count(*) FROM {sql.from_sql} WHERE {sql.where_sql} GROUP BY {places}"


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
