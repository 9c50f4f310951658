"""The network pages used in a real browser: Debian's chromium driven by Playwright
(``executable_path``, headless; ``playwright install`` is never used) against the app on
127.0.0.1 over a real SQLite store and graph and real accounts. An investigator signs in
through the login form, opens the networks list from the desk's navigation,
follows a network, sees the graph and the identifier table, follows a listing to its
alert and back to the network, and downloads the STIX bundle."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
import stix2
from factories import make_alert, make_detection, make_listing, make_sqlite_store
from web_accounts import make_accounts, sign_in_page

from alerts.networks.graph import NetworkGraph
from classifiers.entities import EntityExtractor
from index.sqlite_graph import SqliteGraphStorage
from web.app import create_app
from web.server import ServerHandle, start_in_thread
from wildtrace.networks import Networks, link_listings

pytestmark = pytest.mark.browser
CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
TEXTS = [
    (
        "bazaar",
        "s1",
        "Ivory bangle. WhatsApp +62 812 5550 7788, USDT TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t",
    ),
    ("tradepost", "u7", "gading asli, WA 0812-5550-7788"),
    ("wildfeed", "@ivy", "sisik, telegram: ivy_55 — TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t"),
]


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ServerHandle]:
    if not os.access(CHROMIUM, os.X_OK):
        pytest.skip(f"{CHROMIUM} missing (make test installs it)")
    store = make_sqlite_store(tmp_path)
    conn = sqlite3.connect(tmp_path / "graph.db", isolation_level=None, check_same_thread=False)
    storage = SqliteGraphStorage(conn)
    networks = Networks(NetworkGraph(storage), storage, EntityExtractor(), storage.transaction,
                        conn.close)  # fmt: skip
    listings = [
        make_listing(source=src, listing_id=str(n), seller_id=seller, text=text, title=f"lot {n}")
        for n, (src, seller, text) in enumerate(TEXTS)
    ]
    store.upsert_listings(listings)
    dets = link_listings(networks, listings, [make_detection(x, lang="id") for x in listings])
    store.put_detections((x.content_hash, d) for x, d in zip(listings, dets, strict=True))
    store.upsert_alerts([make_alert(x) for x in listings])
    accounts = make_accounts(tmp_path)
    app = create_app(store, accounts=accounts, networks=storage)
    handle = start_in_thread(app, "127.0.0.1", 0)
    yield handle
    handle.stop()
    accounts.close()
    conn.close()
    store.close()


def test_investigator_follows_a_network(server: ServerHandle, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        page = browser.new_page(accept_downloads=True)
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(f"{server.url}/networks")
        assert "/login" in page.url  # signed out: the login first, then back here
        sign_in_page(page, "ana", f"{server.url}/networks")
        page.click("header nav >> text=Queue")
        page.click("header nav >> text=Networks")
        page.wait_for_load_state()
        assert page.locator("header nav a[aria-current=page]").inner_text() == "Networks"
        assert "3 accounts" in page.inner_text("main")
        page.click("section.network-group h2 a")
        page.wait_for_load_state()  # the click waits for the navigation to commit, not load
        assert page.locator("svg.network-graph rect").count() == 3
        assert page.locator("svg.network-graph circle").count() >= 2
        table = page.inner_text("table.identifiers")
        assert "+6281255507788" in table and "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t" in table
        network_url = page.url
        page.click("table.alerts a >> nth=0")
        page.wait_for_load_state()
        assert "/alerts/" in page.url
        page.click("text=Seller network >> xpath=following-sibling::dd[1]/a")
        page.wait_for_load_state()
        assert page.url == network_url
        with page.expect_download() as info:
            page.click("text=STIX 2.1")
        target = tmp_path / "bundle.json"
        info.value.save_as(target)
        stix2.parse(target.read_text(encoding="utf-8"), allow_custom=True)
        assert errors == []
        browser.close()
