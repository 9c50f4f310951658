"""The core flow: captured listings → store → classify what is fresh → alerts → removals.

Design notes
------------
* Plain arguments only: a store, a classifier, the alert rules and a batch size. This
  module reads no settings and starts nothing, so a test, a benchmark or another
  transport (a queue consumer) can drive it the same way the crawl pipeline does.
* Incremental: ``upsert_listings`` says which listings are fresh (new, changed, or still
  unclassified); only those are classified.
* A classifier failure — or a failed alert/detection write — costs only its batch: it is
  counted in the report's errors and the run goes on. Those listings stay stored without
  a detection, so the next upsert lists them in ``fresh_keys`` again and the next run
  classifies them and raises their alerts (alerts are written before detections).
* ``wildtrace.faults`` boundaries (``store``, ``classify``, ``alert``) let the crash
  tests SIGKILL the run between any two writes.
* Images add evidence, never cost a listing: ``fuse_images`` (the image stage, when
  configured) turns the text verdicts into fused ones; if it fails, the text verdicts
  stand and the failure is logged.
* Then ``enrich`` (entities + seller networks, ``wildtrace.networks.link_listings``, when
  configured) adds to the fused verdicts before anything is written: each detection
  carries its extracted entities and seller network (``extra``), stored with it. The same
  rule holds: if enrichment fails, the verdicts are stored and alerted without it. (The
  graph being unreachable is already handled inside ``link_listings``: its updates wait
  and are applied before a later batch.)
* Order per batch: detect → fuse images → enrich → alerts → detections.
* Text search is near-real-time (``Store.index_pending``): what a crawl stored is indexed
  at the end of its source (``finish_crawl``) and of the run (``index_text``).
* Removal is inferred only after a *complete* crawl, never for listings whose pages
  failed for another reason than 404/410 (``unfetched``), and never while the store
  cannot be read (the next complete crawl catches up).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import islice

from alerts.rules import AlertRule, apply_rules
from classifiers.base import Classifier, Detection, TextDoc
from common.clock import utc_now
from crawlers.base import Listing
from index.base import Store, StoreUnavailableError
from wildtrace import faults
from wildtrace.reports import SourceReport

log = logging.getLogger(__name__)
MAX_ERROR_SAMPLES = 20

# The image stage's entry point: listings and their text verdicts → fused verdicts.
FuseImages = Callable[[Sequence[Listing], list[Detection]], list[Detection]]
# Adds to verdicts before they are stored: same length, same order.
Enrich = Callable[[Sequence[Listing], Sequence[Detection]], list[Detection]]


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
    """Raise alerts, then store the verdicts. Returns (stored, new alerts).

    Alerts first, on purpose: only listings *without* a stored detection are classified
    again, so a detection must never be stored before its alert. A crash or an error
    between the two writes leaves the listing undetected; the next run classifies it
    again and re-raises the alert (``upsert_alerts`` is idempotent by alert id). The
    other order lost those alerts for good (issue 14)."""
    alerts = apply_rules(rules, zip(listings, detections, strict=True))
    new_alerts = store.upsert_alerts(alerts)
    faults.boundary("alert")
    store.put_detections((x.content_hash, d) for x, d in zip(listings, detections, strict=True))
    return len(detections), new_alerts


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
    fuse_images: FuseImages | None = None,
    enrich: Enrich | None = None,
) -> SourceReport:
    """Store a crawl's listings incrementally, classify what is fresh, raise alerts, and —
    only after a complete crawl — mark listings that were not seen as removed.

    ``unfetched`` are listing ids whose detail page failed for another reason than
    404/410: not seeing them proves nothing, so they are never marked removed."""
    report, seen = ingest_batches(
        source, batches(listings, batch_size), store=store, classifier=classifier,
        rules=rules, fuse_images=fuse_images, enrich=enrich,
    )  # fmt: skip
    finish_crawl(source, store, report, seen, complete=complete, unfetched=unfetched)
    return report


def ingest_batches(
    source: str,
    listing_batches: Iterable[Sequence[Listing]],
    *,
    store: Store,
    classifier: Classifier,
    rules: Sequence[AlertRule],
    fuse_images: FuseImages | None = None,
    enrich: Enrich | None = None,
) -> tuple[SourceReport, set[str]]:
    """``ingest`` without the removals: the report so far and the listing keys seen.

    The batches may come from a crawl still running (``wildtrace.pipeline``): each is
    processed as soon as it is handed over. Whether the crawl was complete is known only
    at its end; then ``finish_crawl``."""
    report = SourceReport(source=source, complete=False)
    seen: set[str] = set()
    for batch in listing_batches:
        unseen = [x for x in batch if x.key not in seen]
        seen.update(x.key for x in unseen)
        _ingest_batch(source, unseen, store, classifier, rules, report, fuse_images, enrich)
    return report, seen


def finish_crawl(
    source: str,
    store: Store,
    report: SourceReport,
    seen: set[str],
    *,
    complete: bool,
    unfetched: Iterable[str] = (),
) -> None:
    """After the crawl: record whether it was complete and, only if so, mark the
    source's listings that were neither seen nor unfetched as removed."""
    report.complete = complete
    if complete:
        _mark_removed(source, store, seen | {f"{source}:{i}" for i in unfetched}, report)
    index_text(store)


