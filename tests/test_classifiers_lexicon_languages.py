"""The nine languages of the breadth round, scripts without spaces, right-to-left text,
posting styles and two-way homoglyphs — through the lexicon detector and language ID.

These listings were written by the engineer who wrote the lexicon entries (so they show
the entries work, not how well they generalise): the independent, hand-written set for
the new languages is evaluated separately (see models/text/MODEL_CARD.md)."""

from __future__ import annotations

import pytest

from classifiers.base import TextDoc
from classifiers.lang import detect_language
from classifiers.normalize import normalize
from classifiers.text.lexicon_detector import LexiconDetector

# Each offer: its text, then the language, commodity and intent it must get.
OFFERS = [
    ("للبيع سوار عاج أفريقي أصلي، السعر 500 ريال، واتساب ٠٥٠١٢٣٤٥٦٧", "ar", "ivory", "sell"),
    ("مطلوب ببغاء رمادي كاسكو، من عنده؟", "ar", "live_bird", "buy"),
    ("\u200fللبيع بالعاج منحوتة قديمة\u200f", "ar", "ivory", "sell"),  # RTL mark, article
    ("웅담 판매합니다 50만원 카톡 문의", "ko", "bear_bile", "sell"),
    ("코끼리 상아 도장 삽니다", "ko", "ivory", "buy"),
    ("Inauzwa pembe za ndovu, bei nafuu, piga simu 0712 345 678", "sw", "ivory", "sell"),
    ("Natafuta magamba ya kakakuona, nina pesa tayari", "sw", "pangolin", "buy"),
    ("Продам браслет из слоновой кости, цена 50000 руб, пишите в лс", "ru", "ivory", "sell"),
    ("Куплю рог сайги, дорого", "ru", "wildlife_parts", "buy"),
    ("बिक्री के लिए असली बाघ के नाखून, ₹5000, संपर्क करें", "hi", "big_cat", "sell"),
    ("ဆင်စွယ်လက်ကောက် ရောင်းမည် 50000 ကျပ်", "my", "ivory", "sell"),
    ("មានលក់ ស្នែងរមាស តម្លៃ 900$", "km", "rhino_horn", "sell"),
    ("ມີຂາຍ ບີໝີ ລາຄາ 500000 ກີບ", "lo", "bear_bile", "sell"),
    ("Binebenta kaliskis ng balintong, pm lang, GCash ok", "tl", "pangolin", "sell"),
]
NOT_OFFERS = [
    "ازعاج شديد من الجيران",  # contains the letters of عاج inside another word
    "ضبطت الجمارك شحنة عاج وأحالت المتهمين إلى النيابة",  # news
    "호피무늬 원피스 판매합니다",  # leopard-print dress
    "Polisi wamekamatwa watu wawili wakiwa na pembe za ndovu",  # news
    "Продам диван цвета слоновой кости",  # ivory-coloured sofa
    "Продам бивень мамонта, ископаемая кость",  # mammoth (legal cover; a rule)
    "टाइगर बाम 10 ग्राम बिक्री के लिए",  # Tiger Balm
    "Nasabat ng Bureau of Customs ang garing at sungay ng rhino",  # news
]


@pytest.fixture(scope="module")
def detector() -> LexiconDetector:
    return LexiconDetector()


@pytest.mark.parametrize(("text", "lang", "commodity", "intent"), OFFERS)
def test_offers_in_the_new_languages(
    detector: LexiconDetector, text: str, lang: str, commodity: str, intent: str
) -> None:
    det = detector.classify([TextDoc(id="x", text=text)])[0]
    assert det.is_hit, (text, det.score)
    assert (det.commodity, det.intent, det.lang) == (commodity, intent, lang)
    for reason in det.reasons:  # spans point into the original (RTL marks included)
        assert reason.span is not None
        assert text[reason.span[0] : reason.span[1]] == reason.matched


@pytest.mark.parametrize("text", NOT_OFFERS)
def test_hard_negatives_in_the_new_languages(detector: LexiconDetector, text: str) -> None:
    det = detector.classify([TextDoc(id="x", text=text)])[0]
    assert not det.is_hit, (text, det.score, det.reasons)


