"""The core flow: captured listings → store → classify what is fresh → alerts → removals.

Design notes
------------
* Plain arguments only: a store, a classifier, the alert rules and a batch size. This
  module reads no settings and starts nothing, so a test, a benchmark or another
  transport (a queue consumer) can drive it the same way the crawl pipeline does.
* Incremental: ``upsert_listings`` says which listings are fresh (new, changed, or still
  unclassified); only those are classified.
* A classifier failure costs only its batch: it is counted in the report's errors and
  the run goes on. Those listings stay stored without a detection, so the next upsert
  lists them in ``fresh_keys`` again and the next run classifies them.
* Removal is inferred only after a *complete* crawl, never for listings whose pages
  failed for another reason than 404/410 (``unfetched``), and never while the store
  cannot be read (the next complete crawl catches up).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice

from alerts.rules import AlertRule, apply_rules
from classifiers.base import Classifier, Detection, TextDoc
from common.clock import utc_now
from crawlers.base import Listing
from index.base import Store, StoreUnavailableError
from wildtrace.reports import SourceReport

log = logging.getLogger(__name__)
MAX_ERROR_SAMPLES = 20


def batches(items: Iterable[Listing], size: int) -> Iterator[list[Listing]]:
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
    listings: Sequence[Listing],
    detections: Sequence[Detection],
    store: Store,
    rules: Sequence[AlertRule],
) -> tuple[int, int]:
    """Store the verdicts, raise alerts. Returns (stored, new alerts)."""
    store.put_detections((x.content_hash, d) for x, d in zip(listings, detections, strict=True))
    alerts = apply_rules(rules, zip(listings, detections, strict=True))
    return len(detections), store.upsert_alerts(alerts)


def ingest(
    source: str,
    listings: Iterable[Listing],
    *,
    store: Store,
    classifier: Classifier,
    rules: Sequence[AlertRule],
    batch_size: int,
    complete: bool,
    unfetched: Iterable[str] = (),
) -> SourceReport:
    """Store a crawl's listings incrementally, classify what is fresh, raise alerts, and —
    only after a complete crawl — mark listings that were not seen as removed.

    ``unfetched`` are listing ids whose detail page failed for another reason than
    404/410: not seeing them proves nothing, so they are never marked removed."""
    report = SourceReport(source=source, complete=complete)
    seen: set[str] = set()
    for batch in batches(listings, batch_size):
        unseen = [x for x in batch if x.key not in seen]
        seen.update(x.key for x in unseen)
        _ingest_batch(source, unseen, store, classifier, rules, report)
    if complete:
        _mark_removed(source, store, seen | {f"{source}:{i}" for i in unfetched}, report)
    return report


def _ingest_batch(
    source: str,
    batch: list[Listing],
    store: Store,
    classifier: Classifier,
    rules: Sequence[AlertRule],
    report: SourceReport,
) -> None:
    result = store.upsert_listings(batch)
    report.items += len(batch)
    report.new += result.new
    report.changed += result.changed
    report.unchanged += result.unchanged
    fresh = set(result.fresh_keys)
    to_classify = [x for x in batch if x.key in fresh]
    if not to_classify:
        return
    try:
        detections = detect(to_classify, classifier)
    except Exception as exc:  # a failing model must not stop the crawl
        log.exception("classifier failed on %d listings of %s", len(to_classify), source)
        report.errors += 1
        if len(report.error_samples) < MAX_ERROR_SAMPLES:
            sample = {"error": f"classifier: {exc!r}"[:500], "listings": len(to_classify)}
            report.error_samples.append(sample)
        return
    classified, new_alerts = store_and_alert(to_classify, detections, store, rules)
    report.classified += classified
    report.new_alerts += new_alerts


def _mark_removed(source: str, store: Store, keep: set[str], report: SourceReport) -> None:
    """Mark the source's active listings outside ``keep`` as removed (a complete crawl)."""
    try:
        gone = store.active_keys(source) - keep
        report.removed = store.mark_removed(sorted(gone), utc_now())
    except StoreUnavailableError as exc:
        # Removal needs the stored set; the next complete crawl will catch up.
        report.removals_skipped = True
        log.warning("store unavailable, removals of %s not marked this run: %s", source, exc)
