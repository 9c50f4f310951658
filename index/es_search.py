"""Turn ``SearchQuery`` and ``AlertFilter`` into Elasticsearch request bodies, safely.

Design notes
------------
* Same semantics as the SQLite store (``index/sqlite_search.py``): the text is split on
  whitespace into at most ``MAX_TERMS`` terms, trimmed of punctuation, and every term must
  match (AND) in the title, text or seller. User text never becomes query syntax: terms go
  into ``multi_match``/``match_phrase`` as plain strings, never ``query_string``.
* A term in a space-delimited script is a phrase over the accent-folding fields. A term in
  a script written without spaces (Chinese, Japanese, Thai, …) is a phrase over the
  ``grams`` bigram sub-fields: a substring match, like SQLite's trigram index, and it
  works for two-character words such as 象牙. The ``cjk`` and ``thai`` sub-fields add to
  the relevance of such hits but do not decide membership. Single-character terms in those
  scripts match nothing (bigrams need two characters); SQLite scans for them instead.
* A query with text but no searchable term matches nothing rather than everything.
* Without text, hits are ordered like SQLite: detection score (unscored last), then
  ``last_seen_at`` newest first, then key. With text: relevance, then key. Scores are
  never part of the contract.
* Facets are ``terms`` aggregations over the filtered set; missing values are not counted.
* Date histograms are a ``date_histogram`` aggregation with a UTC ``calendar_interval``
  (supported by the compatible test server; weeks start on Monday) and
  ``min_doc_count: 1``, so empty buckets are omitted as in SQLite.
* Highlights use ``«`` ``»`` markers (swapped out of the indexed text at write time) with
  the plain encoder, as in SQLite: they are still scraped text, escape before rendering.
"""

from __future__ import annotations

from typing import Any

from index.base import FACET_FIELDS, AlertCursor, AlertFilter, SearchQuery, check_histogram
from index.es_mappings import HL_END, HL_START
from index.query_terms import NO_SPACE_SCRIPT, query_terms

MAX_FACET_BUCKETS = 100
HISTOGRAM_AGG = "histogram"
TEXT_FIELDS = ("title", "text", "seller")
FACET_ES_FIELDS = {name: name for name in FACET_FIELDS}
_EQUALITY_FILTERS = ("source", "commodity", "intent", "lang", "kind", "seller_id")
# Scripts written without spaces (Thai, Lao, Myanmar, Khmer, kana, CJK): as in SQLite.
_MATCH_NOTHING: dict[str, Any] = {"bool": {"must_not": [{"match_all": {}}]}}


def term_clause(term: str) -> dict[str, Any]:
    """One required term: a phrase in any text field (see the module docstring)."""
    if NO_SPACE_SCRIPT.search(term):
        grams = [{"match_phrase": {f"{field}.grams": term}} for field in TEXT_FIELDS]
        boosts = [{"match": {f"{f}.{sub}": term}} for f in TEXT_FIELDS for sub in ("cjk", "thai")]
        return {
            "bool": {
                "filter": [{"bool": {"should": grams, "minimum_should_match": 1}}],
                "should": boosts,
            }
        }
    return {"multi_match": {"query": term, "type": "phrase", "fields": list(TEXT_FIELDS)}}


def text_clauses(text: str) -> list[dict[str, Any]]:
    terms = query_terms(text)
    if not terms:
        return [_MATCH_NOTHING]
    return [term_clause(t) for t in terms]


def _highlight_subfields(text: str) -> tuple[str, ...]:
    """Highlight only the sub-fields the query's terms can match (highlighting is costly)."""
    spaced = any(not NO_SPACE_SCRIPT.search(t) for t in text.split())
    unspaced = bool(NO_SPACE_SCRIPT.search(text))
    return ("",) * spaced + (".grams",) * unspaced


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
        body["highlight"] = {
            "pre_tags": [HL_START],
            "post_tags": [HL_END],
            "require_field_match": False,
            "fields": {
                f"{field}{sub}": {"number_of_fragments": 1, "fragment_size": 120}
                for field in ("title", "text")
                for sub in _highlight_subfields(query.text or "")
            },
        }
    else:
        body["sort"] = [
            {"score": {"order": "desc", "missing": "_last"}},
            {"last_seen_at": {"order": "desc"}},
            {"key": {"order": "asc"}},
        ]
    return body


def highlights(hit: dict[str, Any]) -> tuple[str, ...]:
    """Title fragment first, then text; one per field, the word index preferred."""
    found = hit.get("highlight") or {}
    out = []
    for field in ("title", "text"):
        for name in (field, f"{field}.grams"):
            fragments = found.get(name)
            if fragments:
                out.append(fragments[0])
                break
    return tuple(out)


def facets(response: dict[str, Any]) -> dict[str, dict[str, int]]:
    aggs = response.get("aggregations") or {}
    return {
        name: {str(b["key"]): int(b["doc_count"]) for b in agg.get("buckets", [])}
        for name, agg in aggs.items()
    }


def after_query(after: AlertCursor) -> dict[str, Any]:
    """Alerts after ``after`` in queue order (``ALERT_SORT``): keyset paging."""
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
    for name in ("state", "source", "commodity", "seller_id"):
        value = getattr(flt, name)
        if value is not None:
            filters.append({"term": {name: value}})
    if flt.min_score is not None:
        filters.append({"range": {"score": {"gte": float(flt.min_score)}}})
    return {"bool": {"filter": filters}}


# As in SQLite: highest score first, then oldest, then id.
ALERT_SORT: list[dict[str, Any]] = [
    {"score": {"order": "desc"}},
    {"created_at": {"order": "asc"}},
    {"id": "asc"},
]
