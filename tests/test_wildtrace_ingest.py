"""A classifier failure in ``wildtrace.ingest`` costs one batch for one run, never a listing.

The listings of the failed batch are stored without a detection; the store keeps them in
``UpsertResult.fresh_keys`` (see ``index/base.py``), so the next ingest of the very same,
unchanged listings classifies them and raises their alerts. Real ``SqliteStore``, real
``LexiconDetector`` and threshold rule; only the first classifier call fails.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import pytest
from factories import make_listing

from classifiers.base import Classifier, Detection, TextDoc
from classifiers.text.lexicon_detector import LexiconDetector
from crawlers.base import Listing
from index.base import AlertFilter, SearchQuery
from index.sqlite import SqliteStore
from wildtrace.components import Components, build_rules
from wildtrace.config import load_settings
from wildtrace.ingest import Enrich, FuseImages, ingest
from wildtrace.reports import SourceReport


class FailsOnFirstCallClassifier(Classifier):
    """Test double for a failing model: its first ``classify`` raises the error a stale
    model/lexicon pair raised in production; every later call is the real
    ``LexiconDetector``."""

    name = "fails-on-first-call"
    version = "test"

    def __init__(self) -> None:
        self.real = LexiconDetector()
        self.calls = 0

    def classify(self, docs: Sequence[TextDoc]) -> list[Detection]:
        self.calls += 1
        if self.calls == 1:
            raise ValueError("operands could not be broadcast together with shapes (2,67) (65,)")
        return self.real.classify(docs)


# Four offers the lexicon detector queues, one hard negative; two per batch, so the
# failing first batch holds two offers.
TEXTS = [
    ("Carved ivory bangle", "Genuine elephant ivory, old stock, no papers. WhatsApp only."),
    ("Rhino horn cup", "Real rhino horn libation cup for sale, ship worldwide"),
    ("Pangolin scales 1kg", "Selling pangolin scales, dried, bulk price, contact on WeChat"),
    ("Tiger claw pendant", "Real tiger claw pendant for sale, silver mount"),
    ("Ivory-coloured dress", "Wedding dress in ivory colour, size 38"),
]


@pytest.fixture
def comps(sqlite_store: SqliteStore) -> Components:
    rules = build_rules(load_settings(env={}))
    return Components(sqlite_store, FailsOnFirstCallClassifier(), rules, batch_size=2)


def ingest_all(comps: Components) -> SourceReport:
    """One complete crawl's worth of ``listings()`` through the core flow."""
    return ingest(
        "bazaar",
        listings(),
        store=comps.store,
        classifier=comps.classifier,
        rules=comps.rules,
        batch_size=comps.batch_size,
        complete=True,
    )


def listings() -> list[Listing]:
    return [
        make_listing(listing_id=str(i), title=title, text=text)
        for i, (title, text) in enumerate(TEXTS)
    ]


def alerted(comps: Components) -> set[str]:
    return {a.listing_key for a in comps.store.iter_alerts(AlertFilter())}


def test_failed_batch_is_classified_on_the_next_ingest(
    comps: Components, caplog: pytest.LogCaptureFixture
) -> None:
    keys = [x.key for x in listings()]
    offers, failed = set(keys[:4]), keys[:2]

    with caplog.at_level(logging.ERROR, logger="wildtrace.ingest"):
        first = ingest_all(comps)
    assert (first.items, first.new) == (5, 5)
    assert first.errors == 1
    (sample,) = first.error_samples
    assert sample["listings"] == 2
    assert sample["error"].startswith("classifier: ValueError(")
    assert "classifier failed on 2 listings of bazaar" in caplog.text
    # The run went on with the next batches; the failed one is stored, unclassified.
    assert (first.classified, first.new_alerts) == (3, 2)
    assert comps.store.counts()["listings"] == 5
    assert [comps.store.get_detection(k) for k in failed] == [None, None]
    assert alerted(comps) == offers - set(failed)

    second = ingest_all(comps)
    assert (second.new, second.changed, second.unchanged, second.errors) == (0, 0, 5, 0)
    assert (second.classified, second.new_alerts) == (2, 2)
    assert all(comps.store.get_detection(k) is not None for k in keys)
    assert alerted(comps) == offers

    third = ingest_all(comps)
    assert (third.classified, third.new_alerts, third.errors) == (0, 0, 0)
    assert isinstance(comps.classifier, FailsOnFirstCallClassifier)
    assert comps.classifier.calls == 4  # 3 batches, then only the failed one, then none


