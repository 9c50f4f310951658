"""The factories: every concrete component is built here, from settings, and nowhere else.

Design notes
------------
* This is the only module that turns the settings tree into components: the store
  backend, the text detector, the alert rules, the accounts, the web app and the demo
  sites. Commands
  and the pipeline ask for a component here; the stages receive it as a plain argument
  (``wildtrace.ingest`` takes a store, a classifier and rules, never settings).
* Detectors are slow to load, so ``make_classifier`` keeps one per configuration per
  process; they are shared across scheduler threads and must not keep per-call state.
* Context managers (``store_session``, ``open_components``, ``demo_sites``) close what
  they opened even when the body fails.
"""

from __future__ import annotations

import logging
import os
import secrets
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache, partial
from typing import TYPE_CHECKING

from accounts.base import ROLE_ADMIN
from accounts.sqlite import SqliteAccounts
from alerts.image_rules import BankMatchRule
from alerts.rules import AlertRule, ThresholdRule
from classifiers.base import Classifier
from index.base import Store
from wildtrace.config import Settings
from wildtrace.image_stage import ImageStage
from wildtrace.imaging import build_image_stage
from wildtrace.ingest import Enrich
from wildtrace.networks import Networks, identifier_lookup, link_listings, open_networks

if TYPE_CHECKING:
    from fastapi import FastAPI

    from wildtrace.demo import DemoSites

log = logging.getLogger(__name__)


FIRST_ADMIN = "admin"


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
    make_private(settings)
    return store


def make_private(settings: Settings) -> None:
    """The data folder 0700 and the database 0600: captured listings, evidence and triage
    notes are for this account only (the web app is the way to share them)."""
    data = settings.data_dir
    data.mkdir(parents=True, exist_ok=True)
    os.chmod(data, 0o700)
    if settings.store.backend == "sqlite":
        db = settings.sqlite_path
        for path in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
            if path.exists():
                os.chmod(path, 0o600)


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
    rules: list[AlertRule] = [ThresholdRule(settings.classifier.queue_threshold)]
    if settings.image.enabled:
        rules.append(BankMatchRule())  # a hash-bank match alone deserves an alert
    return rules


@dataclass
class Components:
    """What the ingest flow needs, built once per run."""

    store: Store
    classifier: Classifier
    rules: list[AlertRule]
    batch_size: int = 64
    images: ImageStage | None = None
    enrich: Enrich | None = None  # entities + seller networks (entities.link_networks)


@contextmanager
def open_components(settings: Settings) -> Iterator[Components]:
    with (
        store_session(settings) as store,
        network_session(settings) as networks,
    ):
        relabel = store.relabel_alert_networks  # absorbed networks' alerts follow
        enrich = partial(link_listings, networks, relabel=relabel) if networks else None
        images = build_image_stage(settings)
        try:
            yield Components(
                store,
                build_classifier(settings),
                build_rules(settings),
                settings.classifier.batch_size,
                images,
                enrich,
            )
        finally:
            if images is not None:
                images.close()


@contextmanager
def network_session(settings: Settings) -> Iterator[Networks | None]:
    """The seller graph beside the store (``None`` when ``entities.link_networks`` is off),
    closed after the ``with`` body."""
    if not settings.entities.link_networks:
        yield None
        return
    networks = open_networks(settings)
    try:
        yield networks
    finally:
        networks.close()


def web_app(
    settings: Settings,
    store: Store,
    accounts: SqliteAccounts,
    networks: Networks | None = None,
) -> FastAPI:
    """The investigator's desk around ``store`` and ``accounts`` (and the seller graph,
    when given), as configured, reading captured evidence from ``<data_dir>/evidence``."""
    from crawlers.evidence import EvidenceStore
    from web.app import create_app
    from web.security import LOCAL_NAMES

    web = settings.web
    app = create_app(
        store,
        accounts=accounts,
        evidence_reader=EvidenceStore(settings.data_dir / "evidence"),
        page_size=web.page_size,
        allowed_hosts=tuple(web.allowed_hosts) or (*LOCAL_NAMES, web.host),
        max_body_bytes=web.max_body_bytes,
        networks=networks.storage if networks else None,
        identify=identifier_lookup(networks.extractor) if networks else None,
    )
    from wildtrace.outreach_wiring import attach_feed_services

    attach_feed_services(app, settings)
    return app


@contextmanager
def accounts_session(settings: Settings) -> Iterator[SqliteAccounts]:
    """The accounts file, ``<data_dir>/accounts.db`` whatever the store backend is (see
    ``accounts.base``), open for the ``with`` body."""
    accounts = SqliteAccounts(settings.data_dir / "accounts.db")
    try:
        yield accounts
    finally:
        accounts.close()


def ensure_first_admin(accounts: SqliteAccounts, say: Callable[[str], None]) -> str | None:
    """On a data dir without accounts: create ``admin`` with a random password, say how
    to sign in (the password is shown this once), and return the password."""
    if accounts.count_users():
        return None
    password = secrets.token_urlsafe(12)
    accounts.add_user(FIRST_ADMIN, password, ROLE_ADMIN, display_name="Administrator")
    say(
        f"first admin created: sign in as '{FIRST_ADMIN}' with password '{password}' "
        "(shown once; add accounts with `wildtrace users add NAME --role investigator`)"
    )
    return password


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
