"""Downloader middleware: every response, as fetched, into the crawl's WARC file.

Placed next to the downloader (after the egress check, before decompression and
redirect handling), so it sees each exchange as it happened on the wire: every redirect
hop, 404s, robots.txt, images, and compressed bodies still compressed. The reference of
the response record goes into ``request.meta["warc_ref"]`` for the spider (which copies
it into the record and the evidence sidecar). A WARC write that fails (disk full) is
logged and the crawl goes on: the content-addressed evidence is still written.

One file per crawl, opened with the crawl's first response. It is sealed and listed in
the evidence manifest when the spider closes — before the crawl summary is written
(``crawlers.extensions`` writes it when the engine has stopped), which lists the sealed
files with their SHA-256 (stat ``wildtrace/warc_files``). A frontier worker runs crawl
after crawl: a response of another crawl (``crawlers.signals.CRAWL_META``) seals the
file of the last one, and so does the ``seal_warc`` signal when the worker learns that
a crawl is over; ``warc_opened`` / ``warc_sealed`` tell the worker, which records them
in the crawl's summary.
"""

from __future__ import annotations

import logging
from pathlib import Path

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response

from crawlers.evidence import EvidenceStore
from crawlers.signals import CRAWL_META, seal_warc, warc_opened, warc_sealed
from crawlers.warc import WarcFile

log = logging.getLogger(__name__)


class WarcMiddleware:
    def __init__(self, crawler: Crawler, evidence_dir: Path) -> None:
        self.crawler = crawler
        self.evidence_dir = evidence_dir
        self.warc: WarcFile | None = None
        self.crawl: str | None = None  # the crawl whose exchanges ``warc`` holds

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WarcMiddleware:
        evidence_dir = crawler.settings.get("WILDTRACE_EVIDENCE_DIR")
        if not evidence_dir:
            raise NotConfigured("WILDTRACE_EVIDENCE_DIR is not set")
        middleware = cls(crawler, Path(evidence_dir))
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(middleware.crawl_over, signal=seal_warc)
        return middleware

    def process_response(
        self, request: Request, response: Response, spider: Spider | None = None
    ) -> Response:
        crawl = request.meta.get(CRAWL_META)
        try:
            warc = self._file_for(crawl, spider or self.crawler.spider)
            peer = getattr(response, "ip_address", None)
            request.meta["warc_ref"] = warc.write(
                url=response.url, method=request.method, request_headers=request.headers,
                status=response.status, response_headers=response.headers, body=response.body,
                ip_address=str(peer) if peer is not None else None,
            )  # fmt: skip
        except OSError as exc:
            log.error("WARC record of %s not written: %s", response.url, exc)
            request.meta.pop("warc_ref", None)
        return response

    def _file_for(self, crawl: str | None, spider: Spider | None) -> WarcFile:
        # robots.txt (fetched by Scrapy, outside any crawl's requests) goes into the file
        # that is open; only another crawl's response starts a new file.
        if self.warc is not None and crawl in (None, self.crawl):
            return self.warc
        if self.warc is not None and self.crawl is None:  # robots.txt first: adopt the file
            self.crawl = crawl
            self.crawler.signals.send_catch_log(signal=warc_opened, crawl=crawl)
            return self.warc
        self._seal()
        self.warc = WarcFile(self.evidence_dir, spider.name if spider else "crawl")
        self.crawl = crawl
        self.crawler.signals.send_catch_log(signal=warc_opened, crawl=crawl)
        return self.warc

    def crawl_over(self, crawl: str) -> None:
        if crawl == self.crawl:
            self._seal()

    def spider_closed(self, spider: Spider) -> None:
        self._seal()

    def _seal(self) -> None:
        if self.warc is None:
            return
        warc, self.warc = self.warc, None
        path = warc.seal()
        digest = EvidenceStore(self.evidence_dir).record_warc(path)
        if self.crawler.stats is not None:
            sealed = list(self.crawler.stats.get_value("wildtrace/warc_files", []))
            sealed.append({"file": warc.relpath, "sha256": digest})
            self.crawler.stats.set_value("wildtrace/warc_files", sealed)
        self.crawler.signals.send_catch_log(
            signal=warc_sealed, crawl=self.crawl, file=warc.relpath, sha256=digest
        )