@pytest.mark.parametrize(
    ("text", "commodity", "intent"),
    [
        ("🔴 LIVE NOW: ivory bangles! comment MINE to claim, 200 USD", "ivory", "sell"),
        ("直播间上新象牙手镯，想要的扣1", "ivory", "sell"),
        ("is the rhino horn cup still available? how much", "rhino_horn", "buy"),
        ("Selling my grandfather's ivory carving, family heirloom, pre-ban", "ivory", "sell"),
        ("🦏 horn powder 10g, DM for price", "rhino_horn", "sell"),
        ("象🦷手镯 出售 微信 abc123", "ivory", "sell"),
        ("sừng 🦏 giá tốt, zalo 0912345678", "rhino_horn", "sell"),
        ("Anyone know where I can get pangolin scales in Lagos?", "pangolin", "buy"),
        ("#ivorybangle for sale DM", "ivory", "sell"),  # words run together
        ("rhinohorn powder 10g for sale", "rhino_horn", "sell"),
        ("hathi dant ki chudi bechna hai, contact karo", "ivory", "sell"),  # Hinglish
        ("lil bay3 3aj feel, whatsapp 0501234567", "ivory", "sell"),  # Arabizi
    ],
)
def test_posting_styles(detector: LexiconDetector, text: str, commodity: str, intent: str) -> None:
    det = detector.classify([TextDoc(id="x", text=text)])[0]
    assert det.is_hit, (text, det.score)
    assert (det.commodity, det.intent) == (commodity, intent)


def test_no_space_scripts_rejoin_spaced_words_and_match_inside_runs() -> None:
    assert normalize("ງາ ຊ້າງ").text == "ງາຊ້າງ"
    assert normalize("ភ្លុក ដំរី").text == "ភ្លុកដំរី"
    assert normalize("ဆင် စွယ်").text == "ဆင်စွယ်"
    det = LexiconDetector().classify([TextDoc(id="x", text="ມີຂາຍງາ ຊ້າງແທ້ ລາຄາ 500 ກີບ")])[0]
    assert det.commodity == "ivory" and det.is_hit


def test_arabic_and_devanagari_spelling_variants_fold() -> None:
    # Tatweel and short vowels vanish; hamza forms of alef fold in the accent-free text.
    assert normalize("عـــاج").text == "عاج"
    assert normalize("عَاج").text == "عاج"
    assert normalize("أسد").plain == "اسد"
    assert normalize("दाँत").plain == normalize("दांत").plain


def test_homoglyphs_fold_towards_the_words_own_script() -> None:
    assert normalize("іvоry").text == "ivory"  # Cyrillic letters in a Latin word
    assert normalize("слoнoвая").text == "слоновая"  # Latin o in a Russian word
    assert normalize("ᴛɪɢᴇʀ ᴄʟᴀᴡ").text == "tiger claw"  # small capitals


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("للبيع سوار عاج", "ar"), ("판매 코끼리 상아", "ko"), ("Продам слоновую кость", "ru"),
        ("हाथीदांत की चूड़ी बिक्री के लिए", "hi"), ("ဆင်စွယ် ရောင်းမည်", "my"),
        ("មានលក់ ភ្លុកដំរី", "km"), ("ມີຂາຍ ງາຊ້າງແທ້", "lo"),
        ("Inauzwa pembe za ndovu bei nafuu piga simu", "sw"),
        ("Binebenta ko ang garing na pulseras, pm lang po", "tl"),
        ("WhatsApp +84 ivory bangle Продам слоновую кость браслет", "ru"),  # mixed scripts
    ],
)  # fmt: skip
def test_language_id_for_the_new_languages(text: str, lang: str) -> None:
    assert detect_language(text) == lang


@pytest.mark.parametrize(
    ("text", "commodity", "intent"),
    [
        ("호랑이 발톱 목걸이 팔아요", "big_cat", "sell"),  # round twelve: colloquial sell verbs
        ("상아도장 인감 급처", "ivory", "sell"),
        ("호피 깔개 판매합니다", "big_cat", "sell"),  # a tiger-skin rug, not the print
        ("กระเพาะปลาโตโตอาบา แห้ง ขาย", "totoaba_maw", "sell"),  # another Thai spelling
        ("Helmhornvogel Schnitzerei, Nachlass, Preis auf Anfrage", "hornbill_casque", "sell"),
    ],
)
def test_round_twelve_vocabulary(text: str, commodity: str, intent: str) -> None:
    got = LexiconDetector().classify([TextDoc(id="v", text=text)])[0]
    assert (got.commodity, got.intent, got.is_hit) == (commodity, intent, True)
