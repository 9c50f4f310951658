"""The state one extraction pass shares between finders: the folded text, the hints, and
which folded characters an earlier finder already claimed.

Design notes
------------
* Finders run in a fixed order, most specific first (wallets and IBANs, whose checksums
  make them certain, before e-mails and links, before bank accounts, prices and
  quantities, before phones, before handles). A span one finder claimed is not offered to
  the next, which is what keeps "500g", "Rp 1.500.000", an order number or an IBAN from
  also being read as a phone number.
* Spans are kept in folded coordinates while finding and mapped to the original text only
  when an ``Entity`` is made, so ``original[start:end]`` is always the seller's surface.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import Any

from classifiers.entities.base import Entity
from classifiers.entities.fold import Folded


@dataclass
class Context:
    folded: Folded
    lang: str | None = None
    region: str | None = None
    found: list[Entity] = field(default_factory=list)
    phone_tries: int = 0  # phone look-ups so far (phones.MAX_TRIES bounds them)
    _claims: list[tuple[int, int]] = field(default_factory=list)

    @property
    def text(self) -> str:
        return self.folded.text

    def free(self, start: int, end: int) -> bool:
        """True when folded ``[start, end)`` overlaps no claimed span."""
        i = bisect.bisect_left(self._claims, (start, -1))
        if i < len(self._claims) and self._claims[i][0] < end:
            return False
        return not (i > 0 and self._claims[i - 1][1] > start)

    def claim(self, start: int, end: int) -> None:
        bisect.insort(self._claims, (start, end))

    def add(self, type_: str, value: str, start: int, end: int, **attrs: Any) -> bool:
        """Record an entity over folded ``[start, end)`` unless that span is taken."""
        if end <= start or not self.free(start, end):
            return False
        self.claim(start, end)
        s, e = self.folded.span(start, end)
        surface = self.folded.original[s:e]
        clean = {k: v for k, v in attrs.items() if v is not None}
        self.found.append(Entity(type_, value, s, e, surface, clean))
        return True
