"""A frontier worker's side of the crawl-level book-keeping (``crawlers.frontier_crawls``).

``FrontierScheduler`` owns one ``CrawlLedger``. It

* admits a request to be fetched only under the crawl's page cap (``admit``; a request
  over it is dropped, counted, and acknowledged unfetched) and gives the page back when
  the request was skipped on purpose (``skipped``: robots.txt, egress, off-site);
* folds the spider's ``CrawlReport`` (and the egress refusals Scrapy counted) into the
  crawl's totals before each acknowledgement (``fold``), then starts the report afresh:
  an acknowledged message's errors, pages and ids are in Redis before anyone can see
  the crawl finished;
* keeps the WARC count of the crawl (``warc_opened`` / ``warc_sealed`` signals from
  ``crawlers.warc_middleware``) and, once the crawl is over, tells the middleware to
  seal this worker's file of it (``seal_if_over``; the finalising worker at once).
"""

from __future__ import annotations

import logging

from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from crawlers import frontier_crawls
from crawlers.frontier import Frontier, Message
from crawlers.report import CrawlReport
from crawlers.signals import seal_warc, warc_opened, warc_sealed

DELIBERATE = ("robots.txt", "egress refused", "offsite")  # as ``crawlers.spiders.capture``
logger = logging.getLogger(__name__)


class CrawlLedger:
    def __init__(self, crawler: Crawler, frontier: Frontier) -> None:
        self.crawler = crawler
        self.frontier = frontier
        self.cap = crawler.settings.getint("WILDTRACE_MAX_PAGES", 0)
        self.warc_crawl: str | None = None  # the crawl this worker's open WARC file holds
        self._egress_folded = 0
        crawler.signals.connect(self._warc_opened, signal=warc_opened)
        crawler.signals.connect(self._warc_sealed, signal=warc_sealed)

    # -- the page cap -----------------------------------------------------------------
    def admit(self, msg: Message) -> bool:
        """Whether ``msg``'s request may be fetched. A redelivered message, or one that
        replaced a leased request (redirect, retry), has its page already."""
        meta = (msg.request or {}).get("meta") or {}
        if msg.deliveries > 1 or meta.get("wt_leased"):
            return True
        return frontier_crawls.lease(self.frontier, msg.crawl, self.cap)

    def skipped(self, msg: Message, failure: Failure) -> None:
        """A request that never went out (robots.txt, egress, off-site) frees its page."""
        error = failure.value
        if not isinstance(error, IgnoreRequest) or isinstance(error, HttpError):
            return
        if any(word in failure.getErrorMessage().lower() for word in DELIBERATE):
            frontier_crawls.give_back(self.frontier, msg.crawl)

    # -- the report -------------------------------------------------------------------
    def fold(self, crawl_id: str, spider: Spider | None) -> None:
        """Move what the spider's report learnt since the last fold into the crawl."""
        report = getattr(spider, "report", None)
        stats = self.crawler.stats
        refused = int(stats.get_value("wildtrace/egress_refused", 0)) if stats else 0
        if not isinstance(report, CrawlReport) or not crawl_id:
            return
        frontier_crawls.fold(self.frontier, crawl_id, report, refused - self._egress_folded)
        self._egress_folded = refused
        setattr(spider, "report", CrawlReport())  # noqa: B010 - a fresh report per fold

    # -- WARC files -------------------------------------------------------------------
    def _warc_opened(self, crawl: str | None) -> None:
        if crawl:
            self.warc_crawl = crawl
            frontier_crawls.warc_opened(self.frontier, crawl)

    def _warc_sealed(self, crawl: str | None, file: str, sha256: str) -> None:
        if crawl:
            frontier_crawls.warc_sealed(self.frontier, crawl, file, sha256)
            if self.warc_crawl == crawl:
                self.warc_crawl = None

    def seal(self, crawl_id: str) -> None:
        self.crawler.signals.send_catch_log(signal=seal_warc, crawl=crawl_id)

    def seal_if_over(self) -> None:
        """Seal this worker's file of a crawl another worker has finished."""
        crawl = self.warc_crawl
        if crawl and frontier_crawls.is_finished(self.frontier, crawl):
            self.seal(crawl)
