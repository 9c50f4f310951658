"""``GraphStorage`` in memory: for tests, benchmarks and one-off analyses (no persistence)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from alerts.networks.graph import ListingFacts, Sighting


class MemoryGraphStorage:
    def __init__(self) -> None:
        self.nodes: dict[str, str] = {}
        self.members: dict[str, set[str]] = defaultdict(set)
        self.sizes: dict[str, int] = {}
        self.listings: dict[str, ListingFacts] = {}
        self.by_seller: dict[str, set[str]] = defaultdict(set)
        self.sightings: dict[str, list[Sighting]] = defaultdict(list)
        self.weak: dict[str, set[tuple[str, str]]] = defaultdict(set)

    def node_networks(self, nodes: Sequence[str]) -> dict[str, str]:
        return {n: self.nodes[n] for n in nodes if n in self.nodes}

    def set_node_networks(self, rows: dict[str, str]) -> None:
        for node, network in rows.items():
            old = self.nodes.get(node)
            if old is not None:
                self.members[old].discard(node)
            self.nodes[node] = network
            self.members[network].add(node)

    def network_members(self, network_id: str) -> list[str]:
        return sorted(self.members.get(network_id, ()))

    def network_sizes(self, ids: Sequence[str]) -> dict[str, int]:
        return {i: self.sizes[i] for i in ids if i in self.sizes}

    def set_network_sizes(self, sizes: dict[str, int]) -> None:
        for network, size in sizes.items():
            if size:
                self.sizes[network] = size
            else:
                self.sizes.pop(network, None)
                self.members.pop(network, None)

    def add_sightings(self, rows: Iterable[Sighting]) -> None:
        for row in rows:
            self.sightings[row.identifier].append(row)

    def add_weak(self, seller_node: str, signals: Iterable[tuple[str, str]]) -> None:
        self.weak[seller_node].update(signals)

    def put_listing(self, facts: ListingFacts) -> None:
        self.listings[facts.listing_key] = facts
        self.by_seller[facts.seller_node].add(facts.listing_key)

    def listings_of(self, seller_nodes: Sequence[str]) -> list[ListingFacts]:
        keys = sorted({k for s in seller_nodes for k in self.by_seller.get(s, ())})
        return [self.listings[k] for k in keys]

    def sightings_of(self, identifiers: Sequence[str]) -> list[Sighting]:
        return [row for i in identifiers for row in self.sightings.get(i, ())]

    def weak_of(self, seller_nodes: Sequence[str]) -> list[tuple[str, str, str]]:
        return sorted((s, k, v) for s in seller_nodes for k, v in self.weak.get(s, ()))

    def largest_networks(self, min_size: int, limit: int) -> list[tuple[str, int]]:
        rows = [(i, n) for i, n in self.sizes.items() if n >= min_size]
        return sorted(rows, key=lambda r: (-r[1], r[0]))[:limit]

    def nodes_with_prefix(self, prefix: str) -> list[str]:
        return sorted(n for n in self.nodes if n.startswith(prefix))
