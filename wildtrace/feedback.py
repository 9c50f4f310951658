"""Triage decisions as labelled training examples (``wildtrace export-feedback``).

Confirmed alerts become ``wildlife`` examples (with the detection's commodity and
intent), dismissed ones ``clean`` examples; undecided alerts are not exported — a guess
is worse than no label. The lines are what ``wildtrace train-text --feedback FILE``
folds into the next training run (``classifiers/train/feedback.py``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import IO, Any

from alerts.base import STATE_CONFIRMED, STATE_DISMISSED
from classifiers.base import LABEL_CLEAN, LABEL_WILDLIFE
from index.base import AlertFilter, Store


def feedback_examples(store: Store) -> Iterator[dict[str, Any]]:
    """One example per confirmed or dismissed alert whose listing is still stored."""
    for state in (STATE_CONFIRMED, STATE_DISMISSED):
        for alert in store.iter_alerts(AlertFilter(state=state)):
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
    }


def write_examples(examples: Iterator[dict[str, Any]], out: IO[str]) -> int:
    count = 0
    for example in examples:
        out.write(json.dumps(example, ensure_ascii=False) + "\n")
        count += 1
    return count
