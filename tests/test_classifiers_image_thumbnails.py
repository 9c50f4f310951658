"""Thumbnails: small re-encoded JPEGs keyed by the original's SHA-256; a cache that may
be cleared at any time (also while a store that wrote into it is still in use)."""

from __future__ import annotations

import hashlib
import io
import shutil
from pathlib import Path

from image_fixtures import photo_jpeg
from PIL import Image

from classifiers.image.decode import decode_image
from classifiers.image.thumbnails import ThumbnailStore


def test_thumbnails_are_bounded_jpegs_and_survive_a_cleared_cache(tmp_path: Path) -> None:
    data = photo_jpeg(1)
    sha = hashlib.sha256(data).hexdigest()
    store = ThumbnailStore(tmp_path / "thumbs", size=64)
    path = store.put(sha, decode_image(data))
    assert path == tmp_path / "thumbs" / sha[:2] / f"{sha}.jpg"
    with Image.open(io.BytesIO(path.read_bytes())) as thumb:
        assert thumb.format == "JPEG" and max(thumb.size) <= 64
    shutil.rmtree(tmp_path / "thumbs")  # cleared behind the store's back
    assert store.put(sha, decode_image(data)).is_file()
    assert not [p for p in path.parent.iterdir() if p.name.startswith(".tmp")]
