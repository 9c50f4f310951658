"""Turn ``SearchQuery`` and ``AlertFilter`` into Elasticsearch request bodies, safely.

Design notes
------------
* Same semantics as the SQLite store (``index/sqlite_search.py``): the text is read by
  ``index.query_terms.parse`` (folded like the classifiers read listings; phrases;
  ``OR``); each clause is a ``bool``/``should`` of its items, every clause must match.
  User text never becomes query syntax: items go into ``match_phrase`` as plain
  strings, never ``query_string``.
* An item is a phrase over the ``folded`` (accents typed) or ``plain`` field, both
  indexed from ``query_terms.fold_fields``. An item in a script without spaces is a
  phrase over the field's ``grams`` bigram sub-field: a substring match, like SQLite's
  trigram index, and it works for two-character words such as 象牙. Single-character
  items in those scripts match nothing (bigrams need two characters); SQLite scans.
* A query with text but no searchable item matches nothing rather than everything.
* Without text, hits are ordered like SQLite: detection score (unscored last), then
  ``last_seen_at`` newest first, then key. With text: relevance, then key. Scores are
  never part of the contract.
* Facets are ``terms`` aggregations over the filtered set; missing values are not counted.
* Date histograms are a ``date_histogram`` aggregation with a UTC ``calendar_interval``
  (supported by the compatible test server; weeks start on Monday) and
  ``min_doc_count: 1``, so empty buckets are omitted as in SQLite.
* Highlights are made from the original text (``query_terms.highlight``), as in SQLite.
"""

from __future__ import annotations

from typing import Any

from index.base import FACET_FIELDS, AlertCursor, AlertFilter, SearchQuery, check_histogram
from index.query_terms import Item, parse

MAX_FACET_BUCKETS = 100
HISTOGRAM_AGG = "histogram"
FACET_ES_FIELDS = {name: name for name in FACET_FIELDS}
_EQUALITY_FILTERS = ("source", "commodity", "intent", "lang", "kind", "seller_id")
_MATCH_NOTHING: dict[str, Any] = {"bool": {"must_not": [{"match_all": {}}]}}


def item_clause(item: Item) -> dict[str, Any]:
    """One item (see the module docstring)."""
    field = f"{item.field}.grams" if item.substring else item.field
    return {"match_phrase": {field: item.text}}


def text_clauses(text: str) -> list[dict[str, Any]]:
    clauses = parse(text)
    if not clauses:
        return [_MATCH_NOTHING]
    return [
        {"bool": {"should": [item_clause(i) for i in clause], "minimum_should_match": 1}}
        for clause in clauses
    ]


def listing_query(query: SearchQuery) -> dict[str, Any]:
    """The text and filters of ``query`` as a ``bool`` query on the listings alias."""
    has_text = bool(query.text and query.text.strip())
    must = text_clauses(query.text or "") if has_text else []
    filters: list[dict[str, Any]] = []
    for name in _EQUALITY_FILTERS:
        value = getattr(query, name)
        if value is not None:
            filters.append({"term": {name: value}})
    if query.min_score is not None:
        filters.append({"range": {"score": {"gte": float(query.min_score)}}})
    must_not = [] if query.include_removed else [{"exists": {"field": "removed_at"}}]
    return {"bool": {"must": must, "filter": filters, "must_not": must_not}}


def histogram_body(query: SearchQuery, field: str, interval: str) -> dict[str, Any]:
    """Keyword arguments for ``client.search``: a ``date_histogram`` (UTC calendar
    interval, empty buckets dropped) over the listings ``query`` matches, no hits."""
    check_histogram(field, interval)
    agg = {"field": field, "calendar_interval": interval, "min_doc_count": 1}
    return {
        "query": listing_query(query),
        "size": 0,
        "track_total_hits": False,
        "aggs": {HISTOGRAM_AGG: {"date_histogram": agg}},
    }


