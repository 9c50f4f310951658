"""Distributed mode: ``wildtrace worker`` processes and the scheduler's side of the frontier.

Design notes
------------
* The scheduler (``wildtrace run`` with ``frontier.enabled``) does not crawl: each due
  crawl becomes one ``start`` message on the source's Redis stream (``enqueue_crawl``);
  ``crawl_now`` does the same on demand (the CLI's ``crawl-now``; the desk's Sources page
  through ``DeskRecrawler``, which crawls in a background thread when not distributed).
  A source with a crawl still open is not started twice.
* A worker runs one long-lived Scrapy crawler per enabled source in one process, all
  taking messages from the shared frontier (see ``crawlers.frontier`` for the queue,
  its reliability and why Redis Streams). Items go through ``WorkerSink``: the same
  ``ingest`` as a local crawl (upsert, classify what is fresh, alerts), one response's
  records at a time, before the message is acknowledged.
* Removals: only the worker that acknowledges a crawl's last message decides them, with
  the crawl's stored keys from Redis, and only when the crawl's summary says
  ``complete`` (no list page failed, no message given up, the page cap not reached) —
  the same rule as a local crawl.
* Crawl-level protections are the same as in one process: each worker's crawler has
  the crawl's downloader middlewares (egress, WARC), Scrapy's robots.txt, redirect and
  size limits from the same settings, and the page cap and summary live in Redis per
  crawl (``crawlers.frontier_crawls``); ``crawl_summary`` reads the summary.
* Any number of workers on any number of machines may share one Redis and one store
  (Elasticsearch; SQLite only for workers on one machine). Evidence files are written
  by whichever worker fetched the page: give the workers a shared ``data.dir``.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from common.clock import utc_now
from crawlers import frontier_crawls
from crawlers.base import Listing
from crawlers.frontier import Frontier
from crawlers.frontier_scrapy import frontier_settings
from crawlers.profiles import Profile
from crawlers.settings import CrawlOptions, CrawlPaths, build_scrapy_settings, effective_politeness
from index.base import StoreUnavailableError
from wildtrace.components import Components, open_components
from wildtrace.config import Settings
from wildtrace.ingest import ingest
from wildtrace.pipeline import crawl_settings, demo_base_urls, enabled_profiles, run_sources

log = logging.getLogger(__name__)


def open_frontier(settings: Settings) -> Frontier:
    f = settings.frontier
    return Frontier(f.redis_url, prefix=f.prefix, visibility_s=f.visibility_timeout,
                    max_deliveries=f.max_deliveries)  # fmt: skip


def page_cap(settings: Settings, source: str) -> int:
    """The crawl's page cap: ``[crawl] max_pages`` or the profile's, the lower (as in one
    process, ``effective_politeness``); 0 for a source with no enabled profile."""
    options = CrawlOptions.from_dict(crawl_settings(settings))
    for profile in enabled_profiles(settings, [source]):
        return effective_politeness(profile, options)[2]
    return 0


def enqueue_crawl(settings: Settings, source: str) -> tuple[str, bool]:
    """Put a crawl of ``source`` on the frontier: ``(crawl id, started)``; ``started`` is
    false when a crawl of that source is still open (its id is returned). The crawl
    carries its page cap, which every worker enforces (``crawlers.frontier_crawls``)."""
    frontier = open_frontier(settings)
    crawl_id, started = frontier.start_crawl(source, max_pages=page_cap(settings, source))
    log.info("%s crawl %s of %s", "enqueued" if started else "still running:", crawl_id, source)
    return crawl_id, started


def crawl_summary(settings: Settings, crawl_id: str) -> dict[str, Any]:
    """A distributed crawl's summary, assembled across its workers (``KeyError``: no such
    crawl on the frontier, or expired)."""
    return frontier_crawls.summary(open_frontier(settings), crawl_id)


def crawl_now(settings: Settings, source: str) -> dict[str, Any]:
    """Re-crawl one source now: on the frontier in distributed mode, else in this process
    (crawl, classify, store, alert). The CLI's hook; the desk's is ``DeskRecrawler``."""
    if source not in {p.name for p in enabled_profiles(settings)}:
        raise ValueError(f"no enabled source named {source!r}")
    if settings.frontier.enabled:
        crawl_id, started = enqueue_crawl(settings, source)
        return {"source": source, "mode": "frontier", "crawl": crawl_id, "started": started}
    [report] = run_sources(settings, [source])
    return {"source": source, "mode": "local", "report": report.to_dict()}


class DeskRecrawler:
    """The desk's "Re-crawl now" (``web.recrawl.Recrawler``): ``crawl_now`` in the background.
    A source whose local crawl is still running is not started again (pressing the button
    twice must not start two crawls of one site; the frontier has the same rule)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._lock = threading.Lock()
        self._running: dict[str, threading.Thread] = {}

    def sources(self) -> list[str]:
        return sorted(p.name for p in enabled_profiles(self.settings))

    def start(self, source: str) -> dict[str, Any]:
        if self.settings.frontier.enabled:
            return crawl_now(self.settings, source)
        if source not in self.sources():
            raise ValueError(f"no enabled source named {source!r}")
        with self._lock:
            running = self._running.get(source)
            if running is not None and running.is_alive():
                return {"source": source, "mode": "local", "started": False}
            thread = threading.Thread(target=run_sources, args=(self.settings, [source]),
                                      name=f"crawl-now-{source}", daemon=True)  # fmt: skip
            self._running[source] = thread
            thread.start()
        return {"source": source, "mode": "local", "started": True}


