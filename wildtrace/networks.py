"""Wiring between extracted entities and the seller graph (composition root only).

``graph_update`` turns one listing version and its entity dicts into what
``alerts.networks.graph.NetworkGraph.add_listing`` takes; it is the one place that knows
both the entity record's fields and the graph's.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from alerts.networks.graph import ListingFacts, Sighting, seller_node
from alerts.networks.links import identifier_key, weak_signals


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
