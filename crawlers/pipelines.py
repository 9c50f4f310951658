"""Item pipeline: each record becomes one JSON line in the crawl's items file.

The file is flushed after every line, so a crawl killed half-way still leaves every
record it finished, and a reader (``crawlers.runner.iter_items``) can skip a torn last
line. Listing ids already written in this crawl are dropped and counted as duplicates.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import IO, Any

from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem, NotConfigured
from scrapy.statscollectors import StatsCollector


class JsonLinesPipeline:
    def __init__(self, path: Path, stats: StatsCollector | None = None) -> None:
        self.path = path
        self.stats = stats
        self.seen: set[str] = set()
        self.duplicates = 0
        self.written = 0
        self._handle: IO[str] | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> JsonLinesPipeline:
        path = crawler.settings.get("WILDTRACE_ITEMS_PATH")
        if not path:
            raise NotConfigured("WILDTRACE_ITEMS_PATH is not set")
        return cls(Path(path), crawler.stats)

    def open_spider(self, spider: Spider | None = None) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._handle = self.path.open("w", encoding="utf-8")

    def close_spider(self, spider: Spider | None = None) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None

    def process_item(self, item: dict[str, Any], spider: Spider | None = None) -> dict[str, Any]:
        key = str(item.get("listing_id"))
        if key in self.seen:
            self.duplicates += 1
            if self.stats is not None:
                self.stats.inc_value("wildtrace/duplicates")
            raise DropItem(f"duplicate listing id {key!r} in this crawl")
        if self._handle is None:
            raise RuntimeError("pipeline used before open_spider")
        self.seen.add(key)
        self._handle.write(json.dumps(item, ensure_ascii=False, sort_keys=True) + "\n")
        self._handle.flush()
        self.written += 1
        if self.stats is not None:
            self.stats.inc_value("wildtrace/items_written")
        return item