class WorkerSink:
    """Stores what a worker's crawlers produce (the ``ItemSink`` of the crawl stage)."""

    def __init__(self, comps: Components) -> None:
        self.comps = comps
        self.stored = 0

    def store_items(self, source: str, crawl_id: str, items: list[dict[str, Any]]) -> list[str]:
        listings = []
        for item in items:
            try:
                listings.append(Listing.from_dict(item))
            except (ValueError, TypeError) as exc:  # hostile record: say where, go on
                log.error("crawl %s of %s: skipped record %s: %s", crawl_id, source,
                          str(item.get("url"))[:200], exc)  # fmt: skip
        comps = self.comps
        report = ingest(source, listings, store=comps.store, classifier=comps.classifier,
                        rules=comps.rules, batch_size=comps.batch_size, complete=False)  # fmt: skip
        if report.errors:
            # A store/classifier failure must not acknowledge the message: redo it later.
            raise RuntimeError(f"ingest of {source} failed: {report.error_samples[:1]}")
        self.stored += len(listings)
        return [x.key for x in listings]

    def crawl_done(
        self, source: str, crawl_id: str, *, complete: bool, seen: set[str], unfetched: set[str]
    ) -> None:
        if not complete:
            log.warning("crawl %s of %s incomplete: no removals marked", crawl_id, source)
            return
        not_proven = {f"{source}:{i}" for i in unfetched}
        try:
            gone = self.comps.store.active_keys(source) - seen - not_proven
            removed = self.comps.store.mark_removed(sorted(gone), utc_now())
        except StoreUnavailableError as exc:
            log.warning("store unavailable, removals of %s not marked: %s", source, exc)
            return
        log.info("crawl %s of %s done: %d listings, %d removed", crawl_id, source,
                 len(seen), removed)  # fmt: skip


def worker_scrapy_settings(
    settings: Settings, profile: Profile, sink: WorkerSink
) -> dict[str, Any]:
    options = CrawlOptions.from_dict(crawl_settings(settings))
    out = Path(settings.data_dir) / "workers" / f"{os.uname().nodename}-{os.getpid()}"
    paths = CrawlPaths(out / profile.name, Path(settings.data_dir) / "evidence")
    paths.output_dir.mkdir(parents=True, exist_ok=True)
    _, delay, _ = effective_politeness(profile, options)
    f = settings.frontier
    base = build_scrapy_settings(profile, options, paths)
    worker = frontier_settings(f.redis_url, prefix=f.prefix, visibility_s=f.visibility_timeout,
                               sink=sink, delay=delay, poll_s=f.poll_interval)  # fmt: skip
    # Added to, never replacing, the crawl's own downloader middlewares: a worker fetches
    # under the same egress policy and records the same WARC evidence as a local crawl.
    middlewares = {**base["DOWNLOADER_MIDDLEWARES"], **worker["DOWNLOADER_MIDDLEWARES"]}
    # The page cap of a crawl is shared by its workers, on the frontier (a cap per
    # worker process would let N workers fetch N caps' worth, and outlive crawls).
    middlewares.pop("crawlers.caps.PageCap")
    return {**base, **worker, "DOWNLOADER_MIDDLEWARES": middlewares}


def run_worker(
    settings: Settings, names: Sequence[str] | None = None, *, base_urls: dict[str, str] | None
) -> int:
    """Crawl from the frontier until SIGINT/SIGTERM (Scrapy stops gracefully; requests
    this worker held and did not finish return to the frontier)."""
    from scrapy.crawler import Crawler, CrawlerProcess

    from crawlers.spiders.profile_spider import ProfileSpider

    urls = demo_base_urls(settings) if base_urls is None else base_urls
    profiles = enabled_profiles(settings, names)
    if not profiles:
        log.error("no sources to work on")
        return 2
    with open_components(settings) as comps:
        sink = WorkerSink(comps)
        first = worker_scrapy_settings(settings, profiles[0], sink)
        process = CrawlerProcess({"LOG_LEVEL": first["LOG_LEVEL"], "LOG_FILE": first["LOG_FILE"]})
        for i, profile in enumerate(profiles):
            profile = profile.with_base_url(urls.get(profile.name))
            crawler = Crawler(ProfileSpider, worker_scrapy_settings(settings, profile, sink),
                              init_reactor=i == 0)  # fmt: skip
            process.crawl(crawler, profile=profile)
        log.info("worker %d on %s: %s", os.getpid(), settings.frontier.redis_url,
                 ", ".join(p.name for p in profiles))  # fmt: skip
        process.start()
        log.info("worker %d stopped after storing %d records", os.getpid(), sink.stored)
    return 0
