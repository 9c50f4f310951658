"""Downloader middleware: every response, as fetched, into the crawl's WARC file.

Placed next to the downloader (after the egress check, before decompression and
redirect handling), so it sees each exchange as it happened on the wire: every redirect
hop, 404s, robots.txt, images, and compressed bodies still compressed. The reference of
the response record goes into ``request.meta["warc_ref"]`` for the spider (which copies
it into the record and the evidence sidecar). The file is sealed and listed in the
evidence manifest when the spider closes. A WARC write that fails (disk full) is logged
and the crawl goes on: the content-addressed evidence is still written.
"""

from __future__ import annotations

import logging
from pathlib import Path

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response

from crawlers.evidence import EvidenceStore
from crawlers.warc import WarcFile

log = logging.getLogger(__name__)


class WarcMiddleware:
    def __init__(self, evidence_dir: Path) -> None:
        self.evidence_dir = evidence_dir
        self.warc: WarcFile | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WarcMiddleware:
        evidence_dir = crawler.settings.get("WILDTRACE_EVIDENCE_DIR")
        if not evidence_dir:
            raise NotConfigured("WILDTRACE_EVIDENCE_DIR is not set")
        middleware = cls(Path(evidence_dir))
        crawler.signals.connect(middleware.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        return middleware

    def spider_opened(self, spider: Spider) -> None:
        self.warc = WarcFile(self.evidence_dir, spider.name)

    def process_response(
        self, request: Request, response: Response, spider: Spider | None = None
    ) -> Response:
        if self.warc is None:
            return response
        peer = getattr(response, "ip_address", None)
        try:
            request.meta["warc_ref"] = self.warc.write(
                url=response.url, method=request.method, request_headers=request.headers,
                status=response.status, response_headers=response.headers, body=response.body,
                ip_address=str(peer) if peer is not None else None,
            )  # fmt: skip
        except OSError as exc:
            log.error("WARC record of %s not written: %s", response.url, exc)
            request.meta.pop("warc_ref", None)
        return response

    def spider_closed(self, spider: Spider) -> None:
        if self.warc is None:
            return
        path = self.warc.seal()
        EvidenceStore(self.evidence_dir).record_warc(path)
        self.warc = None
