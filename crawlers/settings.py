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


def build_scrapy_settings(
    profile: Profile, options: CrawlOptions, paths: CrawlPaths, time_limit: float = 0.0
) -> dict[str, Any]:
    """The complete Scrapy settings dict for crawling ``profile``.

    ``time_limit`` > 0 makes the spider close itself (``closespider_timeout``: summary
    written, crawl not complete) before the runner would have to kill it."""
    concurrency, delay, max_pages = effective_politeness(profile, options)
    return {
        "BOT_NAME": "wildtrace",
        "SPIDER_MODULES": [],
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
        "DOWNLOAD_DELAY": delay,
        # Every response counts, images included: a hard safety cap on one crawl.
        "CLOSESPIDER_PAGECOUNT": max_pages,
        "CLOSESPIDER_TIMEOUT": max(0.0, time_limit),
        "TELNETCONSOLE_ENABLED": False,
        "REMOTE_CONTROL_ENABLED": False,  # Scrapy >= 2.15 opens a control port; we want none
        "HTTPCACHE_ENABLED": False,
        "COOKIES_ENABLED": False,
        "LOG_LEVEL": "INFO",
        "LOG_FILE": str(paths.log),
        "LOG_FILE_APPEND": False,
        "ITEM_PIPELINES": {"crawlers.pipelines.JsonLinesPipeline": 300},
        "EXTENSIONS": {"crawlers.extensions.CrawlSummary": 500},
        "WILDTRACE_ITEMS_PATH": str(paths.items),
        "WILDTRACE_SUMMARY_PATH": str(paths.summary),
        "WILDTRACE_EVIDENCE_DIR": str(paths.evidence_dir),
        "WILDTRACE_DOWNLOAD_IMAGES": options.download_images,
        "WILDTRACE_MAX_IMAGE_BYTES": options.max_image_bytes,
    }
