"""LexiconDetector on the failure families of the second round: reporting that quotes
prices and code words, books and media, toys and merchandise, imitation materials (none
may alert), and offers hidden by full-width, Cyrillic, spaced or zero-width text, Latin
names, real-shell claims and regional vocabulary (all must alert). Hand-written examples,
several languages per family."""

from __future__ import annotations

import pytest

from classifiers.base import REASON_CODE_WORD, REASON_TERM, Detection, TextDoc
from classifiers.normalize import normalize
from classifiers.text.lexicon_detector import LexiconDetector

ZW = "\u200b"

# 1. Reporting and enforcement news, awareness and industry reports.
REPORTING = [
    "Customs officers found 2.4 tonnes of pangolin scales hidden in a container declared "
    "as cashew nuts",
    "An undercover investigation found tiger claws and ivory chopsticks offered openly in "
    "market stalls",
    "Prosecutors say the defendant offered 'black' at $1,200 per 10g and took payment in "
    "USDT TRC20 through WhatsApp",
    "Investigators say the dealer sold rhino horn powder via WeChat for 8,000 USD per 100g",
    "Police foiled the smuggling of 80 kg of ivory bound for Hanoi",
    "Platforms removed or blocked 3 million listings of tiger parts and pangolin scales, "
    "the coalition said in its report",
    "Petugas menggagalkan penyelundupan 1 ton sisik trenggiling, pelaku ditahan",
    "Hải quan phát hiện 900 kg vảy tê tê giấu trong container khai báo là hạt điều, vụ "
    "việc đang được điều tra",
    "No compres productos de carey: quedan menos de 25.000 hembras anidadoras",
    "Não compre marfim nem chifre de rinoceronte, denuncie a venda",
    "N'achetez pas de corne de rhinocéros : il reste moins de 27 000 rhinocéros",
    "Zollbeamte entdeckten 300 kg Schuppen vom Schuppentier in einem als Holz deklarierten "
    "Container",
    "海关在申报为花生的集装箱内发现象牙制品 涉案人员已被控制",
    "เจ้าหน้าที่ตรวจพบนอแรดซุกซ่อนในกระเป๋าเดินทาง",
    "税関は雑貨と申告された荷物から象牙を発見した",
]

# 2. Books, documentaries and other media about the trade.
MEDIA = [
    "Poached: Inside the Dark World of Wildlife Trafficking - paperback, good condition, £5",
    "Book on rhino horn, ivory, pangolin and tiger trafficking, hardback, like new",
    "Documentary DVD on the ivory trade, sealed",
    "Libro sobre el marfil y el cuerno de rinoceronte, tapa dura, 12 €",
    "Livro sobre o tráfico de marfim, capa dura, R$ 30",
    "Taschenbuch über Elfenbein und Nashornhorn, 6 €",
    "纪录片 DVD 关于象牙与犀牛角 全新未拆",
    "หนังสือ เรื่องงาช้าง มือสอง ราคา 150 บาท",
]

# 3. Toys, crafts and charity merchandise.
TOYS = [
    "Plush pangolin soft toy, 25 cm, new with tags",
    "Crochet tiger amigurumi, handmade, for sale",
    "WWF symbolic adoption pack: adopt a snow leopard, plush toy included",
    "Elephant figurine made of resin, ivory colour, for sale",
    "Save the rhino sticker pack, 5 vinyl stickers",
    "Tiger t-shirt, size L, for sale, £10",
    "Hyacinth macaw art print, A4, for sale",
    "Peluche de pangolín, 20 cm, nuevo",
    "Boneka trenggiling rajut, harga 75rb",
    "Plüschtier Tiger, neu, 8 €",
    "Gấu bông tê tê, giá 120k",
    "穿山甲 毛绒玩具 全新 出售",
    "センザンコウ ぬいぐるみ 販売",
]

# 4. Imitation materials that look like ivory or shell.
IMITATION = [
    "Celluloid hair comb, grained to look like ivory, 1930s, for sale",
    "French ivory dresser set, brush and mirror, for sale",
    "Ivorine napkin rings, set of 6, for sale",
    "Faux bone carved skull pendant, for sale",
    "Bakelite bangle, ivory-look, vintage, for sale",
    "Peine de celuloide imitación marfil, en venta",
    "Kunstelfenbein Brosche, Jugendstil, 20 €",
]

