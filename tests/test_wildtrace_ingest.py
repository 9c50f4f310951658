"""A classifier failure in ``wildtrace.ingest`` costs one batch for one run, never a listing.

The listings of the failed batch are stored without a detection; the store keeps them in
``UpsertResult.fresh_keys`` (see ``index/base.py``), so the next ingest of the very same,
unchanged listings classifies them and raises their alerts. Real ``SqliteStore``, real
``LexiconDetector`` and threshold rule; only the first classifier call fails.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import pytest
from factories import make_listing

from classifiers.base import Classifier, Detection, TextDoc
from classifiers.text.lexicon_detector import LexiconDetector
from crawlers.base import Listing
from index.base import AlertFilter
from index.sqlite import SqliteStore
from wildtrace.components import Components, build_rules
from wildtrace.config import load_settings
from wildtrace.ingest import ingest
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
