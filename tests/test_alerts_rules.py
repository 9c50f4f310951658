"""Alert rules: thresholds, label overrides, one alert per listing."""

from __future__ import annotations

import pytest
from factories import make_listing

from alerts.base import alert_id_for
from alerts.rules import AlertRule, ThresholdRule, apply_rules
from classifiers.base import LABEL_CLEAN, LABEL_WILDLIFE, Detection
from crawlers.base import Listing


def listing(n: int, *, seller: str | None = "s1") -> Listing:
    return make_listing(
        listing_id=str(n),
        url=f"http://127.0.0.1/item/{n}",
        price=None,
        currency=None,
        seller_name=None,
        lang_hint=None,
        title=f"item {n}",
        text="carved white bangle",
        fetched_at="2024-01-01T00:00:00.000000Z",
        seller_id=seller,
    )


def detection(item: Listing, score: float, label: str = LABEL_CLEAN) -> Detection:
    return Detection(id=item.key, score=score, label=label, commodity="ivory", intent="sell")


def test_threshold_rule_fires_at_and_above_threshold_only() -> None:
    rule = ThresholdRule(0.5)
    item = listing(1)
    assert rule.evaluate(item, detection(item, 0.49)) is None
    at = rule.evaluate(item, detection(item, 0.5))
    assert at is not None
    assert at.score == 0.5


def test_threshold_rule_fires_on_wildlife_label_below_threshold() -> None:
    item = listing(1)
    alert = ThresholdRule(0.9).evaluate(item, detection(item, 0.3, LABEL_WILDLIFE))
    assert alert is not None
    assert alert.id == alert_id_for(item.key)
    assert (alert.listing_key, alert.source, alert.rule) == (item.key, "bazaar", "score-threshold")
    assert (alert.commodity, alert.intent, alert.seller_id) == ("ivory", "sell", "s1")
    assert alert.title == "item 1"
    assert alert.state == "new"
    assert alert.version == 1


def test_threshold_rule_validates_arguments() -> None:
    with pytest.raises(ValueError):
        ThresholdRule(1.5)
    with pytest.raises(ValueError):
        ThresholdRule(0.5, name="a+b")
    assert ThresholdRule(0.5, name="queue").get_name() == "queue"


class SellerRule(AlertRule):
    """A second rule kind: any listing by a watched seller, with a fixed score."""

    def __init__(self, seller: str) -> None:
        self.seller = seller

    def get_name(self) -> str:
        return "watched-seller"

    def evaluate(self, item: Listing, det: Detection):  # type: ignore[no-untyped-def]
        if item.seller_id != self.seller:
            return None
        return ThresholdRule(0.0, name=self.get_name()).evaluate(
            item, Detection(id=det.id, score=0.95, label=det.label, intent=det.intent)
        )


def test_apply_rules_keeps_one_alert_per_listing_with_best_score_and_all_rule_names() -> None:
    a, b, c = listing(1, seller="watched"), listing(2), listing(3)
    pairs = [(a, detection(a, 0.6)), (b, detection(b, 0.7)), (c, detection(c, 0.1))]
    alerts = apply_rules([ThresholdRule(0.5), SellerRule("watched")], pairs)
    assert [x.listing_key for x in alerts] == [a.key, b.key]
    first, second = alerts
    assert first.score == 0.95
    assert first.rule == "score-threshold+watched-seller"
    assert second.score == 0.7
    assert second.rule == "score-threshold"


def test_apply_rules_merges_repeated_listing_versions() -> None:
    a = listing(1)
    alerts = apply_rules([ThresholdRule(0.5)], [(a, detection(a, 0.8)), (a, detection(a, 0.6))])
    assert len(alerts) == 1
    assert alerts[0].score == 0.8
    assert alerts[0].rule == "score-threshold"


def test_rules_do_not_import_the_index_package() -> None:
    import ast
    from pathlib import Path

    import alerts.rules

    tree = ast.parse(Path(alerts.rules.__file__).read_text(encoding="utf-8"))
    imported = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    imported |= {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    assert imported
    assert not any(m.split(".")[0] == "index" for m in imported)
