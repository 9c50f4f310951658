"""The one place that wires the stages: sources → crawl → classify → store → alerts.

Every other package knows only its own contract (``*/base.py``). This module builds the
concrete store, classifier and rules from settings, runs crawls (each in its own Scrapy
subprocess), and pushes what they captured forward, one direction only.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from functools import lru_cache
from itertools import islice
from pathlib import Path
from typing import Any

from alerts.rules import AlertRule, ThresholdRule, apply_rules
from classifiers.base import Classifier, Detection, TextDoc
from common.clock import utc_now
from crawlers.base import Listing
from crawlers.profiles import Profile, load_profiles
from crawlers.runner import ItemError, iter_items, run_crawl
from index.base import Store, StoreUnavailableError
from wildtrace.config import Settings
from wildtrace.reports import Progress, SourceReport, describe, watch_progress
from wildtrace.scheduler import SourceSchedule

log = logging.getLogger(__name__)

# Demo source name → the DemoSettings port that serves it.
DEMO_PORTS = {"bazaar": "market_port", "tradepost": "api_port", "wildfeed": "social_port"}


def open_store(settings: Settings) -> Store:
    """The configured backend, initialised."""
    store: Store
    if settings.store.backend == "sqlite":
        from index.sqlite import SqliteStore

        settings.sqlite_path.parent.mkdir(parents=True, exist_ok=True)
        store = SqliteStore(settings.sqlite_path)
    elif settings.store.backend == "elasticsearch":
        from index.elasticsearch import ElasticsearchStore

        store = ElasticsearchStore(
            settings.store.es_url,
            prefix=settings.store.es_prefix,
            api_key=settings.secret("es_api_key"),
            timeout=settings.store.es_timeout,
            chunk_size=settings.store.es_chunk_size,
            spool_dir=settings.data_dir / "es-spool",
        )
    else:
        raise ValueError(f"unknown store backend {settings.store.backend!r}")
    store.init()
    return store


@contextmanager
def store_session(settings: Settings) -> Iterator[Store]:
    """The configured backend, open for the ``with`` body and closed after it."""
    store = open_store(settings)
    try:
        yield store
    finally:
        store.close()


@lru_cache(maxsize=4)
def make_classifier(
    kind: str, *, model_dir: str = "", threshold: float | None = None, cascade: bool = True
) -> Classifier:
    """A text detector by kind, loaded once per process (models are slow to load)."""
    if kind == "lexicon":
        from classifiers.text.lexicon_detector import LexiconDetector

        return LexiconDetector()
    if kind == "learned":
        from classifiers.text.learned import LearnedDetector

        return LearnedDetector(model_dir or None, threshold=threshold, cascade=cascade)
    raise ValueError(f"unknown classifier kind {kind!r} (lexicon or learned)")


def build_classifier(settings: Settings) -> Classifier:
    """The configured text detector."""
    return make_classifier(
        settings.classifier.kind,
        model_dir=settings.classifier.model_dir,
        threshold=settings.classifier.queue_threshold,
        cascade=settings.classifier.cascade,
    )


def build_rules(settings: Settings) -> list[AlertRule]:
    return [ThresholdRule(settings.classifier.queue_threshold)]


@dataclass
class Components:
    settings: Settings
    store: Store
    classifier: Classifier
    rules: list[AlertRule]


@contextmanager
def open_components(settings: Settings) -> Iterator[Components]:
    store = open_store(settings)
    try:
        yield Components(settings, store, build_classifier(settings), build_rules(settings))
    finally:
        store.close()


def _batches(items: Iterable[Listing], size: int) -> Iterator[list[Listing]]:
    it = iter(items)
    while batch := list(islice(it, size)):
        yield batch


def detect(listings: Sequence[Listing], classifier: Classifier) -> list[Detection]:
    """The classifier's verdicts, one per listing in order (else ``ValueError``)."""
    docs = [
        TextDoc(id=x.key, text=x.text, title=x.title, lang=x.lang_hint, source=x.source)
        for x in listings
    ]
    detections = classifier.classify(docs)
    if len(detections) != len(listings):
        raise ValueError(f"classifier returned {len(detections)} verdicts for {len(listings)}")
    return detections


def store_and_alert(
    listings: Sequence[Listing], detections: Sequence[Detection], comps: Components
) -> tuple[int, int]:
    """Store the verdicts, raise alerts. Returns (stored, new alerts)."""
    comps.store.put_detections(
        (x.content_hash, d) for x, d in zip(listings, detections, strict=True)
    )
    alerts = apply_rules(comps.rules, zip(listings, detections, strict=True))
    return len(detections), comps.store.upsert_alerts(alerts)


