"""Safe decoding of scraped image bytes into one RGB working copy.

Scraped images are hostile: zero-byte bodies, HTML error pages and SVG served as
``image/jpeg``, truncated downloads, decompression bombs (a few KB that claim to be
100,000 x 100,000 pixels), CMYK JPEGs, palette PNGs with transparency, 16-bit greyscale,
animated GIFs with thousands of frames, and photos whose orientation lives only in EXIF.

Rules (each problem becomes an ``ImageDecodeError`` with a code from ``base.py``; the
caller records it and moves on):

* The type is sniffed from the bytes, never trusted from headers; only raster formats
  Pillow decodes natively are accepted (JPEG, PNG, GIF, WebP, BMP, TIFF). SVG is markup
  that can reference other files, so it is refused, never rendered.
* Dimensions are read from the header *before* any pixel is decoded; more than
  ``max_pixels`` or a side above ``max_side`` is a bomb. Pillow's own bomb check is
  turned into an error as well (its warning would otherwise pass silently).
* Truncated files are errors (``LOAD_TRUNCATED_IMAGES`` stays off): half a photo would
  hash as a different photo.
* JPEGs are decoded at reduced scale (``draft``) when the working size allows it, then
  the working copy is bounded to ``work_side`` pixels (384): every consumer (PDQ, pHash,
  the encoder at 224 px, thumbnails) needs no more, and PDQ's cost grows with the pixel
  count. Measured on 30 procedural 1280 x 960 images, PDQ of a 384 px copy differs from
  the full-size hash by 4 bits (median; max 10), as a 512 px copy does, while a 256 px
  copy differs by 16 (max 24) — too much of the 31-bit budget to give away.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from classifiers.image.base import (
    ERROR_BOMB,
    ERROR_CORRUPT,
    ERROR_EMPTY,
    ERROR_NOT_IMAGE,
    ERROR_TOO_BIG,
    ERROR_TRUNCATED,
)

RASTER_FORMATS = ("JPEG", "PNG", "GIF", "WEBP", "BMP", "TIFF")


class ImageDecodeError(ValueError):
    """The bytes are not a usable image; ``code`` says why (see ``base.py``)."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(f"{code}: {detail}")
        self.code = code


@dataclass(frozen=True, slots=True)
class DecodeLimits:
    max_bytes: int = 20_000_000
    max_pixels: int = 40_000_000
    max_side: int = 20_000
    work_side: int = 384


@dataclass(frozen=True, slots=True)
class DecodedImage:
    """An RGB working copy (at most ``work_side`` px a side) and facts about the original."""

    image: Image.Image
    width: int
    height: int
    format: str
    notes: tuple[str, ...] = ()

    def array(self) -> np.ndarray:
        return np.asarray(self.image, dtype=np.uint8)


def sniff(data: bytes) -> str | None:
    """The raster format named by the magic bytes, or None."""
    head = data[:16]
    if head.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "GIF"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WEBP"
    if head[:2] == b"BM":
        return "BMP"
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return "TIFF"
    return None


def _describe_non_image(data: bytes) -> str:
    text = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if b"<svg" in text or (text.startswith(b"<?xml") and b"svg" in data[:2048].lower()):
        return "SVG markup served as an image (vector images are not rendered)"
    if text.startswith((b"<!doctype html", b"<html", b"<head", b"<body")) or b"<html" in text:
        return "HTML page served as an image"
    return f"unrecognised bytes {data[:8].hex()}"


def decode_image(data: bytes, limits: DecodeLimits | None = None) -> DecodedImage:
    """Decode ``data``; raise ``ImageDecodeError`` for anything unusable."""
    limits = limits or DecodeLimits()
    if not data:
        raise ImageDecodeError(ERROR_EMPTY, "zero bytes")
    if len(data) > limits.max_bytes:
        raise ImageDecodeError(ERROR_TOO_BIG, f"{len(data)} bytes > {limits.max_bytes}")
    fmt = sniff(data)
    if fmt is None:
        raise ImageDecodeError(ERROR_NOT_IMAGE, _describe_non_image(data))
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            return _decode(data, fmt, limits)
        except ImageDecodeError:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise ImageDecodeError(ERROR_BOMB, str(exc)) from exc
        except (UnidentifiedImageError, SyntaxError) as exc:
            raise ImageDecodeError(ERROR_CORRUPT, f"{fmt}: {exc}") from exc
        except OSError as exc:
            code = ERROR_TRUNCATED if "truncated" in str(exc).lower() else ERROR_CORRUPT
            raise ImageDecodeError(code, f"{fmt}: {exc}") from exc
        except (ValueError, MemoryError, EOFError, IndexError, TypeError) as exc:
            raise ImageDecodeError(ERROR_CORRUPT, f"{fmt}: {type(exc).__name__}: {exc}") from exc


def _decode(data: bytes, fmt: str, limits: DecodeLimits) -> DecodedImage:
    im = Image.open(io.BytesIO(data), formats=list(RASTER_FORMATS))
    width, height = im.size
    if width <= 0 or height <= 0:
        raise ImageDecodeError(ERROR_CORRUPT, f"{fmt}: empty dimensions {width}x{height}")
    if width * height > limits.max_pixels or max(width, height) > limits.max_side:
        raise ImageDecodeError(
            ERROR_BOMB, f"{fmt}: {width}x{height} exceeds {limits.max_pixels} pixels"
        )
    notes: list[str] = []
    frames = int(getattr(im, "n_frames", 1) or 1)
    if frames > 1:
        notes.append(f"animated: first of {frames} frames used")
    if fmt == "JPEG":
        im.draft("RGB", (limits.work_side, limits.work_side))
    im.load()
    orientation = im.getexif().get(0x0112, 1)
    oriented: Image.Image = im
    if orientation in range(2, 9):
        oriented = ImageOps.exif_transpose(im)
        notes.append(f"EXIF orientation {orientation} applied")
    if orientation in (5, 6, 7, 8):  # quarter turns swap the sides
        width, height = height, width
    rgb = _to_rgb(oriented, notes)
    if max(rgb.size) > limits.work_side:
        rgb.thumbnail((limits.work_side, limits.work_side), Image.Resampling.BILINEAR)
    return DecodedImage(image=rgb, width=width, height=height, format=fmt, notes=tuple(notes))


def _to_rgb(im: Image.Image, notes: list[str]) -> Image.Image:
    """Any Pillow mode to 8-bit RGB; transparency is composited onto white."""
    mode = im.mode
    if mode == "RGB":
        return im
    if mode in ("I;16", "I;16B", "I;16L", "I;16N", "I", "F"):
        arr = np.asarray(im, dtype=np.float64)
        top = 65535.0 if mode.startswith("I;16") or arr.max() > 255 else 255.0
        grey = np.clip(arr / top * 255.0, 0, 255).astype(np.uint8)
        notes.append(f"{mode} scaled to 8 bits")
        return Image.fromarray(grey, "L").convert("RGB")
    if mode == "CMYK":
        notes.append("CMYK converted to RGB")
        return im.convert("RGB")
    if mode == "P" or mode in ("RGBA", "LA", "PA", "La", "RGBa"):
        rgba = im.convert("RGBA")
        if mode == "P" and "transparency" not in im.info:
            return rgba.convert("RGB")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        notes.append("transparency composited on white")
        return Image.alpha_composite(background, rgba).convert("RGB")
    return im.convert("RGB")
