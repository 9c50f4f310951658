"""Wiring between extracted entities and the seller graph (composition root only).

* ``graph_update`` turns one listing version and its entity dicts into what
  ``alerts.networks.graph.NetworkGraph.add_listing`` takes; it is the one place that
  knows both the entity record's fields and the graph's.
* ``open_networks`` puts the graph's rows beside the store's (SQLite tables in the same
  file, or ``<prefix>-net-*`` indices), and ``link_listings`` is the pipeline step:
  entities go into each detection's ``extra["entities"]`` (so both backends keep them
  with the verdict, verbatim) and every classified listing version joins the graph,
  one transaction per batch. The detection also records the listing's ``network``.
* Photos: the image stage leaves each listing's PDQ hashes in ``extra["photos"]``;
  ``PhotoKeys`` maps each to the key of the photo it shows (near-duplicates share one),
  and those keys join the graph as identifiers, so accounts that post the same photo —
  re-encoded, resized, cropped — on any source are one network. Only photos of flagged
  listings link (``photo_links``): ordinary product pictures are shared by strangers.
  The known photos are the graph's own ``photo|`` nodes, read once on first use.
* Network ids move when networks merge (the smaller takes the larger's id). After each
  batch every detection gets its seller's *final* network id, and alerts already stored
  under an absorbed id are relabelled through ``relabel`` (the store's
  ``relabel_alert_networks``); if that write fails it is logged and the alerts keep
  the old id until their listing is classified again.
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
from classifiers.base import LABEL_WILDLIFE, Detection
from classifiers.entities import EntityExtractor
from classifiers.entities.money import load_rates
from classifiers.image.photo_keys import PREFIX as PHOTO_PREFIX
from classifiers.image.photo_keys import PhotoKeys
from crawlers.base import Listing
from wildtrace.config import Settings

log = logging.getLogger(__name__)
# Renames the network of stored alerts (old id → new id): ``Store.relabel_alert_networks``.
Relabel = Callable[[Mapping[str, str]], object]


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
    photos: Sequence[tuple[str, str]] = (),
) -> GraphUpdate:
    """``photos``: ``(photo key, image sha256)`` of the listing's images."""
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
    for key, sha in photos:
        identifiers.setdefault(key, None)
        sightings.append(Sighting(key, node, listing_key, seen_at, f"image {sha}"))
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
    photo_distance: int = 31  # PDQ threshold and quality bar for a shared photo
    photo_quality: int = 50
    _photos: PhotoKeys | None = None

    def photo_keys(self) -> PhotoKeys:
        """The known photos, read from the graph the first time they are needed."""
        if self._photos is None:
            known = self.storage.nodes_with_prefix(PHOTO_PREFIX)
            self._photos = PhotoKeys(known, self.photo_distance, self.photo_quality)
        return self._photos


def open_networks(settings: Settings) -> Networks:
    """The graph's rows beside the store's: tables in the SQLite file, or ``<prefix>-net-*``
    indices on the Elasticsearch cluster."""
    rates = load_rates(settings.entities.rates_file or None)
    pending = settings.data_dir / "graph-pending.jsonl"
    distance, quality = settings.image.pdq_max_distance, settings.image.pdq_min_quality
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
                        prepare=es.init, pending=pending, photo_distance=distance,
                        photo_quality=quality)  # fmt: skip
    from index.sqlite_graph import SqliteGraphStorage

    settings.sqlite_path.parent.mkdir(parents=True, exist_ok=True)
    # The web app reads from worker threads; SQLite serialises use of one connection.
    conn = sqlite3.connect(
        settings.sqlite_path, isolation_level=None, timeout=30.0, check_same_thread=False
    )
    conn.execute("PRAGMA journal_mode=WAL")
    sq = SqliteGraphStorage(conn)
    return Networks(NetworkGraph(sq), sq, EntityExtractor(rates), sq.transaction, conn.close,
                    pending=pending, photo_distance=distance, photo_quality=quality)  # fmt: skip