def index_text(store: Store) -> int:
    """Make what was stored searchable by its text (``Store.index_pending``): after every
    source's crawl and at the end of a run, so a text search lags by one crawl at most. A
    failure costs nothing: the work stays queued (durably) for the next call."""
    faults.boundary("index")
    try:
        return store.index_pending()
    except StoreUnavailableError as exc:  # the cluster is down: it refreshes once back
        log.warning("store unavailable, text not indexed now: %s", exc)
    except Exception:  # e.g. the write lock held elsewhere past the busy timeout
        log.exception("text indexing failed; it stays queued for the next run")
    return 0


def _ingest_batch(
    source: str,
    batch: list[Listing],
    store: Store,
    classifier: Classifier,
    rules: Sequence[AlertRule],
    report: SourceReport,
    fuse_images: FuseImages | None = None,
    enrich: Enrich | None = None,
) -> None:
    result = store.upsert_listings(batch)
    faults.boundary("store")
    report.items += len(batch)
    report.new += result.new
    report.changed += result.changed
    report.unchanged += result.unchanged
    fresh = set(result.fresh_keys)
    to_classify = [x for x in batch if x.key in fresh]
    if not to_classify:
        return
    step = "classifier"
    try:
        detections = detect(to_classify, classifier)
        faults.boundary("classify")
        if fuse_images is not None:
            detections = _fused(to_classify, detections, fuse_images)
        if enrich is not None:
            detections = _enriched(to_classify, detections, enrich)
        step = "alert/detection write"
        classified, new_alerts = store_and_alert(to_classify, detections, store, rules)
    except Exception as exc:  # a failing model or store write must not stop the crawl
        log.exception("%s failed on %d listings of %s", step, len(to_classify), source)
        report.errors += 1
        if len(report.error_samples) < MAX_ERROR_SAMPLES:
            sample = {"error": f"{step}: {exc!r}"[:500], "listings": len(to_classify)}
            report.error_samples.append(sample)
        return
    report.classified += classified
    report.new_alerts += new_alerts


def _fused(
    listings: Sequence[Listing], detections: list[Detection], fuse_images: FuseImages
) -> list[Detection]:
    try:
        return fuse_images(listings, detections)
    except Exception:  # the image stage must not stop the crawl; the text verdicts stand
        log.exception("image stage failed on %d listings; text verdicts kept", len(listings))
        return detections


def _enriched(
    listings: Sequence[Listing], detections: list[Detection], enrich: Enrich
) -> list[Detection]:
    try:
        enriched = enrich(listings, detections)
    except Exception:  # entities/networks add to a verdict, never cost one
        log.exception("enrich step failed on %d listings; verdicts kept", len(listings))
        return detections
    if len(enriched) != len(detections):
        log.error("enrich step returned %d verdicts for %d", len(enriched), len(detections))
        return detections
    return enriched


def _mark_removed(source: str, store: Store, keep: set[str], report: SourceReport) -> None:
    """Mark the source's active listings outside ``keep`` as removed (a complete crawl)."""
    try:
        gone = store.active_keys(source) - keep
        report.removed = store.mark_removed(sorted(gone), utc_now())
    except StoreUnavailableError as exc:
        # Removal needs the stored set; the next complete crawl will catch up.
        report.removals_skipped = True
        log.warning("store unavailable, removals of %s not marked this run: %s", source, exc)