def ingest(
    source: str,
    listings: Iterable[Listing],
    comps: Components,
    *,
    complete: bool,
    unfetched: Iterable[str] = (),
) -> SourceReport:
    """Store a crawl's listings incrementally, classify what is new or changed, raise alerts,
    and — only after a complete crawl — mark listings that were not seen as removed.

    ``unfetched`` are listing ids whose detail page failed for another reason than
    404/410: not seeing them proves nothing, so they are never marked removed.

    A classifier failure costs only its batch: it is counted in the report's errors and
    the run goes on. Those listings stay stored without a detection, so the next upsert
    lists them in ``fresh_keys`` again and the next run classifies them."""
    report = SourceReport(source=source, complete=complete)
    seen: set[str] = set()
    for batch in _batches(listings, comps.settings.classifier.batch_size):
        batch = [x for x in batch if x.key not in seen]
        seen.update(x.key for x in batch)
        result = comps.store.upsert_listings(batch)
        report.items += len(batch)
        report.new += result.new
        report.changed += result.changed
        report.unchanged += result.unchanged
        fresh = set(result.fresh_keys)
        to_classify = [x for x in batch if x.key in fresh]
        if not to_classify:
            continue
        try:
            detections = detect(to_classify, comps.classifier)
        except Exception as exc:  # a failing model must not stop the crawl
            log.exception("classifier failed on %d listings of %s", len(to_classify), source)
            report.errors += 1
            if len(report.error_samples) < 20:
                sample = {"error": f"classifier: {exc!r}"[:500], "listings": len(to_classify)}
                report.error_samples.append(sample)
            continue
        classified, new_alerts = store_and_alert(to_classify, detections, comps)
        report.classified += classified
        report.new_alerts += new_alerts
    if complete:
        not_proven = {f"{source}:{i}" for i in unfetched}
        try:
            gone = comps.store.active_keys(source) - seen - not_proven
            report.removed = comps.store.mark_removed(sorted(gone), utc_now())
        except StoreUnavailableError as exc:
            # Removal needs the stored set; the next complete crawl will catch up.
            report.removals_skipped = True
            log.warning("store unavailable, removals of %s not marked this run: %s", source, exc)
    return report


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


def crawl_and_ingest(
    profile: Profile, comps: Components, *, base_url: str | None, progress: Progress | None
) -> SourceReport:
    """Crawl one source in a subprocess, then ingest what it captured."""
    settings = comps.settings
    started = time.monotonic()
    out_dir = settings.data_dir / "crawls" / profile.name / utc_now().replace(":", "")
    out_dir.mkdir(parents=True, exist_ok=True)
    stop_watch = watch_progress(out_dir, profile.name, started, progress) if progress else None
    try:
        result = run_crawl(
            profile.path or profile.name,
            output_dir=out_dir,
            base_url=base_url,
            crawl_settings=crawl_settings(settings),
            timeout=settings.crawl.subprocess_timeout,
        )
    finally:
        if stop_watch:
            stop_watch()
    summary = result.summary or {}
    bad_lines: list[dict[str, Any]] = []
    listings = list(_listings(result.items_path, bad_lines))
    report = ingest(
        profile.name,
        listings,
        comps,
        # An unreadable record could be any listing: then nothing may be called removed.
        complete=result.complete and not bad_lines,
        unfetched=summary.get("unfetched_ids") or (),
    )
    # Added to the errors ingest counted (classifier failures), not replacing them.
    crawl_errors = int(summary.get("errors", 0)) + len(bad_lines)
    report.errors += crawl_errors + (1 if result.returncode else 0)
    report.error_samples += list(summary.get("error_samples", []))[:20] + bad_lines[:20]
    report.duration_s = round(time.monotonic() - started, 3)
    if result.returncode:
        log.error("crawl of %s exited %s; see %s", profile.name, result.returncode, result.log_path)
    return report


def _listings(items_path: Path, bad_lines: list[dict[str, Any]]) -> Iterator[Listing]:
    """The crawl's records; unreadable lines are logged with their place and collected."""
    for record in iter_items(items_path):
        if isinstance(record, ItemError):
            log.error("%s:%d: skipped crawl record: %s", record.path, record.line, record.error)
            bad_lines.append({"url": f"{record.path}:{record.line}", "error": record.error})
        else:
            yield record


def run_sources(
    settings: Settings,
    names: Sequence[str] | None = None,
    *,
    base_urls: dict[str, str] | None = None,
    progress: Progress | None = None,
) -> list[SourceReport]:
    """Open the components, crawl and process each enabled source, close them again."""
    with open_components(settings) as comps:
        return crawl_sources(comps, names, base_urls=base_urls, progress=progress)


def crawl_sources(
    comps: Components,
    names: Sequence[str] | None = None,
    *,
    base_urls: dict[str, str] | None = None,
    progress: Progress | None = None,
) -> list[SourceReport]:
    """Crawl and process each enabled source in turn; one failing source never stops the rest."""
    urls = demo_base_urls(comps.settings) if base_urls is None else base_urls
    reports = []
    for profile in enabled_profiles(comps.settings, names):
        try:
            report = crawl_and_ingest(
                profile, comps, base_url=urls.get(profile.name), progress=progress
            )
        except Exception as exc:  # one broken source must not stop the run
            log.exception("source %s failed", profile.name)
            report = SourceReport(profile.name, errors=1, error_samples=[{"error": repr(exc)}])
        reports.append(report)
        if progress:
            progress(describe(report))
    return reports
