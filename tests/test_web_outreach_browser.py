"""The outreach pages in a real browser (Debian chromium, Playwright, headless), over the
app as ``wildtrace run`` wires it (``components.web_app`` from settings: store, accounts,
feed ledger, outbox, subscriptions in one data folder), a loopback listing site for the
re-checks, and a real SMTP server (aiosmtpd, STARTTLS) for the digests.

* An investigator saves a search from the search page; a new alert arrives; "Run my
  searches now" shows the match; the digest job mails it.
* A partner acknowledges "removed"; the re-check finds the listing still online; the
  partner's feed and the investigator's acknowledgement page flag it, the dashboard shows
  the time to takedown; the partner subscribes to the digest and it arrives.
* A campaigner subscribes to the audience digest, reads the legal-basis note, and
  downloads a hashed contact list only after confirming it; the hashes are checked with
  an independent SHA-256 of the normalised numbers.
* Anyone reads the API reference page.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from factories import make_detection, make_listing
from smtp_server import SmtpServer, smtp_server
from test_outreach_rechecks import Site
from test_web_browser import CHROMIUM, FLAGS, shot
from web_accounts import make_accounts, sign_in_page

from alerts.rules import ThresholdRule, apply_rules
from crawlers.egress import EgressPolicy
from index.base import AlertFilter
from index.sqlite import SqliteStore
from web.server import start_in_thread
from wildtrace.components import web_app
from wildtrace.config import Settings, load_settings
from wildtrace.outreach_wiring import run_digests
from wildtrace.recheck import ProfileProber, recheck

pytestmark = pytest.mark.browser
PHONES = [f"+62 812 555 {n:04d}" for n in range(10)]


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} missing: `make browser` installs it")
        pytest.skip(f"{CHROMIUM} missing: run `make browser`")
    tmp = tmp_path_factory.mktemp("outreach")
    site = Site()
    with smtp_server(tmp) as smtp:
        settings = _settings(tmp, smtp)
        store = SqliteStore(settings.sqlite_path)
        store.init()
        _populate(store, site)
        accounts = make_accounts(tmp)
        handle = start_in_thread(web_app(settings, store, accounts))
        yield {"url": handle.url, "settings": settings, "store": store, "smtp": smtp,
               "site": site, "handle": handle}  # fmt: skip
        handle.stop()
        accounts.close()
        store.close()
    site.stop()


def _settings(tmp: Path, smtp: SmtpServer) -> Settings:
    return load_settings(env={
        "WILDTRACE_DATA_DIR": str(tmp), "WILDTRACE_MAIL_MODE": "smtp",
        "WILDTRACE_MAIL_HOST": smtp.host, "WILDTRACE_MAIL_PORT": str(smtp.port),
        "WILDTRACE_MAIL_CAFILE": str(smtp.cafile), "WILDTRACE_AUDIENCES_CONTACT_LISTS": "true",
    })  # fmt: skip


def _add(store: SqliteStore, listings: list[Any], **detection: Any) -> None:
    store.upsert_listings(listings)
    pairs = [(item, make_detection(item, **detection)) for item in listings]
    store.put_detections((item.content_hash, det) for item, det in pairs)
    store.upsert_alerts(apply_rules([ThresholdRule(0.5)], pairs))


def _populate(store: SqliteStore, site: Site) -> None:
    cup = make_listing(source="bazaar", listing_id="B1", title="Rhino horn cup",
                       url=f"{site.base}/item/B1")  # fmt: skip
    _add(store, [cup], commodity="rhino_horn")
    alert = next(store.iter_alerts(AlertFilter(source="bazaar")))
    store.set_alert_state(alert.id, "confirmed", actor="ana", expected_version=alert.version)
    for n, phone in enumerate(PHONES):  # ten buyers, each with a number: one segment
        wtb = make_listing(source="wildfeed", listing_id=f"W{n}", title=f"WTB ivory bangle {n}")
        entities = [{"type": "phone", "value": phone.replace(" ", ""), "span": [0, 1]}]
        _add(store, [wtb], intent="buy", extra={"entities": entities})


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        yield b
        b.close()


def _page(browser: Any, world: dict[str, Any], path: str, who: str) -> Any:
    page = browser.new_page(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page.goto(world["url"] + path)
    sign_in_page(page, who, world["url"] + path)
    return page


def _mail_to(world: dict[str, Any], address: str) -> list[str]:
    return [m.message.get_payload(decode=True).decode() for m in world["smtp"].inbox.messages
            if m.rcpt_tos == [address]]  # fmt: skip


def test_an_investigator_saves_a_search_and_is_told_of_a_new_match(
    world: dict[str, Any], browser: Any
) -> None:
    page = _page(browser, world, "/search?q=pangolin", "ana")
    page.click("details.save-search summary")
    page.fill("#save-search input[name=name]", "pangolin watch")
    page.fill("#save-search input[name=min_score]", "0.6")
    page.fill("#save-search input[name=email]", "ana@desk.example")
    page.click("#save-search button[type=submit]")
    page.wait_for_selector("#saved-message")
    assert "pangolin watch" in page.locator("section.saved-search h2").inner_text()
    assert page.locator("header nav a[aria-current=page]").inner_text() == "Search"
    assert page.locator("li.match").count() == 0
    new = make_listing(source="wildfeed", listing_id="P1", title="Pangolin scales wholesale")
    _add(world["store"], [new], commodity="pangolin")
    page.click("#run-searches")
    page.wait_for_selector("li.match")
    assert "Pangolin scales wholesale" in page.locator("li.match").inner_text()
    shot(page, "outreach-01-saved-search-match")
    run_digests(world["settings"])
    (mail,) = _mail_to(world, "ana@desk.example")
    assert "Pangolin scales wholesale" in mail
    page.close()


def test_a_listing_back_after_removal_is_flagged_to_partner_and_investigator(
    world: dict[str, Any], browser: Any
) -> None:
    page = _page(browser, world, "/feed", "pat")
    form = page.locator("li.feed-item form.ack-form")
    form.locator("select[name=status]").select_option("removed")
    form.locator("button[type=submit]").click()
    page.wait_for_selector("#feed-message")
    base = world["site"].base
    prober = ProfileProber({"bazaar": EgressPolicy.for_site(base, allow_private=True)}, "t", 2.0)
    assert recheck(world["settings"], prober)["comeback"] == 1  # the site still answers 200
    page.reload()
    assert "Back online after removal" in page.locator("p.comeback").inner_text()
    assert "online (HTTP 200)" in page.locator(".check-status").inner_text()
    page.fill("#digest-form input[name=email]", "pat@platform.example")
    page.click("#digest-form button[type=submit]")
    page.wait_for_selector("#digest-email")
    shot(page, "outreach-02-partner-comeback")
    run_digests(world["settings"])
    (mail,) = _mail_to(world, "pat@platform.example")
    assert "Rhino horn cup" in mail and "BACK ONLINE" in mail and "WTB" not in mail
    page.close()
    desk = _page(browser, world, "/feeds/acks", "ana")
    assert "Rhino horn cup" in desk.locator("li.comeback").inner_text()
    desk.goto(world["url"] + "/dashboard")
    row = desk.locator("table.takedown tbody tr")
    assert row.count() == 1 and "bazaar" in row.inner_text()
    assert desk.locator("td.ttd").inner_text() != "—"  # confirmation → "removed", measured
    shot(desk, "outreach-03-dashboard-takedown")
    desk.close()


def test_a_campaigner_exports_hashed_contacts_only_after_the_legal_note(
    world: dict[str, Any], browser: Any
) -> None:
    page = _page(browser, world, "/audiences", "cam")
    # Ten buyers of ivory in one week: the one published group total is the trend's bar.
    assert page.locator("#audience-trend svg rect").count() == 1
    assert "buy · ivory" in page.locator("#audience-trend .legend").inner_text()
    page.fill("#digest-form input[name=email]", "cam@ngo.example")
    page.click("#digest-form button[type=submit]")
    page.wait_for_selector("#digest-email")
    page.click("text=Hashed contact lists")
    assert "lawful" in page.locator("#legal-note").inner_text()
    row = page.locator("table.contact-segments tbody tr", has_text="ivory")
    assert "10" in row.inner_text()
    assert "+62" not in page.content()  # no raw number on the page
    row.locator("button[type=submit]").click()  # the confirmation box is required
    assert page.url.endswith("/audiences/contacts")
    row.locator("input[name=confirm]").check()
    with page.expect_download() as download:
        row.locator("button[type=submit]").click()
    text = Path(download.value.path()).read_text()
    expected = sorted(hashlib.sha256(p.replace(" ", "").encode()).hexdigest() for p in PHONES)
    assert sorted(line.strip(",\r") for line in text.splitlines()[1:]) == expected
    assert text.splitlines()[0] == "Email,Phone"
    shot(page, "outreach-04-contacts")
    page.close()


def test_the_api_reference_reads_in_a_browser(world: dict[str, Any], browser: Any) -> None:
    page = browser.new_page()
    page.goto(world["url"] + "/api/docs")
    assert page.locator("h1").inner_text() == "API reference"
    page.click("a[href='#post--api-v1-feeds-takedown-item_id-ack']")
    assert page.locator("#post--api-v1-feeds-takedown-item_id-ack h2").is_visible()
    page.close()
