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
  (``PdqIndex``) plus a small tail of recent additions scanned linearly; the tail is
  folded into a new index when it outgrows ``max(fold_at, n / 8)`` codes, so adding n photos
  costs O(n log n) index building overall and every lookup stays exact.
* Hashes below the quality bar never become keys: a flat or blank picture "matches"
  every other flat picture and would merge unrelated sellers.
"""

from __future__ import annotations

from collections.abc import Iterable

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
        self._tail: list[np.ndarray] = []
        hexes = [k.removeprefix(PREFIX) for k in known]
        if hexes:
            self._hex = list(hexes)
            self._index = PdqIndex(pdq_to_bytes(hexes), linear_below)

    def __len__(self) -> int:
        return len(self._hex)

    def keys_for(self, pdq: str, quality: int) -> list[str]:
        """The keys of the known photos this hash shows (a new one if none); ``[]`` when
        the hash is below the quality bar."""
        if quality < self.min_quality:
            return []
        code = pdq_to_bytes([pdq])[0]
        found = self._near(code)
        if found:
            return [PREFIX + self._hex[i] for i in found]
        self._hex.append(pdq.lower())
        self._tail.append(code)
        if len(self._tail) >= max(self.fold_at, len(self._index) // 8):
            self._fold()
        return [PREFIX + pdq.lower()]

    def _near(self, code: np.ndarray) -> list[int]:
        ids, _ = self._index.search(code, self.max_distance)
        out = [int(i) for i in ids]
        if self._tail:
            dist = popcount_distances(np.stack(self._tail), code)
            base = len(self._index)
            out += [base + int(i) for i in np.flatnonzero(dist <= self.max_distance)]
        return out

    def _fold(self) -> None:
        codes = np.concatenate([self._index.codes, np.stack(self._tail)])
        self._index = PdqIndex(codes, self.linear_below)
        self._tail = []
