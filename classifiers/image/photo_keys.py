"""Photo identity for the seller graph: a PDQ hash → the key of the photo it shows.

Design notes
------------
* The seller graph links accounts through shared *identifiers*; a photo is one when
  near-duplicates (a repost re-encoded, resized, lightly cropped, brightened) map to the
  same key. ``PhotoKeys.keys_for`` finds every known photo within the PDQ threshold of a
  new hash: none → the hash becomes a new photo (its key is ``photo|<hex>``, the first
  version seen); one or more → their keys (several: the new image bridges photos that
  were apart, and the graph joins them, which is what a shared photo means).
* Incremental, never rebuilt per crawl: known photos live in an exact multi-index
  (``PdqIndex``) plus a tail of recent additions scanned linearly (one vectorised
  popcount); the tail is folded into a new index when it outgrows ``max(fold_at, n / 32)``
  codes, so a lookup scans at most n / 32 codes linearly, index building costs
  O(32 log n) per added photo amortised, and every lookup stays exact. Lookups are
  batched (``keys_for_many``: one index search per pipeline batch).
* Hashes below the quality bar never become keys: a flat or blank picture "matches"
  every other flat picture and would merge unrelated sellers.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

from classifiers.image.hashes import pdq_to_bytes
from classifiers.image.pdq_index import PdqIndex, popcount_distances

PREFIX = "photo|"


class PhotoKeys:
    """Known photos (their first PDQ hash each) and the lookup from a new hash to them."""

    def __init__(
        self,
        known: Iterable[str] = (),
        max_distance: int = 31,
        min_quality: int = 50,
        linear_below: int = 2048,
        fold_at: int = 4096,
    ) -> None:
        self.max_distance = max_distance
        self.min_quality = min_quality
        self.linear_below = linear_below
        self.fold_at = fold_at
        self._hex: list[str] = []
        self._index = PdqIndex(np.zeros((0, 32), dtype=np.uint8), linear_below)
        self._tail = np.zeros((64, 32), dtype=np.uint8)  # grows by doubling
        self._tail_n = 0
        hexes = [k.removeprefix(PREFIX) for k in known]
        if hexes:
            self._hex = list(hexes)
            self._index = PdqIndex(pdq_to_bytes(hexes), linear_below)

    def __len__(self) -> int:
        return len(self._hex)

    def keys_for(self, pdq: str, quality: int) -> list[str]:
        """The keys of the known photos this hash shows (a new one if none); ``[]`` when
        the hash is below the quality bar."""
        return self.keys_for_many([(pdq, quality)])[0]

    def keys_for_many(self, hashes: Sequence[tuple[str, int]]) -> list[list[str]]:
        """``keys_for`` of each ``(pdq, quality)`` in order, the index searched once for
        the whole batch (a photo first seen earlier in the batch is found in the tail)."""
        usable = [i for i, (_, q) in enumerate(hashes) if q >= self.min_quality]
        codes = pdq_to_bytes([hashes[i][0].lower() for i in usable])
        found = self._index.search_many(codes, self.max_distance) if usable else []
        out: list[list[str]] = [[] for _ in hashes]
        for i, code, (ids, _) in zip(usable, codes, found, strict=True):
            near = [int(j) for j in ids] + self._near_tail(code)
            if not near:
                near = [len(self._hex)]
                self._hex.append(hashes[i][0].lower())
                self._push(code)
            out[i] = [PREFIX + self._hex[j] for j in near]
        if self._tail_n >= max(self.fold_at, len(self._index) // 32):
            self._fold()  # ids are kept: the tail is appended in order
        return out

    def _push(self, code: np.ndarray) -> None:
        if self._tail_n == len(self._tail):
            self._tail = np.concatenate([self._tail, np.zeros_like(self._tail)])
        self._tail[self._tail_n] = code
        self._tail_n += 1

    def _near_tail(self, code: np.ndarray) -> list[int]:
        if not self._tail_n:
            return []
        dist = popcount_distances(self._tail[: self._tail_n], code)
        base = len(self._index)
        return [base + int(i) for i in np.flatnonzero(dist <= self.max_distance)]

    def _fold(self) -> None:
        codes = np.concatenate([self._index.codes, self._tail[: self._tail_n]])
        self._index = PdqIndex(codes, self.linear_below)
        self._tail_n = 0
