"""Extension that writes the crawl summary JSON when the spider closes.

The summary is the contract with the composition root: ``items`` written, ``pages``
fetched, ``errors`` with samples (URL + error), and ``complete`` — true only when Scrapy
finished normally (not cancelled, not cut by the page cap) and no list/pagination page
failed. Written atomically (temp file + rename) so a reader never sees half a summary.

Written when the engine has stopped, not when the spider closes: other components seal
their evidence on ``spider_closed`` (the WARC file, the evidence syncer) in an order
Scrapy does not promise, and the summary must never claim evidence that is not yet
durable. By ``engine_stopped`` every ``spider_closed`` handler has run, so the summary
lists the sealed WARC files with their SHA-256 (``warc_files``). It also carries the
crawl's page cap (``page_cap``, ``capped``) and the requests the egress policy refused,
the same fields as a distributed crawl's summary (``crawlers.frontier_crawls``).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from common.clock import utc_now
from crawlers.report import CrawlReport, cap_fields


class CrawlSummary:
    def __init__(self, crawler: Crawler, path: Path) -> None:
        self.crawler = crawler
        self.path = path
        self.started_at = utc_now()
        self.closed: tuple[str, CrawlReport, str] | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlSummary:
        path = crawler.settings.get("WILDTRACE_SUMMARY_PATH")
        if not path:
            raise NotConfigured("WILDTRACE_SUMMARY_PATH is not set")
        extension = cls(crawler, Path(path))
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(extension.engine_stopped, signal=signals.engine_stopped)
        return extension

    def spider_opened(self, spider: Spider) -> None:
        self.started_at = utc_now()

    def spider_closed(self, spider: Spider, reason: str) -> None:
        report = getattr(spider, "report", None)
        if not isinstance(report, CrawlReport):
            report = CrawlReport()
        self.closed = (spider.name, report, reason)

    def engine_stopped(self) -> None:
        if self.closed is not None:
            write_summary(self.path, self.build(*self.closed))

    def build(self, source: str, report: CrawlReport, reason: str) -> dict[str, Any]:
        stats = self.crawler.stats
        assert stats is not None  # set by the crawler before extensions are built
        body = report.summary(
            finish_reason=reason,
            items=int(stats.get_value("wildtrace/items_written", 0)),
            duplicates=int(stats.get_value("wildtrace/duplicates", 0)),
        )
        cap = self.crawler.settings.getint("WILDTRACE_MAX_PAGES")
        return {
            "source": source, "started_at": self.started_at, "finished_at": utc_now(), **body,
            **cap_fields(cap, reason == "closespider_pagecount", None),
            "egress_refused": int(stats.get_value("wildtrace/egress_refused", 0)),
            "warc_files": list(stats.get_value("wildtrace/warc_files", [])),
        }  # fmt: skip


def write_summary(path: Path, summary: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(summary, ensure_ascii=False, indent=1, sort_keys=True), "utf-8")
    os.replace(tmp, path)
