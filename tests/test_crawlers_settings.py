"""Scrapy settings from crawl options + profile: politeness is the stricter of the two."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from crawlers.profiles import find_profile
from crawlers.settings import NOT_LOADED, CrawlOptions, CrawlPaths, build_scrapy_settings


def test_settings_follow_options_and_profile(tmp_path: Path) -> None:
    profile = replace(find_profile("bazaar"), concurrency=2, delay=1.5, max_pages=100)
    options = CrawlOptions.from_dict(
        {"user_agent": "wt/9", "contact": "me@x.test", "concurrency": 8, "delay": 0.5,
         "max_pages": 50, "retries": 3, "timeout": 7, "max_response_bytes": 1000,
         "obey_robots": True, "autothrottle": False, "enabled": ["ignored"]}
    )  # fmt: skip
    paths = CrawlPaths(tmp_path, tmp_path / "ev")
    s = build_scrapy_settings(profile, options, paths, time_limit=30)
    assert s["USER_AGENT"] == "wt/9 (me@x.test)"
    assert s["ROBOTSTXT_OBEY"] is True
    assert (s["CONCURRENT_REQUESTS_PER_DOMAIN"], s["DOWNLOAD_DELAY"]) == (2, 1.5)
    assert (s["WILDTRACE_MAX_PAGES"], s["CLOSESPIDER_TIMEOUT"]) == (50, 30)
    assert s["CLOSESPIDER_PAGECOUNT"] == 0  # images do not count (crawlers.caps)
    assert (s["RETRY_TIMES"], s["DOWNLOAD_TIMEOUT"], s["DOWNLOAD_MAXSIZE"]) == (3, 7.0, 1000)
    assert s["DOWNLOAD_WARNSIZE"] == 500
    assert s["AUTOTHROTTLE_ENABLED"] is False
    assert s["TELNETCONSOLE_ENABLED"] is False
    assert s["HTTPCACHE_ENABLED"] is False
    assert (s["LOG_LEVEL"], s["LOG_FILE"]) == ("INFO", str(tmp_path / "crawl.log"))
    assert s["WILDTRACE_ITEMS_PATH"] == str(tmp_path / "items.jsonl")


def test_switched_off_components_leave_scrapy_s_base_lists(tmp_path: Path) -> None:
    from scrapy.settings import default_settings

    s = build_scrapy_settings(
        find_profile("bazaar"), CrawlOptions(), CrawlPaths(tmp_path, tmp_path)
    )
    assert (s["TELNETCONSOLE_ENABLED"], s["REMOTE_CONTROL_ENABLED"]) == (False, False)
    assert (s["COOKIES_ENABLED"], s["HTTPCACHE_ENABLED"]) == (False, False)
    for name, left_out in NOT_LOADED.items():
        scrapy_base = getattr(default_settings, name)
        assert set(left_out) <= set(scrapy_base)  # still Scrapy's names (an upgrade may move them)
        assert s[name] == {k: v for k, v in scrapy_base.items() if k not in left_out}
    # Everything else stays, e.g. robots.txt, retries, redirects, decompression limits.
    assert (
        "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware"
        in s["DOWNLOADER_MIDDLEWARES_BASE"]
    )
    assert (
        "scrapy.downloadermiddlewares.httpcompression.HttpCompressionMiddleware"
        in s["DOWNLOADER_MIDDLEWARES_BASE"]
    )
    assert "scrapy.extensions.throttle.AutoThrottle" in s["EXTENSIONS_BASE"]


def test_options_reject_bad_values() -> None:
    assert CrawlOptions.from_dict(None) == CrawlOptions()
    assert CrawlOptions.from_dict({"delay": 1}).delay == 1.0
    for bad in ({"concurrency": "many"}, {"obey_robots": "yes"}, {"delay": -1}, {"retries": True}):
        with pytest.raises(ValueError, match="crawl setting"):
            CrawlOptions.from_dict(bad)
