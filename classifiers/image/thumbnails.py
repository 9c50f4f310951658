"""Thumbnails for the investigator's desk: small JPEGs, derived, never evidence.

A thumbnail is re-encoded from the decoder's working copy (so it can never carry the
original's metadata or a payload), bounded to ``size`` pixels a side, and stored under
``<root>/<aa>/<sha256>.jpg`` keyed by the *original's* SHA-256. Thumbnails are a cache:
they can be deleted and rebuilt at any time; the evidence store keeps the originals.
"""

from __future__ import annotations

import io
import os
import tempfile
from pathlib import Path

from PIL import Image

from classifiers.image.decode import DecodedImage

DEFAULT_SIZE = 256


def thumbnail_jpeg(decoded: DecodedImage, size: int = DEFAULT_SIZE, quality: int = 80) -> bytes:
    im = decoded.image.copy()
    im.thumbnail((size, size), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    im.convert("RGB").save(buffer, format="JPEG", quality=quality, optimize=True)
    return buffer.getvalue()


class ThumbnailStore:
    def __init__(self, root: str | Path, size: int = DEFAULT_SIZE) -> None:
        self.root = Path(root)
        self.size = size
        self._folders: set[Path] = set()  # shard folders made by this store (one mkdir each)

    def path_for(self, sha256: str) -> Path:
        if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
            raise ValueError(f"not a sha256 hex digest: {sha256[:80]!r}")
        return self.root / sha256[:2] / f"{sha256}.jpg"

    def put(self, sha256: str, decoded: DecodedImage) -> Path:
        """Write the thumbnail unless it exists; return its path."""
        path = self.path_for(sha256)
        if path.exists():
            return path
        if path.parent not in self._folders:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._folders.add(path.parent)
        try:
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        except FileNotFoundError:  # the cache was cleared since: make the folder again
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        with os.fdopen(fd, "wb") as handle:
            handle.write(thumbnail_jpeg(decoded, self.size))
        os.replace(tmp, path)  # a cache: a concurrent writer's identical file may win
        return path
