"""Turning hostile page fragments into clean values: text, prices, dates, languages.

Every function here is total: bad input gives an empty string or ``None``, never an
exception, because one odd advert must not stop a crawl. Sizes are capped before any
parsing so a huge field cannot make the regexes or the HTML parser work for long.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from lxml import etree, html

MAX_FRAGMENT_CHARS = 200_000
BLOCK_TAGS = frozenset(
    "address article aside blockquote br dd div dl dt figcaption figure footer h1 h2 h3 h4 h5 "
    "h6 header hr li main nav ol p pre section table tbody td th thead tr ul".split()
)
SKIP_TAGS = frozenset({"script", "style", "noscript", "template", "head"})

# Longest symbols first: "US$" must win over "$".
CURRENCY_SYMBOLS = [
    ("US$", "USD"), ("HK$", "HKD"), ("NT$", "TWD"), ("CN¥", "CNY"), ("R$", "BRL"), ("A$", "AUD"),
    ("C$", "CAD"), ("S$", "SGD"), ("MX$", "MXN"), ("FCFA", "XOF"), ("บาท", "THB"), ("KSh", "KES"),
    ("RMB", "CNY"), ("zł", "PLN"), ("Rp", "IDR"),
    ("RM", "MYR"), ("€", "EUR"), ("£", "GBP"), ("¥", "JPY"), ("￥", "JPY"), ("元", "CNY"),
    ("₹", "INR"), ("₫", "VND"), ("฿", "THB"), ("₱", "PHP"), ("₩", "KRW"), ("₦", "NGN"),
    ("$", "USD"),
]  # fmt: skip
ISO_CURRENCIES = frozenset(
    "USD EUR GBP JPY CNY HKD TWD SGD MYR IDR THB VND PHP INR KRW AUD CAD NZD CHF BRL MXN ZAR "
    "NGN KES AED SAR RUB PLN TRY XOF XAF EGP PKR BDT LKR NPR MMK KHR LAK CZK HUF SEK NOK DKK ILS "
    "ARS CLP COP PEN UAH GHS TZS UGX ETB MAD USDT BTC ETH".split()
)
# Letter symbols ("RM", "Rp") must stand alone: "FIRM" is not Malaysian ringgit.
_SYMBOL_RES = [
    (re.compile(("(?<![A-Za-z])" if s[0].isalpha() else "") + re.escape(s) + "(?![a-z])"), code)
    for s, code in CURRENCY_SYMBOLS
]
_ISO_RE = re.compile(r"(?<![A-Za-z])([A-Z]{3,4})(?![A-Za-z])")
# Space/apostrophe only group thousands ("1 234", "1'234"); "1,200 3 pcs" is not 12003.
_NUMBER_RE = re.compile(r"\d{1,3}(?:[ '’\u00a0\u202f]\d{3})+(?:[.,]\d+)?(?!\d)|\d[\d.,]*\d|\d")
_WS_RE = re.compile(r"[ \t\r\f\v\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
_SURROGATE_RE = re.compile("[\ud800-\udfff]")
_LANG_RE = re.compile(r"^\s*([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]{1,8})*\s*$")


def normalise_ws(text: str) -> str:
    """Collapse runs of whitespace inside lines, drop blank lines, strip the ends.

    Lone surrogates (legal in JSON's ``\\ud800``, not in UTF-8) become U+FFFD, so one
    such character cannot make a record unwritable."""
    text = _SURROGATE_RE.sub("\ufffd", text[:MAX_FRAGMENT_CHARS])
    lines = (_WS_RE.sub(" ", line).strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def element_text(element: etree._Element) -> str:
    """Readable text of an HTML element: block elements become line breaks, scripts vanish.

    Walks with an explicit stack, not recursion: a description nested thousands of
    levels deep (parsel parses with ``huge_tree``) must not raise ``RecursionError``."""
    parts: list[str] = []
    # (element, entering?) — on leaving, the closing break and the element's tail.
    stack: list[tuple[etree._Element, bool]] = [(element, True)]
    while stack:
        el, entering = stack.pop()
        tag = el.tag.lower() if isinstance(el.tag, str) else ""
        block = tag in BLOCK_TAGS
        if not entering:
            if block:
                parts.append("\n")
            if el.tail and el is not element:
                parts.append(el.tail)
            continue
        if tag in SKIP_TAGS:
            if el.tail and el is not element:
                parts.append(el.tail)
            continue
        if block:
            parts.append("\n")
        if el.text and tag:
            parts.append(el.text)
        stack.append((el, False))
        stack.extend((child, True) for child in reversed(el))
    return normalise_ws("".join(parts))


def html_to_text(fragment: str) -> str:
    """Clean text of an HTML fragment (broken markup is fine); plain text passes through."""
    fragment = fragment[:MAX_FRAGMENT_CHARS]
    if "<" not in fragment and "&" not in fragment:
        return normalise_ws(fragment)
    try:
        root = html.fragment_fromstring(fragment, create_parent="div")
    except (etree.ParserError, ValueError):
        return normalise_ws(fragment)
    return element_text(root)


def parse_currency(text: str | None, lang: str | None = None) -> str | None:
    """ISO code from an explicit code ("EUR") or a symbol ("€", "US$"); ``¥`` is CNY in Chinese."""
    if not text:
        return None
    text = text[:200]
    code = text.strip()
    if re.fullmatch(r"[A-Z]{3}", code) or code.upper() in ISO_CURRENCIES:
        return code.upper()  # an explicit code, e.g. data-currency="XOF"
    for match in _ISO_RE.finditer(text.upper() if len(text.strip()) <= 4 else text):
        if match.group(1) in ISO_CURRENCIES:
            return match.group(1)
    for pattern, code in _SYMBOL_RES:
        if pattern.search(text):
            if code == "JPY" and (lang or "").startswith("zh"):
                return "CNY"
            return code
    return None


def parse_amount(text: str | float | int | None) -> float | None:
    """A price amount from "1.234,50", "1,200", "3000", "12,5", "1 234" and the like."""
    if isinstance(text, bool) or text is None:
        return None
    if isinstance(text, int | float):
        value = float(text)
        return value if math.isfinite(value) and 0 <= value < 1e12 else None
    match = _NUMBER_RE.search(text[:200])
    if not match:
        return None
    raw = re.sub(r"[\s'’\u00a0\u202f]", "", match.group(0))
    dots, commas = raw.count("."), raw.count(",")
    if dots and commas:  # the later separator is the decimal one
        decimal = "." if raw.rfind(".") > raw.rfind(",") else ","
    elif dots + commas == 1:  # one separator followed by exactly 3 digits groups thousands
        sep = "." if dots else ","
        decimal = "" if len(raw) - raw.index(sep) - 1 == 3 else sep
    else:
        decimal = ""  # none, or repeated ones: thousands separators
    thousands = {".", ","} - {decimal}
    cleaned = "".join(c for c in raw if c not in thousands).replace(",", ".")
    try:
        value = float(cleaned)
    except ValueError:
        return None
    return value if math.isfinite(value) and value < 1e12 else None


def parse_datetime(value: str | float | int | None) -> str | None:
    """ISO-8601 UTC (``2026-11-20T10:00:00Z``) from ISO, RFC 822 or a Unix timestamp."""
    if value is None or isinstance(value, bool):
        return None
    parsed: datetime | None = None
    if isinstance(value, int | float):
        if 0 < value < 1e11:
            parsed = datetime.fromtimestamp(value, UTC)
    else:
        text = value.strip()[:100]
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            try:
                parsed = parsedate_to_datetime(text)
            except (TypeError, ValueError, IndexError):
                parsed = None
    if parsed is None:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def normalise_lang(value: str | None) -> str | None:
    """Primary language subtag, lower-case: "es-MX" → "es"; junk → ``None``."""
    if not value:
        return None
    match = _LANG_RE.match(value[:40])
    return match.group(1).lower() if match else None
