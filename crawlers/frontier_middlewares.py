"""The spider and downloader middlewares of a frontier worker (see ``crawlers.frontier_scrapy``).

* ``FrontierSpiderMiddleware`` (outermost): a frontier request's callback output goes to
  the frontier (requests; image requests are fetched by this worker, see
  ``crawlers.frontier_images``) and the worker's sink (items) instead of to Scrapy, and
  then the request's message is acknowledged; a callback that raised is acknowledged too
  (its error in the crawl's report; a list page's error makes the crawl incomplete).
* ``FrontierPoliteness``: before each download, waits for the host's next slot, reserved
  in Redis, so the profile's delay holds across all workers together.
* ``FrontierRobots``: the robots.txt middleware (``crawlers.robots``), reading it afresh for each
  crawl as a one-process crawl does (a long-lived worker would otherwise obey the
  robots.txt it read when it started, for ever).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable, Iterator
from typing import Any
from urllib.parse import urlsplit

from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.http import Request, Response
from twisted.internet.defer import Deferred

from crawlers.frontier import Message
from crawlers.frontier_images import CHILD
from crawlers.frontier_scrapy import session_for
from crawlers.report import CrawlReport
from crawlers.robots import RobotsTxt
from crawlers.signals import crawl_started


class FrontierSpiderMiddleware:
    """Routes a frontier request's callback output to the frontier and the sink."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FrontierSpiderMiddleware:
        return cls(crawler)

    def process_spider_output(
        self, response: Response, result: Iterable[Any], spider: Spider
    ) -> Iterator[Any]:
        msg: Message | None = response.meta.get("wt_msg")
        session = session_for(self.crawler)
        if session is not None and CHILD in response.meta:
            session.absorb_child(response.meta[CHILD], result)
            return
        if msg is None or session is None:
            yield from result
            return
        session.absorb(msg, result)

    async def process_spider_output_async(
        self, response: Response, result: AsyncIterator[Any], spider: Spider
    ) -> AsyncIterator[Any]:
        msg: Message | None = response.meta.get("wt_msg")
        session = session_for(self.crawler)
        if session is not None and CHILD in response.meta:
            session.absorb_child(response.meta[CHILD], [out async for out in result])
            return
        if msg is None or session is None:
            async for out in result:
                yield out
            return
        session.absorb(msg, [out async for out in result])

    def process_spider_exception(
        self, response: Response, exception: Exception, spider: Spider
    ) -> Iterable[Any] | None:
        """Handled here (no ``spider_error`` signal): the error goes into the spider's
        report now, so it is folded into this message's crawl before the acknowledgement
        (a signal after it could land in the next crawl's summary)."""
        msg: Message | None = response.meta.get("wt_msg")
        session = session_for(self.crawler)
        if session is None or (msg is None and CHILD not in response.meta):
            return None
        report = getattr(spider, "report", None)
        if isinstance(report, CrawlReport):
            error = f"{type(exception).__name__}: {exception}"
            report.error(response.url, error, response.meta.get("role"),
                         response.meta.get("listing_id"))  # fmt: skip
        if CHILD in response.meta:
            session.absorb_child(response.meta[CHILD], [])  # nothing stored; others settle
        elif msg is not None:
            session.finish(msg, [])
        return []


class FrontierPoliteness:
    """Waits for the host's next free slot, reserved in Redis across all workers."""

    def __init__(self, crawler: Crawler, delay: float) -> None:
        self.crawler = crawler
        self.delay = delay

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FrontierPoliteness:
        return cls(crawler, crawler.settings.getfloat("WILDTRACE_POLITE_DELAY", 0.0))

    async def process_request(self, request: Request, spider: Spider | None = None) -> None:
        session = session_for(self.crawler)
        host = urlsplit(request.url).hostname or ""
        if session is None or self.delay <= 0 or not host:
            return
        wait = session.frontier.polite_wait(host, self.delay)
        if wait > 0:
            await asyncio.sleep(wait)


class FrontierRobots(RobotsTxt):
    """Forgets the robots.txt files it read when the worker meets a new crawl."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        crawler.signals.connect(self.crawl_started, signal=crawl_started)

    def crawl_started(self, crawl: str) -> None:
        # A fetch still under way keeps its entry: its callback fills it in.
        self._parsers = {k: v for k, v in self._parsers.items() if isinstance(v, Deferred)}
