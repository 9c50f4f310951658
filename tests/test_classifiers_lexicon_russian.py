"""Russian case forms: multi-word keys match in every case, through the real lexicon."""

from __future__ import annotations

from classifiers.base import TextDoc
from classifiers.lexicon.russian import russian_forms
from classifiers.text.lexicon_detector import LexiconDetector


def test_adjective_noun_key_gets_its_case_forms() -> None:
    forms = set(russian_forms("слоновая кость"))
    assert {"слоновую кост", "слоновой кост", "слоновых кост"} <= forms
    assert "слоновая кость" not in forms  # the key itself is indexed already


def test_possessive_adjective_and_yo_spelling() -> None:
    assert "медвежьей желч" in russian_forms("медвежья желчь")
    assert "черной икр" in russian_forms("чёрная икра")


def test_short_words_and_latin_keys_are_left_alone() -> None:
    assert russian_forms("ivory carving") == ()
    assert russian_forms("кость") == ()  # stem "кост" is too short alone
    assert russian_forms("обезьяна") == ("обезьян",)
    assert all(f.startswith("рог ") for f in russian_forms("рог носорога"))


def test_instrumental_and_genitive_plural_forms_match_the_commodity() -> None:
    det = LexiconDetector()
    docs = [
        TextDoc(id="a", text="Продаю шкатулку, инкрустированную слоновой костью, пишите"),
        TextDoc(id="b", text="Продам шкурой тигра? нет: шкуры тигров, две, дорого"),
    ]
    got = det.classify(docs)
    assert got[0].commodity == "ivory" and got[0].is_hit
    assert got[1].commodity == "big_cat"


def test_context_rules_match_in_other_cases_too() -> None:
    det = LexiconDetector()
    doc = TextDoc(id="c", text="Продаю серьги с тигровым глазом, 900 руб")
    assert not det.classify([doc])[0].is_hit
