"""Elasticsearch-specific behaviour: templates, aliases, reindex, optimistic concurrency
and outage safety. Runs against the Elasticsearch-compatible server (noida-db) that
``make test`` starts, or a real cluster named by ``WILDTRACE_ES_URL``; the outage test
starts its own noida-db instance so it can stop it."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from es_server import NoidaServer, make_es_store
from factories import at, make_alert, make_detection, make_listing

from alerts.base import STATE_ESCALATED, STATE_TRIAGED, ConflictError
from crawlers.base import Listing
from index import es_bulk, es_writes
from index.elasticsearch import ElasticsearchStore
from index.es_admin import drop_all
from index.es_mappings import TEMPLATE_VERSION, alias_name, doc_id

pytestmark = pytest.mark.es


@pytest.fixture
def store(tmp_path: Path) -> Iterator[ElasticsearchStore]:
    backend = make_es_store(tmp_path)
    yield backend
    backend.close()


def test_templates_mappings_and_write_aliases(store: ElasticsearchStore) -> None:
    client, listings = store.client, alias_name(store.prefix, "listings")
    template = client.indices.get_index_template(name=listings)["index_templates"][0]
    assert template["index_template"]["version"] == TEMPLATE_VERSION
    aliases = client.indices.get_alias(name=listings).body
    ((index, data),) = aliases.items()
    assert index == f"{listings}-000001"
    assert data["aliases"][listings]["is_write_index"] is True
    mapping = client.indices.get_mapping(index=index).body[index]["mappings"]
    assert mapping["dynamic"] == "strict"
    assert mapping["_meta"]["wildtrace_template"] == TEMPLATE_VERSION
    props = mapping["properties"]
    assert props["source"]["type"] == "keyword"
    assert props["price"]["type"] == "double"
    assert props["fetched_at"]["type"] == "date"
    assert props["score"]["type"] == "float"
    assert set(props["title"]["fields"]) == {"cjk", "thai", "grams"}
    assert props["listing"]["enabled"] is False
    assert (
        client.indices.get_mapping(index=alias_name(store.prefix, "detections")).body[
            f"{alias_name(store.prefix, 'detections')}-000001"
        ]["mappings"]["properties"]["reasons"]["type"]
        == "flattened"
    )
    store.init()  # idempotent
    assert list(client.indices.get_alias(name=listings).body) == [index]


def test_hostile_posted_at_does_not_fail_the_batch(store: ElasticsearchStore) -> None:
    odd = make_listing(listing_id="odd", posted_at="yesterday, around noon")
    assert store.upsert_listings([odd, make_listing(listing_id="ok")]).new == 2
    stored = store.get_listing(odd.key)
    assert stored is not None
    assert stored.listing.posted_at == "yesterday, around noon"


def test_reindex_keeps_documents_and_swaps_the_alias(store: ElasticsearchStore) -> None:
    listings = [make_listing(listing_id=str(i), title=f"carved ivory {i}") for i in range(30)]
    store.upsert_listings(listings)
    store.put_detections((x.content_hash, make_detection(x)) for x in listings[:10])
    before = store.counts()
    (report,) = store.reindex(["listings"], delete_old=True)
    alias = alias_name(store.prefix, "listings")
    assert (report["from"], report["to"], report["docs"]) == (
        f"{alias}-000001",
        f"{alias}-000002",
        30,
    )
    assert list(store.client.indices.get_alias(name=alias).body) == [f"{alias}-000002"]
    assert not store.client.indices.exists(index=f"{alias}-000001")
    assert store.counts() == before
    assert len(store.search(store_query(text="ivory", min_score=0.5)).hits) == 10
    store.upsert_listings([make_listing(listing_id="new")])  # the alias still takes writes
    assert store.counts()["listings"] == 31


def store_query(**kwargs: object):  # type: ignore[no-untyped-def]
    from index.base import SearchQuery

    return SearchQuery(**kwargs)  # type: ignore[arg-type]


def test_concurrent_state_changes_let_exactly_one_win(store: ElasticsearchStore) -> None:
    listing = make_listing()
    store.upsert_listings([listing])
    alert = make_alert(listing)
    store.upsert_alerts([alert])
    outcomes: list[str] = []
    barrier = threading.Barrier(6)

    def investigator(n: int) -> None:
        barrier.wait()
        try:
            store.set_alert_state(alert.id, STATE_TRIAGED, actor=f"inv{n}", expected_version=1)
            outcomes.append("ok")
        except ConflictError:
            outcomes.append("conflict")

    threads = [threading.Thread(target=investigator, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["conflict"] * 5 + ["ok"]
    current = store.get_alert(alert.id)
    assert current is not None
    assert (current.version, current.state) == (2, STATE_TRIAGED)
    assert [e.action for e in store.alert_history(alert.id)] == ["created", "state"]


def test_stale_seq_no_is_a_conflict_even_when_versions_match(store: ElasticsearchStore) -> None:
    """A write that slipped in between our read and our write (same alert version, newer
    seq_no: e.g. a score refresh) must still make the state change fail."""
    listing = make_listing()
    store.upsert_listings([listing])
    alert = make_alert(listing)
    store.upsert_alerts([alert])
    index = alias_name(store.prefix, "alerts")
    seen = store.client.get(index=index, id=alert.id)
    store.upsert_alerts([make_alert(listing, score=0.95, updated_at=at(1))])
    with pytest.raises(Exception) as info:
        store.client.index(
            index=seen["_index"], id=alert.id, document=seen["_source"],
            if_seq_no=seen["_seq_no"], if_primary_term=seen["_primary_term"],
        )  # fmt: skip
    assert getattr(info.value, "status_code", None) == 409 or "409" in str(info.value)
    moved = store.set_alert_state(alert.id, STATE_ESCALATED, actor="a", expected_version=1)
    assert moved.version == 2
    assert moved.score == 0.95


# -- outage safety -----------------------------------------------------------------------


@pytest.fixture
def server(tmp_path: Path) -> Iterator[NoidaServer]:
    with NoidaServer(tmp_path / "noida") as srv:
        yield srv


def _listing(i: int, rev: int = 0) -> Listing:
    return make_listing(listing_id=f"L{i:04d}", title=f"ivory item {i} rev {rev}",
                        fetched_at=at(rev))  # fmt: skip


def test_outage_mid_ingest_spools_and_replays_exactly_once(
    server: NoidaServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The server process is stopped between the two bulk requests of one upsert (version
    documents written, listing documents not), ingestion goes on while it is down, the
    ingesting process ends, and a new one replays the spool after the restart.

    The stop is placed between two requests on purpose: noida-db 0.2.3 can lose writes it
    has already acknowledged when it shuts down with a request in flight (its data file
    is a snapshot), which no client can repair; a real cluster acknowledges only after its
    translog is synced."""
    spool = tmp_path / "spool"
    store = ElasticsearchStore(server.url, prefix="outage", chunk_size=25, spool_dir=spool)
    store.init()
    batches = [[_listing(i) for i in range(b * 50, b * 50 + 50)] for b in range(8)]
    calls = {"n": 0}

    def bulk_then_stop(*args: Any, **kwargs: Any) -> int:
        done = real_bulk(*args, **kwargs)
        calls["n"] += 1
        # Per batch: 2 chunks x (versions, listings), 2 detection chunks, alerts + audit = 8.
        if calls["n"] == 17:  # batch 2, first chunk: versions written, listings not yet
            server.stop()
        return done

    real_bulk = es_bulk.bulk
    monkeypatch.setattr(es_writes, "bulk", bulk_then_stop)
    results = []
    for batch in batches:
        results.append(store.upsert_listings(batch))
        store.put_detections((x.content_hash, make_detection(x)) for x in batch)
        store.upsert_alerts(make_alert(x) for x in batch)
    assert [r.new for r in results[:2]] == [50, 50]
    assert sum(r.spooled for r in results) == 300  # batches 2..7
    assert _count(server, "outage-versions") is None  # really down
    status = store.status().detail
    assert status["reachable"] is False
    assert status["last_error"]
    assert status["spool"]["operations"] > 0
    assert status["spool"]["records"] >= 300
    store.close()  # the process ends during the outage: the spool is on disk

    server.start()
    assert _count(server, "outage-versions") == 125  # batches 0, 1 and one chunk of batch 2
    revived = ElasticsearchStore(server.url, prefix="outage", chunk_size=25, spool_dir=spool)
    revived.init()
    assert revived.replay().replayed > 0
    # A later write after the replay, and an edit of a listing ingested during the outage.
    revived.upsert_listings([_listing(399, rev=1)])

    all_keys = {x.key for batch in batches for x in batch}
    counts = revived.counts()
    assert counts == {"listings": 400, "versions": 401, "detections": 400,
                      "alerts": 400, "removed": 0}  # fmt: skip
    assert revived.active_keys("bazaar") == all_keys
    ids = {h["_id"] for h in _scan(revived, "listings")}
    assert ids == {doc_id(k) for k in all_keys}
    versions = [h["_source"]["key"] for h in _scan(revived, "versions")]
    assert sorted(versions) == sorted([*all_keys, _listing(399).key])  # each once (+1 edit)
    audit = [h["_source"]["alert_id"] for h in _scan(revived, "audit")]
    assert len(audit) == len(set(audit)) == 400  # one "created" entry per alert
    assert revived.status().detail["spool"] == {"operations": 0, "records": 0, "dead": 0,
                                         "dir": str(spool)}  # fmt: skip
    drop_all(revived.client, "outage")
    revived.close()


