"""Arabic key forms: attached article and prepositions, and the all-definite noun +
adjective phrase ("الببغاء الرمادي") of a key listed indefinite (round thirteen)."""

from __future__ import annotations

from classifiers.base import TextDoc
from classifiers.lexicon.arabic import arabic_forms
from classifiers.text.lexicon_detector import LexiconDetector


def test_prefixes_and_the_definite_phrase() -> None:
    assert {"العاج", "والعاج", "بالعاج"} <= set(arabic_forms("عاج"))
    assert "الالعاج" not in arabic_forms("العاج") and "والعاج" in arabic_forms("العاج")
    forms = set(arabic_forms("ببغاء رمادي"))
    assert {"الببغاء الرمادي", "والببغاء الرمادي", "الببغاء رمادي"} <= forms
    assert "ببغاء رمادي" not in forms
    assert arabic_forms("ivory") == () and arabic_forms("象牙") == ()
    assert not any(f.count("ال") > 2 for f in arabic_forms("ببغاء الكاسكو"))  # has an article


def test_a_definite_phrase_finds_the_indefinite_key() -> None:
    det = LexiconDetector()
    (an,) = det.analyse([TextDoc("x", "الببغاء الرمادي لسه موجود، السعر على الخاص")])
    assert "live_bird" in an.per_commodity
    (none,) = det.analyse([TextDoc("y", "لا تزعجني، ازعاج الجيران ممنوع")])
    assert "ivory" not in none.per_commodity  # "عاج" inside "ازعاج" still does not match
