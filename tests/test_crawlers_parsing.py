"""Value parsing and selectors: hostile fragments in, clean values (or None) out."""

from __future__ import annotations

import pytest
from parsel import Selector

from crawlers.extract import build_item, canonical_json, html_values
from crawlers.parsing import (
    html_to_text,
    normalise_lang,
    parse_amount,
    parse_currency,
    parse_datetime,
)
from crawlers.profiles import find_profile
from crawlers.selectors import check_selector, select_html, select_json, select_xml


@pytest.mark.parametrize(
    ("shown", "amount", "currency"),
    [
        ("1.234,50 €", 1234.5, "EUR"),
        ("$1,200", 1200.0, "USD"),
        ("¥3000", 3000.0, "JPY"),
        ("12,50", 12.5, None),
        ("1 234,5 zł", 1234.5, "PLN"),
        ("US$ 99.99", 99.99, "USD"),
        ("EUR 12.5", 12.5, "EUR"),
        ("1'234.50 CHF", 1234.5, "CHF"),
        ("Price: 1,234,567", 1234567.0, None),
        ("RM 50", 50.0, "MYR"),
        ("$100 firm", 100.0, "USD"),
        ("3000 元", 3000.0, "CNY"),
        ("Contact me", None, None),
        ("", None, None),
        ("1,200 3 pcs", 1200.0, None),
    ],
)
def test_prices(shown: str, amount: float | None, currency: str | None) -> None:
    assert parse_amount(shown) == amount
    assert parse_currency(shown) == currency


def test_price_edge_cases() -> None:
    assert parse_currency("¥3000", lang="zh") == "CNY"
    assert parse_amount(12.5) == 12.5 and parse_amount(True) is None
    assert parse_amount(float("nan")) is None and parse_amount("9" * 30) is None


def test_html_to_text_keeps_paragraphs_drops_scripts_survives_broken_markup() -> None:
    assert html_to_text("<p>Old  stock,<br>no papers.</p><script>evil()</script><p>Ships</p>") == (
        "Old stock,\nno papers.\nShips"
    )
    assert html_to_text("<div><p>unclosed <b>bold <table><td>cell") == "unclosed bold\ncell"
    assert html_to_text("plain   text\n\n\n more") == "plain text\nmore"
    assert html_to_text("a &amp; b &lt;3") == "a & b <3"


def test_dates_and_languages() -> None:
    assert parse_datetime("2026-11-20T10:00:00+01:00") == "2026-11-20T09:00:00Z"
    assert parse_datetime("Fri, 20 Nov 2026 10:00:00 +0000") == "2026-11-20T10:00:00Z"
    assert parse_datetime(1_795_000_000) == "2026-11-18T11:06:40Z"
    assert parse_datetime("yesterday-ish") is None and parse_datetime(None) is None
    assert normalise_lang("es-MX") == "es" and normalise_lang("ZH_Hant") == "zh"
    assert normalise_lang("<script>") is None


def test_selector_dialects() -> None:
    page = Selector(
        text='<html lang="vi"><h1 class="t">Hi <i>there</i></h1><a href="/x">x</a></html>'
    )
    assert select_html(page, "h1.t") == ["Hi there"]
    assert select_html(page, "h1.t::text") == ["Hi"]
    assert select_html(page, "a::attr(href)") == ["/x"]
    assert select_html(page, "xpath:/html/@lang") == ["vi"]
    assert select_json({"a": [{"b": 1}, {"b": 2}], "c": {"d": "x"}}, "a.b") == [1, 2]
    assert select_json({"images": ["u1", "u2"]}, "images.1") == ["u2"]
    assert select_json({"a": None}, "a") == [] and select_json([], "a.b") == []
    item = Selector(text="<item><d>&lt;b&gt;hi&lt;/b&gt;</d><e url='/p.png'/></item>", type="xml")
    assert select_xml(item, "//d/text()", {}) == ["hi"]
    assert select_xml(item, "//e/@url", {}) == ["/p.png"]
    assert check_selector("html", "div[[") and check_selector("json", "a..b")
    assert check_selector("feed", "//a[") and check_selector("html", "div.x::text") is None


def test_build_item_from_a_page_with_missing_fields() -> None:
    profile = find_profile("bazaar")
    page = Selector(text="<html><body><h1 class='title'>Only a title</h1></body></html>")
    item = build_item(profile, html_values(profile, page), url="http://h/item/7", listing_id="7")
    assert (item["title"], item["text"], item["price"], item["currency"]) == (
        "Only a title",
        "",
        None,
        None,
    )
    assert item["lang_hint"] == "en"  # the profile's hint: the page declares none
    assert item["images"] == [] and item["seller_id"] is None and item["fetched_at"].endswith("Z")
    with pytest.raises(ValueError, match="no listing id"):
        build_item(profile, html_values(profile, page), url="http://h/x")


def test_canonical_json_is_order_independent() -> None:
    assert (
        canonical_json({"b": 1, "a": "é"})
        == canonical_json({"a": "é", "b": 1})
        == '{"a":"é","b":1}'.encode()
    )


def test_feed_xml_external_entities_are_not_resolved() -> None:
    xml = (
        '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        "<r><item><title>a&x;b</title></item></r>"
    )
    values = select_xml(Selector(text=xml, type="xml"), "//title/text()", {})
    assert "root:" not in "".join(values)
