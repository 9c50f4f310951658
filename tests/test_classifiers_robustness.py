"""Robustness suite: generated plain offers and requests of every commodity in every
language keep their label and intent under neutral edits ("raw", "script", "photo",
"old" and their translations added before or after, punctuation, emoji, price removed)."""

from __future__ import annotations

import pytest

from classifiers.lexicon import LANGS
from classifiers.text.learned import LearnedDetector
from classifiers.train.probes import plain_offers
from classifiers.train.robustness import measure


@pytest.mark.slow
def test_neutral_edits_flip_under_one_percent(learned_detector: LearnedDetector) -> None:
    probes = list(plain_offers())
    assert {p.lang for p in probes} == set(LANGS)
    report = measure(learned_detector, probes)
    assert report.edits >= 15 * len(probes) * 0.9
    assert len(report.base_misses) <= 0.05 * report.bases, report.base_misses
    assert report.flip_share < 0.01, report.to_dict()
