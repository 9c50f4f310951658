"""The text that ``classifiers.normalize`` rewrites pass by pass, with or without the map
back to the original characters.

Design notes
------------
* Every pass of ``normalize`` edits the text only through ``apply``, ``sub`` and
  ``translate_spans`` (or sets ``text`` to a same-length rewrite), so one set of passes
  serves two states: ``State`` also rewrites the per-character ``starts``/``ends``
  (highlights, the matcher's spans), ``TextState`` keeps the text alone (what the stores
  index: half the work, none of the lists). Both build the text the same way, so
  ``normalize_text`` returns exactly ``normalize``'s ``text`` and ``plain`` — a test
  compares them over a large generated corpus, since a trained model depends on it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

# An edit replaces current[i:j] by `rep`; `src` (optional) names, per new character, the
# current index it came from. Without `src` every new character maps to the whole span.
Edit = tuple[int, int, str, Sequence[int] | None]


class TextState:
    """The current text only, rewritten pass by pass."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def apply(self, edits: Iterable[Edit]) -> None:
        text = self.text
        pieces: list[str] = []
        pos = 0
        for i, j, rep, _ in edits:
            pieces.append(text[pos:i])
            pieces.append(rep)
            pos = j
        pieces.append(text[pos:])
        self.text = "".join(pieces)

    def sub(self, pattern: re.Pattern[str], rep: str) -> None:
        """Replace every match of ``pattern`` by ``rep`` (a literal: no group references)."""
        self.text = pattern.sub(rep, self.text)

    def translate_spans(self, spans: Iterable[tuple[int, int]], table: dict[int, str]) -> None:
        """Length-preserving rewrite of some spans: offsets are untouched."""
        text = self.text
        pieces: list[str] = []
        pos = 0
        for i, j in spans:
            pieces.append(text[pos:i])
            pieces.append(text[i:j].translate(table))
            pos = j
        pieces.append(text[pos:])
        self.text = "".join(pieces)


class State(TextState):
    """Current text and its per-character original spans, rewritten pass by pass."""

    __slots__ = ("starts", "ends")

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.starts = list(range(len(text)))
        self.ends = list(range(1, len(text) + 1))

    def apply(self, edits: Iterable[Edit]) -> None:
        text, starts, ends = self.text, self.starts, self.ends
        pieces: list[str] = []
        new_starts: list[int] = []
        new_ends: list[int] = []
        pos = 0
        for i, j, rep, src in edits:
            pieces.append(text[pos:i])
            new_starts.extend(starts[pos:i])
            new_ends.extend(ends[pos:i])
            if rep:
                pieces.append(rep)
                if src is None:
                    a = starts[i] if i < len(starts) else (ends[-1] if ends else 0)
                    b = ends[j - 1] if j > i else a
                    new_starts.extend([a] * len(rep))
                    new_ends.extend([b] * len(rep))
                else:
                    new_starts.extend(starts[k] for k in src)
                    new_ends.extend(ends[k] for k in src)
            pos = j
        pieces.append(text[pos:])
        new_starts.extend(starts[pos:])
        new_ends.extend(ends[pos:])
        self.text, self.starts, self.ends = "".join(pieces), new_starts, new_ends

    def sub(self, pattern: re.Pattern[str], rep: str) -> None:
        """Replace every match of ``pattern`` by ``rep`` (mapped to the whole match)."""
        if pattern.search(self.text):
            self.apply((m.start(), m.end(), rep, None) for m in pattern.finditer(self.text))
