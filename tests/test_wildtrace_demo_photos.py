"""The demo's known case photos: the shipped partner bank, reposts that match it, and
ordinary listings' pictures that do not."""

from __future__ import annotations

from collections.abc import Iterator
from importlib import resources
from pathlib import Path

import pytest

from classifiers.image.bank import HashBank
from classifiers.image.bank_csv import read_bank_csv
from classifiers.image.decode import decode_image
from classifiers.image.hashes import hamming_hex, pdq_hash
from wildtrace.demo import snapshot
from wildtrace.demo.images import render_png
from wildtrace.demo.photos import partner_bank_rows

CSV = resources.files("wildtrace.demo").joinpath("data").joinpath("partner_bank.csv")


@pytest.fixture(scope="module")
def bank(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HashBank]:
    b = HashBank(Path(tmp_path_factory.mktemp("bank")) / "bank.sqlite")
    with CSV.open(encoding="utf-8") as handle:
        entries, errors = read_bank_csv(handle, "partner_bank.csv")
    assert errors == [] and b.add(entries).added == len(entries) == 57  # 24 case + 33 ring
    yield b
    b.close()


def _pictures(image_only: bool) -> Iterator[tuple[str, str | None, bytes]]:
    for item in snapshot(0).all_items():
        if item.image_only == image_only:
            for n in range(1, item.n_images + 1):
                seed = f"{item.source}:{item.listing_id}:{n}"
                yield item.key, item.commodity, render_png(item.image_kind, seed)


def test_shipped_partner_bank_is_reproducible() -> None:
    with CSV.open(encoding="utf-8") as handle:
        shipped, _ = read_bank_csv(handle, "partner_bank.csv")
    fresh = partner_bank_rows()
    assert [e.id for e in shipped] == [r["id"] for r in fresh]
    # Pillow versions may round a pixel differently; a few bits, never a different photo.
    assert all(hamming_hex(e.pdq, r["pdq"]) <= 6 for e, r in zip(shipped, fresh, strict=True))


def test_every_image_only_repost_matches_its_commodity(bank: HashBank) -> None:
    seen = 0
    for key, commodity, data in _pictures(image_only=True):
        pdq, quality = pdq_hash(decode_image(data).image)
        matches = bank.match(pdq, quality)
        assert matches and matches[0].commodity == commodity, key
        seen += 1
    assert seen >= 15


def test_no_other_demo_picture_matches_the_bank(bank: HashBank) -> None:
    for key, _, data in _pictures(image_only=False):
        pdq, quality = pdq_hash(decode_image(data).image)
        assert bank.match(pdq, quality) == [], key
