"""Arabic forms of a lexicon key, for the matcher's automaton.

Why: Arabic attaches the article and one-letter conjunctions/prepositions to the noun
("والعاج", "بالعاج"), so a key must also be indexed with them while word boundaries
stay strict ("عاج" must not match inside "ازعاج", "annoyance"). And an adjective agrees
with its noun in definiteness: a key listed as "ببغاء رمادي" (grey parrot) is written
"الببغاء الرمادي" in "the grey parrot is still here" — the article on *every* word, which
the prefix on the first word alone does not give (round thirteen; a probe chat message
scored 0.03).

What: keys starting with an Arabic letter get the article/preposition prefixes (only
the conjunction/preposition ones when the key already has the article); a multi-word
key with no article anywhere also gets its all-definite form, with and without a
conjunction or preposition. An idafa key ("مرارة دب", "bear bile") gets a definite form
no grammar allows ("المرارة الدب"); it never matches, and costs one automaton entry.
"""

from __future__ import annotations

import re

_ARABIC = re.compile("[\u0600-\u06ff]")
_PREFIXES = ("ال", "و", "ب", "ل", "ف", "ك", "وال", "بال", "فال", "كال", "لل", "ولل")
_ON_ARTICLE = ("و", "ب", "ف", "ك", "وب")


def arabic_forms(plain: str) -> tuple[str, ...]:
    """ "عاج" → "العاج", "والعاج", "بالعاج", …; "ببغاء رمادي" → also "الببغاء الرمادي",
    "والببغاء الرمادي", …; not ``plain`` itself."""
    if not _ARABIC.match(plain):
        return ()
    if plain.startswith("ال"):
        return tuple(p + plain for p in _ON_ARTICLE)
    forms = tuple(p + plain for p in _PREFIXES)
    words = plain.split(" ")
    if len(words) > 1 and not any(w.startswith("ال") for w in words):
        definite = " ".join("ال" + w for w in words)
        forms += (definite, *(p + definite for p in _ON_ARTICLE))
    return forms
