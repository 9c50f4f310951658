"""Triage decisions as labelled training examples (``wildtrace export-feedback``).

Confirmed alerts become ``wildlife`` examples (with the detection's commodity and
intent); alerts dismissed as ``not_wildlife`` or ``legal_product`` become ``clean``
examples. An alert dismissed as ``duplicate`` or ``not_actionable`` says nothing about
its text (it may well be wildlife), and one dismissed without a recorded reason is
unknown: neither is exported, nor are undecided alerts — a guess is worse than no label.
The lines are what ``wildtrace train-text --feedback FILE``
folds into the next training run (``classifiers/train/feedback.py``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import IO, Any

from alerts.base import STATE_CONFIRMED, STATE_DISMISSED
from classifiers.base import LABEL_CLEAN, LABEL_WILDLIFE
from index.base import AlertFilter, Store

# Dismissal reasons that say the text is not a wildlife offer (a clean example).
CLEAN_REASONS = ("not_wildlife", "legal_product")


def _dismissed_as_clean(store: Store, alert_id: str) -> bool:
    last = [h for h in store.alert_history(alert_id) if h.to_state == STATE_DISMISSED]
    return bool(last) and last[-1].reason in CLEAN_REASONS


def feedback_examples(store: Store) -> Iterator[dict[str, Any]]:
    """One example per confirmed alert, and per alert dismissed for a reason that makes
    it a clean example, whose listing is still stored."""
    for state in (STATE_CONFIRMED, STATE_DISMISSED):
        for alert in store.iter_alerts(AlertFilter(state=state)):
            if state == STATE_DISMISSED and not _dismissed_as_clean(store, alert.id):
                continue
            example = _example(store, alert.listing_key, state == STATE_CONFIRMED)
            if example is not None:
                yield example


def _example(store: Store, key: str, confirmed: bool) -> dict[str, Any] | None:
    stored = store.get_listing(key)
    if stored is None:
        return None
    listing, detection = stored.listing, store.get_detection(key)
    return {
        "id": key,
        "text": listing.text,
        "title": listing.title,
        "lang": (detection.lang if detection else None) or listing.lang_hint,
        "label": LABEL_WILDLIFE if confirmed else LABEL_CLEAN,
        "commodity": detection.commodity if confirmed and detection else None,
        "intent": detection.intent if confirmed and detection else "other",
        "source": "triage",
        # Evidence addresses of the listing's images: `train-image --feedback` reads them.
        "image_sha256": list(listing.image_sha256),
    }


def write_examples(examples: Iterator[dict[str, Any]], out: IO[str]) -> int:
    count = 0
    for example in examples:
        out.write(json.dumps(example, ensure_ascii=False) + "\n")
        count += 1
    return count
