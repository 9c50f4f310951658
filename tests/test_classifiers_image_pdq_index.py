"""The MIH index returns exactly what a linear scan returns, at and around the radius."""

from __future__ import annotations

import numpy as np
import pytest

from classifiers.image.pdq_index import PdqIndex, popcount_distances


def _flip(code: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
    bits = np.unpackbits(code)
    bits[rng.choice(256, k, replace=False)] ^= 1
    return np.packbits(bits)


@pytest.fixture(scope="module")
def bank() -> np.ndarray:
    return np.random.default_rng(7).integers(0, 256, (20_000, 32), dtype=np.uint8)


def test_mih_equals_linear_scan(bank: np.ndarray) -> None:
    rng = np.random.default_rng(8)
    index = PdqIndex(bank, linear_below=0)
    assert index.uses_mih
    queries = np.array([_flip(bank[rng.integers(len(bank))], int(k), rng) for k in range(48)])
    for radius in (15, 31, 40):
        many = index.search_many(queries, radius, block=8)  # 6 blocks over 2 threads
        one = index.search_many(queries, radius, workers=1)
        assert all(np.array_equal(a[0], b[0]) for a, b in zip(many, one, strict=True))
        for q, (ids, dist) in zip(queries, many, strict=True):
            lin_ids, lin_dist = index.search_linear(q, radius)
            assert np.array_equal(ids, lin_ids) and np.array_equal(dist, lin_dist)


def test_exact_at_the_boundary(bank: np.ndarray) -> None:
    rng = np.random.default_rng(9)
    index = PdqIndex(bank, linear_below=0)
    target = bank[123]
    for k in (0, 1, 16, 30, 31, 32, 33):
        ids, dist = index.search(_flip(target, k, rng), 31)
        assert (123 in ids.tolist()) == (k <= 31)
        if k <= 31:
            assert dist[ids.tolist().index(123)] == k


def test_near_duplicates_in_the_bank_are_all_found() -> None:
    rng = np.random.default_rng(10)
    base = rng.integers(0, 256, 32, dtype=np.uint8)
    copies = np.array([_flip(base, k, rng) for k in (0, 5, 10, 20, 31, 45)])
    noise = rng.integers(0, 256, (5000, 32), dtype=np.uint8)
    index = PdqIndex(np.vstack([copies, noise]), linear_below=0)
    ids, dist = index.search(base, 31)
    assert ids.tolist()[:5] == [0, 1, 2, 3, 4] and dist.tolist()[:5] == [0, 5, 10, 20, 31]
    assert 5 not in ids.tolist()


def test_small_banks_scan_and_empty_banks_answer() -> None:
    codes = np.random.default_rng(11).integers(0, 256, (10, 32), dtype=np.uint8)
    small = PdqIndex(codes, linear_below=2048)
    assert not small.uses_mih
    assert small.search(codes[3], 0)[0].tolist() == [3]
    empty = PdqIndex(np.zeros((0, 32), dtype=np.uint8))
    assert empty.search(codes[0], 31)[0].size == 0


def test_popcount_distances() -> None:
    a = np.zeros((1, 32), dtype=np.uint8)
    q = np.zeros(32, dtype=np.uint8)
    q[0], q[31] = 0xFF, 0x01
    assert popcount_distances(a, q).tolist() == [9]


def test_rejects_bad_shapes() -> None:
    with pytest.raises(ValueError):
        PdqIndex(np.zeros((3, 16), dtype=np.uint8))
