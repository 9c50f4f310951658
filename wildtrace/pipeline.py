"""Crawl orchestration: which sources to crawl, one Scrapy subprocess per crawl, and the
hand-over of what it captured to the core flow (``wildtrace.ingest``).

Design notes
------------
* The components come from ``wildtrace.components``; this module only decides what to
  crawl and where (profiles, demo base URLs, the plain crawl-settings dict the crawler
  subprocess receives) and turns a crawl's output into ``ingest`` arguments.
* One failing source never stops the others: its exception becomes a report with one
  error. An unreadable crawl record could be any listing, so a crawl with one is never
  treated as complete (nothing is marked removed).
"""

from __future__ import annotations

import logging
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from common.clock import utc_now
from crawlers.base import Listing
from crawlers.profiles import Profile, load_profiles
from crawlers.runner import Consumer, CrawlResult, ItemError, Waiting, run_crawl
from wildtrace import faults
from wildtrace.components import Components, open_components
from wildtrace.config import ConfigError, Settings
from wildtrace.ingest import MAX_ERROR_SAMPLES, finish_crawl, index_text, ingest_batches
from wildtrace.reports import Progress, SourceReport, describe, watch_progress
from wildtrace.scheduler import SourceSchedule

log = logging.getLogger(__name__)

# Demo source name → the DemoSettings port that serves it.
# While the crawl makes us wait, a partial batch of at least batch_size / 8 listings is
# processed rather than held (a batch has a fixed cost: one classifier call, one commit).
MIN_BATCH_DIVISOR = 8
DEMO_PORTS = {"bazaar": "market_port", "tradepost": "api_port", "wildfeed": "social_port"}


def enabled_profiles(settings: Settings, names: Sequence[str] | None = None) -> list[Profile]:
    """Profiles to crawl: ``names`` if given, else ``crawl.enabled``, else all shipped.
    Malformed profiles are reported and skipped; the others still run."""
    profiles, errors = load_profiles(settings.crawl.sources_dir or None)
    for error in errors:
        log.error("skipping site profile: %s", error)
    wanted = list(names or settings.crawl.enabled)
    if not wanted:
        return profiles
    by_name = {p.name: p for p in profiles}
    unknown = [n for n in wanted if n not in by_name]
    if unknown:
        log.error("no site profile named %s", ", ".join(unknown))
    return [by_name[n] for n in wanted if n in by_name]


def preflight(settings: Settings, names: Sequence[str] | None = None) -> None:
    """What must hold before a run touches the store; ``ConfigError`` names the setting.

    A data folder that cannot be written, a ``sources_dir`` that does not exist or a
    profile name that matches no file would otherwise run "successfully" with nothing
    crawled (``{"sources": 0, "errors": 0}``) or fail half-way through."""
    data = settings.data_dir
    try:
        data.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=data):
            pass
    except OSError as exc:
        raise ConfigError(f"[data] dir {str(data)!r} is not writable: {exc}") from exc
    folder = settings.crawl.sources_dir
    if folder and not Path(folder).is_dir():
        raise ConfigError(f"[crawl] sources_dir {folder!r}: no such folder")
    wanted = list(names or settings.crawl.enabled)
    if wanted:
        profiles, _ = load_profiles(folder or None)
        unknown = sorted(set(wanted) - {p.name for p in profiles})
        if unknown:
            where = "--sources" if names else "[crawl] enabled"
            raise ConfigError(f"{where}: no usable site profile named {', '.join(unknown)}")


def broken_profile_reports(settings: Settings) -> list[SourceReport]:
    """One report with one error per malformed profile: skipped, but counted."""
    _, errors = load_profiles(settings.crawl.sources_dir or None)
    return [
        SourceReport(f"profile:{Path(e.path).name}", errors=1,
                     error_samples=[{"url": e.path, "error": str(e)[:500]}])
        for e in errors
    ]  # fmt: skip


def schedules(settings: Settings, names: Sequence[str] | None = None) -> list[SourceSchedule]:
    return [
        SourceSchedule(p.name, interval_minutes=p.interval_minutes, cron=p.cron)
        for p in enabled_profiles(settings, names)
    ]


def demo_base_urls(settings: Settings) -> dict[str, str]:
    """Where the demo sources live when ``wildtrace run`` serves them on configured ports."""
    if not settings.demo.enabled:
        return {}
    demo = settings.demo
    return {name: f"http://{demo.host}:{getattr(demo, port)}" for name, port in DEMO_PORTS.items()}


def crawl_settings(settings: Settings) -> dict[str, Any]:
    """The plain dict the crawler subprocess receives (crawlers never import wildtrace)."""
    crawl = asdict(settings.crawl)
    crawl.pop("enabled")
    crawl.pop("sources_dir")
    crawl["data_dir"] = str(settings.data_dir)
    return crawl


