"""The seller graph's rows in Elasticsearch (``GraphStorage`` of ``alerts/networks/graph.py``).

Design notes
------------
* Five indices under the store's prefix, mirroring the SQLite tables
  (``index/sqlite_graph.py``): ``<prefix>-net-nodes`` (doc id = node, ``network``),
  ``-net-sizes`` (doc id = network), ``-net-listings`` (doc id = listing key),
  ``-net-sightings`` (create-only: evidence is never overwritten; the doc id hashes the
  sighting so a replayed batch cannot duplicate it) and ``-net-weak``.
* Reads by id use ``mget`` (real-time); "who is in network N" is a ``term`` search, so
  node writes are made with ``refresh="wait_for"``: the next listing's merge must see
  the previous relabelling. Searches page with ``search_after`` on the node id.
* Mappings are ``dynamic: strict`` like the store's, keyword fields only.
* Only rows here; the merge rules live once in ``NetworkGraph``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from typing import Any

from elasticsearch import Elasticsearch

from alerts.base import ListingFacts, Sighting

_KW = {"type": "keyword"}
MAPPINGS: dict[str, dict[str, Any]] = {
    "net-nodes": {"node": _KW, "network": _KW},
    "net-sizes": {"network": _KW, "size": {"type": "integer"}},
    "net-listings": {
        "listing_key": _KW, "source": _KW, "seller": _KW, "seen_at": _KW, "commodity": _KW,
        "score": {"type": "float"}, "value_ref": {"type": "double"},
        "title": {"type": "keyword", "index": False},
    },
    "net-sightings": {
        "identifier": _KW, "seller": _KW, "listing_key": _KW, "seen_at": _KW,
        "surface": {"type": "keyword", "index": False},
    },
    "net-weak": {"seller": _KW, "kind": _KW, "value": _KW},
}  # fmt: skip
PAGE = 1000


class EsGraphStorage:
    def __init__(self, client: Elasticsearch, prefix: str) -> None:
        self.client = client
        self.prefix = prefix
        self._ready = False

    def _ix(self, name: str) -> str:
        return f"{self.prefix}-{name}"

    def init(self) -> None:
        """Create the indices that do not exist yet (idempotent; once per process)."""
        if self._ready:
            return
        for name, props in MAPPINGS.items():
            if not self.client.indices.exists(index=self._ix(name)):
                mappings = {"dynamic": "strict", "properties": props}
                self.client.indices.create(index=self._ix(name), mappings=mappings)
        self._ready = True

    def drop(self) -> None:
        for name in MAPPINGS:
            self.client.indices.delete(index=self._ix(name), ignore_unavailable=True)

    def _mget(self, name: str, ids: Sequence[str]) -> list[dict[str, Any]]:
        if not ids:
            return []
        resp = self.client.mget(index=self._ix(name), ids=list(ids))
        return [d["_source"] for d in resp["docs"] if d.get("found")]

    def _bulk(self, ops: list[dict[str, Any]], refresh: bool = False) -> None:
        if not ops:
            return
        resp = self.client.bulk(operations=ops, refresh="wait_for" if refresh else False)
        if resp.get("errors"):
            # 409: a sighting already recorded (create-only); 404: deleting the size row of
            # a network that was never written (a singleton merged in the same listing).
            bad = [i for i in resp["items"] if next(iter(i.values())).get("status", 200) >= 300]
            real = [i for i in bad if next(iter(i.values())).get("status") not in (404, 409)]
            if real:
                raise RuntimeError(f"graph bulk write failed: {real[:3]}")

    def node_networks(self, nodes: Sequence[str]) -> dict[str, str]:
        return {d["node"]: d["network"] for d in self._mget("net-nodes", nodes)}

    def set_node_networks(self, rows: dict[str, str]) -> None:
        ops: list[dict[str, Any]] = []
        for node, network in rows.items():
            ops += [
                {"index": {"_index": self._ix("net-nodes"), "_id": node}},
                {"node": node, "network": network},
            ]
        self._bulk(ops, refresh=True)

    def network_members(self, network_id: str) -> list[str]:
        return self._nodes({"term": {"network": network_id}})

    def nodes_with_prefix(self, prefix: str) -> list[str]:
        self.client.indices.refresh(index=self._ix("net-nodes"))
        return self._nodes({"prefix": {"node": prefix}})

    def _nodes(self, query: dict[str, Any]) -> list[str]:
        out: list[str] = []
        after: list[Any] | None = None
        while True:
            extra: dict[str, Any] = {"search_after": after} if after else {}
            resp = self.client.search(
                index=self._ix("net-nodes"),
                query=query,
                sort=[{"node": "asc"}],
                size=PAGE,
                **extra,
            )
            hits = resp["hits"]["hits"]
            out += [h["_source"]["node"] for h in hits]
            if len(hits) < PAGE:
                return out
            after = hits[-1]["sort"]

    def network_sizes(self, ids: Sequence[str]) -> dict[str, int]:
        return {d["network"]: int(d["size"]) for d in self._mget("net-sizes", ids)}

    def set_network_sizes(self, sizes: dict[str, int]) -> None:
        ops: list[dict[str, Any]] = []
        for network, size in sizes.items():
            meta = {"_index": self._ix("net-sizes"), "_id": network}
            if size:
                ops += [{"index": meta}, {"network": network, "size": size}]
            else:
                ops.append({"delete": meta})
        self._bulk(ops)

    def add_sightings(self, rows: Iterable[Sighting]) -> None:
        ops: list[dict[str, Any]] = []
        for r in rows:
            raw = f"{r.identifier}\x1f{r.listing_key}\x1f{r.seen_at}\x1f{r.surface}"
            doc_id = hashlib.sha256(raw.encode("utf-8")).hexdigest()[:32]
            ops += [
                {"create": {"_index": self._ix("net-sightings"), "_id": doc_id}},
                {
                    "identifier": r.identifier,
                    "seller": r.seller_node,
                    "listing_key": r.listing_key,
                    "seen_at": r.seen_at,
                    "surface": r.surface,
                },
            ]
        self._bulk(ops)

    def add_weak(self, seller_node: str, signals: Iterable[tuple[str, str]]) -> None:
        ops: list[dict[str, Any]] = []
        for kind, value in signals:
            doc_id = hashlib.sha256(f"{seller_node}\x1f{kind}\x1f{value}".encode()).hexdigest()[:32]
            ops += [
                {"index": {"_index": self._ix("net-weak"), "_id": doc_id}},
                {"seller": seller_node, "kind": kind, "value": value},
            ]
        self._bulk(ops)

    def put_listing(self, facts: ListingFacts) -> None:
        doc = {
            "listing_key": facts.listing_key,
            "source": facts.source,
            "seller": facts.seller_node,
            "seen_at": facts.seen_at,
            "commodity": facts.commodity,
            "score": facts.score,
            "value_ref": facts.value_ref,
            "title": facts.title,
        }
        self.client.index(
            index=self._ix("net-listings"), id=facts.listing_key, document=doc, refresh="wait_for"
        )

    def _terms(self, name: str, field: str, values: Sequence[str]) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for i in range(0, len(values), PAGE):
            part = list(values[i : i + PAGE])
            resp = self.client.search(
                index=self._ix(name), query={"terms": {field: part}}, size=10_000
            )
            out += [h["_source"] for h in resp["hits"]["hits"]]
        return out

    def listings_of(self, seller_nodes: Sequence[str]) -> list[ListingFacts]:
        rows = self._terms("net-listings", "seller", seller_nodes)
        facts = [
            ListingFacts(
                d["listing_key"],
                d["source"],
                d["seller"],
                d["seen_at"],
                d["commodity"],
                float(d["score"]),
                d["value_ref"],
                d["title"],
            )
            for d in rows
        ]
        return sorted(facts, key=lambda x: x.listing_key)

    def sightings_of(self, identifiers: Sequence[str]) -> list[Sighting]:
        self.client.indices.refresh(index=self._ix("net-sightings"))
        rows = self._terms("net-sightings", "identifier", identifiers)
        return [
            Sighting(d["identifier"], d["seller"], d["listing_key"], d["seen_at"], d["surface"])
            for d in rows
        ]

    def weak_of(self, seller_nodes: Sequence[str]) -> list[tuple[str, str, str]]:
        self.client.indices.refresh(index=self._ix("net-weak"))
        rows = self._terms("net-weak", "seller", seller_nodes)
        return sorted((d["seller"], d["kind"], d["value"]) for d in rows)

    def largest_networks(self, min_size: int, limit: int) -> list[tuple[str, int]]:
        self.client.indices.refresh(index=self._ix("net-sizes"))
        resp = self.client.search(
            index=self._ix("net-sizes"),
            query={"range": {"size": {"gte": min_size}}},
            sort=[{"size": "desc"}, {"network": "asc"}],
            size=min(limit, 10_000),
        )
        return [(h["_source"]["network"], int(h["_source"]["size"])) for h in resp["hits"]["hits"]]
