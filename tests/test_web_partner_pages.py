"""The takedown feed in a real browser (Debian chromium, Playwright, headless): a partner
signs in, sees only its platform's feed, acknowledges an item as removed; an
investigator then sees that acknowledgement. Real store, accounts, ledger, server."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from factories import make_detection, make_listing
from test_web_browser import CHROMIUM, FLAGS, shot
from web_accounts import CHEAP, sign_in_page

from accounts.sqlite import SqliteAccounts
from alerts.rules import ThresholdRule, apply_rules
from index.base import AlertFilter
from index.sqlite import SqliteStore
from outreach.feeds import FeedPolicy
from outreach.ledger import FeedLedger
from outreach.service import Feeds
from web.app import create_app
from web.feeds_api import attach_outreach
from web.server import ServerHandle, start_in_thread

pytestmark = pytest.mark.browser
PASSWORD = "partner browser password"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerHandle]:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} missing: `make browser` installs it")
        pytest.skip(f"{CHROMIUM} missing: run `make browser`")
    tmp = tmp_path_factory.mktemp("partner")
    listings = [
        make_listing(source="bazaar", listing_id="B1", title="Rhino horn cup <b>x</b>",
                     url="https://bazaar.example/B1", evidence_sha256="ab" * 32),
        make_listing(source="tradepost", listing_id="T1", title="Ivory carving",
                     url="https://tradepost.example/T1"),
    ]  # fmt: skip
    pairs = [(item, make_detection(item)) for item in listings]
    store = SqliteStore(tmp / "w.db")
    store.init()
    store.upsert_listings(listings)
    store.put_detections((item.content_hash, det) for item, det in pairs)
    store.upsert_alerts(apply_rules([ThresholdRule(0.5)], pairs))
    for alert in store.iter_alerts(AlertFilter()):
        store.set_alert_state(alert.id, "confirmed", actor="ana", expected_version=alert.version)
    accounts = SqliteAccounts(tmp / "accounts.db", hasher=CHEAP)
    accounts.add_user("ana", PASSWORD, "investigator", display_name="Ana Investigator")
    accounts.add_user("pat", PASSWORD, "partner", display_name="Pat", sources=("bazaar",))
    ledger = FeedLedger(tmp / "feeds.db")
    app = create_app(store, accounts=accounts)
    attach_outreach(app, Feeds(store, ledger, FeedPolicy(0.8)))
    handle = start_in_thread(app)
    yield handle
    handle.stop()
    ledger.close()
    accounts.close()
    store.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        yield b
        b.close()


def _sign_in(page: Any, url: str, who: str) -> None:
    sign_in_page(page, who, url, PASSWORD)


def test_a_partner_acknowledges_and_an_investigator_sees_it(
    served: ServerHandle, browser: Any
) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(served.url + "/feed")
    assert "/login" in page.url
    _sign_in(page, served.url + "/feed", "pat")
    items = page.locator("li.feed-item")
    assert items.count() == 1  # tradepost's confirmed item is not pat's
    assert items.first.get_attribute("data-platform") == "bazaar"
    assert page.locator("#feed-sources").inner_text() == "bazaar"
    assert page.locator("h2.feed-title").inner_text() == "Rhino horn cup <b>x</b>"  # escaped
    assert "tradepost" not in page.content()
    shot(page, "feed-01-partner")

    form = items.first.locator("form.ack-form")
    form.locator("select[name=status]").select_option("removed")
    form.locator("input[name=reason]").fill("listing taken down, seller warned")
    form.locator("button[type=submit]").click()
    page.wait_for_selector("#feed-message")
    status = page.locator("li.feed-item .ack-status").inner_text()
    assert status == "removed: listing taken down, seller warned"
    shot(page, "feed-02-acknowledged")
    assert page.goto(served.url + "/").status == 403  # no desk for a partner
    page.close()

    desk = browser.new_page(viewport={"width": 1280, "height": 900})
    desk.goto(served.url + "/feeds/acks")
    _sign_in(desk, served.url + "/feeds/acks", "ana")
    row = desk.locator("table.acks tbody tr")
    assert row.count() == 1
    text = row.first.inner_text()
    assert "bazaar" in text and "pat" in text and "removed" in text
    assert "seller warned" in text
    shot(desk, "feed-03-investigator-sees-ack")
    desk.goto(served.url + "/feed")
    assert desk.locator("li.feed-item").count() == 2  # the desk sees every platform
    assert desk.locator("form.ack-form").count() == 0  # but cannot answer for one
    desk.close()
