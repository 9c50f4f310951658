"""robots.txt holds for every request that waited for it (``crawlers.robots``).

Scrapy's middleware handed each request after the first two that waited for a host's
robots.txt ``None`` ("no robots.txt") and let it through; a frontier worker meeting a
crawl with many requests to a host it had not read robots.txt for fetched forbidden
pages. The race is made certain here: robots.txt's download is held until every request
is waiting on it."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request, TextResponse
from scrapy.utils.test import get_crawler

from crawlers.frontier_middlewares import FrontierRobots
from crawlers.profiles import find_profile
from crawlers.robots import RobotsTxt
from crawlers.settings import CrawlOptions, CrawlPaths, build_scrapy_settings

ROBOTS = b"User-agent: *\nDisallow: /private/\n"


class GatedEngine:
    """Stands in for the engine's ``download_async``: serves robots.txt once ``gate`` is
    set, so the test decides when the file arrives."""

    def __init__(self) -> None:
        self.gate, self.started = asyncio.Event(), asyncio.Event()
        self.fetched: list[str] = []

    async def download_async(self, request: Request) -> TextResponse:
        self.fetched.append(request.url)
        self.started.set()
        await self.gate.wait()
        return TextResponse(request.url, body=ROBOTS)


async def _decisions(
    cls: type[RobotsTxtMiddleware], paths: list[str]
) -> tuple[list[str], list[str]]:
    """Each request's outcome ("refused"/"allowed") when all of them wait for robots.txt."""
    crawler = get_crawler(settings_dict={"ROBOTSTXT_OBEY": True})
    engine = GatedEngine()
    crawler.engine = engine  # type: ignore[assignment]
    middleware = cls.from_crawler(crawler)
    pending = [
        asyncio.ensure_future(middleware.process_request(Request(f"http://site.test{p}")))
        for p in paths
    ]
    await engine.started.wait()  # the first request has started robots.txt's download
    for _ in range(10):  # and every other one is waiting for it
        await asyncio.sleep(0)
    engine.gate.set()
    results = await asyncio.gather(*pending, return_exceptions=True)
    outcome = ["refused" if isinstance(r, IgnoreRequest) else "allowed" for r in results]
    return outcome, engine.fetched


@pytest.mark.parametrize("cls", [RobotsTxt, FrontierRobots])
def test_every_request_waiting_for_robots_txt_is_checked_against_it(
    cls: type[RobotsTxtMiddleware],
) -> None:
    paths = [f"/private/item/{n}" for n in range(6)] + ["/item/open"]
    outcome, fetched = asyncio.run(_decisions(cls, paths))
    assert outcome == ["refused"] * 6 + ["allowed"]
    assert fetched == ["http://site.test/robots.txt"]  # read once for all of them


def test_scrapys_own_middleware_lets_later_waiters_through() -> None:
    """The defect this module exists for; when an upgrade fixes it, this fails and
    ``crawlers.robots`` can go."""
    outcome, _ = asyncio.run(_decisions(RobotsTxtMiddleware, [f"/private/{n}" for n in range(4)]))
    assert "allowed" in outcome


def test_one_process_crawls_use_the_fixed_middleware(tmp_path: Path) -> None:
    paths = CrawlPaths(tmp_path, tmp_path / "ev")
    s = build_scrapy_settings(find_profile("bazaar"), CrawlOptions(), paths)
    middlewares = {**s["DOWNLOADER_MIDDLEWARES_BASE"], **s["DOWNLOADER_MIDDLEWARES"]}
    assert middlewares["scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware"] is None
    assert middlewares["crawlers.robots.RobotsTxt"] == 100
