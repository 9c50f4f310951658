"""The read operations of the Elasticsearch store.

Design notes
------------
* Plain requests against the aliases; no outage handling and no refresh here. The store
  (``index/elasticsearch.py``) wraps every call in its ``_reading`` guard, which refreshes
  after writes (search, counts and scans are near-real-time) and turns an outage into
  ``StoreUnavailableError``. Gets by id (``Writer.mget``) are real-time.
* Query bodies come from ``index/es_search.py``; search results carry the latest version's
  detection, fetched by id for the hits that were classified.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from elasticsearch import Elasticsearch, helpers

from alerts.base import Alert, AuditEntry
from classifiers.base import Detection
from crawlers.base import Listing
from index import es_search
from index.base import AlertFilter, SearchHit, SearchQuery, SearchResult, StoredListing
from index.es_mappings import alias_name, doc_id
from index.es_writes import Writer


def stored_from_source(src: dict[str, Any]) -> StoredListing:
    return StoredListing(
        listing=Listing.from_dict(src["listing"]),
        version=int(src["version"]),
        first_seen_at=src["first_seen_at"],
        last_seen_at=src["last_seen_at"],
        removed_at=src.get("removed_at"),
    )


def bucket_start(epoch_ms: int) -> str:
    """A ``date_histogram`` bucket key as the contract's ``YYYY-MM-DDTHH:MM:SSZ``."""
    return datetime.fromtimestamp(epoch_ms / 1000, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class Reader:
    """Answers the read side of the ``Store`` protocol (see the module docstring)."""

    client: Elasticsearch
    prefix: str
    writer: Writer

    def alias(self, name: str) -> str:
        return alias_name(self.prefix, name)

    def active_keys(self, source: str) -> set[str]:
        query = {
            "bool": {
                "filter": [{"term": {"source": source}}],
                "must_not": [{"exists": {"field": "removed_at"}}],
            }
        }
        hits = helpers.scan(
            self.client,
            index=self.alias("listings"),
            query={"query": query, "_source": ["key"]},
            size=1000,
        )
        return {h["_source"]["key"] for h in hits}

    def get_listing(self, key: str) -> StoredListing | None:
        hit = self.writer.mget("listings", [doc_id(key)]).get(doc_id(key))
        return stored_from_source(hit["_source"]) if hit else None

    def listing_page(self, source: str | None, after: str, size: int) -> list[StoredListing]:
        """Up to ``size`` listings (of ``source``) with keys after ``after``, by key
        (``search_after`` on the ``key`` keyword)."""
        query = {"bool": {"filter": [{"term": {"source": source}}] if source else []}}
        resp = self.client.search(
            index=self.alias("listings"),
            query=query,
            sort=[{"key": "asc"}],
            size=size,
            search_after=[after] if after else None,
            source_excludes=["title", "text", "seller"],
        )
        return [stored_from_source(h["_source"]) for h in resp["hits"]["hits"]]

    def listing_versions(self, key: str) -> list[Listing]:
        hits = helpers.scan(
            self.client,
            index=self.alias("versions"),
            query={"query": {"term": {"key": key}}},
            size=1000,
        )
        docs = sorted((h["_source"] for h in hits), key=lambda s: int(s["version"]))
        return [Listing.from_dict(d["listing"]) for d in docs]

    def detections(self, pairs: list[tuple[str, str]]) -> dict[str, Detection]:
        """Detections by listing key for ``(key, content_hash)`` pairs."""
        hits = self.writer.mget("detections", [doc_id(k, h) for k, h in pairs])
        return {
            h["_source"]["key"]: Detection.from_dict(h["_source"]["detection"])
            for h in hits.values()
        }

    def get_detection(self, key: str) -> Detection | None:
        head = self.writer.mget("listings", [doc_id(key)], ["content_hash"]).get(doc_id(key))
        if head is None:
            return None
        return self.detections([(key, head["_source"]["content_hash"])]).get(key)

    def search(self, query: SearchQuery) -> SearchResult:
        body = es_search.search_body(query)
        resp = self.client.search(index=self.alias("listings"), **body)
        raw = resp["hits"]["hits"]
        stored = [stored_from_source(h["_source"]) for h in raw]
        scored = [
            (s.listing.key, s.listing.content_hash)
            for s, h in zip(stored, raw, strict=True)
            if h["_source"].get("label")
        ]
        dets = self.detections(scored) if scored else {}
        hits = tuple(
            SearchHit(s, dets.get(s.listing.key), es_search.highlights(h))
            for s, h in zip(stored, raw, strict=True)
        )
        return SearchResult(int(resp["hits"]["total"]["value"]), hits, es_search.facets(resp.body))

    def date_histogram(
        self, query: SearchQuery, field: str, interval: str
    ) -> list[tuple[str, int]]:
        body = es_search.histogram_body(query, field, interval)
        resp = self.client.search(index=self.alias("listings"), **body)
        buckets = resp.body["aggregations"][es_search.HISTOGRAM_AGG]["buckets"]
        # min_doc_count 1 already drops empty buckets; the filter keeps that true for any
        # server that ignores it.
        return [
            (bucket_start(int(b["key"])), int(b["doc_count"])) for b in buckets if b["doc_count"]
        ]

    def list_alerts(self, flt: AlertFilter) -> list[Alert]:
        query = es_search.alert_query(flt)
        if flt.after is not None:
            query["bool"]["filter"].append(es_search.after_query(flt.after))
        resp = self.client.search(
            index=self.alias("alerts"),
            query=query,
            sort=es_search.ALERT_SORT,
            size=flt.limit,  # paging is checked by index.rules.StoreRules.list_alerts
            from_=flt.offset,
        )
        return [Alert.from_dict(h["_source"]) for h in resp["hits"]["hits"]]

    def count_alerts(self, flt: AlertFilter) -> int:
        resp = self.client.count(index=self.alias("alerts"), query=es_search.alert_query(flt))
        return int(resp["count"])

    def alert_history(self, alert_id: str) -> list[AuditEntry]:
        resp = self.client.search(
            index=self.alias("audit"),
            size=10_000,
            query={"term": {"alert_id": alert_id}},
            sort=[{"seq": "asc"}],
        )
        fields = AuditEntry.__dataclass_fields__
        return [
            AuditEntry(**{k: v for k, v in h["_source"].items() if k in fields})
            for h in resp["hits"]["hits"]
        ]

    def counts(self) -> dict[str, int]:
        def count(name: str, query: dict[str, Any] | None = None) -> int:
            return int(self.client.count(index=self.alias(name), query=query)["count"])

        return {
            "listings": count("listings"),
            "versions": count("versions"),
            "detections": count("detections"),
            "alerts": count("alerts"),
            "removed": count("listings", {"exists": {"field": "removed_at"}}),
        }
