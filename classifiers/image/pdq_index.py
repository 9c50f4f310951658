"""Exact radius search over 256-bit PDQ codes: multi-index hashing (MIH) plus a linear scan.

Multi-index hashing (Norouzi, Punjani & Fleet, 2012) splits each 256-bit code into
16 chunks of 16 bits. If two codes are within Hamming distance ``r``, then by the
pigeonhole principle at least one of their 16 chunks differs in at most ``r // 16`` bits
(1 bit at the PDQ convention r = 31). So a query only looks, for each chunk, at the
buckets of chunk values within that small distance (16 x 17 = 272 buckets at r = 31),
and checks the exact distance of the few codes it finds there. The search is *exact*:
it returns the same set as a linear scan (a test holds it to that).

Each chunk's buckets are a counting sort of the bank (CSR: ``offsets`` per chunk value,
``order`` lists the codes by value), so building is 16 ``argsort`` calls and memory is
32 bytes per code plus 64 bytes of index. For small banks a vectorised linear scan
(XOR + popcount over the whole bank) is faster; ``linear_below`` picks it below a size
(the crossover is measured by ``python -m benchmarks.bench_image``).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from functools import cache
from itertools import combinations

import numpy as np

CHUNKS = 16
CHUNK_BITS = 16
BUCKETS = 1 << CHUNK_BITS


def popcount_distances(codes: np.ndarray, query: np.ndarray) -> np.ndarray:
    """Hamming distances from ``query`` (32 uint8) to every row of ``codes`` (n, 32)."""
    words = codes.view(np.uint64)
    q = query.reshape(1, 32).view(np.uint64)
    dist: np.ndarray = np.bitwise_count(words ^ q).sum(axis=1, dtype=np.int64)
    return dist


@cache
def _masks(max_flip: int) -> np.ndarray:
    """All 16-bit masks with at most ``max_flip`` bits set (0 first)."""
    out = [0]
    for k in range(1, max_flip + 1):
        out += [sum(1 << b for b in bits) for bits in combinations(range(CHUNK_BITS), k)]
    return np.array(out, dtype=np.int64)


class PdqIndex:
    """An immutable searchable set of PDQ codes (``(n, 32)`` uint8, row i = id i)."""

    def __init__(self, codes: np.ndarray, linear_below: int = 2048) -> None:
        if codes.ndim != 2 or codes.shape[1] != 32 or codes.dtype != np.uint8:
            raise ValueError("codes must be an (n, 32) uint8 array")
        self.codes = np.ascontiguousarray(codes)
        self.linear_below = linear_below
        self._offsets: np.ndarray | None = None
        self._order: np.ndarray | None = None
        self._probe = np.zeros((0, 2), dtype=np.uint64)
        if len(self.codes) >= linear_below:
            self._build()

    def __len__(self) -> int:
        return int(self.codes.shape[0])

    @property
    def uses_mih(self) -> bool:
        return self._order is not None

    def _chunks(self) -> np.ndarray:
        return self.codes.view(">u2").astype(np.int64)  # (n, 16), big-endian 16-bit chunks

    def _build(self) -> None:
        n = len(self)
        chunks = self._chunks()
        words = self.codes.view(np.uint64)
        offsets = np.empty((CHUNKS, BUCKETS + 1), dtype=np.int64)
        order = np.empty(CHUNKS * n, dtype=np.int32)
        probe = np.empty((CHUNKS * n, 2), dtype=np.uint64)
        for j in range(CHUNKS):
            col = chunks[:, j]
            counts = np.bincount(col, minlength=BUCKETS)
            offsets[j, 0] = j * n
            np.cumsum(counts, out=offsets[j, 1:])
            offsets[j, 1:] += j * n
            ranked = np.argsort(col, kind="stable")
            order[j * n : (j + 1) * n] = ranked
            probe[j * n : (j + 1) * n] = words[ranked][:, _probe_words(j)]
        self._offsets, self._order, self._probe = offsets, order, probe

    def search(self, query: np.ndarray, radius: int) -> tuple[np.ndarray, np.ndarray]:
        """``(ids, distances)`` of every code within ``radius`` of ``query``, by distance."""
        return self.search_many(np.asarray(query, dtype=np.uint8).reshape(1, 32), radius)[0]

    def search_many(
        self, queries: np.ndarray, radius: int, block: int = 256, workers: int = 2
    ) -> list[tuple[np.ndarray, np.ndarray]]:
        """``search`` for each row of ``queries`` (``(m, 32)`` uint8), vectorised in blocks;
        blocks go to ``workers`` threads (numpy releases the GIL in the gathers, XORs and
        sorts that dominate a block), results in query order."""
        queries = np.ascontiguousarray(queries, dtype=np.uint8).reshape(-1, 32)
        parts = [queries[lo : lo + block] for lo in range(0, len(queries), block)]
        if workers > 1 and len(parts) > 1:
            with ThreadPoolExecutor(min(workers, len(parts))) as pool:
                done = list(pool.map(lambda part: self._search_part(part, radius), parts))
        else:
            done = [self._search_part(part, radius) for part in parts]
        return [hit for part in done for hit in part]

    def _search_part(self, part: np.ndarray, radius: int) -> list[tuple[np.ndarray, np.ndarray]]:
        if self._order is None or radius >= CHUNKS * 3:  # wide radius: buckets explode
            return [self.search_linear(q, radius) for q in part]
        return self._search_block(part, radius)

    def search_linear(self, query: np.ndarray, radius: int) -> tuple[np.ndarray, np.ndarray]:
        """The baseline: a full scan, whatever the bank's size."""
        query = np.ascontiguousarray(query, dtype=np.uint8).reshape(32)
        dist = popcount_distances(self.codes, query)
        ids = np.flatnonzero(dist <= radius)
        ranked = np.lexsort((ids, dist[ids]))
        return ids[ranked].astype(np.int64), dist[ids][ranked]

    def _search_block(
        self, queries: np.ndarray, radius: int
    ) -> list[tuple[np.ndarray, np.ndarray]]:
        owners, cands = [], []
        for j in range(CHUNKS):
            owner, cand = self._chunk_candidates(queries, j, radius)
            owners.append(owner)
            cands.append(cand)
        owner, cand = np.concatenate(owners), np.concatenate(cands)
        words = self.codes.view(np.uint64)
        qwords = queries.view(np.uint64)
        dist = np.bitwise_count(words[cand] ^ qwords[owner]).sum(axis=1, dtype=np.int64)
        hit = dist <= radius
        owner, cand, dist = owner[hit], cand[hit], dist[hit]
        ranked = np.lexsort((cand, dist, owner))
        owner, cand, dist = owner[ranked], cand[ranked], dist[ranked]
        first = np.ones(len(cand), dtype=bool)  # a code found through several chunks
        first[1:] = (cand[1:] != cand[:-1]) | (owner[1:] != owner[:-1])
        owner, cand, dist = owner[first], cand[first], dist[first]
        bounds = np.searchsorted(owner, np.arange(len(queries) + 1))
        return [(cand[a:b], dist[a:b]) for a, b in zip(bounds[:-1], bounds[1:], strict=True)]

    def _chunk_candidates(
        self, queries: np.ndarray, j: int, radius: int
    ) -> tuple[np.ndarray, np.ndarray]:
        """Codes in chunk ``j``'s near buckets whose 128 probe bits are within ``radius``.

        The probe words lie outside chunk ``j``, so for a random code they differ in ~64
        bits and almost every non-match is dropped here, reading the bucket's contiguous
        copy instead of gathering full codes from all over the bank.
        """
        assert self._offsets is not None and self._order is not None
        masks = _masks(radius // CHUNKS)
        values = queries.view(">u2")[:, j].astype(np.int64)[:, None] ^ masks[None, :]
        starts = self._offsets[j, values].ravel()
        lengths = self._offsets[j, values + 1].ravel() - starts
        total = int(lengths.sum())
        positions = np.repeat(starts - np.cumsum(lengths) + lengths, lengths) + np.arange(total)
        owner = np.repeat(np.arange(len(queries)), lengths.reshape(len(queries), -1).sum(1))
        qprobe = queries.view(np.uint64)[:, _probe_words(j)]
        near = np.bitwise_count(self._probe[positions] ^ qprobe[owner]).sum(axis=1) <= radius
        return owner[near], self._order[positions[near]].astype(np.int64)


def _probe_words(j: int) -> list[int]:
    """The two 64-bit words of a code that do not contain 16-bit chunk ``j``."""
    word = j // 4
    return [(word + 1) % 4, (word + 2) % 4]
