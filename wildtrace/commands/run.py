"""``wildtrace run``: the main job.

``--once`` crawls every enabled source once, processes everything and prints one JSON
summary as the last line of stdout. Without it, the demo sites (when enabled), the web
app and the scheduler run until interrupted; a first crawl of every source runs at once
so the queue fills while you watch.
"""

from __future__ import annotations

import argparse
import json
import logging
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import replace
from typing import Any

from index.base import AlertFilter, StoreUnavailableError
from wildtrace import pipeline
from wildtrace.config import Settings
from wildtrace.reports import describe_demo_result, summarize
from wildtrace.scheduler import make_scheduler, sync_jobs

log = logging.getLogger(__name__)


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@contextmanager
def demo_sites(settings: Settings) -> Iterator[Any]:
    """Start the shipped demo sites on their configured ports, advancing their epoch."""
    if not settings.demo.enabled:
        yield None
        return
    from wildtrace.demo import DemoSites

    demo = settings.demo
    sites = DemoSites(host=demo.host, ports=(demo.market_port, demo.api_port, demo.social_port))
    sites.start()
    stop = threading.Event()

    def advance() -> None:
        while not stop.wait(demo.epoch_seconds):
            sites.set_epoch(sites.epoch + 1)
            log.info("demo sites moved to epoch %d", sites.epoch)

    ticker = threading.Thread(target=advance, name="demo-epoch", daemon=True)
    ticker.start()
    _progress("demo sites: " + "  ".join(f"{k}={v}" for k, v in sites.urls.items()))
    try:
        yield sites
    finally:
        stop.set()
        sites.stop()


def run_once(settings: Settings, sources: list[str] | None) -> int:
    with demo_sites(settings) as sites, pipeline.open_components(settings) as comps:
        reports = pipeline.crawl_sources(comps, sources, progress=_progress)
        try:
            total_alerts: int | None = comps.store.count_alerts(AlertFilter())
            if sites is not None:
                _progress(describe_demo_result(comps.store, sites.epoch))
        except StoreUnavailableError as exc:
            # Writes were spooled; the queue's size is unknown until the store is back.
            _progress(f"store unavailable, alert count unknown: {exc}")
            total_alerts = None
    summary = summarize(reports, total_alerts)
    _progress("detail: " + json.dumps(summary["detail"], ensure_ascii=False))
    print(json.dumps(summary["line"]), flush=True)
    return 0


def _wait_for_signal() -> None:
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    stop.wait()


def run_forever(settings: Settings, sources: list[str] | None, config_path: str | None) -> int:
    from web.app import create_app
    from web.server import start_in_thread

    with ExitStack() as stack:
        stack.enter_context(demo_sites(settings))
        store = pipeline.open_store(settings)
        stack.callback(store.close)
        web = start_in_thread(
            create_app(store, page_size=settings.web.page_size),
            settings.web.host,
            settings.web.port,
        )
        stack.callback(web.stop)
        _progress(f"alert queue: {web.url}/")
        with pipeline.open_components(settings) as comps:
            pipeline.crawl_sources(comps, sources, progress=_progress)
        if settings.scheduler.enabled:
            scheduler = make_scheduler(
                settings.data_dir / "scheduler.db",
                misfire_grace_seconds=settings.scheduler.misfire_grace_seconds,
            )
            scheduler.start()
            stack.callback(scheduler.shutdown, wait=False)
            jobs = sync_jobs(scheduler, pipeline.schedules(settings, sources), config_path)
            _progress(f"scheduler: {len(jobs)} source(s) on their schedules")
        _progress(f"open the alert queue: {web.url}/   (Ctrl-C stops)")
        _wait_for_signal()
    return 0


def _handle(args: argparse.Namespace, settings: Settings) -> int:
    if args.no_demo:
        settings = replace(settings, demo=replace(settings.demo, enabled=False))
    sources = args.sources.split(",") if args.sources else None
    if args.once:
        return run_once(settings, sources)
    return run_forever(settings, sources, args.config)


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser("run", help="crawl, classify, store and alert (the main job)")
    parser.add_argument("--once", action="store_true", help="crawl every source once and exit")
    parser.add_argument("--no-demo", action="store_true", help="do not start the demo sites")
    parser.add_argument("--sources", help="comma-separated profile names (default: all enabled)")
    parser.set_defaults(handler=_handle)
