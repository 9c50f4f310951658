"""Ground truth of the demo corpus and the evaluation of a run's alerts against it.

The truth never goes over HTTP: a crawler sees only what a real site would show.
``evaluate`` takes the set of keys (``f"{source}:{listing_id}"``) a pipeline alerted on
and reports planted recall and the false-alert rate on negatives overall, on hard
negatives, on image-only posts, per source, per language and per commodity, and lists
what was missed, so a regression says *where* it happened. Keys that are not live at
the epoch (removed items, the robots-disallowed private listings) are counted apart as
``unknown_keys`` rather than silently dropped.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from wildtrace.demo.epochs import snapshot
from wildtrace.demo.model import DemoItem


def demo_truth(epoch: int = 0) -> list[dict[str, Any]]:
    """One dict per live listing/post at ``epoch``:
    ``{source, listing_id, planted, commodity, intent, lang, image_only, hard_negative}``."""
    return [item.truth() for item in snapshot(epoch).all_items()]


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


class _Tally:
    def __init__(self) -> None:
        self.planted = self.found = self.negatives = self.false_alerts = 0

    def add(self, item: DemoItem, alerted: bool) -> None:
        if item.planted:
            self.planted += 1
            self.found += alerted
        else:
            self.negatives += 1
            self.false_alerts += alerted

    def figures(self) -> dict[str, Any]:
        return {
            "planted": self.planted,
            "found": self.found,
            "recall": _ratio(self.found, self.planted),
            "negatives": self.negatives,
            "false_alerts": self.false_alerts,
            "false_alert_rate": _ratio(self.false_alerts, self.negatives),
        }


def evaluate(alerted_keys: set[str], epoch: int = 0) -> dict[str, Any]:
    """Score alerted keys against the truth of ``epoch`` (see the module docstring)."""
    items = snapshot(epoch).all_items()
    live = {item.key for item in items}
    overall, hard, image_only = _Tally(), _Tally(), _Tally()
    groups: dict[str, dict[str, _Tally]] = {
        "by_source": defaultdict(_Tally),
        "by_lang": defaultdict(_Tally),
        "by_commodity": defaultdict(_Tally),
    }
    missed, false_keys = [], []
    for item in items:
        alerted = item.key in alerted_keys
        overall.add(item, alerted)
        if item.hard_negative:
            hard.add(item, alerted)
        if item.image_only:
            image_only.add(item, alerted)
        groups["by_source"][item.source].add(item, alerted)
        groups["by_lang"][item.lang].add(item, alerted)
        if item.commodity:
            groups["by_commodity"][item.commodity].add(item, alerted)
        if item.planted and not alerted:
            missed.append(item.key)
        elif alerted and not item.planted:
            false_keys.append(item.key)
    figures = overall.figures()
    return {
        "epoch": epoch,
        "items": len(items),
        "alerted": len(alerted_keys & live),
        "planted": figures["planted"],
        "found": figures["found"],
        "planted_recall": figures["recall"],
        "negatives": figures["negatives"],
        "false_alerts": figures["false_alerts"],
        "negative_false_alert_rate": figures["false_alert_rate"],
        "precision": _ratio(figures["found"], figures["found"] + figures["false_alerts"]),
        "hard_negatives": hard.negatives,
        "hard_negative_false_alert_rate": hard.figures()["false_alert_rate"],
        "image_only_planted": image_only.planted,
        "image_only_recall": image_only.figures()["recall"],
        **{name: {k: t.figures() for k, t in sorted(g.items())} for name, g in groups.items()},
        "missed": sorted(missed),
        "false_alert_keys": sorted(false_keys),
        "unknown_keys": sorted(alerted_keys - live),
    }
