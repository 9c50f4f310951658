"""The alert queue grouped by seller network, used in a real browser (Debian's chromium
driven by Playwright, headless) against the app on 127.0.0.1 over a real SQLite store and
seller graph. The alerts' network ids come from the real path: ``link_listings`` puts the
network in each detection, ``alerts.rules.make_alert`` copies it into the alert.

An investigator signs in, groups the queue by seller network from the filter form, sees
one header per network in the right order with the right members, narrows the queue to
one network from its header, and opens that network's page from the header link."""

from __future__ import annotations

import os
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from factories import make_detection, make_listing, make_sqlite_store
from web_accounts import make_accounts, sign_in_page

from alerts.networks.graph import NetworkGraph
from alerts.rules import make_alert
from classifiers.entities import EntityExtractor
from index.base import AlertFilter
from index.sqlite_graph import SqliteGraphStorage
from web.app import create_app
from web.server import ServerHandle, start_in_thread
from wildtrace.networks import Networks, link_listings

pytestmark = pytest.mark.browser
CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
WALLET = "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t"
# (source, seller, text, score): ring A shares a phone, ring B a wallet, one loner.
POSTS = [
    ("bazaar", "a1", "Ivory bangle, WhatsApp +62 812 5550 7788", 0.95),
    ("tradepost", "b1", f"Rhino horn powder, USDT {WALLET}", 0.85),
    ("wildfeed", "@b2", f"horn chips, pay {WALLET}", 0.75),
    ("bazaar", "lone", "Old carved bangle, ask in chat", 0.65),
    ("tradepost", "a2", "gading asli, WA 0812-5550-7788", 0.55),
    ("wildfeed", "@a3", "tusk pieces, wa +6281255507788", 0.45),
]


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[ServerHandle, dict[str, str]]]:
    if not os.access(CHROMIUM, os.X_OK):
        pytest.skip(f"{CHROMIUM} missing (make test installs it)")
    store = make_sqlite_store(tmp_path)
    conn = sqlite3.connect(tmp_path / "graph.db", isolation_level=None, check_same_thread=False)
    storage = SqliteGraphStorage(conn)
    networks = Networks(NetworkGraph(storage), storage, EntityExtractor(), storage.transaction,
                        conn.close)  # fmt: skip
    listings = [
        make_listing(source=src, listing_id=str(n), seller_id=seller, text=text, title=f"lot {n}")
        for n, (src, seller, text, _) in enumerate(POSTS)
    ]
    store.upsert_listings(listings)
    raw = [make_detection(x, score=p[3], lang="id") for x, p in zip(listings, POSTS, strict=True)]
    dets = link_listings(networks, listings, raw, relabel=store.relabel_alert_networks)
    store.upsert_alerts(make_alert(x, d, "threshold") for x, d in zip(listings, dets, strict=True))
    store.put_detections((x.content_hash, d) for x, d in zip(listings, dets, strict=True))
    by_seller = {a.seller_id or "": a.network or "" for a in store.iter_alerts(AlertFilter())}
    accounts = make_accounts(tmp_path)
    app = create_app(store, accounts=accounts, networks=storage)
    handle = start_in_thread(app, "127.0.0.1", 0)
    yield handle, by_seller
    handle.stop()
    accounts.close()
    conn.close()
    store.close()


def test_queue_grouped_by_seller_network(server: tuple[ServerHandle, dict[str, str]]) -> None:
    from playwright.sync_api import sync_playwright

    handle, net = server
    assert net["a1"] == net["a2"] == net["@a3"] and net["b1"] == net["@b2"]
    assert len({net["a1"], net["b1"], net["lone"]}) == 3
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        page = browser.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(f"{handle.url}/")
        sign_in_page(page, "ana", f"{handle.url}/")
        page.click("summary >> text=Filters and sorting")
        page.select_option("select[name=group]", "network")
        page.click("form#filters button[type=submit]")
        page.wait_for_url(re.compile(r".*group=network.*"))
        headers = page.locator("tr.network-group")
        assert headers.count() == 3
        # Network order follows each network's best alert; queue order inside it.
        assert [headers.nth(i).get_attribute("data-network") for i in range(3)] == [
            net["a1"], net["b1"], net["lone"]]  # fmt: skip
        assert "3 alerts · 3 accounts · bazaar, tradepost, wildfeed" in headers.nth(0).inner_text()
        sellers = page.locator("table.alerts tbody tr[data-href] td:nth-child(7) a:first-child")
        assert sellers.all_inner_texts() == ["a1", "a2", "@a3", "b1", "@b2", "lone"]
        headers.nth(1).locator("a.only").click()
        page.wait_for_url(re.compile(rf".*network={net['b1']}.*"))
        assert page.locator("table.alerts tbody tr[data-href]").count() == 2
        assert page.locator("tr.network-group").count() == 1
        page.locator("tr.network-group th a").first.click()
        page.wait_for_url(f"{handle.url}/networks/{net['b1']}")
        assert WALLET in page.inner_text("table.identifiers")
        assert errors == []
        browser.close()
