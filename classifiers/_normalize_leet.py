"""The leetspeak pass of ``classifiers.normalize`` (step 6 of its list): digits, "@" and
"$" inside words that mix them with letters read as the letters they stand for.

Design notes
------------
* A candidate is a match of ``_LEET_WORD`` (the definition). That pattern starts with a
  look-behind, so the regular-expression engine tries it at every position of the text;
  ``leet_words`` finds exactly the same spans from each mark instead (a class-first scan
  that skips everything else), stepping back to the word's start — the largest part of
  folding ordinary listing text, where most marks are prices. A test compares the two on
  the multilingual corpus.
* ``re.ASCII`` classes match on ASCII text exactly what the Unicode ones do, faster.
"""

from __future__ import annotations

import re

from classifiers._normalize_state import TextState
from classifiers._normalize_tables import LATIN_TO_CYRILLIC, LEET

# A leetspeak candidate: a word (of letters, digits, "@", "$") holding a digit/"@"/"$" and
# a letter. ``leet_words`` finds exactly its matches, faster (a test compares them);
# ``re.ASCII`` classes match on ASCII text what the Unicode ones do, faster.
_LEET_WORD = re.compile(r"(?<![\w@$])(?=[\w@$]*?[\d@$])(?=[\w@$]*?[^\W\d_])[\w@$]*\w")
_MARK_TAIL = re.compile(r"[\d@$][\w@$]*"), re.compile(r"[\d@$][\w@$]*", re.ASCII)
_LETTER = re.compile(r"[^\W\d_]"), re.compile(r"[^\W\d_]", re.ASCII)
# Number-plus-letters words that are not leetspeak: "500g", "3pcs", "trc20", "iphone12", "mp3".
_NUMBER_UNIT = re.compile(r"\d+[^\W\d]*|[^\W\d]*\d{2,}|[^\W\d]{2}\d")
LEET_TABLE = str.maketrans(LEET)
_LEET_CYRILLIC_TABLE = str.maketrans({d: LATIN_TO_CYRILLIC.get(c, c) for d, c in LEET.items()})


def leet(st: TextState) -> None:
    """Rewrite leetspeak in ``st`` (length-preserving: offsets are untouched). Text
    without a mark costs one scan (``leet_words`` finds nothing)."""
    text = st.text
    spans = [
        (i, j)
        for i, j in leet_words(text)
        if not _NUMBER_UNIT.fullmatch(text, i, j) and sum(c.isalpha() for c in text[i:j]) >= 2
    ]
    if not spans:
        return
    # An ASCII word is never Cyrillic-only (every span holds two letters).
    cyrillic = [] if text.isascii() else [sp for sp in spans if _cyrillic_only(text[sp[0] : sp[1]])]
    if cyrillic:  # "слон0вая": the digit stands for a Cyrillic letter
        st.translate_spans(cyrillic, _LEET_CYRILLIC_TABLE)
        spans = [sp for sp in spans if sp not in cyrillic]
    if spans:
        st.translate_spans(spans, LEET_TABLE)


def leet_words(text: str) -> list[tuple[int, int]]:
    """The spans of ``_LEET_WORD.finditer(text)``: every word holding a mark holds a first
    one, where ``_MARK_TAIL`` finds it and runs to the word's end; the word's start is
    found by stepping back (rarely more than a step or two)."""
    ascii_only = text.isascii()
    out: list[tuple[int, int]] = []
    for m in _MARK_TAIL[ascii_only].finditer(text):
        start, end = m.span()
        while start and (text[start - 1].isalnum() or text[start - 1] in "_@$"):
            start -= 1
        word = text[start:end]
        if _LETTER[ascii_only].search(word):
            out.append((start, start + len(word.rstrip("@$"))))
    return out


def _cyrillic_only(word: str) -> bool:
    """Every letter Cyrillic (digits and @/$ aside)."""
    letters = [c for c in word if c.isalpha()]
    return bool(letters) and all("\u0400" <= c <= "\u04ff" for c in letters)
