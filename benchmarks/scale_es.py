"""Fill an ``ElasticsearchStore`` with N generated listings, timing its ingest against a raw
``helpers.bulk`` of the same documents in the same run.

Interleaved per batch of ``BATCH`` rows, like ``benchmarks.scale_sqlite``: the store's
``upsert_listings`` (``mget`` of current state, version plan, two ordered bulk requests),
then a raw ``helpers.bulk`` of exactly the documents the store wrote (one version and one
listing document per listing) into a second prefix on the same server. Detections and
alerts are written afterwards (timed apart). The server is the one ``bench_es.server()``
gives: its own noida-db on a free port, or the cluster at ``WILDTRACE_ES_URL``.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path
from typing import Any

from elasticsearch import helpers

from benchmarks.scale_data import Row, ScaleSpec, batches
from index.elasticsearch import ElasticsearchStore
from index.es_admin import drop_all, ensure_indices
from index.es_mappings import alias_name, doc_id
from index.es_writes import listing_doc, version_doc

BATCH = 1000
CHUNK = 500


def _raw_actions(prefix: str, batch: list[Row]) -> list[dict[str, Any]]:
    actions: list[dict[str, Any]] = []
    for x in (r.listing for r in batch):
        actions.append({"_op_type": "create", "_index": alias_name(prefix, "versions"),
                        "_id": doc_id(x.key, "1"), "_source": version_doc(x, 1)})  # fmt: skip
        actions.append({"_op_type": "index", "_index": alias_name(prefix, "listings"),
                        "_id": doc_id(x.key),
                        "_source": listing_doc(x, 1, x.fetched_at, x.fetched_at)})  # fmt: skip
    return actions


def build(url: str, spec: ScaleSpec, tag: str) -> tuple[ElasticsearchStore, dict[str, Any]]:
    """A store under prefix ``bench-<tag>`` holding ``spec``'s rows, and its ingest figures."""
    spool = Path(tempfile.mkdtemp(prefix="bench-scale-es-"))
    store = ElasticsearchStore(url, prefix=f"bench-{tag}", chunk_size=CHUNK, spool_dir=spool)
    drop_all(store.client, store.prefix)
    store.init()
    raw_prefix = f"bench-{tag}-raw"
    drop_all(store.client, raw_prefix)
    ensure_indices(store.client, raw_prefix)
    t = {"store": 0.0, "raw": 0.0, "detections": 0.0, "alerts": 0.0}
    started = time.perf_counter()
    for batch in batches(spec, BATCH):
        actions = _raw_actions(raw_prefix, batch)
        t0 = time.perf_counter()
        result = store.upsert_listings(r.listing for r in batch)
        t1 = time.perf_counter()
        ok, errors = helpers.bulk(store.client, actions, chunk_size=CHUNK)
        t2 = time.perf_counter()
        store.put_detections((r.listing.content_hash, r.detection) for r in batch)
        t3 = time.perf_counter()
        store.upsert_alerts(r.alert for r in batch if r.alert)
        t["store"] += t1 - t0
        t["raw"] += t2 - t1
        t["detections"] += t3 - t2
        t["alerts"] += time.perf_counter() - t3
        assert not result.spooled and ok == len(actions) and not errors
    drop_all(store.client, raw_prefix)
    return store, {
        "rows": spec.n, "batch": BATCH, "chunk": CHUNK,
        "build_s": round(time.perf_counter() - started, 1),
        "seconds": {k: round(v, 2) for k, v in t.items()},
        "store_listings_per_s": round(spec.n / t["store"]),
        "raw_listings_per_s": round(spec.n / t["raw"]),
        "ratio_store_vs_raw": round(t["raw"] / t["store"], 3),
        "load_avg": os.getloadavg(),
    }  # fmt: skip
