"""Trader obfuscations applied to marked words of the demo templates.

Templates mark a word as ``[[word]]`` (any obfuscation, or none) or ``[[word|method]]``
(that method). Methods are what traders do to dodge keyword filters (domain.md):
letters spaced or dotted, digits for letters, Cyrillic or full-width look-alikes,
zero-width characters between letters. Latin-only tricks are not applied to CJK, Thai
or Vietnamese words; those are spaced or split with zero-width characters, keeping
combining marks attached to their base letter.
"""

from __future__ import annotations

import random
import re
import unicodedata
from collections.abc import Callable

_MARK = re.compile(r"\[\[([^\]|]+)(?:\|(\w+))?\]\]")

_CYRILLIC = str.maketrans(
    {
        "a": "а", "e": "е", "o": "о", "p": "р", "c": "с", "x": "х", "y": "у", "i": "і",
        "A": "А", "E": "Е", "O": "О", "P": "Р", "C": "С", "X": "Х", "Y": "У", "I": "І",
        "H": "Н", "K": "К", "M": "М", "T": "Т", "B": "В",
    }
)  # fmt: skip
_LEET = str.maketrans(
    {"a": "4", "e": "3", "i": "1", "o": "0", "A": "4", "E": "3", "I": "1", "O": "0"}
)


def _units(word: str) -> list[str]:
    """Characters with their combining marks attached (so Thai/Vietnamese stay legible)."""
    units: list[str] = []
    for ch in word:
        if units and unicodedata.category(ch).startswith("M"):
            units[-1] += ch
        else:
            units.append(ch)
    return units


def spaced(word: str) -> str:
    return " ".join(u for u in _units(word) if u != " ")


def dotted(word: str) -> str:
    return ".".join(u for u in _units(word) if u != " ")


def zerowidth(word: str) -> str:
    return "\u200b".join(_units(word))


def cyrillic(word: str) -> str:
    return word.translate(_CYRILLIC)


def leet(word: str) -> str:
    return word.translate(_LEET)


def fullwidth(word: str) -> str:
    return "".join(
        chr(ord(c) + 0xFEE0) if 0x21 <= ord(c) <= 0x7E else ("\u3000" if c == " " else c)
        for c in word
    )


METHODS: dict[str, Callable[[str], str]] = {
    "spaced": spaced,
    "dotted": dotted,
    "zerowidth": zerowidth,
    "cyrillic": cyrillic,
    "leet": leet,
    "fullwidth": fullwidth,
}
_LATIN_ONLY = ("cyrillic", "leet", "fullwidth")


def obfuscate(word: str, method: str) -> str:
    try:
        return METHODS[method](word)
    except KeyError:
        raise ValueError(f"unknown obfuscation {method!r}") from None


def apply_marks(text: str, rng: random.Random, plain_share: float = 0.4) -> str:
    """Replace every ``[[word]]``/``[[word|method]]`` mark; unforced marks stay plain
    with probability ``plain_share``."""

    def replace(match: re.Match[str]) -> str:
        word, method = match.group(1), match.group(2)
        if method:
            return obfuscate(word, method)
        if rng.random() < plain_share:
            return word
        ascii_word = word.isascii()
        choices = [m for m in METHODS if ascii_word or m not in _LATIN_ONLY]
        return obfuscate(word, rng.choice(choices))

    return _MARK.sub(replace, text)
