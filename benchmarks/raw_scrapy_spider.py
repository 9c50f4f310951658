"""The raw-Scrapy baseline for ``bench_crawl``: the least a spider must do to read the
bazaar demo site (follow categories, pagination and detail links; take the title).
Run with ``scrapy runspider``; the base URL comes from ``-a base=...``."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import scrapy


class RawBazaarSpider(scrapy.Spider):
    name = "raw-bazaar"

    def __init__(self, base: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.start_urls = [base.rstrip("/") + "/"]

    def parse(self, response: Any) -> Iterator[Any]:
        for href in response.css("a.category::attr(href), a.next::attr(href)").getall():
            yield response.follow(href, self.parse)
        for href in response.css("a.listing-link::attr(href)").getall():
            yield response.follow(href, self.parse_item)

    def parse_item(self, response: Any) -> Iterator[dict[str, Any]]:
        yield {"url": response.url, "title": response.css("h1.title::text").get()}
