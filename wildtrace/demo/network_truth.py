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
* ``recall_linkable`` counts only ring accounts that advertise at least one linking
  identifier in some listing. Since the image-only reposts (issue 10) a ring account can
  appear with nothing but a photo and "price in private": no identifier can link it (a
  shared handle stem is a weak signal, recorded, never merged), so ``recall`` over every
  ring pair is below 1 by construction and says so.
"""

from __future__ import annotations

from collections import defaultdict
from itertools import combinations
from typing import Any

from alerts.networks.graph import NetworkGraph, seller_node
from alerts.networks.memory import MemoryGraphStorage
from classifiers.entities import EntityExtractor
from wildtrace.demo.epochs import snapshot
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


def build_demo_graph(epoch: int = 0) -> tuple[MemoryGraphStorage, dict[str, str], set[str]]:
    """The graph of every live demo item; returns the storage, ``node → network`` and the
    seller nodes that advertised at least one linking identifier."""
    storage = MemoryGraphStorage()
    linkable: set[str] = set()
    graph = NetworkGraph(storage)
    extractor = EntityExtractor()
    for item in snapshot(epoch).all_items():
        ents = [
            e.to_dict()
            for text in (item.title, item.text)
            for e in extractor.extract(text, item.lang)
        ]
        up = graph_update(item.key, item.source, item.seller_id, item.created_at, ents,
                          title=item.title)  # fmt: skip
        graph.add_listing(up.facts, up.identifiers, up.sightings, up.weak)
        if up.identifiers:
            linkable.add(up.facts.seller_node)
    return storage, dict(storage.nodes), linkable


def evaluate_networks(epoch: int = 0) -> dict[str, Any]:
    storage, node_net, linkable = build_demo_graph(epoch)
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
