"""Detection priority: how urgently an investigator should look, explained — separate from
the probability that decides whether a listing is a hit at all.

Design notes
------------
* The calibrated ``score`` answers "is this an offer?" and saturates near 1.00 for most
  real offers, so it cannot order a queue. ``priority`` (0–100) answers "how much does
  this one matter?" from what the listing says, each part listed in ``reasons``:

  - **CITES appendix** of the detected species (I weighs most);
  - **commodity severity** (products of killed animals and live animals of the most
    trafficked groups first);
  - **quantity** (a weight in kg/g, a count of pieces, or wholesale/bulk words);
  - **advertised value**, converted to rough US dollars with a fixed, documented table of
    approximate rates (an order of magnitude is all a ranking needs; no rates download);
  - **intent**: an offer (supply) ranks above a request (demand).

* Seller repeat, network size and recency are known only across listings, so they are
  added at alert level (by the alert stage), not here.
* Pure functions of the text and the detection fields: no state, thread-safe.
* A listing that is not a hit gets priority 0 with the reason "not a hit".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from classifiers.base import Detection

MAX_TEXT = 20_000
APPENDIX = {"I": 30.0, "I/II": 25.0, "II": 15.0, "III": 8.0}
SEVERITY = {
    "rhino_horn": 20.0, "ivory": 18.0, "pangolin": 18.0, "big_cat": 18.0,
    "totoaba_maw": 16.0, "hornbill_casque": 16.0, "live_primate": 16.0,
    "bear_bile": 12.0, "turtle_shell": 12.0, "shahtoosh": 12.0,
    "live_bird": 12.0, "live_reptile": 12.0,
    # Breadth round (species table): the appendix term already carries most of the weight.
    "live_mammal": 12.0, "wildlife_parts": 12.0, "fish": 10.0, "timber": 10.0,
    "live_amphibian": 8.0, "invertebrate": 8.0, "plant": 6.0,
}  # fmt: skip
INTENT = {"sell": 15.0, "buy": 10.0}
# Approximate US dollars per unit (late 2026 orders of magnitude), for ranking only.
USD = {
    "usd": 1.0, "eur": 1.1, "gbp": 1.3, "cny": 0.14, "hkd": 0.13, "twd": 0.031,
    "jpy": 0.0068, "idr": 0.000064, "myr": 0.22, "vnd": 0.00004, "thb": 0.028,
    "brl": 0.19, "mxn": 0.055,
    # Breadth round: currencies of the new languages' markets.
    "sar": 0.27, "aed": 0.27, "krw": 0.00073, "kes": 0.0077, "tzs": 0.00038, "rub": 0.011,
    "inr": 0.012, "mmk": 0.00048, "khr": 0.00025, "lak": 0.000046, "php": 0.017,
}  # fmt: skip
_CURRENCY = [
    (r"us\$|usd|\$|dollars?|bucks", "usd"), (r"€|eur|euros?", "eur"), (r"£|gbp", "gbp"),
    (r"r\$|reais|brl", "brl"), (r"hk\$|hkd", "hkd"), (r"nt\$|twd", "twd"),
    (r"元|rmb|cny|块|¥(?=\s*\d)", "cny"), (r"円|yen|jpy", "jpy"), (r"rp\.?|idr", "idr"),
    (r"rm|myr", "myr"), (r"đ|vnd|vnđ|dong", "vnd"), (r"฿|บาท|thb", "thb"),
    (r"pesos?|mxn", "mxn"),
    # Breadth round: Gulf, Korea, East Africa, Russia, India, Myanmar, Cambodia, Laos, Philippines.
    (r"ريال|sar|ر\.س", "sar"), (r"درهم|aed", "aed"), (r"원|krw|₩", "krw"),
    (r"ksh|kes", "kes"), (r"tsh|tzs", "tzs"), (r"руб\.?|рублей|₽|rub", "rub"),
    (r"₹|रुपये|रुपए|inr|rs\.?", "inr"), (r"ကျပ်|kyats?|mmk", "mmk"), (r"៛|រៀល|riel|khr", "khr"),
    (r"ກີບ|₭|kip|lak", "lak"), (r"₱|php", "php"),
]  # fmt: skip
_SCALE = {"k": 1e3, "rb": 1e3, "ribu": 1e3, "tr": 1e6, "triệu": 1e6, "jt": 1e6,
          "juta": 1e6, "万": 1e4, "萬": 1e4, "m": 1e6, "만": 1e4, "천": 1e3,
          "тыс": 1e3, "lakh": 1e5, "लाख": 1e5, "သိန်း": 1e5}  # fmt: skip
_NUM = r"(\d{1,3}(?:[.,\s]\d{3})+|\d+(?:[.,]\d+)?)"
_SCALES = r"(k|rb|ribu|tr|triệu|jt|juta|万|萬|m|만|천|тыс|lakh|लाख|သိန်း)?"
_PRICES = (
    [
        (re.compile(rf"(?:{pat})\s*{_NUM}\s*{_SCALES}(?![a-z])", re.I), code, True)
        for pat, code in _CURRENCY
    ]
    + [
        (re.compile(rf"{_NUM}\s*{_SCALES}\s*(?:{pat})", re.I), code, False)
        for pat, code in _CURRENCY
    ]
    + [  # Vietnamese and Indonesian prices often carry only the scale: "5tr", "450rb"
        (re.compile(rf"{_NUM}\s*(tr|triệu)(?![a-z])", re.I), "vnd", False),
        (re.compile(rf"{_NUM}\s*(jt|juta|rb|ribu)(?![a-z])", re.I), "idr", False),
    ]
)
_WEIGHT = re.compile(rf"{_NUM}\s*(kg|kilos?|公斤|千克|キロ|กิโล|ký|cân|g|gr|gram|克)(?![a-z])", re.I)
_COUNT = re.compile(
    rf"(?:x\s*{_NUM}\b|{_NUM}\s*(?:pcs|pieces|pc|件|个|個|支|本|ชิ้น|cái|chiếc|buah|biji|ekor|"
    r"stück|piezas|peças|pièces|units)(?![a-z]))",
    re.I,
)
_BULK = re.compile(
    r"wholesale|bulk|批发|批發|大量|\bsỉ\b|grosir|borong|al por mayor|atacado|en gros|"
    r"großhandel|卸売|ขายส่ง",
    re.I,
)


@dataclass(frozen=True, slots=True)
class Priority:
    """A 0–100 priority and the reasons that add up to it."""

    value: float
    reasons: tuple[str, ...]


def _number(raw: str) -> float | None:
    digits = raw.replace(" ", "")
    if re.fullmatch(r"\d{1,3}(?:[.,]\d{3})+", digits):
        digits = re.sub(r"[.,]", "", digits)  # thousands separators
    try:
        return float(digits.replace(",", "."))
    except ValueError:
        return None


def advertised_usd(text: str) -> float | None:
    """The largest advertised price in ``text``, in rough US dollars (None if none)."""
    best: float | None = None
    for regex, code, _ in _PRICES:
        for m in regex.finditer(text):
            value = _number(m.group(1))
            if value is None:
                continue
            value *= _SCALE.get((m.group(2) or "").lower(), 1.0) * USD[code]
            best = value if best is None else max(best, value)
    return best


def quantity(text: str) -> tuple[float, str | None]:
    """Points for the advertised quantity and a reason, from weights, counts or bulk words."""
    kilos = 0.0
    for m in _WEIGHT.finditer(text):
        value = _number(m.group(1)) or 0.0
        unit = m.group(2).lower()
        kilos = max(kilos, value / 1000 if unit in ("g", "gr", "gram", "克") else value)
    if kilos >= 10:
        return 15.0, f"quantity {kilos:g} kg"
    count = max((_number(g) or 0.0 for m in _COUNT.finditer(text) for g in m.groups() if g),
                default=0.0)  # fmt: skip
    if _BULK.search(text):
        return 12.0, "bulk or wholesale offer"
    if kilos >= 1 or count >= 10:
        return 10.0, f"quantity {kilos:g} kg" if kilos >= 1 else f"quantity {count:g} pieces"
    if kilos > 0 or count >= 2:
        return 5.0, f"quantity {kilos:g} kg" if kilos else f"quantity {count:g} pieces"
    return 0.0, None


def _value_points(usd: float | None) -> float:
    if usd is None:
        return 0.0
    return 15.0 if usd >= 10_000 else 10.0 if usd >= 1_000 else 5.0 if usd >= 100 else 2.0


def assess(
    text: str, hit: bool, commodity: str | None, appendix: str | None, intent: str
) -> Priority:
    """The priority of one detection (see module doc)."""
    if not hit:
        return Priority(0.0, ("not a hit",))
    text = text[:MAX_TEXT]
    parts: list[tuple[float, str]] = []
    if appendix in APPENDIX:
        parts.append((APPENDIX[appendix], f"CITES Appendix {appendix}"))
    if commodity in SEVERITY:
        parts.append((SEVERITY[commodity], f"commodity {commodity}"))
    points, why = quantity(text)
    if why:
        parts.append((points, why))
    usd = advertised_usd(text)
    if usd is not None:
        parts.append((_value_points(usd), f"advertised value ≈ US${usd:,.0f}"))
    if intent in INTENT:
        parts.append((INTENT[intent], "offer to sell" if intent == "sell" else "request to buy"))
    total = min(100.0, sum(p for p, _ in parts))
    return Priority(round(total, 1), tuple(f"{why} (+{p:g})" for p, why in parts))


def with_priority(det: Detection, text: str) -> Detection:
    """``det`` with its priority and priority reasons filled in from ``text``."""
    p = assess(text, det.is_hit, det.commodity, det.cites_appendix, det.intent)
    return replace(det, priority=p.value, priority_reasons=p.reasons)
