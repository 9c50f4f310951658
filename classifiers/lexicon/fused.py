"""Lexicon keys inside words run together ("#quartasdelorisperezoso", "dentsdeléopard",
"#قرنوحيدالقرنكامل", "भालूकापित्त"): the matcher's second, boundary-free pass.

Design
------
The main automaton needs word boundaries in scripts written with spaces, so a key fused
into a longer token is invisible to it ("#africangreyparrotchick", "pieldepangolín"), and
the earlier fix (strong Latin terms indexed without spaces, plus a product-form suffix)
only covers a fused term that *is* the whole token. Here every long token that no exact
match touches is searched for keys with their spaces removed, with no boundary check:

* only scripts written with spaces (Latin, Cyrillic, Arabic, Devanagari, Hangul words…):
  Han, kana, Thai, Lao, Khmer and Burmese keys already match without boundaries;
* only keys of at least ``MIN_KEY`` characters once fused, and only terms and code words
  of weight ≥ ``MIN_WEIGHT`` (weak or short keys have ordinary neighbours: "ivory" in
  "ivoryblack", "mamba" in "mambasaurus"); context rules are fused too, so a fused
  "ivorycolour" or "tigerbalm" still cancels the term inside it, exactly as with spaces;
* only tokens at least ``MIN_REST`` characters longer than the key (a token that equals
  a key is the exact pass's job; one a letter longer is a typo, the fuzzy pass's).

Evidence found this way is ordinary term/code-word evidence (same weight, reasons, spans
mapped back to the original text); ``fuzzy`` stays False.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable

import ahocorasick

MIN_KEY = 6
MIN_WEIGHT = 1.5
MIN_TOKEN = 8
MIN_REST = 3  # the token holds another word too: "pangolinn" is a typo (the fuzzy pass's job)
_TOKEN = re.compile(r"[^\s!-/:-@\[-`{-~\u060c\u061b\u061f\u0964\u3000-\u303f]+")
_NO_SPACE = re.compile(
    "[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]"
)
_FUSE_KINDS = ("term", "code_word", "rule")


def fused_key(plain: str) -> str | None:
    """``plain`` without spaces and hyphens, if it is a key this pass may use."""
    key = plain.replace(" ", "").replace("-", "")
    if len(key) < MIN_KEY or _NO_SPACE.search(key):
        return None
    if not all(c.isalpha() or unicodedata.category(c).startswith("M") for c in key):
        return None
    return key


class FusedIndex:
    """Boundary-free automaton over fused keys; ``weight(kind, index)`` filters evidence."""

    def __init__(self, entries: Iterable[tuple[str, object]], weight: Callable[[object], float]):
        table: dict[str, list[object]] = {}
        for plain, entry in entries:
            kind = getattr(entry, "kind", "")
            if kind not in _FUSE_KINDS or (kind != "rule" and weight(entry) < MIN_WEIGHT):
                continue
            key = fused_key(plain)
            if key is not None:
                table.setdefault(key, []).append(entry)
        self._automaton = ahocorasick.Automaton()
        for key, found in table.items():
            self._automaton.add_word(key, (len(key), tuple(found)))
        self.empty = not table
        if not self.empty:
            self._automaton.make_automaton()

    def find(self, plain: str, covered: bytearray) -> list[tuple[int, int, object]]:
        """(start, end, entry) of fused keys inside long tokens no exact match touches."""
        if self.empty:
            return []
        out: list[tuple[int, int, object]] = []
        for tok in _TOKEN.finditer(plain):
            a, b = tok.start(), tok.end()
            if b - a < MIN_TOKEN or any(covered[a:b]) or _NO_SPACE.search(tok.group()):
                continue
            for end_index, (length, entries) in self._automaton.iter(tok.group()):
                if length > b - a - MIN_REST:
                    continue
                start = a + end_index + 1 - length
                out.extend((start, start + length, e) for e in entries)
        return out
