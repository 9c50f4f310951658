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

import json
import logging
import sqlite3
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from alerts.networks.graph import GraphStorage, ListingFacts, NetworkGraph, Sighting, seller_node
from alerts.networks.links import identifier_key, identifier_keys, weak_signals
from classifiers.base import Detection
from classifiers.entities import EntityExtractor
from classifiers.entities.money import load_rates
from crawlers.base import Listing
from wildtrace.config import Settings

log = logging.getLogger(__name__)


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
    prepare: Callable[[], None] = lambda: None  # create indices/tables when reachable
    pending: Path | None = None  # graph updates waiting for an unreachable graph


def open_networks(settings: Settings) -> Networks:
    """The graph's rows beside the store's: tables in the SQLite file, or ``<prefix>-net-*``
    indices on the Elasticsearch cluster."""
    rates = load_rates(settings.entities.rates_file or None)
    pending = settings.data_dir / "graph-pending.jsonl"
    if settings.store.backend == "elasticsearch":
        from elasticsearch import Elasticsearch

        from index.es_graph import EsGraphStorage

        client = Elasticsearch(
            settings.store.es_url,
            api_key=settings.secret("es_api_key"),
            request_timeout=settings.store.es_timeout,
        )
        es = EsGraphStorage(client, settings.store.es_prefix)
        return Networks(NetworkGraph(es), es, EntityExtractor(rates), nullcontext, client.close,
                        prepare=es.init, pending=pending)  # fmt: skip
    from index.sqlite_graph import SqliteGraphStorage

    settings.sqlite_path.parent.mkdir(parents=True, exist_ok=True)
    # The web app reads from worker threads; SQLite serialises use of one connection.
    conn = sqlite3.connect(
        settings.sqlite_path, isolation_level=None, timeout=30.0, check_same_thread=False
    )
    conn.execute("PRAGMA journal_mode=WAL")
    sq = SqliteGraphStorage(conn)
    return Networks(NetworkGraph(sq), sq, EntityExtractor(rates), sq.transaction, conn.close,
                    pending=pending)  # fmt: skip


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
    backends) and add every listing to the seller graph; returns the new detections.

    The graph failing (its server down, a locked file) costs no verdict: the detections
    keep their entities, the updates wait in ``pending`` (JSON lines) and are applied,
    idempotently, before the next batch that finds the graph working."""
    out, updates = [], []
    for listing, det in zip(listings, detections, strict=True):
        ents = entities_of(networks.extractor, listing, det.lang)
        updates.append(
            graph_update(
                listing.key,
                listing.source,
                listing.seller_id,
                listing.fetched_at,
                ents,
                det.score,
                det.commodity,
                listing.title,
            )  # fmt: skip
        )
        out.append(replace(det, extra={**det.extra, "entities": ents}))
    try:
        ids = _apply(networks, [*_pending(networks), *updates])
    except Exception as exc:  # noqa: BLE001 - any graph failure: keep the updates, go on
        log.warning("seller graph unavailable, %d updates kept for later: %r", len(updates), exc)
        _keep(networks, updates)
        return out
    _clear(networks)
    return [replace(d, extra={**d.extra, "network": ids[-len(out) + i]}) for i, d in enumerate(out)]


def _apply(networks: Networks, updates: list[GraphUpdate]) -> list[str]:
    networks.prepare()
    with networks.transaction():
        return [
            networks.graph.add_listing(u.facts, u.identifiers, u.sightings, u.weak) for u in updates
        ]


def _pending(networks: Networks) -> list[GraphUpdate]:
    if networks.pending is None or not networks.pending.exists():
        return []
    out = []
    for line in networks.pending.read_text(encoding="utf-8").splitlines():
        data = json.loads(line)
        out.append(
            GraphUpdate(
                ListingFacts(**data["facts"]),
                list(data["identifiers"]),
                [Sighting(**s) for s in data["sightings"]],
                [(k, v) for k, v in data["weak"]],
            )
        )
    return out


def _keep(networks: Networks, updates: list[GraphUpdate]) -> None:
    if networks.pending is None:
        return
    networks.pending.parent.mkdir(parents=True, exist_ok=True)
    with networks.pending.open("a", encoding="utf-8") as fh:
        for u in updates:
            data = {"facts": asdict(u.facts), "identifiers": u.identifiers,
                    "sightings": [asdict(s) for s in u.sightings], "weak": u.weak}  # fmt: skip
            fh.write(json.dumps(data, ensure_ascii=False) + "\n")


def _clear(networks: Networks) -> None:
    if networks.pending is not None:
        networks.pending.unlink(missing_ok=True)


def identifier_lookup(extractor: EntityExtractor) -> Callable[[str], list[str]]:
    """What the desk's lookup box uses: the linking keys of the entities in a typed query."""

    def identify(query: str) -> list[str]:
        return identifier_keys(e.to_dict() for e in extractor.extract(query))

    return identify
