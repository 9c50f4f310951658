""" "Re-crawl now" from the desk, in a real browser (Debian chromium, Playwright, headless),
over the app as ``wildtrace run`` wires it (``components.web_app``: store, accounts and the
desk's re-crawler from settings) and the real demo sources on loopback ports.

An investigator opens the Sources page from the nav, presses "Re-crawl now" on one
source, is told it started, and — the crawl, classification and alerting running in the
server's background — the source's listings are stored and its alerts reach the queue;
the other sources are not crawled. A source that is not enabled is a 404 page."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from es_server import free_port
from test_web_browser import CHROMIUM, FLAGS
from web_accounts import make_accounts, sign_in_page

from index.base import AlertFilter
from index.sqlite import SqliteStore
from web.server import start_in_thread
from wildtrace.components import web_app
from wildtrace.demo import DemoSites, served_settings

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} missing: `make browser` installs it")
        pytest.skip(f"{CHROMIUM} missing: run `make browser`")
    tmp = tmp_path_factory.mktemp("recrawl")
    with DemoSites() as sites:
        settings = served_settings(tmp, sites.urls)
        store = SqliteStore(settings.sqlite_path)
        store.init()
        accounts = make_accounts(tmp)
        app = web_app(settings, store, accounts)
        handle = start_in_thread(app)
        yield {"url": handle.url, "store": store, "settings": settings, "accounts": accounts,
               "recrawl": app.state.recrawl}  # fmt: skip
        handle.stop()
        accounts.close()
        store.close()


def _crawled(world: dict[str, Any], source: str, timeout: float = 240.0) -> int:
    """Wait for the desk's background crawl of ``source`` to end (alerts arrive while it
    runs, so counting earlier would race it); the number of its alerts."""
    deadline = time.monotonic() + timeout
    while source not in world["recrawl"]._running and time.monotonic() < deadline:
        time.sleep(0.2)
    world["recrawl"]._running[source].join(timeout=max(0.0, deadline - time.monotonic()))
    store = world["store"]
    alerts = [a for a in store.iter_alerts(AlertFilter()) if a.source == source]
    assert alerts and store.active_keys(source), f"no alerts from {source} within {timeout} s"
    return len(alerts)


def test_investigator_recrawls_a_source_from_the_desk(world: dict[str, Any]) -> None:
    from playwright.sync_api import sync_playwright

    url, store = world["url"], world["store"]
    assert store.active_keys("bazaar") == set()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        page = browser.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(f"{url}/")
        sign_in_page(page, "ana", f"{url}/")
        page.click("nav >> text=Sources")
        page.wait_for_url(f"{url}/sources")
        assert page.locator("table.sources tbody tr").count() >= 3
        page.locator("#source-bazaar button.recrawl").click()
        page.wait_for_url(f"{url}/sources?started=bazaar*")
        assert "Re-crawl of bazaar: started." in page.inner_text("#recrawl-message")
        count = _crawled(world, "bazaar")
        page.goto(f"{url}/")
        rows = page.locator("table.alerts tbody tr[data-href]")
        assert 0 < rows.count() <= count  # the queue shows the new alerts (one page of them)
        page.goto(f"{url}/sources")
        assert page.locator("button.recrawl").count() >= 3
        assert errors == []
        browser.close()
    assert store.active_keys("tradepost") == set()  # only the source asked for


def _sources_page(pw: Any, url: str) -> tuple[Any, Any]:
    """A headless browser and its page: an investigator signed in, on the Sources page."""
    browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
    page = browser.new_page()
    page.goto(f"{url}/login")
    sign_in_page(page, "ana", f"{url}/")
    page.goto(f"{url}/sources")
    return browser, page


def test_recrawl_of_an_unknown_source_is_a_404_page(world: dict[str, Any]) -> None:
    from playwright.sync_api import sync_playwright

    url = world["url"]
    with sync_playwright() as pw:
        browser, page = _sources_page(pw, url)
        # A form for a source the server does not crawl, posted from the page itself.
        page.evaluate(
            """() => { const f = document.querySelector('#source-bazaar form');
                       f.action = '/sources/nope/crawl'; f.submit(); }"""
        )
        page.wait_for_url(f"{url}/sources/nope/crawl")
        page.wait_for_load_state()
        assert "no enabled source named 'nope'" in page.inner_text("main")
        browser.close()


def test_recrawl_with_the_frontier_down_says_nothing_was_queued(world: dict[str, Any]) -> None:
    """Distributed mode with Redis unreachable: the investigator gets a 503 page saying
    nothing was queued (not a 500), and the Sources page still works."""
    from playwright.sync_api import sync_playwright

    base = world["settings"]
    down = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    settings = replace(base, frontier=replace(base.frontier, enabled=True, redis_url=down))
    handle = start_in_thread(web_app(settings, world["store"], world["accounts"]))
    url = handle.url
    try:
        with sync_playwright() as pw:
            browser, page = _sources_page(pw, url)
            with page.expect_response(f"{url}/sources/wildfeed/crawl") as response:
                page.locator("#source-wildfeed button.recrawl").click()
            assert response.value.status == 503
            text = page.inner_text("main")
            assert "Nothing was queued" in text and "unreachable" in text
            page.goto(f"{url}/sources")
            assert page.locator("button.recrawl").count() >= 3
            browser.close()
    finally:
        handle.stop()
    assert world["store"].active_keys("wildfeed") == set()
