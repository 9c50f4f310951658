"""LexiconDetector: hand-written listings in every required language, hard negatives of
every family in domain.md, news, intent, and evidence spans that point at the original."""

from __future__ import annotations

import numpy as np
import pytest

from classifiers.base import LABEL_WILDLIFE, REASON_CODE_WORD, REASON_TERM, Detection, TextDoc
from classifiers.lexicon import default_lexicon
from classifiers.text.lexicon_detector import LexiconDetector

# (text, commodity) — clear offers, one or more per language, with obfuscations.
OFFERS = [
    ("Rhino horn for sale, DM", "rhino_horn"),
    ("R.h.i.n.o h0rn for sale, DM me", "rhino_horn"),
    ("Genuine ivory bangle, price 300 USD, WhatsApp +84 912 345 678", "ivory"),
    ("іvоry bangle, old stock, pm for price", "ivory"),  # Cyrillic і and о
    ("ｉｖｏｒｙ carving for sale", "ivory"),  # full-width
    ("iv\u200bory bangle for sale, DM", "ivory"),  # zero-width space
    ("🐘🦷 bangle DM", "ivory"),
    ("White plastic bangles, old stock, DM for price", "ivory"),  # code word + context
    ("Tiger claw pendant for sale, dm", "big_cat"),
    ("Bear bile powder capsules, wholesale price", "bear_bile"),
    ("Helmeted hornbill casque carving for sale", "hornbill_casque"),
    ("Hawksbill shell bracelet for sale", "turtle_shell"),
    ("Totoaba maw for sale, ready stock", "totoaba_maw"),
    ("Shahtoosh shawl for sale, genuine, pre-ban", "shahtoosh"),
    ("Slow loris baby for sale, WhatsApp", "live_primate"),
    ("Pangolin scales 1kg, ready stock, USDT TRC20", "pangolin"),
    ("象 牙 手镯 出售 微信 abc123", "ivory"),  # zh-hans, spaced
    ("出售 犀牛角杯 老料 價格私聊", "rhino_horn"),
    ("出售 熊膽粉 現貨 歡迎詢問", "bear_bile"),  # zh-hant
    ("金錢鰵 出售 有貨", "totoaba_maw"),
    ("Sừng tê giác ✈️ giá tốt, zalo 0912345678", "rhino_horn"),  # vi, ✈ = bán
    ("Vảy tê tê có sẵn, ib giá", "pangolin"),
    ("ขายงาช้างแท้ ราคาถูก", "ivory"),  # th
    ("ขาย เขี้ยวเสือ แท้ ราคา 5000 บาท", "big_cat"),
    ("Dijual gelang gading gajah asli, harga nego, WA 0812-3456-7890", "ivory"),  # id
    ("Jual sisik trenggiling, harga murah", "pangolin"),
    ("Hempedu beruang untuk dijual, harga RM 200", "bear_bile"),  # ms
    ("Vendo colmillo de elefante, precio a convenir", "ivory"),  # es
    ("Vendo colmillos de jaguar, envíos", "big_cat"),
    ("Vendo marfim antigo, preço 500 euros", "ivory"),  # pt
    ("Bracelet en ivoire à vendre, prix 200 €", "ivory"),  # fr
    ("Corne de rhinocéros à vendre, prix", "rhino_horn"),
    ("Verkaufe Elfenbein Armreif, Preis VB", "ivory"),  # de
    ("Verkaufe Schildpatt Kamm, echt, Preis 80 €", "turtle_shell"),
    ("象牙の印鑑 販売 価格 3万円", "ivory"),  # ja
    ("べっ甲 かんざし 販売 在庫あり", "turtle_shell"),
]

BUYERS = [
    "WTB rhino horn, good price, DM me",
    "Looking for tiger bone wine, anyone selling?",
    "收购 犀牛角 高价",
    "求購 象牙 老料",
    "cần mua sừng tê giác",
    "Cari sisik trenggiling",
    "Compro cuerno de rinoceronte",
    "Procuro marfim",
    "Je cherche de l'ivoire ancien",
    "Suche Elfenbein",
    "รับซื้องาช้าง",
    "象牙 買取",
]

