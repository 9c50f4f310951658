"""The documents the Elasticsearch store writes, built from the shared records.

Design notes
------------
* One builder per index (see ``index/es_mappings.py`` for the mappings): the listing
  document carries the searchable text (markers swapped out by ``index_text``) and the
  verbatim record; version documents keep every captured version; detection documents
  keep the verdict per ``(key, content_hash)``.
* ``detection_summary`` is the part of a detection denormalised onto the listing document
  so filters and facets need no join.
"""

from __future__ import annotations

from typing import Any

from alerts.base import AuditEntry
from classifiers.base import Detection
from crawlers.base import Listing
from index.es_mappings import index_text

LISTING_STATE = [
    "key",
    "version",
    "content_hash",
    "first_seen_at",
    "last_seen_at",
    "removed_at",
    "lang_hint",
]


def listing_doc(listing: Listing, version: int, first_seen: str, last_seen: str) -> dict[str, Any]:
    seller = listing.seller_name or ""
    return {
        "key": listing.key,
        "source": listing.source,
        "listing_id": listing.listing_id,
        "url": listing.url,
        "kind": listing.kind,
        "seller_id": listing.seller_id,
        "lang_hint": listing.lang_hint,
        "region_hint": listing.region_hint,
        "currency": listing.currency,
        "price": listing.price,
        "fetched_at": listing.fetched_at,
        "posted_at": listing.posted_at,
        "content_hash": listing.content_hash,
        "version": version,
        "first_seen_at": first_seen,
        "last_seen_at": last_seen,
        "removed_at": None,
        "title": index_text(listing.title),
        "text": index_text(listing.text),
        "seller": index_text(seller),
        "lang": listing.lang_hint,
        "listing": listing.to_dict(),
    }


def version_doc(listing: Listing, version: int) -> dict[str, Any]:
    return {
        "key": listing.key,
        "version": version,
        "content_hash": listing.content_hash,
        "fetched_at": listing.fetched_at,
        "listing": listing.to_dict(),
    }


def detection_doc(key: str, content_hash: str, det: Detection) -> dict[str, Any]:
    data = det.to_dict()
    return {
        "key": key,
        "content_hash": content_hash,
        "score": det.score,
        "label": det.label,
        "commodity": det.commodity,
        "intent": det.intent,
        "lang": det.lang,
        "model": det.model,
        "species": list(det.species),
        "cites_appendix": det.cites_appendix,
        "reasons": data["reasons"],
        "detection": data,
    }


def detection_summary(det: dict[str, Any], lang_hint: str | None) -> dict[str, Any]:
    """The detection fields denormalised onto the listing document."""
    return {
        "score": det["score"],
        "label": det["label"],
        "commodity": det.get("commodity"),
        "intent": det["intent"],
        "det_lang": det.get("lang"),
        "lang": det.get("lang") or lang_hint,
    }


def audit_doc(entry: AuditEntry, seq: int) -> dict[str, Any]:
    """An audit document: the entry plus its sequence number (the alert version it made).
    A missing reason is left out, so indices from template v1 still take the entry."""
    doc = {**entry.to_dict(), "seq": seq}
    if doc["reason"] is None:
        del doc["reason"]
    return doc
