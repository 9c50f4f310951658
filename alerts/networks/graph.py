"""The seller graph, maintained incrementally: union by size with relabelling.

Design notes
------------
* Nodes are seller accounts (``s|<source>|<seller_id>``; a listing without a seller id is
  its own account) and identifiers (``<type>|<value>``, see ``links.py``). Each listing
  adds edges seller—identifier; the connected components are the networks.
* Incremental: ``add_listing`` touches only the listing's own nodes and, when it joins two
  networks, relabels the *smaller* one. Every node records its network id, so "which
  network is this seller in" is one read and "who is in network N" one indexed query —
  and each node is relabelled at most log2(n) times over the graph's life (it only moves
  into a network at least twice the size of its old one). No crawl ever rebuilds the
  graph. The bigger network keeps its id (ties: the smaller id), so an id is stable while
  its network grows by absorbing smaller ones.
* Network ids are short hashes of the first node that formed the network.
* Storage is a narrow protocol (``GraphStorage``) so the same rules run over memory (tests,
  benchmarks), SQLite and Elasticsearch; backends only read and write rows.
* Weak signals (``links.weak_signals``) are stored per account and never merge anything.
* Photos link like identifiers: the composition root maps each image's PDQ hash to a
  ``photo|<hex>`` node (near-duplicates share one, ``classifiers/image/photo_keys.py``).
* Merges are reported (``take_merges``): an alert stores its network id, and an absorbed
  network's alerts are relabelled to the survivor's id.
* Evidence rows (which listing showed which identifier, when) are append-only: they feed
  the dossier ("where and when each identifier was seen").
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol


def network_id_for(node: str) -> str:
    return "N" + hashlib.sha256(node.encode("utf-8")).hexdigest()[:12]


def seller_node(source: str, seller_id: str | None, listing_key: str) -> str:
    return f"s|{source}|{seller_id}" if seller_id else f"s|{source}|listing:{listing_key}"


@dataclass(frozen=True, slots=True)
class ListingFacts:
    """What the graph keeps about one listing (the summary's input)."""

    listing_key: str
    source: str
    seller_node: str
    seen_at: str
    commodity: str | None = None
    score: float = 0.0
    value_ref: float | None = None  # advertised value in the reference currency
    title: str = ""


@dataclass(frozen=True, slots=True)
class Sighting:
    """One identifier seen in one listing (append-only evidence)."""

    identifier: str
    seller_node: str
    listing_key: str
    seen_at: str
    surface: str = ""


class GraphStorage(Protocol):
    """Rows the graph reads and writes; no rule lives in a backend."""

    def node_networks(self, nodes: Sequence[str]) -> dict[str, str]: ...
    def set_node_networks(self, rows: dict[str, str]) -> None: ...
    def network_members(self, network_id: str) -> list[str]: ...
    def network_sizes(self, ids: Sequence[str]) -> dict[str, int]: ...
    def set_network_sizes(self, sizes: dict[str, int]) -> None: ...
    def add_sightings(self, rows: Iterable[Sighting]) -> None: ...
    def add_weak(self, seller_node: str, signals: Iterable[tuple[str, str]]) -> None: ...
    def put_listing(self, facts: ListingFacts) -> None: ...
    def listings_of(self, seller_nodes: Sequence[str]) -> list[ListingFacts]: ...
    def sightings_of(self, identifiers: Sequence[str]) -> list[Sighting]: ...
    def weak_of(self, seller_nodes: Sequence[str]) -> list[tuple[str, str, str]]: ...
    def largest_networks(self, min_size: int, limit: int) -> list[tuple[str, int]]: ...
    def nodes_with_prefix(self, prefix: str) -> list[str]: ...


@dataclass
class NetworkGraph:
    storage: GraphStorage
    relabelled: int = field(default=0)  # nodes moved between networks (for benchmarks)
    # Networks absorbed since the last ``take_merges`` (old id → the id it is now part of):
    # what else names a network (an alert's ``network``) follows through this.
    merged: dict[str, str] = field(default_factory=dict)

    def take_merges(self) -> dict[str, str]:
        """The absorbed networks since the last call, each mapped to its final id."""
        out = {}
        for old in self.merged:
            new = self.merged[old]
            while new in self.merged:
                new = self.merged[new]
            out[old] = new
        self.merged = {}
        return out

    def add_listing(
        self,
        facts: ListingFacts,
        identifiers: Sequence[str],
        sightings: Iterable[Sighting] = (),
        weak: Iterable[tuple[str, str]] = (),
    ) -> str:
        """Record one listing; returns the id of the network its seller is now in."""
        nodes = [facts.seller_node, *dict.fromkeys(identifiers)]
        known = self.storage.node_networks(nodes)
        fresh = {n: network_id_for(n) for n in nodes if n not in known}
        ids = list(dict.fromkeys([*known.values(), *fresh.values()]))
        # A seller seen again with identifiers already in its network (most listings)
        # changes no node and no size: neither is read nor rewritten.
        winner = ids[0] if not fresh and len(ids) == 1 else self._join(fresh, ids)
        self.storage.put_listing(facts)
        self.storage.add_sightings(sightings)
        if weak:
            self.storage.add_weak(facts.seller_node, weak)
        return winner

    def _join(self, fresh: dict[str, str], ids: list[str]) -> str:
        """Put the ``fresh`` nodes and every network in ``ids`` into one network (the
        biggest keeps its id), relabelling the smaller ones; return the survivor's id."""
        sizes = self.storage.network_sizes([i for i in ids if i not in fresh.values()])
        sizes.update({network_id_for(n): 1 for n in fresh})
        winner = min(ids, key=lambda i: (-sizes.get(i, 0), i))
        moved: dict[str, str] = {n: winner for n in fresh}
        total = sizes.get(winner, 0)
        for loser in ids:
            if loser == winner:
                continue
            members = [n for n in fresh if fresh[n] == loser] or self.storage.network_members(loser)
            moved.update({m: winner for m in members})
            total += sizes.get(loser, len(members))
            if loser not in fresh.values():
                self.relabelled += len(members)
                self.merged[loser] = winner
        if moved:
            self.storage.set_node_networks(moved)
        new_sizes = {i: 0 for i in ids if i != winner}
        new_sizes[winner] = total
        self.storage.set_network_sizes(new_sizes)
        return winner
