"""The factories: every concrete component is built here, from settings, and nowhere else.

Design notes
------------
* This is the only module that turns the settings tree into components: the store
  backend, the text detector, the alert rules, the web app and the demo sites. Commands
  and the pipeline ask for a component here; the stages receive it as a plain argument
  (``wildtrace.ingest`` takes a store, a classifier and rules, never settings).
* Detectors are slow to load, so ``make_classifier`` keeps one per configuration per
  process; they are shared across scheduler threads and must not keep per-call state.
* Context managers (``store_session``, ``open_components``, ``demo_sites``) close what
  they opened even when the body fails.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from alerts.rules import AlertRule, ThresholdRule
from classifiers.base import Classifier
from index.base import Store
from wildtrace.config import Settings

if TYPE_CHECKING:
    from fastapi import FastAPI

    from wildtrace.demo import DemoSites

log = logging.getLogger(__name__)


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


def build_classifier(
    settings: Settings, *, kind: str = "", model_dir: str = "", cascade: bool = True
) -> Classifier:
    """The configured text detector; a command's overrides win over the settings."""
    return make_classifier(
        kind or settings.classifier.kind,
        model_dir=model_dir or settings.classifier.model_dir,
        threshold=settings.classifier.queue_threshold,
        cascade=cascade and settings.classifier.cascade,
    )


def build_rules(settings: Settings) -> list[AlertRule]:
    return [ThresholdRule(settings.classifier.queue_threshold)]


@dataclass
class Components:
    """What the ingest flow needs, built once per run."""

    store: Store
    classifier: Classifier
    rules: list[AlertRule]
    batch_size: int = 64


@contextmanager
def open_components(settings: Settings) -> Iterator[Components]:
    with store_session(settings) as store:
        yield Components(
            store, build_classifier(settings), build_rules(settings), settings.classifier.batch_size
        )


def web_app(settings: Settings, store: Store) -> FastAPI:
    """The investigators' web app around ``store``, as configured."""
    from web.app import create_app

    return create_app(store, page_size=settings.web.page_size)


@contextmanager
def demo_sites(
    settings: Settings,
    *,
    host: str | None = None,
    ports: tuple[int, int, int] | None = None,
    epoch: int = 0,
    advance: bool = True,
) -> Iterator[DemoSites]:
    """The shipped demo sites, serving until the ``with`` body ends; with ``advance`` they
    move to the next epoch every ``demo.epoch_seconds``. ``host``/``ports`` override the
    ``[demo]`` settings."""
    from wildtrace.demo import DemoSites

    demo = settings.demo
    sites = DemoSites(
        host or demo.host, ports or (demo.market_port, demo.api_port, demo.social_port), epoch
    )
    sites.start()
    stop = threading.Event()

    def tick() -> None:
        while not stop.wait(demo.epoch_seconds):
            sites.set_epoch(sites.epoch + 1)
            log.info("demo sites moved to epoch %d", sites.epoch)

    if advance:
        threading.Thread(target=tick, name="demo-epoch", daemon=True).start()
    try:
        yield sites
    finally:
        stop.set()
        sites.stop()
