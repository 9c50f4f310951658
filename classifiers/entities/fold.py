"""A light, case-keeping fold of listing text with a map back to the original characters.

Design notes
------------
* ``classifiers.normalize`` is built for *words*: it lower-cases, decodes leetspeak and
  re-joins spaced letters, all of which would destroy identifiers (a Bitcoin address is
  case-sensitive, ``0x5aAe…`` is not leetspeak). Entities need only two of its passes,
  and reuse its table of invisible characters so both agree on what is invisible:
  1. invisible characters (zero-width, soft hyphen, bidi controls …) removed, so
     ``09\u200b03`` reads ``0903``;
  2. every Unicode decimal digit becomes its ASCII digit (full-width ``０９``, Thai ``๐๙``,
     Arabic-Indic), and other non-ASCII characters go through NFKC one by one
     (full-width ``＠``, ``．``, ``㎏`` → ``kg``); combining marks are kept as they are so
     Vietnamese words stay intact, and so is the full-width comma (a clause break, never
     a separator inside a number).
* ``starts[i]``/``ends[i]`` give the original span of folded character ``i``; a match in
  the folded text maps back with :meth:`Folded.span`, so ``original[s:e]`` is exactly
  what the seller wrote.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from classifiers.normalize import _INVISIBLE  # one definition of "invisible"

# The full-width comma ends a clause in CJK text ("货号，2斤"); NFKC would make it an ASCII
# comma, which reads as a thousands or decimal separator between two numbers.
_KEEP = frozenset("\uff0c")


@dataclass(frozen=True, slots=True)
class Folded:
    original: str
    text: str
    starts: list[int]
    ends: list[int]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original ``(start, end)`` of folded ``text[start:end]`` (``end > start``)."""
        return self.starts[start], self.ends[end - 1]


def fold(text: str) -> Folded:
    if text.isascii():
        n = len(text)
        return Folded(text, text, list(range(n)), list(range(1, n + 1)))
    pieces: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for i, c in enumerate(text):
        if c.isascii():
            rep = c
        elif _INVISIBLE.match(c):
            continue
        elif c.isdecimal():
            rep = str(unicodedata.decimal(c))
        elif unicodedata.combining(c) or c in _KEEP:
            rep = c
        else:
            rep = unicodedata.normalize("NFKC", c) or c
        pieces.append(rep)
        starts.extend([i] * len(rep))
        ends.extend([i + 1] * len(rep))
    return Folded(text, "".join(pieces), starts, ends)
