"""Reading an amount as written in listings: "1.234,50", "1,234.50", "3.500.000",
"1,5", "12"; and multiplier words ("500k", "2tr", "1,5 triệu", "3 jt", "5万").

Design notes
------------
* One separator kind used more than once is a thousands separator; both kinds present,
  the last one is the decimal mark; one separator followed by exactly three digits is a
  thousands separator ("1.500" is 1500 in most of the markets watched, and "1,500" in
  the others); otherwise it is the decimal mark ("1,5", "12.50").
* Spaces are never thousands separators here: "0903 555 123" must stay a phone number.
"""

from __future__ import annotations

AMOUNT = r"\d{1,3}(?:[.,]\d{3})+(?:[.,]\d{1,2})?(?!\d)|\d+(?:[.,]\d{1,2}(?!\d))?"
MULTIPLIERS = {
    "k": 1e3,
    "nghìn": 1e3,
    "ngàn": 1e3,
    "tr": 1e6,
    "triệu": 1e6,
    "củ": 1e6,
    "tỷ": 1e9,
    "ty": 1e9,
    "rb": 1e3,
    "ribu": 1e3,
    "jt": 1e6,
    "juta": 1e6,
    "mil": 1e3,
    "千": 1e3,
    "万": 1e4,
    "萬": 1e4,
    "亿": 1e8,
    "億": 1e8,
    "m": 1e6,
    "million": 1e6,
    "millions": 1e6,
}


def parse_amount(raw: str) -> float | None:
    """The number ``raw`` spells (see the module notes), or ``None``."""
    s = raw.strip()
    if not s or not s[0].isdigit():
        return None
    dots, commas = s.count("."), s.count(",")
    if dots and commas:
        dec = "." if s.rfind(".") > s.rfind(",") else ","
        thou = "," if dec == "." else "."
        s = s.replace(thou, "").replace(dec, ".")
    elif dots + commas == 1:
        sep = "." if dots else ","
        head, tail = s.split(sep)
        s = head + tail if len(tail) == 3 else f"{head}.{tail}"
    elif dots + commas > 1:
        s = s.replace(".", "").replace(",", "")
    try:
        return float(s)
    except ValueError:
        return None


def format_amount(value: float) -> str:
    """Plain decimal text: no exponent, no trailing zeros ("1500000", "12.5")."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text or "0"
