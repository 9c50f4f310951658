"""The per-crawl page cap and summary of distributed mode (``crawlers.frontier_crawls``),
through real ``wildtrace worker`` processes, a real Redis and a hostile site on
127.0.0.1 that paginates for ever; compared with a one-process crawl of the same site
under the same settings."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from crawlers_fixture_site import HTML, FixtureSite, cards, detail
from frontier_workers import final_summary, running_workers, worker_settings
from test_crawlers_runner import crawl

from crawlers.frontier import Frontier
from crawlers.frontier_crawls import lease
from wildtrace.components import store_session
from wildtrace.worker import enqueue_crawl

pytestmark = pytest.mark.slow  # real worker processes
CAP = 12


class EndlessPages(dict[str, tuple[int, str, bytes]]):
    """A site that never ends: list page N links two listings and page N + 1."""

    def get(self, path: str, default: Any = None) -> Any:
        if path == "/robots.txt":
            return (200, "text/plain", b"")
        if path == "/" or path.startswith("/c?page="):
            n = int(path.partition("=")[2] or 0)
            page = cards([f"/item/{n}-{i}" for i in range(2)], f"/c?page={n + 1}")
            return (200, HTML, page.encode())
        if path.startswith("/item/"):
            return (200, HTML, detail(f"Carved ivory {path[6:]}", "old stock").encode())
        return default


@pytest.fixture
def endless() -> Iterator[FixtureSite]:
    site = FixtureSite(EndlessPages())
    site.start()
    try:
        yield site
    finally:
        site.stop()


def _pages(site: FixtureSite) -> list[str]:
    return [p for p in site.requests if p != "/robots.txt"]


def test_three_workers_share_one_page_cap(endless: FixtureSite, tmp_path: Path) -> None:
    settings, config = worker_settings(tmp_path, f"max_pages = {CAP}")
    with running_workers(settings, config, {"bazaar": endless.base}, count=3):
        crawl_id, started = enqueue_crawl(settings, "bazaar")
        summary = final_summary(settings, crawl_id)
    assert started
    pages = _pages(endless)
    assert len(pages) <= CAP, pages  # across all three workers, never more than the cap
    assert len(set(pages)) == CAP  # and the cap was used: the site had more to give
    assert summary["pages"] == len(pages)
    assert (summary["page_cap"], summary["capped"]) == (CAP, True)
    assert summary["dropped_over_cap"] >= 1  # counted, not silently lost
    assert summary["finish_reason"] == "closespider_pagecount"
    assert summary["complete"] is False  # a capped crawl never marks anything removed
    details = [p for p in pages if p.startswith("/item/")]
    assert summary["items"] == len(details)
    with store_session(settings) as store:
        assert len(store.active_keys("bazaar")) == len(details)
        assert store.counts()["versions"] == len(details)  # each stored exactly once
    _assert_sealed_files(summary, Path(settings.data_dir) / "evidence")


def _assert_sealed_files(summary: dict[str, Any], evidence: Path) -> None:
    """Every WARC file the summary names is sealed (read-only), hashes as it says and is
    in the evidence manifest."""
    assert summary["evidence_sealed"] is True
    assert summary["warcs_unsealed"] == 0
    assert summary["warc_files"]
    manifest = (evidence / "MANIFEST.jsonl").read_text(encoding="utf-8")
    for entry in summary["warc_files"]:
        path = evidence / entry["file"]
        assert path.stat().st_mode & 0o222 == 0, f"{path} not sealed"
        assert hashlib.sha256(path.read_bytes()).hexdigest() == entry["sha256"]
        assert entry["sha256"] in manifest


def test_one_process_crawl_has_the_same_cap_and_summary_fields(
    endless: FixtureSite, tmp_path: Path
) -> None:
    result = crawl(endless, "bazaar", tmp_path, max_pages=CAP)
    summary = result.summary
    pages = _pages(endless)
    assert len(pages) == len(set(pages)) == CAP  # no request in flight overshoots it
    assert summary["pages"] == CAP
    assert (summary["page_cap"], summary["capped"]) == (CAP, True)
    assert summary["finish_reason"] == "closespider_pagecount"
    assert summary["complete"] is False
    # Written after the WARC file was sealed: it names the file, which is read-only.
    _assert_sealed_files({**summary, "evidence_sealed": True, "warcs_unsealed": 0},
                         tmp_path / "evidence")  # fmt: skip
    distributed_only = {"crawl", "dropped_over_cap", "redelivered", "gave_up",
                        "warcs_unsealed", "evidence_sealed"}  # fmt: skip
    one_process_only = {"returncode", "timed_out"}  # the subprocess runner's own
    assert set(summary) - one_process_only == set(_distributed_fields()) - distributed_only


def _distributed_fields() -> list[str]:
    """The keys of a distributed summary (from a crawl that has not run)."""
    from redis_server import drop_prefix, require_redis, unique_prefix

    from crawlers.frontier_crawls import summary

    frontier = Frontier(require_redis(), prefix=unique_prefix())
    try:
        crawl_id, _ = frontier.start_crawl("shop", max_pages=3)
        return sorted(summary(frontier, crawl_id))
    finally:
        drop_prefix(frontier.url, frontier.prefix)


def test_leases_over_the_cap_are_refused_atomically() -> None:
    """Many workers leasing at once never get more pages than the cap between them."""
    from redis_server import drop_prefix, require_redis, unique_prefix

    url, prefix = require_redis(), unique_prefix()
    crawl_id, _ = Frontier(url, prefix=prefix).start_crawl("shop", max_pages=25)
    granted: list[bool] = []

    def worker() -> None:
        frontier = Frontier(url, prefix=prefix)
        granted.extend(lease(frontier, crawl_id, 0) for _ in range(20))

    threads = [threading.Thread(target=worker) for _ in range(4)]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        info = Frontier(url, prefix=prefix).crawl_info(crawl_id)
    finally:
        drop_prefix(url, prefix)
    assert granted.count(True) == 25
    assert (info["leased"], info["dropped_over_cap"]) == ("25", "55")
