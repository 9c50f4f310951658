"""Sellers and contact identifiers: the investigator's view of what exists now.

Design notes
------------
* A contact identifier comes from the detection. When the pipeline extracted entities
  (``Detection.extra["entities"]``, issue 11) they are used: every entity that links
  seller accounts (phone in E.164 whatever the messaging app, e-mail, handle on a named
  platform, IBAN, bank account, wallet, ``paypal.me``) is a contact, keyed as the seller
  graph keys it (``alerts.base.identifier_key``: ``phone|+447700900123``).
* Detections without an ``entities`` entry (stored before the entity stage, or with
  ``entities.link_networks`` off) fall back to what the lexicon's contact signals
  matched (reasons of kind ``context``, detail ``signal contact: <name>``), made
  comparable: phone-like contacts (phone, WhatsApp, Zalo, ``wa.me``) become their last
  ``PHONE_DIGITS`` digits, handles (WeChat, Telegram, LINE) the lower-cased handle. Those
  keys read ``phone:700900123``.
* ``listings_with_contact`` is the one query the pages use. With the seller graph and an
  entity key it reads the graph's sightings of that identifier (every listing version
  that showed it, append-only evidence), at most ``MAX_SCAN`` listings. Otherwise it pages
  through the store's classified listings (at most ``MAX_SCAN``, and says when it stopped
  there) and keeps those whose detection carries the identifier.
* Seller ids are per source (a seller's id on one platform means nothing on another),
  so a seller page is ``/sellers/{source}/{seller_id}``; what links a trader across
  platforms is a shared contact.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from alerts.base import GraphStorage, identifier_key
from classifiers.base import Detection
from index.base import SearchHit, SearchQuery, Store

PHONE_DIGITS = 9
MIN_PHONE_DIGITS = 7
MAX_SCAN = 10_000  # the deepest offset paging both backends allow
PAGE = 500
PHONE_LIKE = ("phone", "whatsapp", "zalo")
HANDLES = ("wechat", "telegram", "line")
_SIGNAL = re.compile(r"^signal contact: (\w+)$")
_HANDLE = re.compile(r"(?:[:：@]|\b(?:id|me/))\s*@?([\w.\-]{3,40})\s*$", re.I)
_WECHAT_INLINE = re.compile(r"(?:微信|wx|vx|v信|薇信)\s*([a-z0-9][\w\-.]{3,40})", re.I)


@dataclass(frozen=True, slots=True, order=True)
class Contact:
    key: str  # "phone:700900123", "telegram:ivy1234"
    kind: str  # the signal's name: phone, whatsapp, wechat, …
    shown: str  # as the listing wrote it


def contact_key(kind: str, matched: str) -> str | None:
    """The comparable identifier of one matched contact, or ``None`` if it has none
    (``WhatsApp`` alone names an app, not a person)."""
    if kind in PHONE_LIKE:
        digits = re.sub(r"\D", "", matched)
        return f"phone:{digits[-PHONE_DIGITS:]}" if len(digits) >= MIN_PHONE_DIGITS else None
    if kind in HANDLES:
        text = matched.strip()
        found = _HANDLE.search(text) or _WECHAT_INLINE.search(text)
        return f"{kind}:{found.group(1).lower()}" if found else None
    return None


def _entity_contacts(entities: list[Any]) -> list[Contact]:
    found: dict[str, Contact] = {}
    for ent in entities:
        key = identifier_key(ent) if isinstance(ent, dict) else None
        if key and key not in found:
            kind = str(ent.get("channel") or ent.get("type", ""))
            found[key] = Contact(key, kind, str(ent.get("surface") or ent.get("value", "")))
    return sorted(found.values())


def contacts_of(detection: Detection | None) -> list[Contact]:
    """The contact identifiers of a detection, one per key, in key order: its extracted
    entities when it has them, else its lexicon contact signals (see module notes)."""
    if detection is None:
        return []
    entities = detection.extra.get("entities")
    if isinstance(entities, list):
        return _entity_contacts(entities)
    found: dict[str, Contact] = {}
    for reason in detection.reasons:
        signal = _SIGNAL.match(reason.detail)
        if not signal or not reason.matched:
            continue
        key = contact_key(signal.group(1), reason.matched)
        if key and key not in found:
            found[key] = Contact(key, signal.group(1), reason.matched.strip())
    return sorted(found.values())


def _hits(store: Store, query: SearchQuery, cap: int) -> Iterator[SearchHit]:
    offset = 0
    while offset < cap:
        result = store.search(
            SearchQuery(
                seller_id=query.seller_id,
                source=query.source,
                limit=min(PAGE, cap - offset),
                offset=offset,
                facets=(),
            )
        )
        yield from result.hits
        offset += len(result.hits)
        if not result.hits or offset >= result.total:
            return


@dataclass(frozen=True, slots=True)
class Found:
    hits: list[SearchHit]
    scanned: int
    truncated: bool


def _from_graph(store: Store, graph: GraphStorage, key: str, cap: int) -> Found:
    keys = list(dict.fromkeys(s.listing_key for s in graph.sightings_of([key])))
    hits = []
    for listing_key in keys[:cap]:
        stored = store.get_listing(listing_key)
        if stored is not None:
            hits.append(SearchHit(stored, store.get_detection(listing_key)))
    hits.sort(key=lambda h: (h.stored.listing.source, h.stored.first_seen_at))
    return Found(hits, min(len(keys), cap), len(keys) > cap)


def listings_with_contact(
    store: Store, key: str, *, cap: int = MAX_SCAN, graph: GraphStorage | None = None
) -> Found:
    """Every listing, on any source, whose detection carries the contact ``key`` (from
    the seller graph's sightings when there is one and ``key`` is an entity key)."""
    if graph is not None and "|" in key:
        return _from_graph(store, graph, key, cap)
    kept: list[SearchHit] = []
    scanned = 0
    for hit in _hits(store, SearchQuery(), cap):
        scanned += 1
        if any(c.key == key for c in contacts_of(hit.detection)):
            kept.append(hit)
    total = store.search(SearchQuery(limit=0, facets=())).total
    kept.sort(key=lambda h: (h.stored.listing.source, h.stored.first_seen_at))
    return Found(kept, scanned, scanned < total)


def seller_listings(store: Store, source: str, seller_id: str, *, cap: int = MAX_SCAN) -> Found:
    """Every captured listing of one seller on one source, alerted or not, oldest first."""
    hits = list(_hits(store, SearchQuery(source=source, seller_id=seller_id), cap))
    total = store.search(SearchQuery(source=source, seller_id=seller_id, limit=0, facets=())).total
    hits.sort(key=lambda h: h.stored.first_seen_at)
    return Found(hits, len(hits), len(hits) < total)


def seller_contacts(hits: Iterable[SearchHit]) -> list[Contact]:
    """The contact identifiers over all of a seller's listings."""
    found: dict[str, Contact] = {}
    for hit in hits:
        for contact in contacts_of(hit.detection):
            found.setdefault(contact.key, contact)
    return sorted(found.values())
