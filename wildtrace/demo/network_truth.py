"""Seller-network ground truth of the demo corpus, and scoring a graph against it.

The demo's trader rings (``world.json``) post under a different account name on every
source with shared contacts; every other seller is an ordinary seller (or a one-off
trader) who belongs to no network. ``evaluate_networks`` builds the graph from the demo
items *as served* (title and text through the entity extractor; no truth field is read
for linking) and scores network membership pairwise over seller accounts:

* a pair of accounts is a true link when both belong to the same ring;
* precision = true links among the pairs the graph put in one network; recall = the
  ring pairs it put in one network;
* ``ordinary_merged`` counts accounts outside any ring that ended up in a network with
  another account — what must stay zero.
* Photos link too (``with_photos``, the default): every item's pictures are rendered as
  the sites serve them, PDQ-hashed, and mapped to photo keys (``PhotoKeys``, as the
  pipeline does), so a ring account that posts only a photo and "price in private" joins
  its ring through the ring's photo posted elsewhere. As in the pipeline
  (``wildtrace.networks.photo_links``) only flagged items' photos link: flagged = the
  shipped text detector says wildlife, or a picture matches the demo partner's hash bank
  (the image concepts of the encoder are left out here, so this is a lower bound of
  what the pipeline flags). The demo's ordinary pictures are plain drawings that PDQ
  cannot tell apart (distance 2–10 across sellers); linking them merged 51 ordinary
  sellers, which is why unflagged photos never link.
* ``recall_linkable`` counts only ring accounts that show at least one linking identifier
  (a contact, a wallet, or a photo with PDQ quality above the bar) in some listing; with
  photos every ring account does. ``with_photos=False`` gives the figure before photo
  links (a shared handle stem is a weak signal, recorded, never merged).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Sequence
from importlib import resources
from itertools import combinations
from typing import Any

from alerts.networks.graph import NetworkGraph, seller_node
from alerts.networks.memory import MemoryGraphStorage
from classifiers.base import LABEL_WILDLIFE, TextDoc
from classifiers.entities import EntityExtractor
from classifiers.image.bank_csv import read_bank_csv
from classifiers.image.decode import decode_image
from classifiers.image.hashes import pdq_hash, pdq_to_bytes
from classifiers.image.pdq_index import PdqIndex
from classifiers.image.photo_keys import PhotoKeys
from wildtrace.components import build_classifier
from wildtrace.config import load_settings
from wildtrace.demo.epochs import snapshot
from wildtrace.demo.images import render_png
from wildtrace.demo.model import DemoItem
from wildtrace.demo.people import seller_id
from wildtrace.demo.templates import load_world
from wildtrace.networks import graph_update


def ring_of_account() -> dict[str, str]:
    """``seller node → ring key`` for every ring account on every source."""
    out = {}
    for ring in load_world()["rings"]:
        for source, name in ring["names"].items():
            out[seller_node(source, seller_id(source, "ring:" + ring["key"], name), "")] = ring[
                "key"
            ]
    return out


def _pictures(item: DemoItem) -> list[bytes]:
    return [
        render_png(item.image_kind, f"{item.source}:{item.listing_id}:{n}")
        for n in range(1, item.n_images + 1)
    ]


def item_photos(item: DemoItem, keys: PhotoKeys) -> list[tuple[str, str]]:
    """``(photo key, sha256)`` of an item's pictures, as served by its site."""
    out = []
    for data in _pictures(item):
        pdq, quality = pdq_hash(decode_image(data).image)
        sha = hashlib.sha256(data).hexdigest()
        out += [(key, sha) for key in keys.keys_for(pdq, quality)]
    return out


