"""Fusion: one score from text, image concepts and bank matches, reasons carried along."""

from __future__ import annotations

from classifiers.base import LABEL_CLEAN, LABEL_WILDLIFE, REASON_IMAGE, Detection, Reason
from classifiers.fuse import FusionPolicy, ImageEvidence, bank_probability, fuse
from classifiers.image.base import BankMatch, ImageSignals

CLEAN_TEXT = Detection(id="x", score=0.02, label=LABEL_CLEAN, model="learned@2")
SIG = ImageSignals(sha256="a" * 64, pdq="f" * 64, quality=90)


def test_no_images_means_the_text_verdict_unchanged() -> None:
    assert fuse(CLEAN_TEXT, []) is CLEAN_TEXT


def test_a_bank_match_alone_raises_an_alert_with_its_reason() -> None:
    match = BankMatch("K1", 12, ("tiger", "skin"), "big_cat", "partner.csv")
    fused = fuse(CLEAN_TEXT, [ImageEvidence(SIG), ImageEvidence(SIG, (match,))])
    assert fused.label == LABEL_WILDLIFE and fused.score > 0.9
    assert fused.commodity == "big_cat"
    (reason,) = [r for r in fused.reasons if r.kind == REASON_IMAGE]
    assert reason.detail == "image 2 matches bank entry K1 at distance 12 (labels: tiger, skin)"
    assert fused.extra["fusion"]["text"] == 0.02 and fused.model == "learned@2+fuse@1"


def test_bank_probability_falls_with_distance() -> None:
    policy = FusionPolicy()
    assert bank_probability(0, policy) == 0.99
    assert abs(bank_probability(31, policy) - 0.9) < 1e-9
    assert bank_probability(0, policy) > bank_probability(20, policy) > bank_probability(31, policy)


def test_concepts_alone_never_alert_but_lift_a_borderline_text() -> None:
    tiger = ImageSignals(sha256="b" * 64, concepts={"tiger": 0.97, "macaw": 0.01})
    alone = fuse(CLEAN_TEXT, [ImageEvidence(tiger)])
    assert alone.label == LABEL_CLEAN and alone.score < 0.5
    assert any("looks like tiger" in r.detail for r in alone.reasons)
    borderline = Detection(id="x", score=0.35, label=LABEL_CLEAN, commodity=None)
    lifted = fuse(borderline, [ImageEvidence(tiger)], concept_commodity={"tiger": "big_cat"})
    assert lifted.label == LABEL_WILDLIFE and lifted.commodity == "big_cat"


def test_text_fields_and_reasons_are_kept_and_errors_explained() -> None:
    text = Detection(
        id="x",
        score=0.93,
        label=LABEL_WILDLIFE,
        commodity="ivory",
        reasons=(Reason("term", "ivory", 1.0, (0, 5), "ivory"),),
    )
    broken = ImageSignals(sha256="c" * 64, error="truncated: image file is truncated")
    fused = fuse(text, [ImageEvidence(broken)])
    assert fused.score == text.score and fused.commodity == "ivory"
    assert fused.reasons[0] == text.reasons[0]
    assert "image 1 unreadable: truncated" in fused.reasons[1].detail
