"""Network pages on the desk, through the real ASGI app around a real SQLite store and
graph, signed in as a desk account: the queue grouped by network, a network page (SVG +
identifier table + alert links), dossier downloads, hostile identifiers escaped, and the
role-aware nav (the role × route matrix itself is ``test_web_authz``)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
import stix2
from factories import make_alert, make_detection, make_listing, make_sqlite_store
from fastapi.testclient import TestClient
from web_accounts import make_accounts, sign_in

from alerts.networks.graph import NetworkGraph
from classifiers.entities import EntityExtractor
from index.sqlite_graph import SqliteGraphStorage
from web.app import create_app
from wildtrace.networks import Networks, identifier_lookup, link_listings

TEXTS = [
    ("bazaar", "s1", "Ivory bangle. WhatsApp +62 812 5550 7788 or telegram: <script>x1</script>"),
    ("tradepost", "u7", "gading asli, WA 0812-5550-7788"),
    ("wildfeed", "@ivy", "Tiger Balm, call 0813 5550 1111"),
]


@pytest.fixture
def app_and_network(tmp_path: Path) -> Iterator[tuple[TestClient, str]]:
    store = make_sqlite_store(tmp_path)
    conn = sqlite3.connect(tmp_path / "graph.db", isolation_level=None, check_same_thread=False)
    storage = SqliteGraphStorage(conn)
    networks = Networks(NetworkGraph(storage), storage, EntityExtractor(), storage.transaction,
                        conn.close)  # fmt: skip
    listings = [
        make_listing(source=src, listing_id=str(n), seller_id=seller, text=text, lang_hint="id")
        for n, (src, seller, text) in enumerate(TEXTS)
    ]
    store.upsert_listings(listings)
    dets = link_listings(networks, listings, [make_detection(x, lang="id") for x in listings])
    store.put_detections((x.content_hash, d) for x, d in zip(listings, dets, strict=True))
    store.upsert_alerts([make_alert(listings[0]), make_alert(listings[1])])
    identify = identifier_lookup(networks.extractor)
    accounts = make_accounts(tmp_path)
    client = TestClient(create_app(store, accounts=accounts, networks=storage, identify=identify))
    sign_in(client, "ana")
    yield client, str(dets[0].extra["network"])
    client.close()
    accounts.close()
    conn.close()
    store.close()


def test_queue_grouped_by_network(app_and_network: tuple[TestClient, str]) -> None:
    client, network = app_and_network
    page = client.get("/networks")
    assert page.status_code == 200
    assert f'href="/networks/{network}"' in page.text
    assert "2 accounts" in page.text and "2 alerts" in page.text
    assert page.text.count("/alerts/") == 2


def test_network_page_draws_the_graph_and_lists_identifiers(
    app_and_network: tuple[TestClient, str],
) -> None:
    client, network = app_and_network
    page = client.get(f"/networks/{network}")
    assert page.status_code == 200
    assert "<svg" in page.text and page.text.count("<rect") == 2  # two accounts
    assert "+6281255507788" in page.text
    assert "<script>x1" not in page.text  # scraped text stays text
    assert "/alerts/" in page.text


def test_downloads_and_unknown_network(app_and_network: tuple[TestClient, str]) -> None:
    client, network = app_and_network
    stix = client.get(f"/networks/{network}/export.stix")
    assert stix.status_code == 200 and "attachment" in stix.headers["content-disposition"]
    stix2.parse(stix.text, allow_custom=True)
    assert client.get(f"/networks/{network}/export.csv").text.count("'+62") >= 1
    assert client.get("/networks/Nnope").status_code == 404
    assert client.get(f"/networks/{network}/export.exe").status_code == 404


def test_pages_answer_404_without_a_graph(tmp_path: Path) -> None:
    store = make_sqlite_store(tmp_path)
    accounts = make_accounts(tmp_path)
    with TestClient(create_app(store, accounts=accounts)) as client:
        sign_in(client, "ana")
        assert client.get("/networks").status_code == 404
        assert 'href="/networks"' not in client.get("/").text  # no nav entry either
    accounts.close()
    store.close()


def test_nav_links_networks_for_desk_roles_only(app_and_network: tuple[TestClient, str]) -> None:
    client, _ = app_and_network
    queue = client.get("/")
    assert '<a href="/networks">Networks</a>' in queue.text
    networks = client.get("/networks")
    assert '<a href="/networks" aria-current="page">Networks</a>' in networks.text
    client.post("/logout", data={"csrf_token": client.headers["X-CSRF-Token"]})
    sign_in(client, "pat")  # a partner: no desk, no networks
    assert 'href="/networks"' not in client.get("/account").text
    assert client.get("/networks").status_code == 403


def test_alert_page_links_its_network(app_and_network: tuple[TestClient, str]) -> None:
    client, network = app_and_network
    page = client.get("/networks")
    alert_path = page.text.split('href="/alerts/', 1)[1].split('"', 1)[0]
    detail = client.get(f"/alerts/{alert_path}")
    assert detail.status_code == 200
    assert f'href="/networks/{network}"' in detail.text
    assert "+6281255507788" in detail.text


def test_lookup_finds_the_network_of_a_number_as_typed(
    app_and_network: tuple[TestClient, str],
) -> None:
    client, network = app_and_network
    for typed in ("+62 812-5550-7788", "+6281255507788", "wa.me/6281255507788"):
        page = client.get("/networks/lookup", params={"q": typed})
        assert page.status_code == 200 and f'href="/networks/{network}"' in page.text, typed
    page = client.get("/networks/lookup", params={"q": "<b>nothing</b>"})
    assert "No seller advertised" in page.text and "<b>nothing" not in page.text