def flagged_items(items: Sequence[DemoItem]) -> set[str]:
    """Keys of the items the shipped text detector calls wildlife or whose picture matches
    the demo partner's bank (read from the shipped CSV, as ``wildtrace run`` imports it)."""
    settings = load_settings(env={})
    docs = [TextDoc(id=i.key, text=i.text, title=i.title, lang=i.lang, source=i.source)
            for i in items]  # fmt: skip
    verdicts = build_classifier(settings).classify(docs)
    out = {d.id for d in verdicts if d.label == LABEL_WILDLIFE}
    with resources.files("wildtrace.demo").joinpath("data/partner_bank.csv").open() as fh:
        entries, _ = read_bank_csv(fh, "partner_bank.csv")
    bank = PdqIndex(pdq_to_bytes([e.pdq for e in entries]))
    radius, bar = settings.image.pdq_max_distance, settings.image.pdq_min_quality
    for item in items:
        if item.key in out or not item.n_images:
            continue
        for data in _pictures(item):
            pdq, quality = pdq_hash(decode_image(data).image)
            if quality >= bar and len(bank.search(pdq_to_bytes([pdq])[0], radius)[0]):
                out.add(item.key)
                break
    return out


def build_demo_graph(
    epoch: int = 0, with_photos: bool = True
) -> tuple[MemoryGraphStorage, dict[str, str], set[str]]:
    """The graph of every live demo item; returns the storage, ``node → network`` and the
    seller nodes that showed at least one linking identifier."""
    storage = MemoryGraphStorage()
    linkable: set[str] = set()
    graph = NetworkGraph(storage)
    extractor = EntityExtractor()
    keys = PhotoKeys()
    items = snapshot(epoch).all_items()
    flags = flagged_items(items) if with_photos else set()
    for item in items:
        ents = [
            e.to_dict()
            for text in (item.title, item.text)
            for e in extractor.extract(text, item.lang)
        ]
        photos = item_photos(item, keys) if item.key in flags else []
        up = graph_update(item.key, item.source, item.seller_id, item.created_at, ents,
                          title=item.title, photos=photos)  # fmt: skip
        graph.add_listing(up.facts, up.identifiers, up.sightings, up.weak)
        if up.identifiers:
            linkable.add(up.facts.seller_node)
    return storage, dict(storage.nodes), linkable


def evaluate_networks(epoch: int = 0, with_photos: bool = True) -> dict[str, Any]:
    storage, node_net, linkable = build_demo_graph(epoch, with_photos)
    rings = ring_of_account()
    accounts = sorted(n for n in node_net if n.startswith("s|"))
    truth = {
        (a, b)
        for a, b in combinations(accounts, 2)
        if rings.get(a) and rings.get(a) == rings.get(b)
    }
    pred = {(a, b) for a, b in combinations(accounts, 2) if node_net[a] == node_net[b]}
    by_net: dict[str, list[str]] = defaultdict(list)
    for a in accounts:
        by_net[node_net[a]].append(a)
    merged = [a for a in accounts if not rings.get(a) and len(by_net[node_net[a]]) > 1]
    per_ring = {}
    for key in sorted(set(rings.values())):
        members = [a for a in accounts if rings.get(a) == key]
        nets = {node_net[a] for a in members}
        linked = {node_net[a] for a in members if a in linkable}
        per_ring[key] = {
            "accounts": len(members),
            "networks": len(nets),
            "linkable_accounts": sum(a in linkable for a in members),
            "linkable_networks": len(linked),
        }
    tp = len(truth & pred)
    truth_linkable = {(a, b) for a, b in truth if a in linkable and b in linkable}
    return {
        "accounts": len(accounts),
        "ring_accounts": sum(1 for a in accounts if rings.get(a)),
        "true_pairs": len(truth),
        "predicted_pairs": len(pred),
        "precision": round(tp / len(pred), 4) if pred else None,
        "recall": round(tp / len(truth), 4) if truth else None,
        "linkable_pairs": len(truth_linkable),
        "recall_linkable": (
            round(len(truth_linkable & pred) / len(truth_linkable), 4) if truth_linkable else None
        ),
        "ordinary_merged": len(merged),
        "ordinary_merged_accounts": merged[:20],
        "per_ring": per_ring,
        "networks_with_2plus_accounts": sum(1 for v in by_net.values() if len(v) > 1),
    }
