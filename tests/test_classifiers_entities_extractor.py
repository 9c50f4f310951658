"""The entity extractor: one behaviour per test, every span checked against the text."""

from __future__ import annotations

import pytest

from classifiers.entities import Entity, EntityExtractor
from classifiers.entities.money import load_rates


@pytest.fixture(scope="module")
def ex() -> EntityExtractor:
    return EntityExtractor()


def _found(ex: EntityExtractor, text: str, lang: str | None = None, region: str | None = None
           ) -> list[tuple[str, str, str]]:  # fmt: skip
    ents = ex.extract(text, lang, region)
    for e in ents:
        assert text[e.start : e.end] == e.surface
    return [(e.type, e.value, e.surface) for e in ents]


def _values(ex: EntityExtractor, text: str, typ: str, **kw: str) -> list[str]:
    return [v for t, v, _ in _found(ex, text, **kw) if t == typ]


@pytest.mark.parametrize(
    ("text", "lang", "value", "surface"),
    [
        ("Zalo 0903 555 123", "vi", "+84903555123", "0903 555 123"),
        ("zalo 0903.555.123", "vi", "+84903555123", "0903.555.123"),
        ("WA (+62) 813-5550-1234", "id", "+6281355501234", "(+62) 813-5550-1234"),
        ("sđt ０９０３ ５５５ １２３", "vi", "+84903555123", "０９０３ ５５５ １２３"),
        ("โทร ๐๘๑ ๕๕๕ ๑๒๓๔", "th", "+66815551234", "๐๘๑ ๕๕๕ ๑๒๓๔"),
        ("call 508 5five5 38four1", "en", "+15085553841", "508 5five5 38four1"),
        ("WA nol delapan satu tiga lima lima lima nol satu dua tiga empat", "id",
         "+6281355501234", "nol delapan satu tiga lima lima lima nol satu dua tiga empat"),
        ("zalo không chín không ba năm năm năm một hai ba", "vi", "+84903555123",
         "không chín không ba năm năm năm một hai ba"),
        ("电话 一三八五五五零一二三四", "zh", "+8613855501234", "一三八五五五零一二三四"),
        ("wa.me/6281355501234", None, "+6281355501234", "6281355501234"),
        ("zalo 09\u200b03555123", "vi", "+84903555123", "09\u200b03555123"),
        ("WhatsApp +44 7700 900123", "en", "+447700900123", "+44 7700 900123"),
    ],
)  # fmt: skip
def test_phone_formats(ex: EntityExtractor, text: str, lang: str | None, value: str,
                       surface: str) -> None:  # fmt: skip
    assert ("phone", value, surface) in _found(ex, text, lang)


def test_channel_is_an_attribute_so_one_number_is_one_entity(ex: EntityExtractor) -> None:
    text = "WhatsApp 0903 555 123 · Zalo 0903 555 123"
    phones = [e for e in ex.extract(text, "vi") if e.type == "phone"]
    assert [e.value for e in phones] == ["+84903555123", "+84903555123"]
    assert [e.attrs["channel"] for e in phones] == ["whatsapp", "zalo"]
    assert {e.key for e in phones} == {("phone", "+84903555123")}


@pytest.mark.parametrize(
    "text",
    [
        "Order no. 4471220933 shipped",
        "mã đơn 0903555124",
        "订单号 13855501234",
        "Tracking JT0012345678VN",
        "SKU12345678901",
        "Bestellnummer 4401 2298 1177",
        "listed 2024-05-12, since 1975",
        "prices 100, 200, 300, 400",
    ],
)
def test_order_tracking_catalogue_numbers_dates_are_not_phones(
    ex: EntityExtractor, text: str
) -> None:
    assert _values(ex, text, "phone", lang="vi" if "mã" in text else "en") == []


def test_prices_and_weights_beside_phones_stay_apart(ex: EntityExtractor) -> None:
    found = _found(ex, "Zalo 0903 555 123 giá 2tr5, 3 lạng, 500k", "vi")
    assert ("phone", "+84903555123", "0903 555 123") in found
    assert ("price", "2500000 VND", "2tr5") in found
    assert ("quantity", "300 g", "3 lạng") in found
    assert ("price", "500000 VND", "500k") in found
    found = _found(ex, "WA 0813-5550-1234 Rp 1.500.000 /ons 2kg", "id")
    assert [t for t, _, _ in found] == ["phone", "price", "quantity"]


def test_price_normalised_with_dated_rates(ex: EntityExtractor) -> None:
    (price,) = [e for e in ex.extract("asking €920", "en") if e.type == "price"]
    rates = load_rates()
    assert price.value == "920 EUR"
    assert price.attrs["ref_currency"] == rates.reference == "USD"
    assert price.attrs["ref_amount"] == round(920 / rates.per_reference["EUR"], 2)
    assert price.attrs["rate_date"] == rates.date
    assert _values(ex, "¥3000", "price", lang="ja") == ["3000 JPY"]
    assert _values(ex, "¥3000", "price", lang="zh") == ["3000 CNY"]
    assert _values(ex, "$4,500", "price", region="MX") == ["4500 MXN"]


