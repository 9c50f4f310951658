"""Near-duplicate links: the same photo across listings, and nothing else."""

from __future__ import annotations

import io

from PIL import Image, ImageEnhance

from classifiers.image.decode import decode_image
from classifiers.image.hashes import pdq_hash
from classifiers.image.neardup import HashedImage, clusters, near_duplicate_links
from classifiers.image.synthetic import scene


def _hashed(key: str, image: Image.Image, quality: int = 70) -> HashedImage:
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=quality)
    pdq, q = pdq_hash(decode_image(buffer.getvalue()).image)
    return HashedImage(key, f"{key}-sha", pdq, q)


def test_reposts_link_across_listings_and_distinct_photos_do_not() -> None:
    photo = scene(40, 480, 360)
    images = [
        _hashed("bazaar:1", photo),
        _hashed("tradepost:tp9", photo.resize((320, 240)), quality=60),
        _hashed("wildfeed:post-3", ImageEnhance.Brightness(photo).enhance(1.15)),
        _hashed("bazaar:1", photo, quality=95),  # same listing, second copy: no self-link
        *[_hashed(f"bazaar:{100 + s}", scene(100 + s, 480, 360)) for s in range(30)],
    ]
    links = near_duplicate_links(images)
    pairs = {(link.a, link.b) for link in links}
    assert pairs == {
        ("bazaar:1", "tradepost:tp9"),
        ("bazaar:1", "wildfeed:post-3"),
        ("tradepost:tp9", "wildfeed:post-3"),
    }
    assert all(link.distance <= 31 for link in links)
    assert clusters(links)[0] == ["bazaar:1", "tradepost:tp9", "wildfeed:post-3"]


def test_low_quality_hashes_are_left_out() -> None:
    flat = HashedImage("a:1", "s1", "0" * 64, 0)
    flat2 = HashedImage("a:2", "s2", "0" * 64, 0)
    assert near_duplicate_links([flat, flat2]) == []