def test_a_refused_spooled_operation_is_set_aside_not_lost(
    server: NoidaServer, tmp_path: Path
) -> None:
    store = ElasticsearchStore(server.url, prefix="poison", spool_dir=tmp_path / "spool")
    store.init()
    good, never_stored = make_listing(listing_id="good"), make_listing(listing_id="ghost")
    server.stop()
    store.upsert_listings([good])
    store.put_detections([(never_stored.content_hash, make_detection(never_stored))])
    store.put_detections([(good.content_hash, make_detection(good))])
    assert store.status().detail["spool"]["operations"] == 3
    server.start()
    assert store.replay().replayed == 3
    assert store.get_detection(good.key) == make_detection(good)
    spool = store.status().detail["spool"]
    assert (spool["operations"], spool["dead"]) == (0, 1)
    assert "ghost" in (tmp_path / "spool" / "dead.jsonl").read_text()
    store.close()


def _count(server: NoidaServer, index: str) -> int | None:
    from elasticsearch import Elasticsearch, TransportError

    client = Elasticsearch(server.url, request_timeout=2, max_retries=0)
    try:
        client.indices.refresh(index=index)
        return int(client.count(index=index)["count"])
    except TransportError:
        return None
    finally:
        client.close()


def _scan(store: ElasticsearchStore, name: str) -> list[dict]:  # type: ignore[type-arg]
    from elasticsearch import helpers

    store.client.indices.refresh(index=alias_name(store.prefix, name))
    return list(helpers.scan(store.client, index=alias_name(store.prefix, name),
                             query={"query": {"match_all": {}}}))  # fmt: skip


def test_writes_during_a_stopped_server_do_not_block(server: NoidaServer, tmp_path: Path) -> None:
    store = ElasticsearchStore(server.url, prefix="fast", timeout=5, spool_dir=tmp_path / "s")
    store.init()
    server.stop()
    started = time.monotonic()
    for i in range(20):
        store.upsert_listings([_listing(i)])
    assert time.monotonic() - started < 5
    assert store.status().detail["spool"]["records"] == 20
    store.close()
