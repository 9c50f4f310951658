"""Wiring between extracted entities and the seller graph (composition root only).

* ``graph_update`` turns one listing version and its entity dicts into what
  ``alerts.networks.graph.NetworkGraph.add_listing`` takes; it is the one place that
  knows both the entity record's fields and the graph's.
* ``open_networks`` puts the graph's rows beside the store's (SQLite tables in the same
  file, or ``<prefix>-net-*`` indices), and ``link_listings`` is the pipeline step:
  entities go into each detection's ``extra["entities"]`` (so both backends keep them
  with the verdict, verbatim) and every classified listing version joins the graph,
  one transaction per batch. The detection also records the listing's ``network``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, replace
from typing import Any

from alerts.networks.graph import GraphStorage, ListingFacts, NetworkGraph, Sighting, seller_node
from alerts.networks.links import identifier_key, identifier_keys, weak_signals
from classifiers.base import Detection
from classifiers.entities import EntityExtractor
from classifiers.entities.money import load_rates
from crawlers.base import Listing
from wildtrace.config import Settings


@dataclass(frozen=True, slots=True)
class GraphUpdate:
    facts: ListingFacts
    identifiers: list[str]
    sightings: list[Sighting]
    weak: list[tuple[str, str]]


def graph_update(
    listing_key: str,
    source: str,
    seller_id: str | None,
    seen_at: str,
    entities: Sequence[Mapping[str, Any]],
    score: float = 0.0,
    commodity: str | None = None,
    title: str = "",
) -> GraphUpdate:
    node = seller_node(source, seller_id, listing_key)
    prices = [
        float(e["ref_amount"]) for e in entities if e.get("type") == "price" and e.get("ref_amount")
    ]
    facts = ListingFacts(
        listing_key=listing_key,
        source=source,
        seller_node=node,
        seen_at=seen_at,
        commodity=commodity,
        score=score,
        value_ref=max(prices) if prices else None,
        title=title[:200],
    )
    identifiers: dict[str, None] = {}
    sightings = []
    for ent in entities:
        key = identifier_key(ent)
        if key is None:
            continue
        identifiers.setdefault(key, None)
        surface = str(ent.get("surface", ""))[:120]
        sightings.append(Sighting(key, node, listing_key, seen_at, surface))
    return GraphUpdate(facts, list(identifiers), sightings, weak_signals(entities, seller_id))


@dataclass
class Networks:
    """The seller graph on the configured backend, with the extractor that feeds it."""

    graph: NetworkGraph
    storage: GraphStorage
    extractor: EntityExtractor
    transaction: Callable[[], AbstractContextManager[None]]
    close: Callable[[], None]


def open_networks(settings: Settings) -> Networks:
    """The graph's rows beside the store's: tables in the SQLite file, or ``<prefix>-net-*``
    indices on the Elasticsearch cluster."""
    rates = load_rates(settings.entities.rates_file or None)
    if settings.store.backend == "elasticsearch":
        from elasticsearch import Elasticsearch

        from index.es_graph import EsGraphStorage

        client = Elasticsearch(
            settings.store.es_url,
            api_key=settings.secret("es_api_key"),
            request_timeout=settings.store.es_timeout,
        )
        es = EsGraphStorage(client, settings.store.es_prefix)
        es.init()
        return Networks(NetworkGraph(es), es, EntityExtractor(rates), nullcontext, client.close)
    from index.sqlite_graph import SqliteGraphStorage

    settings.sqlite_path.parent.mkdir(parents=True, exist_ok=True)
    # The web app reads from worker threads; SQLite serialises use of one connection.
    conn = sqlite3.connect(
        settings.sqlite_path, isolation_level=None, timeout=30.0, check_same_thread=False
    )
    conn.execute("PRAGMA journal_mode=WAL")
    sq = SqliteGraphStorage(conn)
    return Networks(NetworkGraph(sq), sq, EntityExtractor(rates), sq.transaction, conn.close)


def entities_of(
    extractor: EntityExtractor, listing: Listing, lang: str | None
) -> list[dict[str, Any]]:
    """Entity dicts of a listing's title and text, each naming the field its span is in."""
    out = []
    for name, text in (("title", listing.title), ("text", listing.text)):
        for ent in extractor.extract(text, lang or listing.lang_hint, listing.region_hint):
            out.append({**ent.to_dict(), "field": name})
    return out


def link_listings(
    networks: Networks, listings: Sequence[Listing], detections: Sequence[Detection]
) -> list[Detection]:
    """Extract entities into each detection (``extra["entities"]``, stored with it on both
    backends) and add every listing to the seller graph; returns the new detections."""
    out = []
    with networks.transaction():
        for listing, det in zip(listings, detections, strict=True):
            ents = entities_of(networks.extractor, listing, det.lang)
            up = graph_update(listing.key, listing.source, listing.seller_id, listing.fetched_at,
                              ents, det.score, det.commodity, listing.title)  # fmt: skip
            network = networks.graph.add_listing(up.facts, up.identifiers, up.sightings, up.weak)
            extra = {**det.extra, "entities": ents, "network": network}
            out.append(replace(det, extra=extra))
    return out


def identifier_lookup(extractor: EntityExtractor) -> Callable[[str], list[str]]:
    """What the desk's lookup box uses: the linking keys of the entities in a typed query."""

    def identify(query: str) -> list[str]:
        return identifier_keys(e.to_dict() for e in extractor.extract(query))

    return identify
