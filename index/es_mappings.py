"""Index templates, mappings and names for the Elasticsearch store.

Design notes
------------
* Five logical indices, each reached only through an alias ``<prefix>-<name>``:
  ``listings`` (latest version of each listing, denormalised with its latest detection so
  filters and facets need no join), ``versions`` (every captured version, create-only),
  ``detections`` (one per ``(key, content_hash)``), ``alerts`` (one per listing, changed
  with ``if_seq_no``/``if_primary_term``) and ``audit`` (append-only, create-only).
* Concrete indices are ``<alias>-NNNNNN``; the alias is the write alias
  (``is_write_index``). ``reindex`` creates the next number from the current template,
  copies the documents and swaps the alias in one ``_aliases`` call.
* Templates are versioned: ``TEMPLATE_VERSION`` is stored as the template ``version`` and as
  ``_meta.wildtrace_template`` in every index mapping, so ``status`` can say which indices
  were built from an older template and need a reindex. Bump it whenever a mapping changes.
* Mappings are ``dynamic: strict``: a field typo is an error, not a silent new field.
* Text is analysed with built-in pieces only: the main field uses ``standard`` +
  ``lowercase`` + ``asciifolding`` (accent-insensitive, like SQLite's ``unicode61
  remove_diacritics``), sub-fields use the built-in ``cjk`` and ``thai`` analyzers, and a
  ``grams`` sub-field (built-in ``ngram`` tokenizer, bigrams) gives substring matching for
  scripts written without spaces, the way SQLite's trigram index does. The ``grams``
  sub-field also covers the compatible test server, whose ``thai`` analyzer does not split
  Thai words.
* Scraped dates (``posted_at``) are ``ignore_malformed``: a hostile page must not make the
  whole bulk request fail.
* The raw listing and detection records are kept verbatim under ``enabled: false`` objects
  so reads rebuild the exact ``Listing`` (its ``content_hash`` is re-verified on load).
"""

from __future__ import annotations

import hashlib
from typing import Any

# v2: ``audit.reason`` (why an alert was dismissed). v3: ``listings.folded``/``plain``,
# ``alerts.assignee``. v4: ``alerts.priority`` (queue order). v5: ``alerts.network``.
TEMPLATE_VERSION = 5
INDEX_NAMES = ("listings", "versions", "detections", "alerts", "audit")

# Highlight markers, as in the SQLite store; indexed text has them swapped out.
HL_START, HL_END = "«", "»"
_MARKER_SWAP = str.maketrans({HL_START: "‹", HL_END: "›"})

KEYWORD: dict[str, Any] = {"type": "keyword", "ignore_above": 1024}
DATE: dict[str, Any] = {"type": "date"}
LOOSE_DATE: dict[str, Any] = {"type": "date", "ignore_malformed": True}
RAW: dict[str, Any] = {"type": "object", "enabled": False}
TEXT: dict[str, Any] = {
    "type": "text",
    "analyzer": "wt_folding",
    "fields": {
        "cjk": {"type": "text", "analyzer": "cjk"},
        "thai": {"type": "text", "analyzer": "thai"},
        "grams": {"type": "text", "analyzer": "wt_bigrams"},
    },
}
# v3: the folded forms of title, text and seller (``index/query_terms.py``): words kept
# with their accents (an accented query must match accents), bigrams for substrings.
FOLDED: dict[str, Any] = {
    "type": "text",
    "analyzer": "wt_words",
    "fields": {"grams": {"type": "text", "analyzer": "wt_bigrams"}},
}
ANALYSIS: dict[str, Any] = {
    # The standard tokenizer keeps "d'éléphant" as one word; SQLite's unicode61 splits it.
    "char_filter": {
        "wt_apostrophes": {"type": "mapping", "mappings": ["'=>\\u0020", "’=>\\u0020"]}
    },
    "tokenizer": {"wt_bigram": {"type": "ngram", "min_gram": 2, "max_gram": 2}},
    "analyzer": {
        "wt_folding": {
            "type": "custom",
            "tokenizer": "standard",
            "char_filter": ["wt_apostrophes"],
            "filter": ["lowercase", "asciifolding"],
        },
        "wt_words": {
            "type": "custom",
            "tokenizer": "standard",
            "char_filter": ["wt_apostrophes"],
            "filter": ["lowercase"],
        },
        "wt_bigrams": {"type": "custom", "tokenizer": "wt_bigram", "filter": ["lowercase"]},
    },
}

