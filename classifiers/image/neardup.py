"""Near-duplicate images across listings: the same photo under different sellers/sources.

A photo reposted by several sellers, or by one seller on several platforms, is a
network signal (the networks work groups sellers by it). ``near_duplicate_links``
takes every hashed image of a set of listings and returns one link per pair of
*different* listings that share a photo within the PDQ threshold (identical bytes are
distance 0), through the same exact index as bank matching, so it stays fast as the
number of images grows. Hashes below the quality bar are left out: a flat image would
"match" every other flat image.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from classifiers.image.hashes import pdq_to_bytes
from classifiers.image.pdq_index import PdqIndex


@dataclass(frozen=True, slots=True)
class HashedImage:
    listing_key: str
    sha256: str
    pdq: str
    quality: int


@dataclass(frozen=True, slots=True, order=True)
class NearDuplicateLink:
    """Two listings showing the same photo (``a < b``; the closest pair of their images)."""

    a: str
    b: str
    distance: int
    sha256_a: str
    sha256_b: str


def near_duplicate_links(
    images: Sequence[HashedImage], max_distance: int = 31, min_quality: int = 50
) -> list[NearDuplicateLink]:
    usable = [im for im in images if im.quality >= min_quality]
    if len(usable) < 2:
        return []
    index = PdqIndex(pdq_to_bytes([im.pdq for im in usable]), linear_below=2048)
    best: dict[tuple[str, str], NearDuplicateLink] = {}
    codes = index.codes
    for i, (ids, dist) in enumerate(index.search_many(codes, max_distance)):
        for j, d in zip(ids.tolist(), dist.tolist(), strict=True):
            x, y = usable[i], usable[j]
            if j <= i or x.listing_key == y.listing_key:
                continue
            (a, sa), (b, sb) = sorted(((x.listing_key, x.sha256), (y.listing_key, y.sha256)))
            link = NearDuplicateLink(a, b, int(d), sa, sb)
            if (a, b) not in best or link.distance < best[(a, b)].distance:
                best[(a, b)] = link
    return sorted(best.values())


def clusters(links: Sequence[NearDuplicateLink]) -> list[list[str]]:
    """Listings joined by shared photos (connected components), largest first."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for link in links:
        parent[find(link.a)] = find(link.b)
    groups: dict[str, list[str]] = {}
    for key in parent:
        groups.setdefault(find(key), []).append(key)
    return sorted((sorted(g) for g in groups.values()), key=lambda g: (-len(g), g))
