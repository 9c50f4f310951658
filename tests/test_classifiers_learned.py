"""The shipped learned detector: loads its artefacts, classifies held-out listings in several
languages, explains itself, and gives calibrated, monotone scores."""

from __future__ import annotations

import json

import pytest

from classifiers.base import TextDoc
from classifiers.text.learned import SHIPPED_DIR, LearnedDetector
from classifiers.train.data import load_corpus, select, to_docs


@pytest.fixture(scope="module")
def detector() -> LearnedDetector:
    return LearnedDetector()


def test_shipped_artefacts_are_small_and_pickle_free() -> None:
    assert (SHIPPED_DIR / "heads.npz").stat().st_size < 5_000_000
    meta = json.loads((SHIPPED_DIR / "meta.json").read_text())
    assert meta["spec"]["encoder"] == "use" and meta["train_data_sha256"]
    assert set(meta["thresholds"]) == {"queue", "takedown"}


@pytest.mark.parametrize("lang", ["en", "zh", "vi", "th", "es", "de", "ja"])
def test_held_out_positives_and_hard_negatives(detector: LearnedDetector, lang: str) -> None:
    rows = [r for r in select(load_corpus(), "test") if r["lang"] == lang and r["held_out"]]
    dets = detector.classify(to_docs(rows))
    right = sum(d.is_hit == (r["label"] == "wildlife") for r, d in zip(rows, dets, strict=True))
    assert right / len(rows) >= 0.85


def test_detection_fields_and_reasons(detector: LearnedDetector) -> None:
    docs = [TextDoc("a", "Selling r.h.i.n.o horn powder, no papers, WhatsApp +84 912 3456"),
            TextDoc("b", "Customs at Heathrow seized 40 kg of rhino horn, two arrested."),
            TextDoc("c", "", title="")]
    a, b, c = detector.classify(docs)
    assert a.is_hit and a.commodity == "rhino_horn" and a.cites_appendix == "I"
    assert a.species and a.intent == "sell"
    assert any(r.kind == "term" and r.span for r in a.reasons)
    assert a.reasons[-1].kind == "model" and "p(wildlife)" in a.reasons[-1].detail
    assert not b.is_hit and b.commodity is None
    assert not c.is_hit and 0.0 <= c.score <= 1.0


def test_scores_are_probabilities_and_monotone_in_evidence(detector: LearnedDetector) -> None:
    docs = [TextDoc("0", "wooden dining table for sale, pick up only"),
            TextDoc("1", "ivory coloured wedding dress for sale"),
            TextDoc("2", "carved ivory bangle for sale, old stock, no papers, WhatsApp me")]
    scores = [d.score for d in detector.classify(docs)]
    assert all(0.0 <= s <= 1.0 for s in scores)
    assert scores[0] < 0.2 and scores[2] > 0.8 and scores[1] < scores[2]


def test_empty_batch(detector: LearnedDetector) -> None:
    assert detector.classify([]) == []
