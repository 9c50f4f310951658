"""Extension that writes the crawl summary JSON when the spider closes.

The summary is the contract with the composition root: ``items`` written, ``pages``
fetched, ``errors`` with samples (URL + error), and ``complete`` — true only when Scrapy
finished normally (not cancelled, not cut by the page cap) and no list/pagination page
failed. Written atomically (temp file + rename) so a reader never sees half a summary.
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
from crawlers.report import CrawlReport


class CrawlSummary:
    def __init__(self, crawler: Crawler, path: Path) -> None:
        self.crawler = crawler
        self.path = path
        self.started_at = utc_now()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlSummary:
        path = crawler.settings.get("WILDTRACE_SUMMARY_PATH")
        if not path:
            raise NotConfigured("WILDTRACE_SUMMARY_PATH is not set")
        extension = cls(crawler, Path(path))
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_opened(self, spider: Spider) -> None:
        self.started_at = utc_now()

    def spider_closed(self, spider: Spider, reason: str) -> None:
        report = getattr(spider, "report", None)
        if not isinstance(report, CrawlReport):
            report = CrawlReport()
        write_summary(self.path, self.build(spider.name, report, reason))

    def build(self, source: str, report: CrawlReport, reason: str) -> dict[str, Any]:
        stats = self.crawler.stats
        assert stats is not None  # set by the crawler before extensions are built
        body = report.summary(
            finish_reason=reason,
            items=int(stats.get_value("wildtrace/items_written", 0)),
            duplicates=int(stats.get_value("wildtrace/duplicates", 0)),
        )
        return {"source": source, "started_at": self.started_at, "finished_at": utc_now(), **body}


def write_summary(path: Path, summary: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(summary, ensure_ascii=False, indent=1, sort_keys=True), "utf-8")
    os.replace(tmp, path)
