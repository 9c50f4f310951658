"""Digits spelled out in words, per language, and runs of digits and digit words.

Design notes
------------
* Traders write "zero eight one three …", "nol delapan satu tiga", "không chín không ba",
  "零九零三", or mix digits and words ("508 5five5 38four1") to defeat scrapers that
  look for digit runs. A *run* is a sequence of units — an ASCII digit (after folding) or
  a digit word — separated by at most three characters of spaces, dots, dashes or
  brackets. Latin digit words count only when no letter touches them ("one" is not a
  unit inside "someone", but is between digits in "5one5").
* Words are only read as digits inside a run long enough to be a phone number (the phone
  finder asks for ≥ 7 units), so "one of two" or Vietnamese "không" ("no") in a sentence
  never becomes a number.
* Languages: English, Indonesian/Malay, Vietnamese (with and without tone marks),
  Chinese (simplified/traditional, financial numerals, 幺 and 两 as phone readers use
  them), Thai, Spanish, Portuguese, French, German.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_WORDS: dict[str, tuple[str, ...]] = {
    "0": ("zero", "oh", "nol", "kosong", "không", "khong", "cero", "zéro", "null", "ศูนย์"),
    "1": ("one", "satu", "một", "mot", "uno", "um", "un", "une", "eins", "หนึ่ง"),
    "2": ("two", "dua", "hai", "dos", "dois", "duas", "deux", "zwei", "สอง"),
    "3": ("three", "tiga", "ba", "tres", "três", "trois", "drei", "สาม"),
    "4": ("four", "empat", "bốn", "bon", "tư", "cuatro", "quatro", "quatre", "vier", "สี่"),
    "5": ("five", "lima", "năm", "nam", "lăm", "cinco", "cinq", "fünf", "funf", "ห้า"),
    "6": ("six", "enam", "sáu", "sau", "seis", "sechs", "หก"),
    "7": ("seven", "tujuh", "bảy", "bay", "bẩy", "siete", "sete", "sept", "sieben", "เจ็ด"),
    "8": ("eight", "delapan", "lapan", "tám", "tam", "ocho", "oito", "huit", "acht", "แปด"),
    "9": ("nine", "sembilan", "chín", "chin", "nueve", "nove", "neuf", "neun", "เก้า"),
}
_CJK: dict[str, str] = {}
for _digit, _chars in {
    "0": "零〇○洞",
    "1": "一壹幺么",
    "2": "二贰貳两兩",
    "3": "三叁參",
    "4": "四肆",
    "5": "五伍",
    "6": "六陆陸",
    "7": "七柒拐",
    "8": "八捌",
    "9": "九玖勾",
}.items():
    for _c in _chars:
        _CJK[_c] = _digit

WORD_DIGIT: dict[str, str] = {}
for _digit, _words in _WORDS.items():
    for _w in _words:
        WORD_DIGIT[unicodedata.normalize("NFC", _w)] = _digit

_LATIN_WORDS = sorted(
    (w for w in WORD_DIGIT if w.isascii() or w[0] < "\u0e00"), key=len, reverse=True
)
_THAI_WORDS = sorted((w for w in WORD_DIGIT if w[0] >= "\u0e00"), key=len, reverse=True)
_UNIT = (
    r"\d"
    + "|(?<![^\\W\\d_])(?:" + "|".join(map(re.escape, _LATIN_WORDS)) + ")(?![^\\W\\d_])"
    + "|" + "|".join(map(re.escape, _THAI_WORDS))
    + "|[" + "".join(_CJK) + "]"
)  # fmt: skip
UNIT = re.compile(_UNIT, re.IGNORECASE)
_SEP = r"[ \u00a0.,\-\u2010-\u2015()\[\]/]{0,3}"
RUN = re.compile(f"(?:\\+{_SEP})?(?:{_UNIT})(?:{_SEP}(?:{_UNIT}))*", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Unit:
    digit: str
    start: int
    end: int
    word: bool


def units(text: str, start: int, end: int) -> list[Unit]:
    """The digit units of ``text[start:end]`` (a run), each with its folded span."""
    out = []
    for m in UNIT.finditer(text, start, end):
        raw = m.group()
        if raw.isdigit() and raw.isascii():
            out.append(Unit(raw, m.start(), m.end(), False))
            continue
        digit = _CJK.get(raw) or WORD_DIGIT.get(unicodedata.normalize("NFC", raw.lower()))
        if digit:
            out.append(Unit(digit, m.start(), m.end(), True))
    return out
