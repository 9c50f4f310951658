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
"""

from __future__ import annotations

import itertools

_DEVANAGARI = ("का", "की", "के")
_ROMAN = ("ka", "ki", "ke")
_MAX_FORMS = 9


def hindi_forms(plain: str) -> tuple[str, ...]:
    """Other postposition forms of ``plain`` (a normalised key), without ``plain``."""
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
