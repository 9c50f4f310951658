"""Hindi postposition forms: a key listed with one of का/की/के matches the others."""

from __future__ import annotations

from classifiers.base import TextDoc
from classifiers.lexicon.hindi import hindi_forms, nasal_form
from classifiers.text.lexicon_detector import LexiconDetector, describe


def test_every_other_postposition_is_generated() -> None:
    assert set(hindi_forms("भालू का पित्त")) == {"भालू की पित्त", "भालू के पित्त"}
    assert set(hindi_forms("gende ka seeng")) == {"gende ki seeng", "gende ke seeng"}
    assert "भालू का पित्त" not in hindi_forms("भालू का पित्त")


def test_keys_without_a_postposition_yield_nothing() -> None:
    assert hindi_forms("हाथी दांत") == ("हाथी दान्त",)  # only its nasal spelling (below)
    assert hindi_forms("हत्था जोड़ी असली") == ()
    assert hindi_forms("का") == ()
    assert hindi_forms("ivory ka") == ()  # two words: no possessor and noun around it


def test_a_listing_in_the_unlisted_form_finds_the_listed_term() -> None:
    # The lexicon lists "भालू का बाल" (bear hair) and "भालू के नाखून" (bear claws) in one
    # form each; a seller writing the other form must match the same term, same weight.
    det = LexiconDetector()
    docs = [
        TextDoc(id="a", text="भालू का बाल बिकाऊ है ₹45,000"),
        TextDoc(id="b", text="भालू के बाल बिकाऊ है ₹45,000"),
        TextDoc(id="c", text="भालू का नाखून बिकाऊ है ₹45,000"),
    ]
    listed, other, claw = (describe(d) for d in det.classify(docs))
    assert listed["score"] == other["score"]
    assert ("term", "bear_bile: भालू का बाल (product, hi)") == tuple(other["reasons"][0][:2])
    assert claw["reasons"][0][0] == "term" and claw["commodity"] == "bear_bile"


def test_anusvara_and_class_nasal_spellings_match_alike() -> None:
    assert nasal_form("बंदर") == "बन्दर" and nasal_form("बन्दर") == "बंदर"
    assert nasal_form("दांत") == "दान्त" and nasal_form("कंगन") == "कङ्गन"
    assert nasal_form("भालू") == "भालू"  # no nasal: unchanged, and no extra form
    det = LexiconDetector()
    listed, other = (
        describe(d)
        for d in det.classify(
            [
                TextDoc(id="a", text="हाथी दांत की चूड़ी बिकाऊ"),
                TextDoc(id="b", text="हाथी दान्त की चूड़ी बिकाऊ"),
            ]
        )
    )
    assert other["commodity"] == "ivory" and other["score"] == listed["score"]
