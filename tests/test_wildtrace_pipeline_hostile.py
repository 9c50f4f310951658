"""False "removed": a listing whose page turns hostile (gzip bomb, redirect loop, redirect
into robots.txt or off the site, a PNG in place of the page) stays active with its open
alert after a complete crawl; only a 404 removes. Real crawls, real SQLite store."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from crawlers_fixture_site import HTML, FixtureSite, cards, detail
from crawlers_hostile_site import READABLE, UNREADABLE, hostile_html

from alerts.base import alert_id_for
from wildtrace import components, pipeline
from wildtrace.demo import loopback_settings

pytestmark = pytest.mark.slow  # real crawls / whole-pipeline runs

IDS = [*UNREADABLE, *READABLE, "gone"]


def calm(site: FixtureSite) -> None:
    """Every listing readable, each an ivory offer (so each gets an alert)."""
    site.routes.update({
        "/robots.txt": (200, "text/plain", b"User-agent: *\nDisallow: /private/\n"),
        "/": (200, HTML, b'<a class="category" href="/c/h">H</a>'),
        "/c/h": (200, HTML, cards([f"/item/{i}" for i in IDS]).encode()),
        **{f"/item/{i}": (200, HTML, detail(f"Ivory bangle {i}", "real elephant ivory, "
                                            "carved, no papers").encode()) for i in IDS},
    })  # fmt: skip


def test_unreadable_pages_never_remove_listings_or_alerts(tmp_path: Path) -> None:
    settings = loopback_settings(tmp_path)
    settings = replace(settings, classifier=replace(settings.classifier, kind="lexicon"))
    site, internal = FixtureSite(), FixtureSite()
    site.start()
    internal.start()
    try:
        calm(site)
        (first,) = pipeline.run_sources(settings, ["bazaar"], base_urls={"bazaar": site.base})
        site.routes.clear()
        hostile_html(site, internal)
        (second,) = pipeline.run_sources(settings, ["bazaar"], base_urls={"bazaar": site.base})
    finally:
        site.stop()
        internal.stop()
    assert first.items == len(IDS) and first.new_alerts == len(IDS)
    assert second.complete and second.removed == 1
    store = components.open_store(settings)
    try:
        active = store.active_keys("bazaar")
        for listing_id in UNREADABLE:
            key = f"bazaar:{listing_id}"
            assert key in active, f"{listing_id} was marked removed"
            assert len(store.listing_versions(key)) == 1  # no new (empty) version
            alert = store.get_alert(alert_id_for(key))
            assert alert is not None and alert.state == "new"
        assert "bazaar:gone" not in active
    finally:
        store.close()
    assert internal.requests == []
