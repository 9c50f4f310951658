"""Hostile and odd image bytes, generated (no files committed), shared by the image tests."""

from __future__ import annotations

import io
import struct
import zlib

import numpy as np
from PIL import Image

from classifiers.image.synthetic import scene


def encode(image: Image.Image, fmt: str, **kwargs: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **kwargs)
    return buffer.getvalue()


def photo_jpeg(seed: int = 1, size: tuple[int, int] = (320, 240)) -> bytes:
    return encode(scene(seed, *size), "JPEG", quality=90)


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png_claiming(width: int, height: int) -> bytes:
    """A tiny, well-formed PNG whose header claims ``width`` x ``height`` pixels."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 64)
    return (
        b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", idat) + _chunk(b"IEND", b"")
    )


def hostile() -> dict[str, bytes]:
    jpeg = photo_jpeg(2)
    return {
        "zero bytes": b"",
        "bomb 100000x100000": png_claiming(100_000, 100_000),
        "bomb 9000x9000": png_claiming(9_000, 9_000),
        "huge side 30000x10": png_claiming(30_000, 10),
        "truncated jpeg": jpeg[: len(jpeg) // 2],
        "truncated png": encode(scene(3), "PNG")[:3000],
        "garbage after magic": b"\xff\xd8\xff\xe0" + bytes(range(256)) * 4,
        "html as image": b"<!DOCTYPE html><html><body>Not found</body></html>",
        "svg as image": b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"></svg>',
        "text": b"just some text, no image",
    }


def odd_but_valid() -> dict[str, bytes]:
    rgb = scene(4, 120, 80)
    cmyk = encode(rgb.convert("CMYK"), "JPEG", quality=90)
    palette = rgb.convert("P", palette=Image.Palette.ADAPTIVE, colors=64)
    palette.info["transparency"] = 0
    deep = Image.fromarray(np.asarray(rgb.convert("L"), dtype=np.uint16) * 257)
    frames = [scene(s, 60, 40) for s in (5, 6, 7)]
    gif = io.BytesIO()
    frames[0].save(gif, format="GIF", save_all=True, append_images=frames[1:], duration=100)
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 degrees clockwise when shown
    rotated = encode(rgb, "JPEG", quality=90, exif=exif.tobytes())
    return {
        "cmyk jpeg": cmyk,
        "palette png with transparency": encode(palette, "PNG", transparency=0),
        "16-bit greyscale png": encode(deep, "PNG"),
        "animated gif": gif.getvalue(),
        "exif rotated jpeg": rotated,
        "rgba png": encode(rgb.convert("RGBA"), "PNG"),
        "webp": encode(rgb, "WEBP", quality=80),
        "greyscale jpeg": encode(rgb.convert("L"), "JPEG"),
    }
