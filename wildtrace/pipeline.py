"""The one place that wires the stages: sources → crawl → classify → store → alerts.

Every other package knows only its own contract (``*/base.py``). This module builds the
concrete store, classifier and rules from settings, runs crawls (each in its own Scrapy
subprocess), and pushes what they captured forward, one direction only.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from itertools import islice
from pathlib import Path
from typing import Any

from alerts.rules import AlertRule, ThresholdRule, apply_rules
from classifiers.base import Classifier, TextDoc
from crawlers.base import Listing, utc_now
from index.base import Store
from wildtrace.config import Settings

log = logging.getLogger(__name__)

Progress = Callable[[str], None]

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


@lru_cache(maxsize=4)
def _classifier(kind: str, model_dir: str) -> Classifier:
    if kind == "lexicon":
        from classifiers.text.lexicon_detector import LexiconDetector

        return LexiconDetector()
    if kind == "learned":
        from classifiers.text.learned import LearnedDetector

        return LearnedDetector(model_dir=model_dir or None)
    raise ValueError(f"unknown classifier kind {kind!r}")


def build_classifier(settings: Settings) -> Classifier:
    """The configured text detector (loaded once per process: models are slow to load)."""
    return _classifier(settings.classifier.kind, settings.classifier.model_dir)


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


@dataclass
class SourceReport:
    """What one crawl of one source did, stage by stage."""

    source: str
    items: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    removed: int = 0
    classified: int = 0
    new_alerts: int = 0
    errors: int = 0
    complete: bool = False
    duration_s: float = 0.0
    error_samples: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _batches(items: Iterable[Listing], size: int) -> Iterator[list[Listing]]:
    it = iter(items)
    while batch := list(islice(it, size)):
        yield batch


def classify_and_alert(listings: Sequence[Listing], comps: Components) -> tuple[int, int]:
    """Classify listings, store detections, raise alerts. Returns (classified, new alerts)."""
    docs = [
        TextDoc(id=x.key, text=x.text, title=x.title, lang=x.lang_hint, source=x.source)
        for x in listings
    ]
    detections = comps.classifier.classify(docs)
    comps.store.put_detections((x.content_hash, d) for x, d in zip(listings, detections, strict=True))
    alerts = apply_rules(comps.rules, zip(listings, detections, strict=True))
    return len(detections), comps.store.upsert_alerts(alerts)


def ingest(
    source: str, listings: Iterable[Listing], comps: Components, *, complete: bool
) -> SourceReport:
    """Store a crawl's listings incrementally, classify what is new or changed, raise alerts,
    and — only after a complete crawl — mark listings that were not seen as removed."""
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
        if to_classify:
            classified, new_alerts = classify_and_alert(to_classify, comps)
            report.classified += classified
            report.new_alerts += new_alerts
    if complete:
        gone = comps.store.active_keys(source) - seen
        report.removed = comps.store.mark_removed(sorted(gone), utc_now())
    return report