_DETECTION_FIELDS: dict[str, Any] = {
    "score": {"type": "float"},
    "label": KEYWORD,
    "commodity": KEYWORD,
    "intent": KEYWORD,
}

PROPERTIES: dict[str, dict[str, Any]] = {
    "listings": {
        "key": KEYWORD,
        "source": KEYWORD,
        "listing_id": KEYWORD,
        "url": KEYWORD,
        "kind": KEYWORD,
        "seller_id": KEYWORD,
        "lang_hint": KEYWORD,
        "region_hint": KEYWORD,
        "currency": KEYWORD,
        "price": {"type": "double"},
        "fetched_at": DATE,
        "posted_at": LOOSE_DATE,
        "content_hash": KEYWORD,
        "version": {"type": "integer"},
        "first_seen_at": DATE,
        "last_seen_at": DATE,
        "removed_at": DATE,
        "title": TEXT,
        "text": TEXT,
        "seller": TEXT,
        "folded": FOLDED,
        "plain": FOLDED,
        **_DETECTION_FIELDS,
        "det_lang": KEYWORD,
        "lang": KEYWORD,
        "listing": RAW,
    },
    "versions": {
        "key": KEYWORD,
        "version": {"type": "integer"},
        "content_hash": KEYWORD,
        "fetched_at": DATE,
        "listing": RAW,
    },
    "detections": {
        "key": KEYWORD,
        "content_hash": KEYWORD,
        **_DETECTION_FIELDS,
        "lang": KEYWORD,
        "model": KEYWORD,
        "species": KEYWORD,
        "cites_appendix": KEYWORD,
        "reasons": {"type": "flattened"},
        "detection": RAW,
    },
    "alerts": {
        "id": KEYWORD,
        "listing_key": KEYWORD,
        "source": KEYWORD,
        "rule": KEYWORD,
        "score": {"type": "float"},
        "commodity": KEYWORD,
        "intent": KEYWORD,
        "created_at": DATE,
        "updated_at": DATE,
        "state": KEYWORD,
        "version": {"type": "integer"},
        "seller_id": KEYWORD,
        "title": {"type": "text", "fields": {"raw": KEYWORD}},
        "assignee": KEYWORD,
        "priority": {"type": "float"},
        "network": KEYWORD,
    },
    "audit": {
        "alert_id": KEYWORD,
        "seq": {"type": "integer"},
        "at": DATE,
        "actor": KEYWORD,
        "action": KEYWORD,
        "from_state": KEYWORD,
        "to_state": KEYWORD,
        "note": {"type": "text"},
        "reason": KEYWORD,
    },
}


def alias_name(prefix: str, name: str) -> str:
    return f"{prefix}-{name}"


def concrete_name(prefix: str, name: str, number: int) -> str:
    return f"{alias_name(prefix, name)}-{number:06d}"


def template_body(prefix: str, name: str) -> dict[str, Any]:
    """Keyword arguments for ``indices.put_index_template`` for one logical index."""
    settings: dict[str, Any] = {"number_of_shards": 1, "analysis": ANALYSIS}
    return {
        "name": alias_name(prefix, name),
        "index_patterns": [f"{alias_name(prefix, name)}-*"],
        "priority": 200,
        "version": TEMPLATE_VERSION,
        "_meta": {"wildtrace_template": TEMPLATE_VERSION, "managed_by": "wildtrace"},
        "template": {
            "settings": settings,
            "mappings": {
                "dynamic": "strict",
                "_meta": {"wildtrace_template": TEMPLATE_VERSION},
                "properties": PROPERTIES[name],
            },
        },
    }


def doc_id(*parts: str) -> str:
    """A stable, URL-safe document id: idempotent writes and replays hit the same doc."""
    return hashlib.sha1("\x00".join(parts).encode("utf-8")).hexdigest()


def index_text(value: str | None) -> str:
    """Text as indexed for search: our highlight markers swapped out of scraped text."""
    return (value or "").translate(_MARKER_SWAP)
