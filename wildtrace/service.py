"""The long-running jobs the commands start: the main job (once, or for ever with the web
app, the scheduler and the demo sites) and the web app alone.

Commands parse arguments and call these; these only assemble what
``wildtrace.components`` builds and what ``wildtrace.pipeline`` runs.
"""

from __future__ import annotations

import json
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import TYPE_CHECKING, Any

from index.base import AlertFilter, StoreUnavailableError
from wildtrace import components, pipeline
from wildtrace.config import Settings
from wildtrace.reports import Progress, describe_demo_result, summarize
from wildtrace.scheduler import make_scheduler, sync_jobs, sync_outreach_jobs

if TYPE_CHECKING:
    from wildtrace.demo import DemoSites


@contextmanager
def _demo(settings: Settings, progress: Progress) -> Iterator[DemoSites | None]:
    """The demo sites when enabled (advancing their epoch), else nothing."""
    if not settings.demo.enabled:
        yield None
        return
    if settings.image.enabled:  # the demo's story: a partner shared its case-photo hashes
        from wildtrace.imaging import seed_demo_bank

        progress(f"demo partner hash bank: {seed_demo_bank(settings)} new entries")
    with components.demo_sites(settings) as sites:
        progress("demo sites: " + "  ".join(f"{k}={v}" for k, v in sites.urls.items()))
        yield sites


def run_once(settings: Settings, sources: list[str] | None, progress: Progress) -> dict[str, Any]:
    """Crawl every enabled source once; the summary's ``line`` is the run's result."""
    pipeline.preflight(settings, sources)
    with _demo(settings, progress) as sites, components.open_components(settings) as comps:
        reports = pipeline.crawl_sources(settings, comps, sources, progress=progress)
        try:
            total_alerts: int | None = comps.store.count_alerts(AlertFilter())
            if sites is not None:
                progress(describe_demo_result(comps.store, sites.epoch))
        except StoreUnavailableError as exc:
            # Writes were spooled; the queue's size is unknown until the store is back.
            progress(f"store unavailable, alert count unknown: {exc}")
            total_alerts = None
    summary = summarize(reports, total_alerts)
    progress("detail: " + json.dumps(summary["detail"], ensure_ascii=False))
    return summary


def outreach_intervals(settings: Settings) -> dict[str, float]:
    """Seconds between runs of each outreach job (0: not scheduled)."""
    feeds, mail = settings.feeds, settings.mail
    return {
        "push": float(feeds.push_interval_seconds),
        # Re-checks run often in small batches; each item is due every recheck interval.
        "recheck": 60 * min(feeds.recheck_interval_minutes, 15.0),
        "digest": 0.0 if mail.mode == "off" else 60 * mail.digest_interval_minutes,
    }


def wait_for_signal() -> None:
    """Block until SIGINT or SIGTERM (main thread only)."""
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    stop.wait()


def run_forever(
    settings: Settings, sources: list[str] | None, config_path: str | None, progress: Progress
) -> None:
    """Demo sites, web app, a first crawl of every source, then the scheduler, until a
    signal arrives; everything is stopped in reverse order."""
    from web.server import start_in_thread

    pipeline.preflight(settings, sources)
    with ExitStack() as stack:
        stack.enter_context(_demo(settings, progress))
        store = stack.enter_context(components.store_session(settings))
        accounts = stack.enter_context(components.accounts_session(settings))
        graph = stack.enter_context(components.network_session(settings))
        web = start_in_thread(
            components.web_app(settings, store, accounts, graph),
            settings.web.host,
            settings.web.port,
        )
        stack.callback(web.stop)
        progress(f"alert queue: {web.url}/")
        first: list[str] = []  # said now, and again at the end where it is not scrolled away
        components.ensure_first_admin(
            accounts, lambda line: first.append(f"{line}; sign in at {web.url}/login")
        )
        for line in first:
            progress(line)
        with components.open_components(settings) as comps:
            pipeline.crawl_sources(settings, comps, sources, progress=progress)
        if settings.scheduler.enabled:
            scheduler = make_scheduler(
                settings.data_dir / "scheduler.db",
                misfire_grace_seconds=settings.scheduler.misfire_grace_seconds,
            )
            scheduler.start()
            stack.callback(scheduler.shutdown, wait=False)
            jobs = sync_jobs(scheduler, pipeline.schedules(settings, sources), config_path)
            progress(f"scheduler: {len(jobs)} source(s) on their schedules")
            extra = sync_outreach_jobs(scheduler, outreach_intervals(settings), config_path)
            progress(f"scheduler: outreach jobs {', '.join(extra) or 'none'}")
        for line in first:
            progress(line)
        progress(f"open the alert queue: {web.url}/   (Ctrl-C stops)")
        wait_for_signal()


def serve(settings: Settings, host: str, port: int) -> None:
    """Only the web app over the configured store, until uvicorn stops."""
    from web.server import serve as serve_app

    with (
        components.store_session(settings) as store,
        components.accounts_session(settings) as accounts,
        components.network_session(settings) as graph,
    ):
        components.ensure_first_admin(accounts, lambda line: print(line, file=sys.stderr))
        serve_app(components.web_app(settings, store, accounts, graph), host, port)
