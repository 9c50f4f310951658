"""Fold triage decisions back into training.

``wildtrace export-feedback`` writes one JSON object per confirmed or dismissed alert:
``{"id", "text", "title", "lang", "label", "commodity", "intent", "source": "triage"}``.
``load_feedback`` turns those lines into training rows (split ``train``, id prefixed
``fb:`` so they never collide with corpus ids). Malformed or unlabelled lines are skipped
and counted, never guessed: a wrong label is worse than a missing one.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from pathlib import Path

from classifiers.base import INTENTS, LABEL_CLEAN, LABEL_WILDLIFE
from classifiers.train.data import Row

log = logging.getLogger(__name__)
MAX_TEXT = 20_000


def _row(obj: object) -> Row | None:
    if not isinstance(obj, dict) or "id" not in obj or not isinstance(obj.get("text"), str):
        return None
    label = obj.get("label")
    if label not in (LABEL_WILDLIFE, LABEL_CLEAN):
        return None
    intent = obj.get("intent") if obj.get("intent") in INTENTS else "other"
    commodity = obj.get("commodity") if label == LABEL_WILDLIFE else None
    return {
        "id": f"fb:{obj['id']}",
        "text": obj["text"][:MAX_TEXT],
        "title": str(obj.get("title") or "")[:MAX_TEXT],
        "lang": obj.get("lang"),
        "script": None,
        "label": label,
        "commodity": commodity or None,
        "intent": intent,
        "negative_kind": "feedback" if label == LABEL_CLEAN else None,
        "source": str(obj.get("source") or "triage"),
        "split": "train",
    }


def load_feedback(paths: Iterable[str | Path]) -> list[Row]:
    """Training rows from exported feedback JSONL files (later duplicates win)."""
    rows: dict[str, Row] = {}
    skipped = 0
    for path in paths:
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                if not line.strip():
                    continue
                try:
                    row = _row(json.loads(line))
                except json.JSONDecodeError:
                    row = None
                if row is None:
                    skipped += 1
                    continue
                rows[row["id"]] = row
    if skipped:
        log.warning("feedback: skipped %d malformed or unlabelled lines", skipped)
    return list(rows.values())
