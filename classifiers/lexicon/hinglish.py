"""Spelling variants of romanised Hindi (Hinglish) lexicon keys, for the matcher's automaton.

Why: romanised Hindi has no standard spelling. The same word is written with or without
doubled vowels for long ā/ī/ū ("haathi"/"hathi", "seeng"/"sing", "bhaloo"/"bhalu"),
with w or v ("wala"/"vala"), ph or f, sh or s, and doubled or single consonants
("pitt"/"pit", "bacche"/"bache"). The lexicon listed some spellings by hand and missed
the rest, so recall on Hindi posts written in Latin letters depended on which spelling a
trader used.

What: each word of a romanised key (ASCII, langs include ``hi``) is folded to a
skeleton (long vowels short, w→v, ph→f, sh→s, chh/cch/chch→ch, doubled consonants
single) and re-expanded into the skeleton, each one-place lengthening (a→aa, i→ee,
u→oo), every vowel lengthened, the w/ph/sh spellings, ch as chh/cch/chch and a final
consonant doubled; a key's forms are the combinations of its words' forms, the
postpositions ka/ki/ke kept (:mod:`classifiers.lexicon.hindi` varies those), at most
``MAX_FORMS``, fewest respelt words first.

Scope, so that no new collision appears in another language: only keys of the Hindi
lexicon are expanded; a single-word form needs ``MIN_SINGLE`` letters; and a form equal
to any lexicon key (``taken``) is dropped — a key of another language is that
language's word, and a Hindi key listed on its own already matches. The text is not
folded (no second pass, no offset map), which keeps throughput.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable

MAX_FORMS = 24
MIN_SINGLE = 6
_KEEP = frozenset({"ka", "ki", "ke", "ko", "se", "me", "hai", "ya", "aur"})
_DOUBLE = re.compile(r"([bcdfgjklmnpqrstvxyz])\1")
_FOLDS = (("aa", "a"), ("ee", "i"), ("oo", "u"), ("chch", "ch"), ("cch", "ch"), ("chh", "ch"),
          ("ph", "f"), ("sh", "s"), ("w", "v"))  # fmt: skip
# How the folded "ch" and a final consonant are written back: bachcha/baccha/bachha, pitt.
_CH = ("chh", "cch", "chch")
_LONG = {"a": "aa", "i": "ee", "u": "oo"}
_WORD = re.compile(r"[a-z]+")
_VOWELS = frozenset("aeiou")


def skeleton(word: str) -> str:
    """The folded spelling of one romanised word (both "haathee" and "hathi" → "hathi")."""
    for long, short in _FOLDS:
        word = word.replace(long, short)
    return _DOUBLE.sub(r"\1", word)


def word_forms(word: str) -> tuple[str, ...]:
    """``word``, its skeleton, and the skeleton with one vowel lengthened or with the
    w/ph/sh spelling of its v/f/s; postpositions and short words only themselves."""
    if word in _KEEP or len(word) < 3 or not _WORD.fullmatch(word):
        return (word,)
    base = skeleton(word)
    forms = [word, base]
    eligible = [i for i, c in enumerate(base) if c in _LONG and _alone(base, i)]
    forms += [base[:i] + _LONG[base[i]] + base[i + 1 :] for i in eligible]
    if len(eligible) > 1:  # every vowel long: "bhaaloo", "haathee"
        forms.append("".join(_LONG[c] if i in eligible else c for i, c in enumerate(base)))
    forms += [base.replace("v", "w"), base.replace("f", "ph"), base.replace("s", "sh")]
    forms += [base.replace("ch", ch) for ch in _CH if "ch" in base]
    if base[-1] not in _VOWELS and base[-2:-1] in _VOWELS:  # "pit" → "pitt"
        forms.append(base + base[-1])
    return tuple(dict.fromkeys(forms))


def _alone(word: str, i: int) -> bool:
    """A vowel with no vowel either side (so the "ai" of "gainda" is not lengthened)."""
    return word[i - 1 : i] not in _VOWELS and word[i + 1 : i + 2] not in _VOWELS


def hinglish_forms(plain: str, taken: frozenset[str] = frozenset()) -> tuple[str, ...]:
    """Other spellings of the romanised Hindi key ``plain``, without ``plain`` itself and
    without any form in ``taken`` (keys of other languages)."""
    words = plain.split(" ")
    if not plain.isascii() or any(not _WORD.fullmatch(w) for w in words):
        return ()
    if len(words) == 1 and len(plain) < MIN_SINGLE:
        return ()
    options = [word_forms(w) for w in words]
    # Fewest words respelt first, so the cap cuts the least likely combinations.
    combos = sorted(
        itertools.product(*options),
        key=lambda c: sum(f != w for f, w in zip(c, words, strict=True)),
    )
    forms = (" ".join(c) for c in combos)
    ok = (f for f in forms if f != plain and f not in taken and (" " in f or len(f) >= MIN_SINGLE))
    return tuple(itertools.islice(ok, MAX_FORMS))


def romanised_hindi(
    entries: Iterable[tuple[str, tuple[str, ...]]],
) -> tuple[frozenset[str], frozenset[str]]:
    """From ``(plain key, langs)`` pairs: the romanised Hindi keys, and every ASCII key
    of any language (the forms a variant must not take: another language's word, or a
    Hindi key listed on its own, which would then match twice)."""
    hindi: set[str] = set()
    every: set[str] = set()
    for plain, langs in entries:
        if plain.isascii():
            every.add(plain)
            if "hi" in langs:
                hindi.add(plain)
    return frozenset(hindi), frozenset(every)