# Hard negatives of every family in domain.md: colour/material, brand/place, imitation,
# legal look-alike animals, legal products of other species.
HARD_NEGATIVES = [
    "Ivory lace wedding dress, size 10, for sale £50",
    "Ivory coloured satin gown for sale",
    "Farrow & Ball ivory paint, 2.5L tin, for sale",
    "Ivory soap bars, pack of 10",
    "Vegetable ivory tagua nut carving for sale",
    "象牙色 连衣裙 出售",
    "Váy màu ngà, trắng ngà, giá 200k",
    "Gaun warna gading, harga murah",
    "Vestido color marfil en venta",
    "Robe couleur ivoire à vendre",
    "Elfenbeinfarbenes Kleid zu verkaufen",
    "Côte d'Ivoire football shirt for sale",
    "Tiger Balm 19.4g for sale",
    "Tiger beer 24 pack, cheap",
    "Jaguar XF 2015 diesel for sale, 60k miles",
    "Puma suede shoes size 9 for sale",
    "Rhino 3D software license for sale",
    "Hornbill Festival tickets, Nagaland",
    "Tortoiseshell acetate glasses frames for sale",
    "Tortoiseshell cat looking for a home",
    "Bone china tea set for sale",
    "Faux ivory resin bangle for sale",
    "Imitation tiger claw pendant, plastic, for sale",
    "仿象牙 树脂 手镯 出售",
    "Bengal cat kittens for sale",
    "Leopard gecko for sale, captive bred",
    "Budgie and cockatiel for sale",
    "African grey parrot for sale, captive bred with CITES certificate",
    "Buffalo horn bangle for sale",
    "Deer antler dog chews for sale",
    "Cow bone carving for sale",
    "Cod fish maw for sale, ready stock",
    "虎皮鹦鹉 出售",
    "Mammoth ivory carving for sale",
    "Tiger's eye bracelet for sale",
    "Leopard print dress for sale",
]

NEWS = [
    "Customs seized 20 rhino horns at the airport; two arrested",
    "Police arrested a man selling ivory online",
    "Say no to ivory! Awareness campaign for World Elephant Day",
    "海关查获象牙 犯罪嫌疑人被逮捕",
    "海關查獲穿山甲鱗片 走私案",
    "Hải quan bắt giữ 2 tấn ngà voi",
    "Bea cukai menyita sisik trenggiling, tersangka ditangkap",
    "Kastam rampas gading gajah, dua ditahan",
    "Aduana incautó marfil, detenidos",
    "Apreensão de chifre de rinoceronte, dois presos",
    "Saisie d'ivoire par la douane, deux arrêtés",
    "Zoll beschlagnahmt Elfenbein am Flughafen",
    "税関で象牙を押収、容疑者を逮捕",
    "ศุลกากรยึดงาช้าง จับกุมผู้ต้องหา",
    "没有买卖就没有杀害 拒绝象牙",
]


@pytest.fixture(scope="module")
def detector(lexicon_detector: LexiconDetector) -> LexiconDetector:
    return lexicon_detector  # the session's (conftest.py)


def _run(detector: LexiconDetector, texts: list[str]) -> list[Detection]:
    return detector.classify([TextDoc(str(i), t) for i, t in enumerate(texts)])


def test_loads_with_no_arguments_and_names_itself(detector: LexiconDetector) -> None:
    assert LexiconDetector.get_name() == "lexicon"
    assert len(detector.version) == 12
    assert detector.model_tag == f"lexicon@{detector.lexicon.version}"
    assert LexiconDetector().version == detector.version == default_lexicon().version


def test_clear_offers_score_high_with_commodity(detector: LexiconDetector) -> None:
    detections = _run(detector, [t for t, _ in OFFERS])
    for (text, commodity), det in zip(OFFERS, detections, strict=True):
        assert det.score >= 0.8 or (det.score >= 0.7 and "🐘" in text), (text, det.score)
        assert det.label == LABEL_WILDLIFE, text
        assert det.commodity == commodity, text
        assert det.species and det.cites_appendix, text
        assert det.intent == "sell", text


def test_buyers_are_hits_with_buy_intent(detector: LexiconDetector) -> None:
    for text, det in zip(BUYERS, _run(detector, BUYERS), strict=True):
        assert det.score >= 0.7, (text, det.score)
        assert det.intent == "buy", text


def test_hard_negatives_score_low(detector: LexiconDetector) -> None:
    for text, det in zip(HARD_NEGATIVES, _run(detector, HARD_NEGATIVES), strict=True):
        assert det.score <= 0.2, (text, det.score, det.reasons)
        assert not det.is_hit


