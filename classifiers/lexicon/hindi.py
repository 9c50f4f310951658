"""Hindi postposition forms of multi-word lexicon keys, for the matcher's automaton.

Why: Hindi links a possessor to its noun with का / की / के, chosen by the gender and
number (and case) of the *possessed* noun, and writers disagree on the gender of
loan or rare nouns: "भालू का पित्त", "भालू की पित्त", "भालू के पित्त" all occur for
bear bile, "बाघ की खाल" / "बाघ के खाल" for tiger skin. A key listed in one form missed
the others, so recall depended on which form a post used (the lexicon had to list
each by hand, and had listed some for some commodities only). The romanised forms
(ka / ki / ke) vary the same way.

What: every word of a multi-word key that is exactly one of the three postpositions
is replaced by each of the others (all combinations, at most ``_MAX_FORMS`` forms).
Single-word keys and keys without a postposition yield nothing. This over-generates
forms no grammar book allows; they are harmless (they never match) and a listing
written with the "wrong" gender still matches.

Nasals (round thirteen): a nasal before a consonant is written either with the anusvara
or as the consonant's own nasal with a virama — बंदर/बन्दर (monkey), दांत/दान्त (tooth),
कंगन/कङ्गन — so a key in one spelling also gets the other (every such nasal at once).
"""

from __future__ import annotations

import itertools

_DEVANAGARI = ("का", "की", "के")
_ROMAN = ("ka", "ki", "ke")
_MAX_FORMS = 9
_VIRAMA = "\u094d"
_ANUSVARA = "\u0902"
# The nasal of each consonant class (velar, palatal, retroflex, dental, labial).
_CLASS_NASAL = {c: n for n, cs in (("ङ", "कखगघ"), ("ञ", "चछजझ"), ("ण", "टठडढ"),
                                    ("न", "तथदध"), ("म", "पफबभ")) for c in cs}  # fmt: skip


def hindi_forms(plain: str) -> tuple[str, ...]:
    """Other postposition and nasal forms of ``plain`` (a normalised key), without it."""
    nasal = nasal_form(plain)
    return _postposition_forms(plain) + ((nasal,) if nasal != plain else ())


def nasal_form(plain: str) -> str:
    """``plain`` with every anusvara before a consonant written as that consonant's nasal
    plus virama, or, if it has none, every such nasal + virama as the anusvara."""
    out = []
    for i, char in enumerate(plain):
        nxt = plain[i + 1 : i + 2]
        if char == _ANUSVARA and nxt in _CLASS_NASAL:
            out.append(_CLASS_NASAL[nxt] + _VIRAMA)
        else:
            out.append(char)
    spelt = "".join(out)
    if spelt != plain:
        return spelt
    for consonant, nasal in _CLASS_NASAL.items():
        plain = plain.replace(nasal + _VIRAMA + consonant, _ANUSVARA + consonant)
    return plain


def _postposition_forms(plain: str) -> tuple[str, ...]:
    words = plain.split(" ")
    if len(words) < 3:
        return ()
    options: list[tuple[str, ...]] = []
    for word in words:
        if word in _DEVANAGARI:
            options.append(_DEVANAGARI)
        elif word in _ROMAN:
            options.append(_ROMAN)
        else:
            options.append((word,))
    if all(len(o) == 1 for o in options):
        return ()
    forms = (" ".join(combo) for combo in itertools.product(*options))
    return tuple(itertools.islice((f for f in forms if f != plain), _MAX_FORMS))