# 5-10. Offers that must alert: (text, commodity).
OFFERS = [
    ("ＲＨＩＮＯ libation cup, carved dragons, old collection", "rhino_horn"),  # full-width
    ("ＴＩＧＥＲ ＣＬＡＷ pendant, carved, DM", "big_cat"),
    ("Vendo рараgаіо-сіnzento filhote, manso, WhatsApp", "live_bird"),  # Cyrillic р а о і с
    ("Vendo tartaruga-radiada filhote, preço", "live_reptile"),  # hyphenated species
    ("g u a c a m a y o  j a c i n t o en venta, precio", "live_bird"),  # spaced words
    ("p a n g o l i n  s c a l e s  ready stock, PM", "pangolin"),
    (ZW.join("ขายนอแรดแท้"), "rhino_horn"),  # Thai, zero-width between every character
    ("ขายเต่าราเดียต้า ตัวเล็ก ไม่มีเอกสาร ราคา 6000 บาท", "live_reptile"),
    ("เต่าดาวมาดากัสการ์ ขาย ราคาถูก", "live_reptile"),
    ("Astrochelys radiata juveniles for sale", "live_reptile"),  # Latin names
    ("Psittacus erithacus, hand reared, available", "live_bird"),
    ("Manis javanica scales 1kg, ready stock", "pangolin"),
    ("Nycticebus coucang baby for sale", "live_primate"),
    ("Rhinoplax vigil casque for sale", "hornbill_casque"),
    ("Eretmochelys imbricata shell bracelet for sale", "turtle_shell"),
    ("Pantholops hodgsonii shawl for sale", "shahtoosh"),
    ("Panthera pardus skin for sale", "big_cat"),
    ("Geochelone platynota hatchlings for sale", "live_reptile"),
    ("Cacatua sulphurea, tame, for sale", "live_bird"),
    ("Bekko glasses frame, REAL shell, warm and heavy, for sale", "turtle_shell"),
    ("Buches listos para envío a Asia, precio por kilo, WhatsApp", "totoaba_maw"),
    ("Jual kukang jinak, harga 1,5 juta, WA 0812-5550-7788", "live_primate"),
    ("Jual owa jawa bayi, nego", "live_primate"),
    ("Dijual orangutan bayi, serius saja", "live_primate"),
    ("Jual kakatua jambul kuning, jinak", "live_bird"),
    ("Ngà voi có sẵn, liên hệ 0912 345 678", "ivory"),
    ("Oferta: g4rr45 de 71gr3, solo compradores serios", "big_cat"),  # leet with digit runs
]


@pytest.fixture(scope="module")
def detector(lexicon_detector: LexiconDetector) -> LexiconDetector:
    return lexicon_detector  # the session's (conftest.py)


def _run(detector: LexiconDetector, texts: list[str]) -> list[Detection]:
    return detector.classify([TextDoc(str(i), t) for i, t in enumerate(texts)])


@pytest.mark.parametrize("family", [REPORTING, MEDIA, TOYS, IMITATION])
def test_things_that_sell_nothing_stay_low(detector: LexiconDetector, family: list[str]) -> None:
    for text, det in zip(family, _run(detector, family), strict=True):
        assert det.score <= 0.3, (text, det.score, det.reasons)


def test_reporting_is_other_intent_even_when_it_quotes_prices(detector: LexiconDetector) -> None:
    for text, det in zip(REPORTING, _run(detector, REPORTING), strict=True):
        assert det.intent == "other", text
    quoted = _run(detector, [REPORTING[2]])[0]
    signals = {r.detail for r in quoted.reasons}
    assert {"signal payment: usdt", "signal price: price"} <= signals  # seen, yet low


def test_offers_of_every_family_alert(detector: LexiconDetector) -> None:
    for (text, commodity), det in zip(OFFERS, _run(detector, [t for t, _ in OFFERS]), strict=True):
        assert det.score >= 0.5, (text, det.score, det.reasons)
        assert det.commodity == commodity, text
        assert det.species and det.cites_appendix, text


def test_spans_of_obfuscated_offers_map_to_original(detector: LexiconDetector) -> None:
    for (text, _), det in zip(OFFERS, _run(detector, [t for t, _ in OFFERS]), strict=True):
        evidence = [r for r in det.reasons if r.kind in (REASON_TERM, REASON_CODE_WORD)]
        assert evidence, text
        for reason in det.reasons:
            assert reason.span is not None
            assert text[reason.span[0] : reason.span[1]] == reason.matched
    [cyr] = _run(detector, [OFFERS[2][0]])
    assert any(r.matched == "рараgаіо-сіnzento" for r in cyr.reasons)


def test_real_shell_claim_survives_the_acetate_rule(detector: LexiconDetector) -> None:
    real, acetate = _run(
        detector,
        ["Bekko glasses frame, REAL shell, for sale", "Bekko glasses frame, acetate, for sale"],
    )
    assert real.score >= 0.5 > acetate.score
    assert all("cancelled" not in r.detail for r in real.reasons)


def test_seller_talk_and_leading_buy_cues(detector: LexiconDetector) -> None:
    texts = [
        "Jual sisik trenggiling, cari yang serius saja, WA 0812-5550-7788",
        "Ready gading gajah, khusus yang serius",
        "WTB ivory bangle, price ok, DM",
        "Looking for tiger claw, have cash, PM price",
        "Cari cula badak, harga bagus, WA",
        "收购象牙手镯 价格好谈 微信",
    ]
    intents = [d.intent for d in _run(detector, texts)]
    assert intents == ["sell", "sell", "buy", "buy", "buy", "buy"]


def test_contact_signal_spans_cover_the_whole_number(detector: LexiconDetector) -> None:
    texts = ["Jual kukang, WA 0812-5550-7788", "ivory, Telegram @old_stock_88, Line ID: tg88"]
    spans = [{r.matched for r in d.reasons if "contact" in r.detail} for d in _run(detector, texts)]
    assert "WA 0812-5550-7788" in spans[0]
    assert {"Telegram @old_stock_88", "Line ID: tg88"} <= spans[1]


def test_normalisation_of_the_new_obfuscations() -> None:
    assert normalize("g u a c a m a y o  j a c i n t o").text == "guacamayo jacinto"
    assert normalize("r.h.i.n.o h.o.r.n").text == "rhino horn"
    assert normalize("cu3rn0 de r1n0c3r0n73").text == "cuerno de rinoceronte"
    assert normalize("рараgаіо-сіnzento").text == "papagaio cinzento"
    assert normalize(ZW.join("เต่าดาว")).text == "เต่าดาว"
    assert normalize("500g, trc20, iphone12, mp3").text == "500g, trc20, iphone12, mp3"
