"""Realistic listings at scale (100k, 1M) for the scale benchmarks, built from the demo.

    from benchmarks.scale_data import ScaleSpec, rows
    for row in rows(ScaleSpec(n=1_000_000)): ...   # deterministic, streamed

What a row is: one of ``POOL`` listings per site shape made by the demo's own
``ItemFactory`` (``wildtrace.demo``:
the same templates, 8 languages, obfuscations, prices in local currencies, ring sellers
and hard negatives as the three demo sites), shaped like the crawler's ``Listing`` for
that site (``bazaar`` HTML adverts, ``tradepost`` API listings, ``wildfeed`` social
posts), plus:

* **sources**: the three demo shapes × ``SOURCE_COPIES`` (``bazaar``, ``bazaar-2``, …),
  so a source facet has 12 values as a monitoring team's would;
* **sellers**: ordinary sellers are the demo's per-language pools spread into
  ``SELLER_SPREAD`` accounts each (1M rows → ~100k sellers); planted listings keep the
  demo's ring sellers, so a few sellers have many alerts, as networks do;
* **time**: ``fetched_at`` spread over ``DAYS`` days (dashboards group it by day/week);
* **versions**: ``VERSION_SHARE`` of the rows come back once more with an edited price
  (a second captured version), in ``second_versions``;
* **detections**: *synthesised from the demo's ground truth*, not computed by the
  classifier (classifying 1M listings would take the whole benchmark budget; classify
  speed is measured on its own): planted → score 0.70–0.99, image-only planted and hard
  negatives → 0.05–0.60, news → 0.10–0.50, ordinary → 0.00–0.10, seeded;
* **alerts**: one per listing scoring ≥ ``ALERT_THRESHOLD`` (about 8 %), in a spread of
  triage states (most ``new``).

Same ``ScaleSpec`` → same rows, byte for byte, on any machine (every draw comes from a
``random.Random`` seeded by the spec), so a cached store built from it (see
``benchmarks.scale_cache``) can be reused across runs.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from alerts.base import Alert, alert_id_for
from classifiers.base import Detection
from crawlers.base import Listing
from wildtrace.demo.corpus import QUOTAS, ItemFactory, listing_id, new_cycles
from wildtrace.demo.model import DemoItem

SOURCE_COPIES = 4
POOL = 4000
SELLER_SPREAD = 40
DAYS = 365
VERSION_SHARE = 0.08
ALERT_THRESHOLD = 0.5
START = datetime(2025, 12, 1, tzinfo=UTC)
BASE_URLS = {
    "bazaar": "https://bazaar.example",
    "tradepost": "https://tradepost.example",
    "wildfeed": "https://wildfeed.example",
}
# Triage states of generated alerts, with weights: most are new, as in a live queue.
ALERT_STATES = (("new", 70), ("triaged", 10), ("escalated", 5), ("confirmed", 5),
                ("dismissed", 10))  # fmt: skip
_SOURCE_WEIGHTS = {s: sum(q.values()) for s, q in QUOTAS.items()}


@dataclass(frozen=True, slots=True)
class ScaleSpec:
    n: int
    seed: int = 13


@dataclass(frozen=True, slots=True)
class Row:
    """One generated listing with what the pipeline would have stored about it."""

    listing: Listing
    detection: Detection
    alert: Alert | None
    edited: Listing | None  # the second version, for ``VERSION_SHARE`` of rows


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000000Z")


def _to_listing(item: DemoItem, source: str, n: int, fetched: datetime) -> Listing:
    shape = item.source
    lid = f"{listing_id(shape, n)}"
    path = {"bazaar": "/ad/", "tradepost": "/api/listings/", "wildfeed": "/post/"}[shape]
    base = BASE_URLS[shape].replace("://", f"://{source}.")
    return Listing(
        source=source,
        listing_id=lid,
        url=f"{base}{path}{lid}",
        title=item.title,
        text=item.text,
        fetched_at=_iso(fetched),
        price=item.price,
        currency=item.currency,
        seller_id=f"{item.seller_id}.{n % SELLER_SPREAD}" if not item.planted else item.seller_id,
        seller_name=item.seller_name,
        seller_url=f"{base}/seller/{item.seller_id}",
        images=tuple(f"{base}{p}" for p in item.image_paths()),
        kind="post" if shape == "wildfeed" else "listing",
        lang_hint=item.lang,
        posted_at=item.created_at,
        location=item.location,
        evidence_sha256=f"{n:064x}",
    )


def _score(item: DemoItem, rng: random.Random) -> float:
    if item.planted and not item.image_only:
        return rng.uniform(0.70, 0.99)
    if item.planted or item.hard_negative:
        return rng.uniform(0.05, 0.55)
    if item.template.startswith("news"):
        return rng.uniform(0.10, 0.50)
    return rng.uniform(0.0, 0.10)


def _detection(listing: Listing, item: DemoItem, rng: random.Random) -> Detection:
    score = round(_score(item, rng), 6)
    wildlife = score >= ALERT_THRESHOLD
    return Detection(
        id=listing.key,
        score=score,
        label="wildlife" if wildlife else "clean",
        commodity=item.commodity if wildlife else None,
        intent=item.intent if wildlife else "other",
        lang=item.lang,
        model="scale-synthetic",
    )


def _alert(listing: Listing, det: Detection, rng: random.Random) -> Alert | None:
    if det.score < ALERT_THRESHOLD:
        return None
    state = rng.choices([s for s, _ in ALERT_STATES], [w for _, w in ALERT_STATES])[0]
    at = listing.fetched_at
    return Alert(
        id=alert_id_for(listing.key), listing_key=listing.key, source=listing.source,
        rule="threshold", score=det.score, commodity=det.commodity, intent=det.intent,
        created_at=at, updated_at=at, state=state, version=1 if state == "new" else 2,
        seller_id=listing.seller_id, title=listing.title,
    )  # fmt: skip


def _pools(seed: int) -> dict[str, list[DemoItem]]:
    """``POOL`` demo items per site shape, made once by the demo's ``ItemFactory``."""
    cycles = new_cycles(random.Random(f"wildtrace-scale:templates:{seed}"))
    pools: dict[str, list[DemoItem]] = {}
    for shape, quota in QUOTAS.items():
        rng = random.Random(f"wildtrace-scale:{seed}:{shape}")
        factory = ItemFactory(shape, rng, cycles)
        kinds = rng.choices(list(quota), list(quota.values()), k=POOL)
        pools[shape] = [factory.make(kind, i, START) for i, kind in enumerate(kinds)]
    return pools


