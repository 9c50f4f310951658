"""Alert rules: decide which (listing, detection) pairs deserve a human look.

Design notes
------------
* A rule is a small object with a stable ``get_name()`` (it is stored in ``Alert.rule``
  and shown to investigators) and ``evaluate(listing, detection) -> Alert | None``.
  Rules see only the crawl and classifier contracts; they never touch a store (the
  ``index`` package depends on ``alerts.base``, not the other way round), so the caller
  decides where alerts go.
* ``apply_rules`` enforces "one alert per listing": when several rules fire for the same
  listing it keeps the highest score and records every rule that fired, joined with
  ``+`` in a stable order, so the queue is not flooded and nothing that fired is hidden.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from dataclasses import replace

from alerts.base import Alert, alert_id_for
from classifiers.base import Detection
from common.clock import utc_now
from crawlers.base import Listing

RULE_SEPARATOR = "+"


class AlertRule(ABC):
    """Turns one classified listing into an ``Alert`` or ``None``.

    Implementations must be pure (same inputs, same verdict apart from timestamps) and
    must not raise for odd listings: hostile input is the normal case.
    """

    @abstractmethod
    def get_name(self) -> str:
        """Stable key stored in ``Alert.rule``."""

    @abstractmethod
    def evaluate(self, listing: Listing, detection: Detection) -> Alert | None:
        """The alert this listing deserves under this rule, or ``None``."""


def make_alert(listing: Listing, detection: Detection, rule: str, *, now: str = "") -> Alert:
    """Build a fresh ``Alert`` for a listing; the store keeps state/version of old ones."""
    at = now or utc_now()
    return Alert(
        id=alert_id_for(listing.key),
        listing_key=listing.key,
        source=listing.source,
        rule=rule,
        score=float(detection.score),
        commodity=detection.commodity,
        intent=detection.intent,
        created_at=at,
        updated_at=at,
        seller_id=listing.seller_id,
        title=listing.title,
        priority=float(detection.priority or 0.0),
        network=_network(detection),
    )


def _network(detection: Detection) -> str | None:
    """The seller network the enrichment step recorded (``extra["network"]``)."""
    network = detection.extra.get("network")
    return network if isinstance(network, str) and network else None


class ThresholdRule(AlertRule):
    """Alert when the classifier says "wildlife" or the score reaches ``threshold``.

    The label check matters for classifiers whose calibrated decision differs from a
    plain cut-off (a context rule can label a hit below the queue threshold).
    """

    def __init__(self, threshold: float, name: str = "score-threshold") -> None:
        if not 0.0 <= threshold <= 1.0:
            raise ValueError(f"threshold must be in [0, 1], got {threshold}")
        if not name or RULE_SEPARATOR in name:
            raise ValueError(f"rule name must be non-empty and not contain {RULE_SEPARATOR!r}")
        self.threshold = threshold
        self.name = name

    def get_name(self) -> str:
        return self.name

    def evaluate(self, listing: Listing, detection: Detection) -> Alert | None:
        if detection.is_hit or detection.score >= self.threshold:
            return make_alert(listing, detection, self.name)
        return None

    def __repr__(self) -> str:
        return f"ThresholdRule(threshold={self.threshold!r}, name={self.name!r})"


def _merge(current: Alert, new: Alert) -> Alert:
    """Keep the higher-scoring alert; remember every rule that fired."""
    names = sorted(set(current.rule.split(RULE_SEPARATOR)) | set(new.rule.split(RULE_SEPARATOR)))
    best = new if new.score > current.score else current
    return replace(best, rule=RULE_SEPARATOR.join(names))


def apply_rules(
    rules: Sequence[AlertRule], pairs: Iterable[tuple[Listing, Detection]]
) -> list[Alert]:
    """Evaluate every rule on every pair; at most one alert per listing, in first-seen order."""
    by_key: dict[str, Alert] = {}
    for listing, detection in pairs:
        for rule in rules:
            alert = rule.evaluate(listing, detection)
            if alert is None:
                continue
            current = by_key.get(alert.listing_key)
            by_key[alert.listing_key] = alert if current is None else _merge(current, alert)
    return list(by_key.values())
