"""Romanised Hindi spellings and Devanagari vowel length: a key listed in one spelling
matches the spellings traders actually type, without new matches in other languages."""

from __future__ import annotations

import pytest

from classifiers.base import TextDoc
from classifiers.lexicon import default_lexicon
from classifiers.lexicon.hinglish import hinglish_forms, romanised_hindi, skeleton, word_forms
from classifiers.lexicon.matcher import Matcher
from classifiers.normalize import normalize
from classifiers.text.lexicon_detector import LexiconDetector, describe


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(default_lexicon())


def _terms(matcher: Matcher, text: str) -> set[tuple[str, str]]:
    lex = matcher.lexicon
    return {
        (lex.terms[m.index].commodity, lex.terms[m.index].key)
        for m in matcher.match(normalize(text))
        if m.kind == "term"
    }


def test_spellings_fold_to_one_skeleton() -> None:
    pairs = [("haathi", "hathi"), ("bhaaloo", "bhalu"), ("bachcha", "baccha"),
             ("bachha", "bacha"), ("pitt", "pit"), ("wala", "vala"), ("seeng", "sing")]  # fmt: skip
    for a, b in pairs:
        assert skeleton(a) == skeleton(b), (a, b)


def test_word_forms_cover_the_usual_alternations() -> None:
    assert {"haathi", "hathi", "hathee", "haathee"} <= set(word_forms("hathi"))
    assert {"baccha", "bacha", "bachha", "bachcha"} <= set(word_forms("baccha"))
    assert {"bhaloo", "bhaalu", "bhaaloo"} <= set(word_forms("bhalu"))
    assert word_forms("ka") == ("ka",)  # postpositions: classifiers.lexicon.hindi's job


def test_forms_exclude_the_key_taken_keys_and_short_single_words() -> None:
    forms = hinglish_forms("hathi dant")
    assert "haathi daant" in forms and "hathi dant" not in forms
    assert "haathi daant" not in hinglish_forms("hathi dant", frozenset({"haathi daant"}))
    assert hinglish_forms("seeng") == ()  # "sing" would be an English word
    assert all(" " in f or len(f) >= 6 for f in hinglish_forms("udbilav"))
    assert len(hinglish_forms("bhalu ka pitt ki thaili")) <= 24


def test_only_hindi_keys_are_respelt() -> None:
    hindi, taken = romanised_hindi([("hathi dant", ("hi",)), ("ivory", ("en",)), ("象牙", ("zh",))])
    assert hindi == {"hathi dant"} and taken == {"hathi dant", "ivory"}


def test_unlisted_spellings_find_the_listed_term(matcher: Matcher) -> None:
    for text, commodity in [
        ("hathee daant ki choodi bikau hai", "ivory"),
        ("bhaaloo ka pitt chahiye", "bear_bile"),
        ("gaindaa sing powder", "rhino_horn"),
        ("ullu ka bachcha bikau", "live_bird"),
        ("kachhue ke bachche available", "live_reptile"),
    ]:
        assert commodity in {c for c, _ in _terms(matcher, text)}, text


def test_no_new_match_in_english_or_malay(matcher: Matcher) -> None:
    assert _terms(matcher, "sing a song at the bandar, shop the pit stop") == set()


def test_devanagari_short_and_long_vowels_match_alike() -> None:
    det = LexiconDetector()
    docs = [
        TextDoc(id="long", text="भालू का पित्त बिकाऊ है ₹45,000"),
        TextDoc(id="short", text="भालु का पित्त बिकाऊ है ₹45,000"),
        TextDoc(id="ivory", text="हाथि दांत की चूडि बिकाऊ है ₹45,000"),
    ]
    long, short, ivory = (describe(d) for d in det.classify(docs))
    assert short["commodity"] == "bear_bile" and short["score"] == long["score"]
    assert ivory["commodity"] == "ivory" and ivory["score"] >= 0.5
    assert normalize("भालू ईख").plain == normalize("भालु इख").plain