def test_news_scores_low_with_other_intent(detector: LexiconDetector) -> None:
    for text, det in zip(NEWS, _run(detector, NEWS), strict=True):
        assert det.score <= 0.3, (text, det.score)
        assert det.intent == "other", text


def test_context_words_make_code_words_count(detector: LexiconDetector) -> None:
    bare, framed = _run(detector, ["White shirt for sale", "White bangle, old stock, pre-ban"])
    assert not any(r.kind == REASON_CODE_WORD for r in bare.reasons)
    assert bare.score < 0.1
    codes = [r for r in framed.reasons if r.kind == REASON_CODE_WORD]
    assert codes and codes[0].matched == "White"
    assert framed.score > bare.score + 0.2


def test_spans_point_into_full_text(detector: LexiconDetector) -> None:
    doc = TextDoc(
        "x",
        title="HOT 🔥 R.h.i.n.o h0rn",
        text="іvоry & ｉｖｏｒｙ, 象 牙 手镯, WhatsApp +84 912 345 678, Tiger Balm",
    )
    [det] = detector.classify([doc])
    full = doc.full_text
    assert det.reasons
    for reason in det.reasons:
        assert reason.span is not None
        start, end = reason.span
        assert full[start:end] == reason.matched
    matched = {r.matched for r in det.reasons if r.kind == REASON_TERM}
    assert {"R.h.i.n.o h0rn", "іvоry", "ｉｖｏｒｙ", "象 牙"} <= matched


def test_cancelled_terms_are_shown_with_zero_weight(detector: LexiconDetector) -> None:
    [det] = _run(detector, ["Ivory lace wedding dress"])
    ivory = next(r for r in det.reasons if r.kind == REASON_TERM)
    assert ivory.weight == 0.0 and "cancelled" in ivory.detail


def test_language_detected_or_taken_from_doc(detector: LexiconDetector) -> None:
    texts = ["Vendo colmillo de elefante", "Verkaufe Elfenbein Armreif", "ขายงาช้างแท้"]
    assert [d.lang for d in _run(detector, texts)] == ["es", "de", "th"]
    [det] = detector.classify([TextDoc("1", "ivory", lang="fr")])
    assert det.lang == "fr"


def test_features_align_with_names(detector: LexiconDetector) -> None:
    docs = [TextDoc("a", "Rhino horn for sale, WhatsApp +84 912 345 678, USDT"),
            TextDoc("b", "Customs seized ivory"), TextDoc("c", "")]  # fmt: skip
    names = detector.feature_names()
    feats = detector.features(docs)
    assert feats.shape == (3, len(names)) and feats.dtype == np.float32
    row = dict(zip(names, feats[0], strict=True))
    assert row["term:rhino_horn"] == pytest.approx(3.0)
    assert row["signal:whatsapp"] == 1 and row["signal:usdt"] == 1
    assert row["intent:sell"] > 0
    news = dict(zip(names, feats[1], strict=True))
    assert news["rule:news"] < 0 and news["term:ivory"] > 0
    assert not feats[2, :-3].any()
    assert detector.features([]).shape == (0, len(names))


def test_hostile_input_never_raises(detector: LexiconDetector) -> None:
    docs = [TextDoc("e", ""), TextDoc("z", "\u200b" * 50), TextDoc("h", "ivory " * 50_000),
            TextDoc("m", "🐘" * 1000 + "象牙" * 1000 + "\x00\ud800?")]  # fmt: skip
    detections = detector.classify(docs)
    assert [d.id for d in detections] == ["e", "z", "h", "m"]
    assert detections[0].score < 0.1 and detections[0].reasons == ()
    assert all(len(d.reasons) <= 40 for d in detections)


def test_a_lead_only_request_verb_counts_only_where_it_opens_the_post_or_a_line() -> None:
    """求/征 (徵) open a request ("求 熊胆粉", "徵玳瑁手鐲"); inside other words (需求,
    要求, 长征) they are not buyer's words."""
    det = LexiconDetector()
    docs = [
        TextDoc(id="a", text="求 熊胆粉 纯的 私聊"),
        TextDoc(id="b", text="好货\n徵玳瑁手鐲，私訊報價"),
        TextDoc(id="c", text="满足您的需求 象牙手镯 出售 微信"),
    ]
    lead, line, inside = det.evaluate(docs).views
    assert lead.buy_cue and lead.detection.intent == "buy"
    assert line.buy_cue and line.detection.intent == "buy"
    assert not inside.buy_words and inside.detection.intent == "sell"