def search_body(query: SearchQuery) -> dict[str, Any]:
    """Keyword arguments for ``client.search`` on the listings alias."""
    unknown = set(query.facets) - set(FACET_ES_FIELDS)
    if unknown:
        raise ValueError(f"unknown facet fields: {sorted(unknown)}")
    has_text = bool(query.text and query.text.strip())
    body: dict[str, Any] = {
        "query": listing_query(query),
        "size": query.limit,  # paging is checked by index.rules.StoreRules.search
        "from_": query.offset,
        "track_total_hits": True,
        "source_excludes": ["title", "text", "seller"],
        "aggs": {
            name: {"terms": {"field": FACET_ES_FIELDS[name], "size": MAX_FACET_BUCKETS}}
            for name in query.facets
        },
    }
    if has_text:
        body["sort"] = ["_score", {"key": "asc"}]
    else:
        body["sort"] = [
            {"score": {"order": "desc", "missing": "_last"}},
            {"last_seen_at": {"order": "desc"}},
            {"key": {"order": "asc"}},
        ]
    return body


def facets(response: dict[str, Any]) -> dict[str, dict[str, int]]:
    aggs = response.get("aggregations") or {}
    return {
        name: {str(b["key"]): int(b["doc_count"]) for b in agg.get("buckets", [])}
        for name, agg in aggs.items()
    }


def _priority_is(value: float) -> dict[str, Any]:
    """Alerts whose priority equals ``value`` (a missing priority, from documents written
    before priorities existed, counts as 0 as in ``ALERT_SORT``)."""
    same: dict[str, Any] = {"term": {"priority": value}}
    if value != 0:
        return same
    missing = {"bool": {"must_not": {"exists": {"field": "priority"}}}}
    return {"bool": {"should": [same, missing], "minimum_should_match": 1}}


def _priority_below(value: float) -> dict[str, Any]:
    below: dict[str, Any] = {"range": {"priority": {"lt": value}}}
    if value <= 0:
        return below
    missing = {"bool": {"must_not": {"exists": {"field": "priority"}}}}
    return {"bool": {"should": [below, missing], "minimum_should_match": 1}}


def after_query(after: AlertCursor) -> dict[str, Any]:
    """Alerts after ``after`` in queue order (``ALERT_SORT``): keyset paging."""
    return {
        "bool": {
            "should": [
                _priority_below(after.priority),
                {"bool": {"filter": [_priority_is(after.priority), _after_score(after)]}},
            ],
            "minimum_should_match": 1,
        }
    }


def _after_score(after: AlertCursor) -> dict[str, Any]:
    """Within one priority: lower score, then later ``created_at``, then larger id."""
    same_score = {"term": {"score": after.score}}
    return {
        "bool": {
            "should": [
                {"range": {"score": {"lt": after.score}}},
                {
                    "bool": {
                        "filter": [same_score, {"range": {"created_at": {"gt": after.created_at}}}]
                    }
                },
                {
                    "bool": {
                        "filter": [
                            same_score,
                            {"term": {"created_at": after.created_at}},
                            {"range": {"id": {"gt": after.id}}},
                        ]
                    }
                },
            ],
            "minimum_should_match": 1,
        }
    }


def alert_query(flt: AlertFilter) -> dict[str, Any]:
    filters: list[dict[str, Any]] = []
    for name in ("state", "source", "commodity", "seller_id", "network"):
        value = getattr(flt, name)
        if value is not None:
            filters.append({"term": {name: value}})
    if flt.min_score is not None:
        filters.append({"range": {"score": {"gte": float(flt.min_score)}}})
    return {"bool": {"filter": filters}}


# As in SQLite: highest priority first (missing = 0), then highest score, oldest, id.
ALERT_SORT: list[dict[str, Any]] = [
    {"priority": {"order": "desc", "missing": 0}},
    {"score": {"order": "desc"}},
    {"created_at": {"order": "asc"}},
    {"id": "asc"},
]
