"""``crawlers.frontier_images``: which held page waits for which images, and the
per-crawl state a long-lived worker renews (the three-worker SIGKILL test in
``test_wildtrace_worker.py`` drives the same code through Redis and real crawls)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from crawlers.frontier_images import ImageChildren, fresh_crawl
from crawlers.images import ImageFetcher, PendingRecord


def _spider() -> Any:
    return SimpleNamespace(seen_ids={"1"}, detail_urls={"u"}, images=ImageFetcher(5))


def _pending(listing_id: str) -> PendingRecord:
    return PendingRecord({"listing_id": listing_id}, b"", {})


def test_a_page_is_settled_only_when_every_listing_it_left_waiting_is_complete() -> None:
    spider, children = _spider(), ImageChildren()
    first, second, third = _pending("1"), _pending("2"), _pending("3")
    assert spider.images.plan(first, ["a.png", "b.png"]) == ["a.png", "b.png"]
    assert children.claim("page-1", spider)
    # A second page's listing shares an image already in flight: it waits, fetching nothing.
    assert spider.images.plan(second, ["b.png"]) == []
    assert spider.images.plan(third, []) == []  # no images: emitted at once, never waits
    assert children.claim("page-2", spider)
    assert not children.claim("page-3", spider)
    assert spider.images.answered("a.png", "sha-a") == []
    assert children.settled(spider) == []
    assert spider.images.answered("b.png", "sha-b") == [first, second]
    assert sorted(children.settled(spider)) == ["page-1", "page-2"]
    assert not children.holds("page-1")


def test_a_failed_store_releases_every_waiting_page() -> None:
    spider, children = _spider(), ImageChildren()
    spider.images.plan(_pending("1"), ["a.png"])
    children.claim("page-1", spider)
    assert children.release_all() == ["page-1"]
    assert not children.holds("page-1")


def test_a_new_crawl_forgets_the_last_ones_ids_and_image_cache() -> None:
    spider = _spider()
    spider.images.answered("a.png", "sha-a")
    old = spider.images
    assert fresh_crawl(spider, "crawl-1", "crawl-1") == "crawl-1"
    assert spider.seen_ids == {"1"} and spider.images is old  # same crawl: kept
    assert fresh_crawl(spider, "crawl-1", "crawl-2") == "crawl-2"
    assert spider.seen_ids == set() and spider.detail_urls == set()
    assert spider.images is not old and spider.images.stored == {}
    assert spider.images.max_images == 5
