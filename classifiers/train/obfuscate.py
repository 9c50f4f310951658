"""Trader obfuscations, applied to product phrases when the corpus is generated.

Each function rewrites the *key word* of a phrase the way sellers do to dodge keyword
filters (domain.md, "How traders talk"): letters spaced or dotted, digits for letters,
Cyrillic or full-width look-alikes, zero-width characters, emoji for the animal, CJK
characters split by spaces. All take an explicit ``random.Random`` so the corpus is
reproducible.
"""

from __future__ import annotations

import random
from collections.abc import Callable

LEET = {"a": "4", "e": "3", "i": "1", "o": "0", "s": "5", "t": "7"}
CYRILLIC = {"a": "а", "e": "е", "o": "о", "p": "р", "c": "с", "x": "х", "y": "у", "i": "і"}
ZERO_WIDTH = ("\u200b", "\u200c", "\u200d", "\u2060")


def _word_spans(phrase: str) -> list[tuple[int, int]]:
    spans, pos = [], 0
    for word in phrase.split(" "):
        spans.append((pos, pos + len(word)))
        pos += len(word) + 1
    return spans


def _on_key_word(phrase: str, fn: Callable[[str], str], rng: random.Random) -> str:
    """Rewrite one word of four letters or more (any word if none is that long)."""
    spans = _word_spans(phrase)
    long_ones = [s for s in spans if s[1] - s[0] >= 4] or spans
    start, end = rng.choice(long_ones)
    return phrase[:start] + fn(phrase[start:end]) + phrase[end:]


def _on_all_words(phrase: str, fn: Callable[[str], str]) -> str:
    return " ".join(fn(w) if len(w) >= 3 else w for w in phrase.split(" "))


def spaced(phrase: str, rng: random.Random) -> str:
    sep = rng.choice([" ", ".", "-", "*"])
    return _on_key_word(phrase, lambda w: sep.join(w), rng)


def leet(phrase: str, rng: random.Random) -> str:
    return _on_all_words(phrase, lambda w: "".join(LEET.get(c, c) for c in w))


def cyrillic(phrase: str, rng: random.Random) -> str:
    return _on_all_words(phrase, lambda w: "".join(CYRILLIC.get(c, c) for c in w))


def fullwidth(phrase: str, rng: random.Random) -> str:
    def widen(word: str) -> str:
        return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in word)

    return _on_all_words(phrase, widen)


def zero_width(phrase: str, rng: random.Random) -> str:
    if " " not in phrase:  # CJK / Thai phrase: break it between every character
        return rng.choice(ZERO_WIDTH).join(phrase)
    return _on_key_word(phrase, lambda w: rng.choice(ZERO_WIDTH).join(w), rng)


def cjk_spacing(phrase: str, rng: random.Random) -> str:
    return " ".join(phrase)


def make_emoji(emoji: str) -> Callable[[str, random.Random], str]:
    """Append the animal's emoji, or let it stand in for the key word."""

    def apply(phrase: str, rng: random.Random) -> str:
        if " " in phrase and rng.random() < 0.5:
            return _on_key_word(phrase, lambda _w: emoji, rng)
        return f"{phrase} {emoji}"

    return apply


LATIN = {
    "spaced": spaced,
    "leet": leet,
    "cyrillic": cyrillic,
    "fullwidth": fullwidth,
    "zero_width": zero_width,
}
CJK = {"cjk_spacing": cjk_spacing, "zero_width": zero_width}
THAI = {"spaced": cjk_spacing, "zero_width": zero_width}


def choices_for(lang: str, emoji: str | None) -> dict[str, Callable[[str, random.Random], str]]:
    """The obfuscations that make sense in a language's script."""
    base: dict[str, Callable[[str, random.Random], str]] = dict(
        CJK if lang in ("zh", "ja") else THAI if lang == "th" else LATIN
    )
    if emoji:
        base["emoji"] = make_emoji(emoji)
    return base


def obfuscate(phrase: str, lang: str, emoji: str | None, rng: random.Random) -> tuple[str, str]:
    """Rewrite ``phrase``; returns ``(new_phrase, obfuscation_name)``."""
    options = choices_for(lang, emoji)
    name = rng.choice(sorted(options))
    return options[name](phrase, rng), name
