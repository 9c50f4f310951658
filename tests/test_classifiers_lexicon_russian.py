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


def test_fleeting_vowel_nouns_get_their_oblique_stem() -> None:
    assert "бивн" in russian_forms("бивень")  # бивня, бивни, бивней, бивнем
    assert "когт" in russian_forms("коготь")
    assert "бивня слон" in russian_forms("бивень слона")
    assert any(f.endswith(" когт") for f in russian_forms("тигриный коготь"))
    assert russian_forms("клык") == () and "кст" not in russian_forms("кость слона")


def test_oblique_ivory_forms_match_through_the_real_lexicon() -> None:
    det = LexiconDetector()
    texts = (
        "Осталось от деда: 2 бивня, вес 4 кг, рассмотрю предложения",
        "Продам: шары из кости слона, 3 шт, г. Москва",
        "Продаю старинную фигурку, слон. кость, Африка, 1960-е",
        "Продаю когти тигра, 4 шт",
    )
    got = det.classify([TextDoc(id=str(i), text=t) for i, t in enumerate(texts)])
    assert [d.commodity for d in got] == ["ivory", "ivory", "ivory", "big_cat"]
    assert all(d.intent == "sell" for d in got)


def test_russian_buyer_replies_and_requests_give_intent_buy() -> None:
    det = LexiconDetector()
    texts = (
        "Возьму бивень слона, сколько хотите?",
        "Кто продаст рог носорога? Заберу сам",
        "Подскажите, где можно приобрести медвежью желчь?",
        "Отложите мне чешую панголина, заберу в субботу",
    )
    got = det.classify([TextDoc(id=str(i), text=t) for i, t in enumerate(texts)])
    assert [d.intent for d in got] == ["buy"] * 4
    assert all(d.commodity for d in got)


def test_ivory_colour_in_an_abbreviated_ad_stays_clean() -> None:
    det = LexiconDetector()
    doc = TextDoc(id="c", text="Прод. платье цвета слоновой кости, 44 р-р, ц. 1500 р.")
    assert not det.classify([doc])[0].is_hit
