"""Lexicon keys inside words run together (``classifiers.lexicon.fused``), the Thai/Lao
mark order, and Arabic prefixes on context rules (round six); Devanagari hashtags (round
thirteen)."""

from __future__ import annotations

import pytest

from classifiers.base import TextDoc
from classifiers.lexicon import default_lexicon
from classifiers.lexicon.fused import fused_key
from classifiers.lexicon.matcher import Matcher
from classifiers.normalize import normalize
from classifiers.text.lexicon_detector import LexiconDetector


@pytest.fixture(scope="module")
def detector() -> LexiconDetector:
    return LexiconDetector()


@pytest.mark.parametrize(
    ("text", "commodity"),
    [
        ("Vendo #pieldepangolín, 900 €, envío a toda España", "pangolin"),
        ("selling #genuinerhinohornpowder 10g, DM for price", "rhino_horn"),
        ("أبيع #قرنوحيدالقرنكامل أصلي، السوم 3000 ريال، راسلني خاص", "rhino_horn"),
        # Round thirteen: a whole Devanagari hashtag equal to a multi-word term, and a
        # term in front of a context word (चूड़ी) that matches at the token's end.
        ("#बाघकीखाल #असली #एंटीक", "big_cat"),
        ("#हाथीदांतकीचूड़ी ₹8000", "ivory"),
        ("#코뿔소뿔가루 정품", "rhino_horn"),
    ],
)
def test_keys_inside_run_together_words_are_found(
    detector: LexiconDetector, text: str, commodity: str
) -> None:
    (analysis,) = detector.analyse([TextDoc("x", text)])
    assert commodity in analysis.per_commodity, text


@pytest.mark.parametrize(
    "text",
    [
        "#ivorycolourweddingdress for sale, size 10, 80 USD",  # the fused rule cancels the term
        "#tigerbalmoriginal 30g, 5 USD, DM",
    ],
)
def test_fused_context_rules_still_cancel(detector: LexiconDetector, text: str) -> None:
    (det,) = detector.classify([TextDoc("x", text)])
    assert not det.is_hit, (text, det.score, det.reasons)


def test_a_typo_is_left_to_the_fuzzy_pass() -> None:
    matcher = Matcher(default_lexicon())
    matches = matcher.match(normalize("pangolinn scales"))
    assert any(m.fuzzy for m in matches)  # not a fused (exact) match of "pangolin"


def test_fused_keys_only_for_scripts_written_with_spaces() -> None:
    assert fused_key("rhino horn") == "rhinohorn"
    assert fused_key("象牙手镯") is None and fused_key("ivory") is None  # no-space script; short


def test_thai_and_lao_tone_mark_order_folds() -> None:
    assert normalize("น้ำผึ้ง").text == normalize("นํ้าผึ้ง").text
    assert normalize("ນ້ຳດີໝີ").text == normalize("ນໍ້າດີໝີ").text
    norm = normalize("ขาย น้ำผึ้ง")
    assert norm.to_original(0, len(norm.text)) == (0, len("ขาย น้ำผึ้ง"))


def test_arabic_prefixes_apply_to_context_rules(detector: LexiconDetector) -> None:
    # "الراتنج" (the resin) is the rule "راتنج" with the article attached.
    (det,) = detector.classify(
        [TextDoc("x", "للبيع تمثال قرن وحيد القرن مصنوع من الراتنج، السعر 80 ريال")]
    )
    assert not det.is_hit, (det.score, det.reasons)
