"""How a free-text query becomes terms — shared so both backends read a query the same way.

Whitespace splits the query into at most ``MAX_TERMS`` terms of at most ``MAX_TERM_CHARS``
characters, each trimmed of leading/trailing punctuation, symbols and spaces; a term with
no letter or digit left is dropped. ``NO_SPACE_SCRIPT`` matches the scripts written
without spaces between words (Thai, Lao, Myanmar, Khmer, kana, CJK), which both backends
search by substring rather than by word.
"""

from __future__ import annotations

import re
import unicodedata

MAX_TERMS = 16
MAX_TERM_CHARS = 64

NO_SPACE_SCRIPT = re.compile(
    "[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u31f0-\u31ff"
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff]"
)


def trim_term(term: str) -> str:
    """Drop leading/trailing punctuation, symbols and spaces (keep combining marks)."""
    start, end = 0, len(term)
    while start < end and unicodedata.category(term[start])[0] in "PSZC":
        start += 1
    while end > start and unicodedata.category(term[end - 1])[0] in "PSZC":
        end -= 1
    return term[start:end]


def query_terms(text: str) -> list[str]:
    """The searchable terms of ``text``, in order (see the module docstring)."""
    terms = []
    for raw in text.split()[:MAX_TERMS]:
        term = trim_term(raw[:MAX_TERM_CHARS])
        if any(ch.isalnum() for ch in term):
            terms.append(term)
    return terms
