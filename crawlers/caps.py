"""Extension: the page cap of one crawl, counting pages but not images.

Scrapy's ``CLOSESPIDER_PAGECOUNT`` counts every response, so a listing with many images
used up the page budget meant for list and detail pages. Here only responses whose
request is not an image count (images have their own cap, ``WILDTRACE_MAX_IMAGES``,
applied before they are requested by ``crawlers.images``). Reaching the cap closes the
spider with Scrapy's own reason, ``closespider_pagecount``: the crawl is not complete.
"""

from __future__ import annotations

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from scrapy.utils.defer import deferred_from_coro

from crawlers.report import ROLE_IMAGE


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
        cap = cls(crawler, max_pages)
        crawler.signals.connect(cap.response_received, signal=signals.response_received)
        return cap

    def response_received(self, response: Response, request: Request, spider: Spider) -> None:
        if request.meta.get("role") == ROLE_IMAGE:
            return
        self.pages += 1
        if self.pages == self.max_pages and self.crawler.engine is not None:
            deferred_from_coro(
                self.crawler.engine.close_spider_async(reason="closespider_pagecount")
            )
