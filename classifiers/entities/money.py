"""Prices (amount + ISO 4217 currency, also in a reference currency) and quantities
(mass in grams, or a count of pieces).

Design notes
------------
* A price needs a currency: a symbol or code before the amount ("$1,200", "Rp 1.500.000",
  "R$ 350") or a currency word after it ("1.500.000 đ", "3500元", "250 euros"); or, in
  Vietnamese and Indonesian listings, a money multiplier alone ("500k", "2tr", "150rb",
  "3 jt"). A bare number is never a price, so order numbers and years stay out.
* Ambiguous symbols follow the region/language hint: "$" is USD except in MX, AU, SG, HK,
  TW; "¥" is JPY in Japanese listings and CNY otherwise.
* Conversion uses a dated table (``Rates``; shipped in ``data/rates.toml``, replaceable by
  the ``entities.rates_file`` setting). Each price carries ``ref_amount``,
  ``ref_currency`` and ``rate_date``; a currency missing from the table keeps its amount
  and gets no reference amount rather than a guessed one.
* Quantities: a number directly followed by a unit (kg, g, 公斤, 克, 斤, 两, lạng, ons,
  oz, lb, กก., pcs, 个, con, ekor …); mass is normalised to grams, counts to pieces.
  They run before phones, so "0903 555 123 2kg" keeps the phone and the weight apart.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from classifiers.entities.base import PRICE, QUANTITY
from classifiers.entities.context import Context
from classifiers.entities.numbers import AMOUNT, MULTIPLIERS, format_amount, parse_amount


@dataclass(frozen=True, slots=True)
class Rates:
    date: str
    reference: str
    per_reference: dict[str, float]

    def convert(self, amount: float, currency: str) -> float | None:
        rate = self.per_reference.get(currency)
        return round(amount / rate, 2) if rate else None


def load_rates(path: str | Path | None = None) -> Rates:
    """The dated rate table at ``path`` (default: the shipped one); ``ValueError`` names
    the file and what is wrong."""
    where = str(path) if path else "classifiers/entities/data/rates.toml"
    if path:
        raw = Path(path).read_text(encoding="utf-8")
    else:
        raw = resources.files("classifiers.entities").joinpath("data/rates.toml").read_text("utf-8")
    try:
        data = tomllib.loads(raw)
        table = {str(k).upper(): float(v) for k, v in data["per_reference"].items()}
        rates = Rates(str(data["date"]), str(data["reference"]).upper(), table)
    except (tomllib.TOMLDecodeError, KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ValueError(f"{where}: bad rate table ({exc})") from None
    if any(v <= 0 for v in table.values()) or rates.per_reference.get(rates.reference) != 1.0:
        raise ValueError(f"{where}: rates must be > 0 and the reference must be 1.0")
    return rates


_PREFIX = {
    "US$": "USD", "USD": "USD", "HK$": "HKD", "NT$": "TWD", "S$": "SGD", "A$": "AUD",
    "MX$": "MXN", "R$": "BRL", "$": "$", "€": "EUR", "EUR": "EUR", "£": "GBP", "GBP": "GBP",
    "¥": "¥", "RMB": "CNY", "CNY": "CNY", "RP": "IDR", "RP.": "IDR", "IDR": "IDR",
    "RM": "MYR", "MYR": "MYR", "฿": "THB", "THB": "THB", "VND": "VND", "₫": "VND",
    "JPY": "JPY", "CHF": "CHF", "₱": "PHP", "PHP": "PHP", "BRL": "BRL", "MXN": "MXN",
    "KSH": "KES", "KES": "KES", "₦": "NGN", "INR": "INR", "₹": "INR",
}  # fmt: skip
_SUFFIX = {
    "usd": "USD", "us$": "USD", "dollar": "$", "dollars": "$", "$": "$", "eur": "EUR",
    "euro": "EUR", "euros": "EUR", "€": "EUR", "£": "GBP", "gbp": "GBP", "pounds": "GBP",
    "đ": "VND", "₫": "VND", "vnđ": "VND", "vnd": "VND", "đồng": "VND", "dong": "VND",
    "元": "CNY", "块": "CNY", "塊": "CNY", "圆": "CNY", "rmb": "CNY", "cny": "CNY",
    "yuan": "CNY", "円": "JPY", "yen": "JPY", "jpy": "JPY", "บาท": "THB", "baht": "THB",
    "thb": "THB", "฿": "THB", "rupiah": "IDR", "idr": "IDR", "ringgit": "MYR", "myr": "MYR",
    "reais": "BRL", "real": "BRL", "brl": "BRL", "pesos": "MXN", "peso": "MXN", "mxn": "MXN",
    "chf": "CHF", "sgd": "SGD", "hkd": "HKD", "php": "PHP", "inr": "INR",
}  # fmt: skip
_LOCAL_MULT = {"k": "VND", "tr": "VND", "triệu": "VND", "củ": "VND", "tỷ": "VND",
               "nghìn": "VND", "ngàn": "VND", "rb": "IDR", "ribu": "IDR", "jt": "IDR",
               "juta": "IDR"}  # fmt: skip
_DOLLAR_REGIONS = {"MX": "MXN", "AU": "AUD", "SG": "SGD", "HK": "HKD", "TW": "TWD"}


def _alt(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


# Edges: no Latin letter or digit glued on ("500g" yes, "x500g" no, "1,500" not "500");
# CJK and Thai letters may touch a number ("价格3500元", "ราคา500บาท").
_L = r"(?<![A-Za-z0-9_])(?<!\d[.,])"
_WEND = r"(?![^\W\d_\u0e00-\u0e7f\u3040-\u30ff\u3400-\u9fff])"
_MULT = f"(?:\\s?(?P<mul>{_alt(list(MULTIPLIERS))}){_WEND}(?P<frac>\\d(?!\\d))?)?"
_PRICE_PRE = re.compile(
    f"(?<![A-Za-z0-9_$])(?P<cur>{_alt(list(_PREFIX))})\\s?(?P<amt>{AMOUNT}){_MULT}", re.IGNORECASE
)
# "3 500 €": spaces group thousands only before a currency word, never after a digit
# group ("0903 555 123 000đ" stays a phone and a number).
_SPACED = r"(?<!\d )[1-9]\d{0,2}(?: \d{3})+(?![\d.,])"
_PRICE_SUF = re.compile(
    f"{_L}(?P<amt>{_SPACED}|{AMOUNT}){_MULT}\\s?(?P<cur>{_alt(list(_SUFFIX))}){_WEND}",
    re.IGNORECASE,
)
_PRICE_LOCAL = re.compile(
    f"{_L}(?P<amt>{AMOUNT})\\s?(?P<mul>{_alt(list(_LOCAL_MULT))}){_WEND}(?P<frac>\\d(?!\\d))?",
    re.IGNORECASE,
)


def find_prices(ctx: Context, rates: Rates) -> None:
    for pattern in (_PRICE_PRE, _PRICE_SUF, _PRICE_LOCAL):
        for m in pattern.finditer(ctx.text):
            cur = _currency(m, ctx)
            amount = _amount(m)
            if cur is None or amount is None or amount <= 0:
                continue
            value = f"{format_amount(amount)} {cur}"
            ctx.add(
                PRICE,
                value,
                *m.span(),
                amount=amount,
                currency=cur,
                ref_amount=rates.convert(amount, cur),
                ref_currency=rates.reference,
                rate_date=rates.date,
            )


def _amount(m: re.Match[str]) -> float | None:
    amount = parse_amount(m.group("amt").replace(" ", ""))
    mul = (m.groupdict().get("mul") or "").lower()
    if amount is None:
        return None
    if mul:
        amount *= MULTIPLIERS[mul]
        frac = m.groupdict().get("frac")
        if frac:  # "1tr5" = 1.5 million
            amount += int(frac) * MULTIPLIERS[mul] / 10
    return amount


def _currency(m: re.Match[str], ctx: Context) -> str | None:
    groups = m.groupdict()
    raw = groups.get("cur")
    if raw is None:
        mul = (groups.get("mul") or "").lower()
        cur = _LOCAL_MULT.get(mul)
        if cur == "VND" and not _is(ctx, "vi", "VN"):
            return None
        return cur
    cur = _PREFIX.get(raw.upper()) if m.re is _PRICE_PRE else _SUFFIX.get(raw.lower())
    if cur == "$":
        return _DOLLAR_REGIONS.get((ctx.region or "").upper(), "USD")
    if cur == "¥":
        return "JPY" if _is(ctx, "ja", "JP") else "CNY"
    return cur


def _is(ctx: Context, lang: str, region: str) -> bool:
    return (ctx.lang or "").lower().startswith(lang) or (ctx.region or "").upper() == region


_GRAMS = {
    "kg": 1000.0, "kgs": 1000.0, "kilo": 1000.0, "kilos": 1000.0, "kilogram": 1000.0,
    "kilograms": 1000.0, "kilogramos": 1000.0, "quilos": 1000.0, "公斤": 1000.0,
    "千克": 1000.0, "cân": 1000.0, "ký": 1000.0, "กก.": 1000.0, "กก": 1000.0,
    "กิโล": 1000.0, "กิโลกรัม": 1000.0, "g": 1.0, "gr": 1.0, "gram": 1.0, "grams": 1.0,
    "gramm": 1.0, "gramos": 1.0, "gramas": 1.0, "grammes": 1.0, "克": 1.0, "กรัม": 1.0,
    "mg": 0.001, "斤": 500.0, "两": 50.0, "兩": 50.0, "lạng": 100.0, "ons": 100.0,
    "ขีด": 100.0, "oz": 28.35, "lb": 453.6, "lbs": 453.6, "tấn": 1e6,
    "ton": 1e6, "tons": 1e6, "tonnes": 1e6, "吨": 1e6,
}  # fmt: skip
_COUNT = (
    "pcs", "pc", "piece", "pieces", "pair", "pairs", "units", "unit", "cái", "chiếc", "con",
    "đôi", "bộ", "个", "個", "只", "隻", "条", "條", "根", "对", "對", "件", "片", "颗", "顆",
    "支", "头", "頭", "ekor", "buah", "biji", "pasang", "keping", "ตัว", "ชิ้น", "คู่",
    "unidades", "unidad", "uds", "piezas", "peças", "pares", "pièces", "pièce", "stück", "stk",
    "本", "枚", "匹",
)  # fmt: skip
_QTY = re.compile(
    f"{_L}(?P<amt>\\d+(?:[.,]\\d+)?)\\s?(?P<unit>{_alt(list(_GRAMS) + list(_COUNT))})" + _WEND,
    re.IGNORECASE,
)


def find_quantities(ctx: Context) -> None:
    for m in _QTY.finditer(ctx.text):
        unit = m.group("unit").lower()
        amount = parse_amount(m.group("amt"))
        if amount is None or amount <= 0:
            continue
        if unit in _GRAMS:
            grams = round(amount * _GRAMS[unit], 3)
            ctx.add(QUANTITY, f"{format_amount(grams)} g", *m.span(), amount=amount, unit=unit,
                    grams=grams)  # fmt: skip
        else:
            ctx.add(QUANTITY, f"{format_amount(amount)} pcs", *m.span(), amount=amount,
                    unit=unit, count=amount)  # fmt: skip
