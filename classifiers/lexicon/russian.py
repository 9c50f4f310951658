"""Russian case forms of multi-word lexicon keys, for the matcher's automaton.

Why: Russian keys match by prefix (start boundary only), which covers the *last* word's
endings ("слоновой кости" also matches "…костей") but not the other words':
"слоновая кость" is written "слоновую кость", "слоновой костью", "слоновых костей"
depending on the sentence, and each form had to be listed by hand (the lexicon listed
three of the eight or so). Sellers and reporters use them all, so recall depended on
which form a post happened to use; and a context rule listed in one form ("цвет
слоновой кости") missed "цвета слоновой кости" the same way.

What: a one-word key of six letters or more loses its final vowel or soft sign
("обезьяна" → "обезьян", which the start boundary extends to "обезьянку"); for a key
of two or more words, every word but the last that ends in a
known adjective or noun ending is replaced by its stem plus each ending of that class;
the last word is cut to its stem (vowel / soft-sign endings, stem ≥ 3 letters), and the
key's start boundary then accepts any ending. ``ё`` keys also get their ``е`` spelling
(most posts do not write ``ё``). This is stemming, not morphology: it over-generates
forms that no sentence contains (harmless: they never match) and misses stems that
change. Words under four letters ("в", "из", "рог") are left as written. One key yields at
most ``_MAX_FORMS`` forms.

Fleeting vowels (round twelve): a noun ending in consonant + е/о + consonant (+ ь) loses
that vowel in every other case — "бивень" → "бивня", "бивни", "бивней"; "коготь" →
"когти", "когтей" — so keys listed in the nominative missed most of the sentences
("осталось от деда 2 бивня"). Such a word also yields its vowel-less stem ("бивн",
"когт"; four letters or more), with the noun endings when it is not the last word and
as a bare prefix when it is. Over-generation ("сокол" → "сокл") is harmless: no word
starts that way, so the form never matches.
"""

from __future__ import annotations

import itertools
import re

_CYRILLIC = re.compile("[а-яё]")
# Longest first and soft-sign (possessive) endings first: "медвежьего" is "медвеж" + "ьего".
_ADJ = tuple(
    "ьего ьему ьими ьей ьих ьим ья ье ьи ью ыми ими ого его ому ему ый ий ой ая яя ое ее ые ие"
    " ую юю ым им ом ем ых их ей".split()
)
_ADJ_FORMS = tuple(
    "ый ий ой ая яя ое ее ые ие ую юю ого его ому ему ым им ом ем ых их ыми ими ей".split()
)
_POSSESSIVE_FORMS = tuple("ий ья ье ьи ью ьей ьего ьему ьих ьим ьими".split())
_NOUN = tuple("ами ями ов ев ей ой ом ем ам ям ах ях ью а я ы и у ю е о ь".split())
_NOUN_FORMS = ("", *"й а я ы и у ю е ой ей ом ем ов ев ам ям ами ями ах ях ь ью".split())
_LAST_CUT = tuple("ами ями ой ей ом ем ью а я ы и у ю е о ь".split())
_MIN_STEM = 4
_MIN_SINGLE_STEM = 5  # a lone word's stem is a prefix of many words: keep it long
_LAST_MIN_STEM = 3  # the last word is anchored by the words before it ("черной икр…")
_MAX_FORMS = 200
# consonant + е/ё/о + one consonant (+ soft sign) at the end: "бив|е|н|ь", "ког|о|т|ь"
_FLEETING = re.compile("^(.*[бвгджзклмнпрстфхцчшщ])[еёо]([бвгджзклмнпрстфхцчшщ])ь?$")


def russian_forms(plain: str) -> tuple[str, ...]:
    """Other case forms of a normalised Cyrillic key (the key itself excluded)."""
    words = plain.split(" ")
    if not _CYRILLIC.search(plain):
        return ()
    if len(words) == 1:  # "обезьяна" → "обезьян…": обезьянку, обезьяны, обезьянка
        stem, *fleeting = _last_forms(plain)
        single = (stem,) if stem != plain and len(stem) >= _MIN_SINGLE_STEM else ()
        return single + tuple(fleeting)
    choices = [_word_forms(w) for w in words[:-1]] + [_last_forms(words[-1])]
    if _count(choices) > _MAX_FORMS:  # long keys: vary the first word and the last only
        choices = [choices[0], *([w] for w in words[1:-1]), choices[-1]]
    out = {" ".join(p) for p in itertools.product(*choices)}
    out |= {f.replace("ё", "е") for f in out}
    out.discard(plain)
    return tuple(sorted(out))


def _count(choices: list[list[str]]) -> int:
    n = 1
    for c in choices:
        n *= len(c)
    return n


def fleeting_stem(word: str) -> str | None:
    """The stem without its fleeting vowel ("бивень" → "бивн"), or None."""
    m = _FLEETING.match(word)
    stem = m.group(1) + m.group(2) if m else ""
    return stem if len(stem) >= _MIN_STEM else None


def _word_forms(word: str) -> list[str]:
    if len(word) < _MIN_STEM or not _CYRILLIC.search(word):
        return [word]
    if fleeting := fleeting_stem(word):  # "бивень слона" → "бивня слона", "бивнями слона"
        return sorted({word} | {fleeting + f for f in _NOUN_FORMS if f})
    for end in _ADJ:
        stem = word[: -len(end)]
        if word.endswith(end) and len(stem) >= 3:
            forms = _POSSESSIVE_FORMS if end.startswith("ь") or word.endswith("жий") else _ADJ_FORMS
            return sorted({word} | {stem + f for f in forms})
    for end in _NOUN:
        stem = word[: -len(end)]
        if word.endswith(end) and len(stem) >= 3:
            return sorted({word} | {stem + f for f in _NOUN_FORMS})
    return sorted({word} | {word + f for f in _NOUN_FORMS if f})


def _last_forms(word: str) -> list[str]:
    """The last word's stem first, then its fleeting-vowel stem when it has one."""
    if not _CYRILLIC.search(word):
        return [word]
    fleeting = [f] if (f := fleeting_stem(word)) else []
    for end in _LAST_CUT:
        stem = word[: -len(end)]
        if word.endswith(end) and len(stem) >= _LAST_MIN_STEM:
            return [stem, *fleeting]
    return [word, *fleeting]
