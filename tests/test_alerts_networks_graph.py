"""The incremental seller graph, on every storage (memory and SQLite): merges, stable ids,
weak signals, summaries, and incremental = from-scratch on random listings."""

from __future__ import annotations

import random
import sqlite3
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from elasticsearch import Elasticsearch
from es_server import answers, es_url

from alerts.networks.graph import GraphStorage, ListingFacts, NetworkGraph, Sighting
from alerts.networks.links import identifier_keys, weak_signals
from alerts.networks.memory import MemoryGraphStorage
from alerts.networks.summary import summarise
from index.es_graph import EsGraphStorage
from index.sqlite_graph import SqliteGraphStorage


@pytest.fixture(params=["memory", "sqlite", pytest.param("elasticsearch", marks=pytest.mark.es)])
def storage(request: pytest.FixtureRequest) -> Iterator[GraphStorage]:
    if request.param == "memory":
        yield MemoryGraphStorage()
    elif request.param == "sqlite":
        conn = sqlite3.connect(":memory:", isolation_level=None)
        yield SqliteGraphStorage(conn)
        conn.close()
    else:
        url = es_url()
        if not answers(url):
            pytest.skip(f"no Elasticsearch-compatible server at {url}")
        client = Elasticsearch(url, request_timeout=30)
        es = EsGraphStorage(client, f"wt-test-{uuid.uuid4().hex[:10]}")
        es.init()
        yield es
        es.drop()
        client.close()


def _add(
    graph: NetworkGraph,
    key: str,
    seller: str,
    idents: list[str],
    *,
    commodity: str | None = None,
    score: float = 0.5,
    value: float | None = None,
    weak: tuple[tuple[str, str], ...] = (),
) -> str:
    source = key.split(":")[0]
    node = f"s|{source}|{seller}"
    facts = ListingFacts(key, source, node, "2026-11-01", commodity, score, value, "t")
    sightings = [Sighting(i, node, key, facts.seen_at, i) for i in idents]
    return graph.add_listing(facts, idents, sightings, weak)


def test_shared_identifier_links_accounts_across_sources(storage: GraphStorage) -> None:
    graph = NetworkGraph(storage)
    a = _add(graph, "bazaar:1", "s1", ["phone|+6281255507788"], commodity="ivory", value=100.0)
    b = _add(graph, "tradepost:2", "u9", ["phone|+6281255507788"], commodity="pangolin")
    c = _add(graph, "wildfeed:3", "@x", ["handle:telegram|x9"], score=0.9)
    assert a == b != c
    net = summarise(storage, a)
    assert net is not None
    assert net.sellers == ("s|bazaar|s1", "s|tradepost|u9")
    assert net.sources == ("bazaar", "tradepost")
    assert net.commodities == {"ivory": 1, "pangolin": 1}
    assert net.advertised_value == 100.0
    assert net.risk == pytest.approx(1 - 0.5 * 0.5)
    (ident,) = net.identifiers
    assert (ident.type, ident.value, ident.sources) == (
        "phone",
        "+6281255507788",
        ("bazaar", "tradepost"),
    )
    # A third account with the Telegram handle *and* the phone joins the two networks.
    d = _add(graph, "wildfeed:4", "@x", ["handle:telegram|x9", "phone|+6281255507788"])
    merged = summarise(storage, d)
    assert merged is not None and merged.size == 3 and d == a  # the bigger network kept its id
    assert summarise(storage, c) is None


def test_weak_signals_are_recorded_but_never_merge(storage: GraphStorage) -> None:
    graph = NetworkGraph(storage)
    a = _add(graph, "bazaar:1", "seng_art88", [], weak=(("handle_stem", "sengart"),))
    b = _add(graph, "wildfeed:2", "@seng.art88", [], weak=(("handle_stem", "sengart"),))
    assert a != b
    net = summarise(storage, a)
    assert net is not None and net.weak_signals == (
        ("s|bazaar|seng_art88", "handle_stem", "sengart"),
    )


def test_incremental_equals_from_scratch(storage: GraphStorage) -> None:
    rng = random.Random(5)
    graph = NetworkGraph(storage)
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            x = parent[x]
        return x

    for n in range(400):
        seller = f"s{rng.randrange(150)}"
        idents = [f"phone|+1{rng.randrange(120)}" for _ in range(rng.randrange(0, 3))]
        _add(graph, f"bazaar:{n}", seller, idents)
        for i in idents:
            parent[find(f"s|bazaar|{seller}")] = find(i)
    nodes = list(parent)
    got = storage.node_networks(nodes)
    for x in nodes:
        for y in nodes[:60]:
            assert (find(x) == find(y)) == (got[x] == got[y])
    sizes = storage.network_sizes(list(set(got.values())))
    assert sum(sizes.values()) == len(nodes)


def test_links_and_weak_signals_from_entity_dicts() -> None:
    ents: list[dict[str, Any]] = [
        {"type": "phone", "value": "+84903555123", "channel": "zalo"},
        {"type": "phone", "value": "+84903555123"},
        {"type": "handle:wechat", "value": "seng_art88"},
        {"type": "paypal", "value": "paypal"},
        {"type": "paypal", "value": "paypal.me/ivy"},
        {"type": "price", "value": "1234 USD", "amount": 1234.0, "currency": "USD"},
        {"type": "quantity", "value": "500 g"},
    ]
    assert identifier_keys(ents) == [
        "phone|+84903555123", "handle:wechat|seng_art88", "paypal|paypal.me/ivy"
    ]  # fmt: skip
    assert weak_signals(ents, "@seng.art88") == [("handle_stem", "sengart"), ("price", "1200 USD")]


def test_sqlite_sightings_are_append_only() -> None:
    conn = sqlite3.connect(":memory:", isolation_level=None)
    storage = SqliteGraphStorage(conn)
    storage.add_sightings([Sighting("phone|+1", "s|a|b", "a:1", "2026-11-01", "+1")])
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        conn.execute("DELETE FROM net_sightings")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        conn.execute("UPDATE net_sightings SET surface = 'x'")


def test_merges_are_reported_with_their_final_id(storage: GraphStorage) -> None:
    """An absorbed network's id maps to the id it ends up in (chains followed)."""
    graph = NetworkGraph(storage)
    a = _add(graph, "bazaar:1", "a", ["phone|1"])
    b = _add(graph, "tradepost:2", "b", ["phone|2"])
    c = _add(graph, "wildfeed:3", "c", ["phone|3", "email|c@x.test"])
    assert graph.take_merges() == {}  # three fresh networks: nothing absorbed
    ab = _add(graph, "bazaar:4", "d", ["phone|1", "phone|2"])
    abc = _add(graph, "bazaar:5", "e", ["phone|2", "phone|3"])
    merges = graph.take_merges()
    assert {a, b, c} - {abc} == set(merges) and set(merges.values()) == {abc}
    assert ab in {a, b} and graph.take_merges() == {}


def test_nodes_with_prefix_lists_photo_nodes(storage: GraphStorage) -> None:
    graph = NetworkGraph(storage)
    _add(graph, "bazaar:1", "a", ["photo|00ff", "phone|1"])
    _add(graph, "tradepost:2", "b", ["photo|ab12", "photo|00ff"])
    assert storage.nodes_with_prefix("photo|") == ["photo|00ff", "photo|ab12"]
    assert storage.nodes_with_prefix("nothing|") == []