def test_quantities(ex: EntityExtractor) -> None:
    found = _found(ex, "象牙 2公斤 500克 3斤, 5 ons, 3 pcs, 2 กก.", "zh")
    assert [v for t, v, _ in found if t == "quantity"] == [
        "2000 g", "500 g", "1500 g", "500 g", "3 pcs", "2000 g"
    ]  # fmt: skip


def test_emails_plain_and_obfuscated(ex: EntityExtractor) -> None:
    text = (
        "ivy.shop [at] gmail [dot] com, a(at)b(dot)net, ivy dot trader at gmail dot com, x@y.co.id"
    )
    assert _values(ex, text, "email", lang="en") == [
        "ivy.shop@gmail.com", "a@b.net", "ivy.trader@gmail.com", "x@y.co.id"
    ]  # fmt: skip
    assert _values(ex, "meet me at shop.com or ig @tusk.trader", "email", lang="en") == []


def test_handles_from_context_and_links(ex: EntityExtractor) -> None:
    text = (
        "微信 wx123488，加V：tk5555，威信 ab_88 vx: hk_77 t.me/ivorytrader99 "
        "line.me/ti/p/~shop5555 tiktok.com/@horn_55 DM @jay_88 on TG, LINE ID: nora_9"
    )
    found = {(t, v) for t, v, _ in _found(ex, text, "zh")}
    assert found >= {
        ("handle:wechat", "wx123488"), ("handle:wechat", "tk5555"), ("handle:wechat", "ab_88"),
        ("handle:wechat", "hk_77"), ("handle:telegram", "ivorytrader99"),
        ("handle:line", "shop5555"), ("handle:tiktok", "horn_55"), ("handle:telegram", "jay_88"),
        ("handle:line", "nora_9"),
    }  # fmt: skip
    assert _found(ex, "Instagram for more photos", "en") == []
    assert _found(ex, "see you @home, line up", "en") == []


def test_number_after_platform_word_is_a_phone_with_channel(ex: EntityExtractor) -> None:
    (ent,) = ex.extract("微信 13855501234", "zh")
    assert (ent.type, ent.value, ent.attrs["channel"]) == ("phone", "+8613855501234", "wechat")


def test_wallets_need_their_checksum(ex: EntityExtractor) -> None:
    good = (
        "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t 1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2 "
        "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4 "
        "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"
    )
    assert [t for t, _, _ in _found(ex, good)] == [
        "crypto_tron", "crypto_btc", "crypto_btc", "crypto_eth"
    ]  # fmt: skip
    bad = (
        "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6u 1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN3 "
        "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5 "
        "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD"
    )
    assert _found(ex, bad) == []


def test_iban_and_bank_accounts(ex: EntityExtractor) -> None:
    found = _found(ex, "IBAN DE89 3704 0044 0532 0130 00, not GB82 WEST 1234 5698 7654 33", "de")
    assert found == [("iban", "DE89370400440532013000", "DE89 3704 0044 0532 0130 00")]
    found = _found(ex, "Transfer BCA 1234567890 a.n. Budi, WA 0813 5550 1234", "id")
    assert ("bank_account", "1234567890", "1234567890") in found
    assert ("phone", "+6281355501234", "0813 5550 1234") in found
    (acct,) = [e for e in ex.extract("STK Vietcombank 0071000123456", "vi")]
    assert acct.type == "bank_account" and acct.attrs["bank"] == "Vietcombank"


def test_payment_mentions(ex: EntityExtractor) -> None:
    found = _found(ex, "PayPal friends, 支付宝 or 微信支付, paypal.me/ivyshop", "zh")
    assert [(t, v) for t, v, _ in found] == [
        ("paypal", "paypal"), ("alipay", "alipay"), ("wechat_pay", "wechat_pay"),
        ("paypal", "paypal.me/ivyshop"),
    ]  # fmt: skip


def test_hostile_input_never_raises_and_is_capped(ex: EntityExtractor) -> None:
    assert ex.extract("") == []
    assert ex.extract("\u200b" * 10 + "🐘" * 5) == []
    huge = "0903 555 123 " * 9_000
    ents = ex.extract(huge, "vi")
    assert ents and all(e.end <= 100_000 for e in ents)


def test_entity_record_round_trip() -> None:
    ent = Entity("phone", "+84903555123", 5, 17, "0903 555 123", {"channel": "zalo"})
    assert Entity.from_dict(ent.to_dict()) == ent
    with pytest.raises(ValueError):
        Entity("nonsense", "x", 0, 1, "x")