def entities_of(
    extractor: EntityExtractor, listing: Listing, lang: str | None
) -> list[dict[str, Any]]:
    """Entity dicts of a listing's title and text, each naming the field its span is in."""
    out = []
    for name, text in (("title", listing.title), ("text", listing.text)):
        for ent in extractor.extract(text, lang or listing.lang_hint, listing.region_hint):
            out.append({**ent.to_dict(), "field": name})
    return out


def flagged(det: Detection) -> bool:
    """Whether the pipeline flags this listing: a wildlife verdict or a hash-bank match
    (the two ways an alert is raised)."""
    fusion = det.extra.get("fusion") or {}
    return det.label == LABEL_WILDLIFE or bool(fusion.get("bank"))


def photo_links(networks: Networks, dets: Sequence[Detection]) -> list[list[tuple[str, str]]]:
    """``(photo key, sha256)`` for each hashed image of each *flagged* detection
    (``extra["photos"]``), one batched lookup. Photos of ordinary goods do not link:
    product shots are reused by unrelated sellers (stock and manufacturer pictures), and
    plain product photos look alike to PDQ; a photo of the goods under investigation
    posted by several accounts is the signal."""
    wanted = [(n, p) for n, d in enumerate(dets) if flagged(d) for p in d.extra.get("photos") or []]
    out: list[list[tuple[str, str]]] = [[] for _ in dets]
    if not wanted:
        return out
    found = networks.photo_keys().keys_for_many(
        [(str(p["pdq"]), int(p["quality"])) for _, p in wanted]
    )
    for (n, photo), keys in zip(wanted, found, strict=True):
        out[n] += [
            (key, str(photo["sha256"])) for key in keys if (key, str(photo["sha256"])) not in out[n]
        ]
    return out


def link_listings(
    networks: Networks,
    listings: Sequence[Listing],
    detections: Sequence[Detection],
    relabel: Relabel | None = None,
) -> list[Detection]:
    """Extract entities into each detection (``extra["entities"]``, stored with it on both
    backends) and add every listing to the seller graph; returns the new detections.

    The graph failing (its server down, a locked file) costs no verdict: the detections
    keep their entities, the updates wait in ``pending`` (JSON lines) and are applied,
    idempotently, before the next batch that finds the graph working."""
    out, updates = [], []
    photos = photo_links(networks, detections)
    for listing, det, shown in zip(listings, detections, photos, strict=True):
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
                shown,
            )  # fmt: skip
        )
        out.append(replace(det, extra={**det.extra, "entities": ents}))
    try:
        _apply(networks, [*_pending(networks), *updates])
        nodes = [u.facts.seller_node for u in updates]
        final = networks.storage.node_networks(nodes)  # after the batch's own merges
    except Exception as exc:  # noqa: BLE001 - any graph failure: keep the updates, go on
        log.warning("seller graph unavailable, %d updates kept for later: %r", len(updates), exc)
        _keep(networks, updates)
        networks.graph.take_merges()  # rolled back with the transaction
        return out
    _clear(networks)
    _relabel(networks, relabel)
    return [
        replace(d, extra={**d.extra, "network": final.get(n)})
        for d, n in zip(out, nodes, strict=True)
    ]


def _relabel(networks: Networks, relabel: Relabel | None) -> None:
    merges = networks.graph.take_merges()
    if not merges or relabel is None:
        return
    try:
        relabel(merges)
    except Exception as exc:  # noqa: BLE001 - alerts keep the old id; the graph is right
        log.warning("could not relabel alerts of %d merged networks: %r", len(merges), exc)


def _apply(networks: Networks, updates: list[GraphUpdate]) -> None:
    networks.prepare()
    with networks.transaction():
        for u in updates:
            networks.graph.add_listing(u.facts, u.identifiers, u.sightings, u.weak)


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
