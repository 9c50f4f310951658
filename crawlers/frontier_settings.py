"""The Scrapy settings that make a crawler a frontier worker, and the item sink they name.

Scrapy deep-copies its settings, and a sink holds a store (connections), so the settings
carry the sink's id (``register_sink``) and the scheduler (``crawlers.frontier_scrapy``)
looks it up.
"""

from __future__ import annotations

from typing import Any, Protocol


class ItemSink(Protocol):
    """Where a worker's items go (implemented by the composition root)."""

    def store_items(self, source: str, crawl_id: str, items: list[dict[str, Any]]) -> list[str]:
        """Store (and classify) the records; return the listing keys stored."""

    def crawl_done(
        self, source: str, crawl_id: str, *, complete: bool, seen: set[str], unfetched: set[str]
    ) -> None:
        """Called once per crawl, by the worker that acknowledged its last message."""


# Sinks by id: Scrapy deep-copies its settings, and a sink holds a store (connections).
SINKS: dict[str, ItemSink] = {}


def register_sink(sink: ItemSink) -> str:
    """Make ``sink`` reachable from a crawler's settings by the id returned."""
    key = f"sink-{id(sink)}"
    SINKS[key] = sink
    return key


def frontier_settings(url: str, *, prefix: str, visibility_s: float, sink: ItemSink,
                      delay: float, poll_s: float = 0.5) -> dict[str, Any]:  # fmt: skip
    """The Scrapy settings that make a crawler a frontier worker."""
    return {
        "SCHEDULER": "crawlers.frontier_scrapy.FrontierScheduler",
        "SPIDER_MIDDLEWARES": {"crawlers.frontier_middlewares.FrontierSpiderMiddleware": 1},
        # Closest to the downloader: the slot it reserves is when the request goes out,
        # after robots.txt (whose own fetch takes a slot first) and the egress policy.
        "DOWNLOADER_MIDDLEWARES": {
            "crawlers.frontier_middlewares.FrontierPoliteness": 990,
            "crawlers.robots.RobotsTxt": None,
            "crawlers.frontier_middlewares.FrontierRobots": 100,
        },
        "ITEM_PIPELINES": {}, "EXTENSIONS": {}, "DOWNLOAD_DELAY": 0.0,
        "CLOSESPIDER_PAGECOUNT": 0, "CLOSESPIDER_TIMEOUT": 0,
        "WILDTRACE_REDIS_URL": url, "WILDTRACE_FRONTIER_PREFIX": prefix,
        "WILDTRACE_VISIBILITY_S": visibility_s, "WILDTRACE_ITEM_SINK": register_sink(sink),
        "WILDTRACE_POLITE_DELAY": delay, "WILDTRACE_POLL_S": poll_s,
    }  # fmt: skip