def crawl(
    settings: Settings,
    profile: Profile,
    *,
    base_url: str | None,
    progress: Progress | None,
    consume: Consumer | None = None,
) -> CrawlResult:
    """Crawl one source in its own subprocess; results under ``data_dir/crawls``.
    ``consume`` gets the records while the crawl runs (``crawlers.runner.run_crawl``)."""
    out_dir = settings.data_dir / "crawls" / profile.name / utc_now().replace(":", "")
    out_dir.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    stop_watch = watch_progress(out_dir, profile.name, started, progress) if progress else None
    try:
        return run_crawl(
            profile.path or profile.name,
            output_dir=out_dir,
            base_url=base_url,
            crawl_settings=crawl_settings(settings),
            timeout=settings.crawl.subprocess_timeout,
            consume=consume,
        )
    finally:
        if stop_watch:
            stop_watch()


def crawl_and_ingest(
    settings: Settings,
    profile: Profile,
    comps: Components,
    *,
    base_url: str | None,
    progress: Progress | None,
) -> SourceReport:
    """Crawl one source in a subprocess and ingest its listings as they arrive: storing,
    classifying and alerting overlap the crawl (the subprocess holds one core, this
    process the other). Removals wait for the crawl's summary (``finish_crawl``)."""
    started = time.monotonic()
    bad_lines: list[dict[str, Any]] = []
    ingested: list[tuple[SourceReport, set[str]]] = []

    def consume(records: Iterator[Listing | ItemError | Waiting]) -> None:
        ingested.append(ingest_batches(
            profile.name, _batches(records, comps.batch_size, bad_lines), store=comps.store,
            classifier=comps.classifier, rules=comps.rules, enrich=comps.enrich,
            fuse_images=comps.images.fuse if comps.images else None,
        ))  # fmt: skip

    result = crawl(settings, profile, base_url=base_url, progress=progress, consume=consume)
    faults.boundary("crawl")
    summary = result.summary or {}
    report, seen = ingested[0]
    # An unreadable record could be any listing: then nothing may be called removed.
    finish_crawl(profile.name, comps.store, report, seen,
                 complete=result.complete and not bad_lines,
                 unfetched=summary.get("unfetched_ids") or ())  # fmt: skip
    # Added to the errors ingest counted (classifier failures), not replacing them.
    crawl_errors = int(summary.get("errors", 0)) + len(bad_lines)
    report.errors += crawl_errors + (1 if result.returncode else 0)
    samples = list(summary.get("error_samples", []))[:MAX_ERROR_SAMPLES]
    report.error_samples += samples + bad_lines[:MAX_ERROR_SAMPLES]
    report.duration_s = round(time.monotonic() - started, 3)
    if result.returncode:
        log.error("crawl of %s exited %s; see %s", profile.name, result.returncode, result.log_path)
    return report


def _batches(
    records: Iterator[Listing | ItemError | Waiting], size: int, bad_lines: list[dict[str, Any]]
) -> Iterator[list[Listing]]:
    """The crawl's records in batches of ``size``; a partial batch of at least
    ``size // MIN_BATCH_DIVISOR`` goes as soon as the crawl makes us wait (so the last
    records are not left for after the crawl), all that is left at the end. Unreadable
    lines are logged with their place and collected in ``bad_lines``."""
    batch: list[Listing] = []
    for record in records:
        if isinstance(record, ItemError):
            log.error("%s:%d: skipped crawl record: %s", record.path, record.line, record.error)
            bad_lines.append({"url": f"{record.path}:{record.line}", "error": record.error})
        elif isinstance(record, Listing):
            batch.append(record)
        waited = isinstance(record, Waiting) and len(batch) >= max(1, size // MIN_BATCH_DIVISOR)
        if waited or len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def run_sources(
    settings: Settings,
    names: Sequence[str] | None = None,
    *,
    base_urls: dict[str, str] | None = None,
    progress: Progress | None = None,
) -> list[SourceReport]:
    """Open the components, crawl and process each enabled source, close them again."""
    preflight(settings, names)
    with open_components(settings) as comps:
        return crawl_sources(settings, comps, names, base_urls=base_urls, progress=progress)


def crawl_sources(
    settings: Settings,
    comps: Components,
    names: Sequence[str] | None = None,
    *,
    base_urls: dict[str, str] | None = None,
    progress: Progress | None = None,
) -> list[SourceReport]:
    """Crawl and process each enabled source in turn; one failing source never stops the rest."""
    urls = demo_base_urls(settings) if base_urls is None else base_urls
    reports = broken_profile_reports(settings)
    for profile in enabled_profiles(settings, names):
        try:
            report = crawl_and_ingest(
                settings, profile, comps, base_url=urls.get(profile.name), progress=progress
            )
        except Exception as exc:  # one broken source must not stop the run
            log.exception("source %s failed", profile.name)
            report = SourceReport(profile.name, errors=1, error_samples=[{"error": repr(exc)}])
        reports.append(report)
        if progress:
            progress(describe(report))
    index_text(comps.store)  # also what a failed source stored before it failed
    return reports