def _ingest_with(
    comps: Components, fuse_images: FuseImages | None = None, enrich: Enrich | None = None
) -> SourceReport:
    return ingest(
        "bazaar",
        listings(),
        store=comps.store,
        classifier=LexiconDetector(),
        rules=comps.rules,
        batch_size=comps.batch_size,
        complete=True,
        fuse_images=fuse_images,
        enrich=enrich,
    )


def test_optional_steps_run_in_order_detect_fuse_enrich(comps: Components) -> None:
    """Images fuse the text verdicts, then enrichment (entities/networks) adds to the fused
    ones, and what is stored is the enriched verdict."""
    seen: list[str] = []

    def fuse(xs: Sequence[Listing], ds: list[Detection]) -> list[Detection]:
        seen.append("fuse")
        return [replace(d, extra={**d.extra, "fused": True}) for d in ds]

    def enrich(xs: Sequence[Listing], ds: Sequence[Detection]) -> list[Detection]:
        seen.append("enrich")
        assert all(d.extra.get("fused") for d in ds)  # enrichment sees fused verdicts
        return [replace(d, extra={**d.extra, "network": "N1"}) for d in ds]

    report = _ingest_with(comps, fuse_images=fuse, enrich=enrich)
    assert (report.classified, report.errors) == (5, 0)
    assert seen == ["fuse", "enrich"] * 3
    stored = comps.store.get_detection(listings()[0].key)
    assert stored is not None and stored.extra["network"] == "N1" and stored.extra["fused"]


def test_a_failing_enrich_step_costs_no_verdict(
    comps: Components, caplog: pytest.LogCaptureFixture
) -> None:
    def enrich(xs: Sequence[Listing], ds: Sequence[Detection]) -> list[Detection]:
        raise RuntimeError("entity extractor broke")

    with caplog.at_level(logging.ERROR, logger="wildtrace.ingest"):
        report = _ingest_with(comps, enrich=enrich)
    assert (report.classified, report.new_alerts, report.errors) == (5, 4, 0)
    assert "enrich step failed on 2 listings" in caplog.text
    assert all(comps.store.get_detection(x.key) is not None for x in listings())
    assert alerted(comps) == {x.key for x in listings()[:4]}


class IndexingFailsOnce:
    """A real SQLite store whose first ``index_pending`` fails (the write lock held by
    another process past the busy timeout)."""

    def __init__(self, store: SqliteStore) -> None:
        self.store, self.failed = store, False

    def index_pending(self, limit: int | None = None) -> int:
        if not self.failed:
            self.failed = True
            raise sqlite3.OperationalError("injected: database is locked")
        return self.store.index_pending(limit)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.store, name)


def test_ingest_leaves_the_text_indexed_and_a_failed_indexing_queued(
    sqlite_store: SqliteStore, caplog: pytest.LogCaptureFixture
) -> None:
    """The crawl's text is indexed at its end: another reader of the file finds it. If that
    step fails the run still succeeds, nothing is lost, and the next ingest indexes it."""
    reader = SqliteStore(sqlite_store.path)
    flaky: Any = IndexingFailsOnce(sqlite_store)
    rules = build_rules(load_settings(env={}))
    with caplog.at_level(logging.ERROR, logger="wildtrace.ingest"):
        first = ingest("bazaar", listings(), store=flaky, classifier=LexiconDetector(),
                       rules=rules, batch_size=2, complete=True)  # fmt: skip
    assert (first.new, first.errors) == (5, 0)
    assert "text indexing failed" in caplog.text
    assert reader.index_lag() == 5 and reader.search(SearchQuery(text="pangolin")).total == 0
    again = ingest("bazaar", listings(), store=flaky, classifier=LexiconDetector(),
                   rules=rules, batch_size=2, complete=True)  # fmt: skip
    assert again.unchanged == 5
    assert reader.index_lag() == 0 and reader.search(SearchQuery(text="pangolin")).total == 1
    reader.close()
