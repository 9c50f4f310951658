"""Scrapy settings for one crawl, built from plain crawl options and a site profile.

``crawlers`` never imports ``wildtrace.config``: the composition root passes
``dataclasses.asdict(settings.crawl)`` (a plain dict) and ``CrawlOptions.from_dict`` keeps
the keys it knows. ``CrawlOptions`` is the one source of the crawl defaults (the
``[crawl]`` settings take theirs from it) and ``from_dict`` the one validator of crawl
options (``wildtrace.config`` runs it when settings load). A profile may only make a
crawl *politer* than the global options: concurrency and page cap are the minimum of
both, the delay the maximum.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, get_type_hints

from common.checks import check_value
from crawlers.profiles import Profile


@dataclass(frozen=True)
class CrawlOptions:
    """The crawl settings the spider needs (mirrors ``[crawl]`` in the wildtrace settings)."""

    user_agent: str = "wildtrace/0.1 (+wildlife-trade research crawler)"
    contact: str = "abuse@wildtrace.invalid"
    obey_robots: bool = True
    concurrency: int = 4
    delay: float = 0.0
    autothrottle: bool = True
    retries: int = 2
    timeout: float = 20.0
    max_response_bytes: int = 5_000_000
    max_pages: int = 2000
    download_images: bool = True
    max_image_bytes: int = 3_000_000
    max_images: int = 20_000  # image requests per crawl (apart from max_pages)
    max_links_per_page: int = 1000
    sources_dir: str = ""
    data_dir: str = ""  # evidence defaults to <data_dir>/evidence when set

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> CrawlOptions:
        """Known keys only (others, such as ``enabled``, are ignored); types are checked
        and numbers must not be negative."""
        hints = get_type_hints(cls)
        values: dict[str, Any] = {}
        for f in fields(cls):
            if data is None or f.name not in data:
                continue
            try:
                values[f.name] = check_value(data[f.name], hints[f.name], minimum=0)
            except ValueError as exc:
                raise ValueError(f"crawl setting {f.name!r}: {exc}") from exc
        return cls(**values)


@dataclass(frozen=True)
class CrawlPaths:
    """Where one crawl writes: items (JSON lines), summary, Scrapy log, subprocess stderr."""

    output_dir: Path
    evidence_dir: Path

    @property
    def items(self) -> Path:
        return self.output_dir / "items.jsonl"

    @property
    def summary(self) -> Path:
        return self.output_dir / "summary.json"

    @property
    def log(self) -> Path:
        return self.output_dir / "crawl.log"

    @property
    def stderr(self) -> Path:
        return self.output_dir / "stderr.log"


def effective_politeness(profile: Profile, options: CrawlOptions) -> tuple[int, float, int]:
    """(concurrency, delay, max_pages): the politer of profile and global options."""
    concurrency = min(options.concurrency, profile.concurrency or options.concurrency)
    delay = max(options.delay, profile.delay or 0.0)
    max_pages = min(options.max_pages, profile.max_pages or options.max_pages)
    return max(1, concurrency), delay, max(1, max_pages)


# Fixed for every crawl: the bot's name, no spider discovery, no remote consoles, caches
# or cookies, and the log level.
_FIXED: dict[str, Any] = {
    "BOT_NAME": "wildtrace",
    "SPIDER_MODULES": [],
    "TELNETCONSOLE_ENABLED": False,
    "REMOTE_CONTROL_ENABLED": False,  # Scrapy >= 2.15 opens a control port; we want none
    "HTTPCACHE_ENABLED": False,
    "COOKIES_ENABLED": False,
    "LOG_LEVEL": "INFO",
    # Scrapy's check that a generator callback returns no value re-reads and parses the
    # callback's source for every response (its cache is keyed by bound methods, which
    # die with their request): ~4% of a crawl's CPU for a lint of our own spider.
    "WARN_ON_GENERATOR_RETURN_VALUE": False,
}
# Components the settings above switch off, taken out of Scrapy's base lists so that they
# are not even imported: Scrapy imports each one only to be told "not configured" (and
# imports any class named in EXTENSIONS or DOWNLOADER_MIDDLEWARES, even to disable it).
# The remote control alone imports aiohttp, ~0.17 s of every crawl's start-up before the
# first request; the cookie middleware imports tldextract.
NOT_LOADED = {
    "EXTENSIONS_BASE": (
        "scrapy.extensions.telnet.TelnetConsole",
        "scrapy.extensions.remote_control.RemoteControl",
    ),
    "DOWNLOADER_MIDDLEWARES_BASE": (
        "scrapy.downloadermiddlewares.cookies.CookiesMiddleware",
        "scrapy.downloadermiddlewares.httpcache.HttpCacheMiddleware",
    ),
}


def _bases_without_switched_off() -> dict[str, dict[str, int]]:
    """Scrapy's base component lists less ``NOT_LOADED`` (Scrapy is imported here, in
    the crawl process, not by everything that reads crawl options)."""
    from scrapy.settings import default_settings

    return {
        name: {k: v for k, v in getattr(default_settings, name).items() if k not in left_out}
        for name, left_out in NOT_LOADED.items()
    }


def build_scrapy_settings(
    profile: Profile, options: CrawlOptions, paths: CrawlPaths, time_limit: float = 0.0
) -> dict[str, Any]:
    """The complete Scrapy settings dict for crawling ``profile``.

    ``time_limit`` > 0 makes the spider close itself (``closespider_timeout``: summary
    written, crawl not complete) before the runner would have to kill it."""
    concurrency, delay, max_pages = effective_politeness(profile, options)
    return {
        "USER_AGENT": f"{options.user_agent} ({options.contact})",
        "ROBOTSTXT_OBEY": options.obey_robots,
        "AUTOTHROTTLE_ENABLED": options.autothrottle,
        "AUTOTHROTTLE_START_DELAY": max(delay, 1.0),
        "AUTOTHROTTLE_TARGET_CONCURRENCY": float(concurrency),
        "RETRY_ENABLED": options.retries > 0,
        "RETRY_TIMES": options.retries,
        "DOWNLOAD_TIMEOUT": options.timeout,
        "DOWNLOAD_MAXSIZE": options.max_response_bytes,
        "DOWNLOAD_WARNSIZE": options.max_response_bytes // 2,
        "CONCURRENT_REQUESTS": max(16, concurrency),
        "CONCURRENT_REQUESTS_PER_DOMAIN": concurrency,
        # Scrapy starts this many asyncio tasks per callback's output; our item pipeline
        # is synchronous and quick, so 100 (the default) was pure overhead per response.
        "CONCURRENT_ITEMS": 8,
        "DOWNLOAD_DELAY": delay,
        "CLOSESPIDER_PAGECOUNT": 0,  # pages only, by crawlers.caps (images have their own)
        "CLOSESPIDER_TIMEOUT": max(0.0, time_limit),
        **_FIXED,
        **_bases_without_switched_off(),
        "LOG_FILE": str(paths.log),
        "LOG_FILE_APPEND": False,
        "ITEM_PIPELINES": {"crawlers.pipelines.JsonLinesPipeline": 300},
        "EXTENSIONS": {"crawlers.extensions.CrawlSummary": 500},
        # Next to the downloader: every request, redirect hop and robots.txt passes the
        # egress policy after everything else has shaped it; its responses are checked
        # (peer address) before anything records them. Only the page cap (which changes
        # no request) comes after it: it counts the pages that robots.txt and the egress
        # policy let go out.
        "DOWNLOADER_MIDDLEWARES": {
            # Scrapy's own lets requests that waited for robots.txt through unchecked.
            "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
            "crawlers.robots.RobotsTxt": 100,
            "crawlers.caps.PageCap": 970,
            "crawlers.egress_middleware.EgressMiddleware": 960,
            "crawlers.warc_middleware.WarcMiddleware": 950,
        },
        **_wildtrace_settings(options, paths, max_pages),
    }


def _wildtrace_settings(options: CrawlOptions, paths: CrawlPaths, max_pages: int) -> dict[str, Any]:
    """Our own components' settings (``WILDTRACE_*``): outputs, caps, images."""
    return {
        "WILDTRACE_ITEMS_PATH": str(paths.items),
        "WILDTRACE_SUMMARY_PATH": str(paths.summary),
        "WILDTRACE_EVIDENCE_DIR": str(paths.evidence_dir),
        "WILDTRACE_DOWNLOAD_IMAGES": options.download_images,
        "WILDTRACE_MAX_IMAGE_BYTES": options.max_image_bytes,
        "WILDTRACE_MAX_PAGES": max_pages,
        "WILDTRACE_MAX_IMAGES": options.max_images,
        "WILDTRACE_MAX_LINKS_PER_PAGE": max(1, options.max_links_per_page),
    }
