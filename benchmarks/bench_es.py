"""``python -m benchmarks.bench_es``: Elasticsearch store ingest and search.

* Ingest: ``ElasticsearchStore.upsert_listings`` of N new listings, against a raw
  ``helpers.bulk`` of *the same documents* the store writes (one listing document and one
  version document per listing, same indices and mappings, same chunk size) to the same
  server. The ratio (store docs/s ÷ raw docs/s; target ≥ 0.8) is the store's overhead:
  the ``mget`` of current state, version planning, two ordered bulk requests, spool check.
* Search: latency p50/p95 of a fixed mix of queries (text, CJK text, filters, facets)
  over the ingested, classified listings.

Each figure is the median of ``REPEATS`` runs. It starts its own noida-db (the
Elasticsearch-compatible server) on a free port unless ``WILDTRACE_ES_URL`` names a
cluster, and says which one it measured.
"""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from elasticsearch import helpers

from classifiers.base import Detection
from crawlers.base import Listing
from index.base import SearchQuery
from index.elasticsearch import ElasticsearchStore
from index.es_admin import drop_all, ensure_indices
from index.es_mappings import alias_name, doc_id
from index.es_writes import listing_doc, version_doc

N = 2000
REPEATS = 3
CHUNK = 500
SEARCHES = 60
WORDS = "ivory bangle carved tusk pangolin scales tiger claw rhino horn old stock".split()
QUERIES = [
    SearchQuery(text="ivory"),
    SearchQuery(text="carved tusk", min_score=0.5),
    SearchQuery(text="象牙"),
    SearchQuery(commodity="ivory", intent="sell"),
    SearchQuery(source="bazaar", include_removed=False, limit=50),
]


def make_listings(tag: str) -> list[Listing]:
    out = []
    for i in range(N):
        words = " ".join(WORDS[(i * 7 + k) % len(WORDS)] for k in range(12))
        title = f"{WORDS[i % len(WORDS)]} {i} {'出售老象牙手镯' if i % 10 == 0 else ''}"
        out.append(Listing(source="bazaar" if i % 3 else "tradepost", listing_id=f"{tag}-{i}",
                           url=f"http://127.0.0.1/{tag}/{i}", title=title, text=words * 3,
                           fetched_at="2024-05-01T10:00:00.000000Z", price=float(i),
                           seller_id=f"s{i % 50}", seller_name=f"Seller {i % 50}",
                           lang_hint="en"))  # fmt: skip
    return out


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def server() -> Iterator[tuple[str, str]]:
    if os.environ.get("WILDTRACE_ES_URL"):
        yield os.environ["WILDTRACE_ES_URL"], "the cluster at WILDTRACE_ES_URL"
        return
    noida = Path(sys.executable).with_name("noida-db")
    port, data = _free_port(), tempfile.mkdtemp(prefix="bench-es-")
    subprocess.run([str(noida), "up", "--only", "elasticsearch", "--host", "127.0.0.1",
                    "--elasticsearch-port", str(port), "--data-dir", data],
                   check=True, capture_output=True)  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(url, timeout=1).close()
            break
        except OSError:
            time.sleep(0.1)
    try:
        yield url, "noida-db 0.2.3 (Elasticsearch-compatible, loopback)"
    finally:
        subprocess.run([str(noida), "down", "--data-dir", data], check=False, capture_output=True)


def store_ingest(store: ElasticsearchStore) -> float:
    listings = make_listings(store.prefix)
    started = time.perf_counter()
    result = store.upsert_listings(listings)
    elapsed = time.perf_counter() - started
    assert result.new == N and not result.spooled, result
    return elapsed


def raw_ingest(store: ElasticsearchStore, prefix: str) -> float:
    """The same documents the store writes, sent with one plain ``helpers.bulk``."""
    ensure_indices(store.client, prefix)
    listings = make_listings(prefix)
    started = time.perf_counter()
    actions = []
    for x in listings:
        actions.append(
            {
                "_op_type": "create",
                "_index": alias_name(prefix, "versions"),
                "_id": doc_id(x.key, "1"),
                "_source": version_doc(x, 1),
            }
        )
        actions.append(
            {
                "_op_type": "index",
                "_index": alias_name(prefix, "listings"),
                "_id": doc_id(x.key),
                "_source": listing_doc(x, 1, x.fetched_at, x.fetched_at),
            }
        )
    ok, errors = helpers.bulk(store.client, actions, chunk_size=CHUNK)
    elapsed = time.perf_counter() - started
    assert ok == 2 * N and not errors
    return elapsed


def search_latencies(store: ElasticsearchStore, listings: list[Listing]) -> list[float]:
    store.put_detections(
        (x.content_hash, Detection(id=x.key, score=(i % 10) / 10, label="wildlife",
                                   commodity="ivory" if i % 2 else "pangolin",
                                   intent="sell" if i % 3 else "buy", lang="en"))
        for i, x in enumerate(listings)
    )  # fmt: skip
    store.search(QUERIES[0])  # refresh once, outside the timing
    out = []
    for i in range(SEARCHES):
        started = time.perf_counter()
        store.search(QUERIES[i % len(QUERIES)])
        out.append((time.perf_counter() - started) * 1000)
    return out


def main() -> int:
    with server() as (url, what), tempfile.TemporaryDirectory() as tmp:
        ratios, store_rates, raw_rates, p50s, p95s = [], [], [], [], []
        for rep in range(REPEATS):
            store = ElasticsearchStore(
                url, prefix=f"bench-s{rep}", chunk_size=CHUNK, spool_dir=Path(tmp) / f"s{rep}"
            )
            store.init()
            # Alternate the order: the server's periodic snapshot favours whoever goes first.
            if rep % 2:
                r_time, s_time = raw_ingest(store, f"bench-r{rep}"), store_ingest(store)
            else:
                s_time, r_time = store_ingest(store), raw_ingest(store, f"bench-r{rep}")
            store_rates.append(N / s_time)
            raw_rates.append(N / r_time)
            ratios.append(r_time / s_time)
            lat = sorted(search_latencies(store, make_listings(f"bench-s{rep}")))
            p50s.append(lat[len(lat) // 2])
            p95s.append(lat[int(len(lat) * 0.95)])
            drop_all(store.client, f"bench-s{rep}")
            drop_all(store.client, f"bench-r{rep}")
            store.close()
    med = statistics.median
    print(f"server: {what}; {N} listings (2 documents each), chunk {CHUNK}, "
          f"median of {REPEATS}")  # fmt: skip
    print(f"{'measure':<42}{'value':>12}")
    print(f"{'raw helpers.bulk, listings/s':<42}{med(raw_rates):>12.0f}")
    print(f"{'ElasticsearchStore.upsert_listings, /s':<42}{med(store_rates):>12.0f}")
    print(f"{'ingest ratio store/raw (target >= 0.8)':<42}{med(ratios):>12.2f}")
    print(f"{'search p50, ms':<42}{med(p50s):>12.2f}")
    print(f"{'search p95, ms':<42}{med(p95s):>12.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