def rows(spec: ScaleSpec) -> Iterator[Row]:
    """``spec.n`` rows in a fixed order (``fetched_at`` grows with the row number). Each is
    a pooled demo item with its own id, seller account, time and price."""
    rng = random.Random(f"wildtrace-scale:{spec.seed}")
    pools = _pools(spec.seed)
    shapes, weights = list(_SOURCE_WEIGHTS), list(_SOURCE_WEIGHTS.values())
    step = timedelta(days=DAYS) / max(1, spec.n)
    for n in range(spec.n):
        shape = rng.choices(shapes, weights)[0]
        copy = n % SOURCE_COPIES
        source = shape if copy == 0 else f"{shape}-{copy + 1}"
        fetched = START + step * n
        item = pools[shape][rng.randrange(POOL)]
        posted = fetched - timedelta(hours=rng.uniform(0, 48))
        price = None if item.price is None else round(item.price * rng.uniform(0.8, 1.25), 2)
        item = replace(item, price=price, created_at=posted.strftime("%Y-%m-%dT%H:%M:%SZ"))
        listing = _to_listing(item, source, n, fetched)
        detection = _detection(listing, item, rng)
        edited = None
        if rng.random() < VERSION_SHARE and listing.price is not None:
            edited = replace(
                listing,
                price=round(listing.price * 0.9, 2),
                fetched_at=_iso(fetched + timedelta(days=rng.uniform(1, 20))),
                content_hash="",
            )
        yield Row(listing, detection, _alert(listing, detection, rng), edited)


def batches(spec: ScaleSpec, size: int) -> Iterator[list[Row]]:
    """``rows(spec)`` in lists of ``size``."""
    batch: list[Row] = []
    for row in rows(spec):
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch
