"""Crawl-level protections hold in distributed mode exactly as in one process: two real
``wildtrace worker`` processes crawl the hostile site of issue 14 (and a polite one)
from a real Redis frontier. One test per protection; each fails if the worker's crawler
lacks it (egress policy, redirect limit, response size cap, robots.txt, per-domain
delay), by what the sites saw and what the crawl's summary says."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from crawlers_fixture_site import HTML, FixtureSite, cards, detail
from crawlers_hostile_site import READABLE, UNREADABLE, hostile_html
from frontier_workers import final_summary, running_workers, worker_settings

from wildtrace.components import store_session
from wildtrace.worker import enqueue_crawl

pytestmark = pytest.mark.slow  # real worker processes and crawls

Crawl = tuple[FixtureSite, FixtureSite, dict[str, Any], set[str]]


@pytest.fixture(scope="module")
def hostile_crawl(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Crawl]:
    """The hostile site crawled by two workers: (site, internal service, summary, the
    listing ids stored)."""
    tmp = tmp_path_factory.mktemp("worker-hostile")
    site, internal = FixtureSite(), FixtureSite()
    site.start()
    internal.start()
    try:
        hostile_html(site, internal)
        settings, config = worker_settings(tmp, "max_response_bytes = 1000000")
        with running_workers(settings, config, {"bazaar": site.base}, count=2):
            crawl_id, _ = enqueue_crawl(settings, "bazaar")
            summary = final_summary(settings, crawl_id)
        with store_session(settings) as store:
            stored = {key.partition(":")[2] for key in store.active_keys("bazaar")}
        yield site, internal, summary, stored
    finally:
        site.stop()
        internal.stop()


def _sample(summary: dict[str, Any], path: str) -> str:
    """The error samples of one URL path, joined (empty when none)."""
    return " | ".join(s["error"] for s in summary["error_samples"] if s["url"].endswith(path))


def test_good_pages_stored_unreadable_never_called_gone(hostile_crawl: Crawl) -> None:
    _, _, summary, stored = hostile_crawl
    assert stored == set(READABLE), summary["error_samples"]
    assert set(UNREADABLE) <= set(summary["unfetched_ids"])
    assert summary["gone_ids"] == ["gone"]
    assert summary["complete"] is True


def test_egress_policy_holds_in_workers(hostile_crawl: Crawl) -> None:
    _, internal, summary, _ = hostile_crawl
    assert internal.requests == []  # the redirect and the image URLs into it were refused
    assert summary["egress_refused"] >= 1
    assert "internal" in summary["unfetched_ids"]


def test_redirect_loops_end_in_workers(hostile_crawl: Crawl) -> None:
    site, _, summary, _ = hostile_crawl
    hops = [p for p in site.requests if p in ("/item/loop", "/item/loop-b")]
    assert 0 < len(hops) <= 2 * 21, hops  # Scrapy's REDIRECT_MAX_TIMES (20) per delivery
    assert "redirect" in _sample(summary, "/item/loop").lower(), (hops, summary)
    assert "loop" in summary["unfetched_ids"]


def test_response_size_cap_holds_in_workers(hostile_crawl: Crawl) -> None:
    _, _, summary, _ = hostile_crawl
    assert "download_maxsize (1000000 b)" in _sample(summary, "/item/bomb").lower()
    assert "bomb" in summary["unfetched_ids"]


def test_robots_txt_holds_in_workers(hostile_crawl: Crawl) -> None:
    site, _, summary, _ = hostile_crawl
    assert not [p for p in site.requests if p.startswith("/private/")]
    assert "robots" in summary["unfetched_ids"]
    assert summary["ignored_requests"] >= 1  # skipped on purpose, not an error


class Timed(dict[str, tuple[int, str, bytes]]):
    """Routes that note when each request arrived (``times``)."""

    def __init__(self, routes: dict[str, tuple[int, str, bytes]]) -> None:
        super().__init__(routes)
        self.times: list[float] = []

    def get(self, path: str, default: Any = None) -> Any:
        self.times.append(time.monotonic())
        return super().get(path, default)


def test_per_domain_delay_holds_across_workers(tmp_path: Path) -> None:
    """Two workers, each allowed four requests at a time, still leave the profile's
    delay between any two requests to the host (the slot is reserved in Redis)."""
    delay = 0.8
    ids = [f"/item/d{n}" for n in range(6)]
    routes = Timed({
        "/robots.txt": (200, "text/plain", b""),
        "/": (200, HTML, cards(ids).encode()),
        **{i: (200, HTML, detail(f"Ivory {i}", "old stock").encode()) for i in ids},
    })  # fmt: skip
    site = FixtureSite(routes)
    site.start()
    try:
        settings, config = worker_settings(tmp_path, f"delay = {delay}")
        with running_workers(settings, config, {"bazaar": site.base}, count=2):
            crawl_id, _ = enqueue_crawl(settings, "bazaar")
            summary = final_summary(settings, crawl_id)
    finally:
        site.stop()
    assert summary["items"] == len(ids)
    gaps = [b - a for a, b in zip(routes.times, routes.times[1:], strict=False)]
    assert len(routes.times) >= len(ids) + 2
    # Slots are reserved a full delay apart; arrival jitter is far below half of it.
    assert min(gaps) >= delay / 2, gaps


def test_robots_txt_is_read_again_for_each_crawl(tmp_path: Path) -> None:
    """A long-lived worker obeys the robots.txt of the crawl's time, as a new process
    would: after the site forbids its item pages, the next crawl fetches none."""
    ids = [f"/item/r{n}" for n in range(3)]
    site = FixtureSite({
        "/robots.txt": (200, "text/plain", b""),
        "/": (200, HTML, cards(ids).encode()),
        **{i: (200, HTML, detail(f"Ivory {i}", "old stock").encode()) for i in ids},
    })  # fmt: skip
    site.start()
    try:
        settings, config = worker_settings(tmp_path)
        with running_workers(settings, config, {"bazaar": site.base}, count=1):
            first = final_summary(settings, enqueue_crawl(settings, "bazaar")[0])
            site.routes["/robots.txt"] = (200, "text/plain", b"User-agent: *\nDisallow: /item/\n")
            fetched = len(site.requests)
            second = final_summary(settings, enqueue_crawl(settings, "bazaar")[0])
    finally:
        site.stop()
    assert first["items"] == len(ids)
    later = site.requests[fetched:]
    assert "/robots.txt" in later  # read again for the new crawl
    assert not [p for p in later if p.startswith("/item/")], later
    assert second["items"] == 0
    assert sorted(second["unfetched_ids"]) == ["r0", "r1", "r2"]  # never called gone
