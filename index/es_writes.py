"""The write operations of the Elasticsearch store, each replayable from the spool.

Design notes
------------
* Every operation takes a JSON-able payload (what the spool stores) and is idempotent:
  listing and detection ids are hashes of their keys, versions and audit entries are
  ``create``-only with ids made from ``(key, version)`` / ``(alert, seq)``. Replaying an
  operation that was partly applied before an outage converges on the same state.
* ``upsert_listings`` reads the current state of a chunk with one ``mget``, then writes the
  new version documents *before* the listing documents: the listing document is the commit
  point, so a crash between the two leaves a version that the replay re-creates (409, no
  change) and then commits.
* The listings index carries the latest version's detection (score, commodity, intent,
  label, language) so search filters and facets need no join; a new version drops it
  until the new version is classified, exactly like the SQLite store. The documents
  themselves are built in ``index/es_docs.py``.
* What an upsert writes is planned by ``index.rules.plan_upsert`` (the same rules as the
  SQLite store) from the chunk's stored heads: one ``mget`` of the listing documents and
  one of the detection ids ``(key, content_hash)`` of their latest versions. An
  unchanged listing is still *fresh* (needs classifying) while that detection document
  is missing (it is the truth; the summary on the listing document is written after it
  and may lag), so a classifier failure never leaves a listing unclassified for good.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from elasticsearch import Elasticsearch

from alerts.base import ACTION_CREATED, Alert, created_entry
from classifiers.base import Detection
from crawlers.base import Listing
from index.base import UpsertResult
from index.es_bulk import bulk, outage_guard
from index.es_docs import (
    LISTING_STATE,
    audit_doc,
    detection_doc,
    detection_summary,
    listing_doc,
    version_doc,
)
from index.es_mappings import alias_name, doc_id
from index.rules import Head, plan_alert_upsert, plan_upsert, refreshed_fields

# Re-exported: the document builders lived here first (benchmarks import them).
__all__ = ["Writer", "listing_doc", "version_doc"]


@dataclass
class Writer:
    """Applies write operations to the cluster (see the module docstring)."""

    client: Elasticsearch
    prefix: str
    chunk_size: int

    def alias(self, name: str) -> str:
        return alias_name(self.prefix, name)

    def mget(
        self, name: str, ids: Sequence[str], fields: list[str] | None = None
    ) -> dict[str, Any]:
        """Found documents by id: ``{id: hit}`` (hit has ``_source`` and ``_seq_no``)."""
        if not ids:
            return {}
        with outage_guard():
            resp = self.client.mget(
                index=self.alias(name), ids=list(dict.fromkeys(ids)), source_includes=fields
            )
        return {d["_id"]: d for d in resp["docs"] if d.get("found")}

    def upsert_listings(self, payload: list[dict[str, Any]]) -> UpsertResult:
        """Write the ``index.rules.plan_upsert`` plan for one chunk (see the docstring)."""
        listings = [Listing.from_dict(d) for d in payload]
        plan = plan_upsert(listings, self._heads(list(dict.fromkeys(x.key for x in listings))))
        versions = [
            {
                "_op_type": "create",
                "_index": self.alias("versions"),
                "_id": doc_id(item.key, str(version)),
                "_source": version_doc(item, version),
            }
            for item, version in plan.versions
        ]
        heads: list[dict[str, Any]] = []
        for key, head in plan.heads.items():
            item = plan.latest.get(key)
            if item is None:  # unchanged: seen now, and no longer removed
                doc = {"last_seen_at": head.last_seen_at, "removed_at": None}
                action = {"_op_type": "update", "doc": doc}
            else:
                doc = listing_doc(item, head.version, head.first_seen_at, head.last_seen_at)
                action = {"_op_type": "index", "_source": doc}
            heads.append({**action, "_index": self.alias("listings"), "_id": doc_id(key)})
        self._restore_detections(heads)
        bulk(self.client, versions, self.chunk_size)
        bulk(self.client, heads, self.chunk_size)
        return plan.result

    def _heads(self, keys: list[str]) -> dict[str, Head]:
        """The stored heads among ``keys``; classified = a detection document exists for
        the head's version (the truth; the listing's summary is written after it)."""
        found = self.mget("listings", [doc_id(k) for k in keys], LISTING_STATE)
        state = {hit["_source"]["key"]: hit["_source"] for hit in found.values()}
        detections = self.mget(
            "detections", [doc_id(k, s["content_hash"]) for k, s in state.items()], ["key"]
        )
        return {
            key: Head(
                int(s["version"]),
                s["content_hash"],
                s["first_seen_at"],
                s["last_seen_at"],
                doc_id(key, s["content_hash"]) in detections,
            )
            for key, s in state.items()
        }

    def _restore_detections(self, heads: list[dict[str, Any]]) -> None:
        """A version that was classified before (A→B→A) brings its verdict back."""
        docs = [
            a["_source"] for a in heads if a["_op_type"] == "index" and a["_source"]["version"] > 1
        ]
        found = self.mget(
            "detections",
            [doc_id(d["key"], d["content_hash"]) for d in docs],
            ["key", "content_hash", "score", "label", "commodity", "intent", "lang"],
        )
        verdicts = {
            (h["_source"]["key"], h["_source"]["content_hash"]): h["_source"]
            for h in found.values()
        }
        for doc in docs:
            det = verdicts.get((doc["key"], doc["content_hash"]))
            if det is not None:
                doc.update(detection_summary(det, doc.get("lang_hint")))

    def mark_removed(self, payload: dict[str, Any]) -> int:
        keys = list(dict.fromkeys(payload["keys"]))
        found = self.mget("listings", [doc_id(k) for k in keys], ["key", "removed_at"])
        actions = [
            {
                "_op_type": "update",
                "_index": self.alias("listings"),
                "_id": _id,
                "doc": {"removed_at": payload["at"]},
            }
            for _id, hit in found.items()
            if not hit["_source"].get("removed_at")
        ]
        return bulk(self.client, actions, self.chunk_size)

    def put_detections(self, payload: list[list[Any]], *, skip_unknown: bool = False) -> int:
        """Store detections; a detection of a version that was never captured raises
        ``ValueError`` before anything is written, or, with ``skip_unknown`` (replays), is
        left out and reported in ``self.skipped`` so only it is set aside."""
        pairs = [(str(h), Detection.from_dict(d)) for h, d in payload]
        self.skipped: list[list[Any]] = []
        heads = self.mget(
            "listings", [doc_id(d.id) for _, d in pairs], ["key", "content_hash", "lang_hint"]
        )
        by_key = {hit["_source"]["key"]: hit["_source"] for hit in heads.values()}
        known = self._known_versions([(d.id, h) for h, d in pairs], by_key)
        actions: list[dict[str, Any]] = []
        for content_hash, det in pairs:
            if (det.id, content_hash) not in known:
                if skip_unknown:
                    self.skipped.append([content_hash, det.to_dict()])
                    continue
                raise ValueError(f"detection for a listing version that was never stored: {det.id}")
            actions.append(
                {
                    "_op_type": "index",
                    "_index": self.alias("detections"),
                    "_id": doc_id(det.id, content_hash),
                    "_source": detection_doc(det.id, content_hash, det),
                }
            )
            head = by_key[det.id] if det.id in by_key else None
            if head is not None and head["content_hash"] == content_hash:
                summary = detection_summary(det.to_dict(), head.get("lang_hint"))
                actions.append(
                    {
                        "_op_type": "update",
                        "_index": self.alias("listings"),
                        "_id": doc_id(det.id),
                        "doc": summary,
                    }
                )
        bulk(self.client, actions, self.chunk_size)
        return len(pairs) - len(self.skipped)

    def _known_versions(
        self, wanted: list[tuple[str, str]], heads: dict[str, Any]
    ) -> set[tuple[str, str]]:
        known = {(k, h) for k, h in wanted if k in heads and heads[k]["content_hash"] == h}
        older = [(k, h) for k, h in wanted if (k, h) not in known and k in heads]
        if older:
            with outage_guard():
                self.client.indices.refresh(index=self.alias("versions"))
                resp = self.client.search(
                    index=self.alias("versions"),
                    size=len(older),
                    source_includes=["key", "content_hash"],
                    query={
                        "bool": {
                            "should": [
                                {
                                    "bool": {
                                        "filter": [
                                            {"term": {"key": k}},
                                            {"term": {"content_hash": h}},
                                        ]
                                    }
                                }
                                for k, h in older
                            ]
                        }
                    },
                )
            known |= {
                (h["_source"]["key"], h["_source"]["content_hash"]) for h in resp["hits"]["hits"]
            }
        return known

    def upsert_alerts(self, payload: list[dict[str, Any]]) -> int:
        """Write the ``index.rules.plan_alert_upsert`` plan for a batch of alerts."""
        alerts = list({a.id: a for a in (Alert.from_dict(d) for d in payload)}.values())
        hits = self.mget("alerts", [a.id for a in alerts])
        existing = {i: Alert.from_dict(h["_source"]) for i, h in hits.items()}
        plan = plan_alert_upsert(alerts, existing)
        index = self.alias("alerts")
        # Audit first: a replay after a crash finds the alert unchanged, plans the same
        # entries (create-only ids: no duplicates) and then applies the refresh.
        created = {e.alert_id for e in plan.entries if e.action == ACTION_CREATED}
        self.audit(
            [audit_doc(created_entry(a), a.version) for a in alerts]
            + [
                audit_doc(e, next(r.version for r in plan.refreshed if r.id == e.alert_id))
                for e in plan.entries
                if e.alert_id not in created
            ]
        )
        actions: list[dict[str, Any]] = [
            {"_op_type": "create", "_index": index, "_id": a.id, "_source": a.to_dict()}
            for a in plan.created
        ]
        actions += [
            {
                "_op_type": "update",
                "_index": index,
                "_id": a.id,
                "doc": refreshed_fields(a),
                # Only onto the alert as read: a triage decision in between wins.
                "if_seq_no": hits[a.id]["_seq_no"],
                "if_primary_term": hits[a.id]["_primary_term"],
            }
            for a in plan.refreshed
        ]
        bulk(self.client, actions, self.chunk_size)
        return len(plan.created)

    def relabel_networks(self, payload: dict[str, str]) -> int:
        """Alerts of absorbed networks take the surviving id (idempotent; no version).
        Pages until none is left: a relabelled alert no longer matches the query."""
        total = 0
        while True:
            self.client.indices.refresh(index=self.alias("alerts"))
            resp = self.client.search(index=self.alias("alerts"), size=1_000,
                                      query={"terms": {"network": sorted(payload)}})  # fmt: skip
            hits = resp["hits"]["hits"]
            if not hits:
                return total
            total += bulk(self.client, [
                {"_op_type": "update", "_index": h["_index"], "_id": h["_id"],
                 "doc": {"network": payload[h["_source"]["network"]]}}
                for h in hits
            ], self.chunk_size)  # fmt: skip

    def audit(self, payload: list[dict[str, Any]]) -> int:
        actions = [
            {
                "_op_type": "create",
                "_index": self.alias("audit"),
                "_id": f"{e['alert_id']}-{e['seq']}",
                "_source": e,
            }
            for e in payload
        ]
        return bulk(self.client, actions, self.chunk_size)
