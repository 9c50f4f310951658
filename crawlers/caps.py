"""Downloader middleware: the page cap of one crawl, counting pages but not images.

Scrapy's ``CLOSESPIDER_PAGECOUNT`` counts every response, so a listing with many images
used up the page budget meant for list and detail pages, and it counts responses: the
requests in flight when it fires still go out (a crawl capped at 12 fetched 13 pages).
Here a page is counted when its request reaches the downloader, after robots.txt and
the egress policy have let it through (``WILDTRACE_MAX_PAGES``; images have their own
cap, applied before they are requested by ``crawlers.images``; robots.txt, a redirect's
next hop and a retry are not new pages). The request that reaches the cap goes out and
the spider closes with Scrapy's own reason, ``closespider_pagecount`` (the crawl is not
complete); any page request after it is refused ("page cap reached": skipped on
purpose, not an error) and counted in the ``wildtrace/dropped_over_cap`` stat. So at
most ``max_pages`` pages are fetched — the same rule, and the same setting, as the
frontier's shared cap in distributed mode (``crawlers.frontier_crawls``).
"""

from __future__ import annotations

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.utils.defer import deferred_from_coro

from crawlers.report import ROLE_IMAGE

CAP_REFUSAL = "page cap reached"


def is_new_page(request: Request) -> bool:
    """A page of the crawl's own: not an image, robots.txt, a redirect hop or a retry."""
    meta = request.meta
    if meta.get("role") == ROLE_IMAGE or meta.get("dont_obey_robotstxt"):
        return False
    return not (meta.get("redirect_times") or meta.get("retry_times"))


class PageCap:
    def __init__(self, crawler: Crawler, max_pages: int) -> None:
        self.crawler = crawler
        self.max_pages = max_pages
        self.pages = 0

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PageCap:
        max_pages = crawler.settings.getint("WILDTRACE_MAX_PAGES")
        if max_pages <= 0:
            raise NotConfigured("WILDTRACE_MAX_PAGES is not set")
        return cls(crawler, max_pages)

    def process_request(self, request: Request, spider: Spider | None = None) -> None:
        if not is_new_page(request):
            return
        if self.pages >= self.max_pages:
            if self.crawler.stats is not None:
                self.crawler.stats.inc_value("wildtrace/dropped_over_cap")
            raise IgnoreRequest(f"{CAP_REFUSAL} ({self.max_pages}): {request.url[:300]}")
        self.pages += 1
        if self.pages == self.max_pages and self.crawler.engine is not None:
            # The engine lets requests in flight finish before it closes the spider.
            deferred_from_coro(
                self.crawler.engine.close_spider_async(reason="closespider_pagecount")
            )
