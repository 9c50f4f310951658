"""Deterministic photo-like test images, drawn procedurally (no files are shipped).

No photographs can be fetched where this project is built, and committing hundreds of
image files is not wanted, so tests, the robustness report and the benchmark draw their
images: a scene is fractal (multi-octave value) noise mapped through a random colour
ramp — terrain, bark, fur and marble-like textures — under a lighting gradient, with
textured foreground objects (ellipses, polygons, stripes) casting soft shadows, a vignette,
and per-pixel sensor noise. Every parameter comes from ``numpy.random.default_rng(seed)``,
so ``scene(seed)`` is the same image on every machine and run, and different seeds give
images with different low-frequency structure (what perceptual hashes look at), not
the same picture recoloured.
"""

from __future__ import annotations

import io

import numpy as np
from PIL import Image, ImageDraw, ImageFilter


def fractal_noise(rng: np.random.Generator, h: int, w: int, octaves: int = 6) -> np.ndarray:
    """Values in [0, 1]: octaves of smoothly upsampled random grids."""
    out = np.zeros((h, w), dtype=np.float32)
    amp, total = 1.0, 0.0
    base = int(rng.integers(2, 5))
    persistence = float(rng.uniform(0.45, 0.7))
    for octave in range(octaves):
        cells = base * (2**octave)
        grid = rng.random((cells + 1, cells + 1), dtype=np.float32)
        layer = Image.fromarray(grid, mode="F").resize((w, h), Image.Resampling.BICUBIC)
        out += amp * np.asarray(layer, dtype=np.float32)
        total += amp
        amp *= persistence
    out /= total
    lo, hi = np.percentile(out, [1, 99])
    scaled: np.ndarray = np.clip((out - lo) / max(hi - lo, 1e-6), 0, 1)
    return scaled


def _ramp(rng: np.random.Generator, values: np.ndarray) -> np.ndarray:
    """Map [0, 1] through a random 4-stop colour ramp to RGB floats in [0, 255]."""
    stops = np.sort(rng.random(4)).astype(np.float32)
    stops[0], stops[-1] = 0.0, 1.0
    colours = rng.uniform(10, 245, (4, 3)).astype(np.float32)
    # Half of each stop is a grey ramp from dark to light: real scenes have contrast, and
    # a ramp of four similar luminances would be a near-flat picture.
    levels = np.linspace(rng.uniform(10, 60), rng.uniform(190, 245), 4, dtype=np.float32)
    colours = 0.5 * colours + 0.5 * levels[rng.permutation(4)][:, None]
    return np.stack([np.interp(values, stops, colours[:, c]) for c in range(3)], axis=-1)


def _objects(rng: np.random.Generator, base: Image.Image) -> Image.Image:
    w, h = base.size
    for _ in range(int(rng.integers(2, 6))):
        tex = _ramp(rng, fractal_noise(rng, h, w, octaves=4)).astype(np.uint8)
        mask = Image.new("L", (w, h), 0)
        draw = ImageDraw.Draw(mask)
        cx, cy = rng.uniform(0.1, 0.9) * w, rng.uniform(0.1, 0.9) * h
        rx, ry = rng.uniform(0.08, 0.35) * w, rng.uniform(0.08, 0.35) * h
        kind = int(rng.integers(3))
        if kind == 0:
            draw.ellipse((cx - rx, cy - ry, cx + rx, cy + ry), fill=255)
        elif kind == 1:
            angles = np.sort(rng.uniform(0, 2 * np.pi, int(rng.integers(3, 8))))
            pts = [(cx + rx * np.cos(a), cy + ry * np.sin(a)) for a in angles]
            draw.polygon([(float(x), float(y)) for x, y in pts], fill=255)
        else:
            for k in range(int(rng.integers(3, 9))):
                x0 = cx - rx + k * 2 * rx / 8
                draw.line((x0, cy - ry, x0 + rng.uniform(-20, 20), cy + ry), fill=255, width=6)
        shadow = mask.filter(ImageFilter.GaussianBlur(6))
        dark = Image.new("RGB", (w, h), (0, 0, 0))
        offset = Image.new("L", (w, h), 0)
        offset.paste(shadow.point(lambda v: v * 0.45), (int(rx * 0.1) + 4, int(ry * 0.1) + 4))
        base = Image.composite(dark, base, offset)
        edge = mask.filter(ImageFilter.GaussianBlur(1.2))
        base = Image.composite(Image.fromarray(tex, "RGB"), base, edge)
    return base


def scene(seed: int, width: int = 320, height: int = 240) -> Image.Image:
    """One deterministic photo-like RGB image."""
    rng = np.random.default_rng([seed, 0x57A7])
    ground = _ramp(rng, fractal_noise(rng, height, width))
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    angle = rng.uniform(0, 2 * np.pi)
    light = np.cos(angle) * xx / width + np.sin(angle) * yy / height
    ground *= (0.7 + 0.6 * (light - light.min()) / max(float(np.ptp(light)), 1e-6))[..., None]
    image = _objects(rng, Image.fromarray(np.clip(ground, 0, 255).astype(np.uint8), "RGB"))
    arr = np.asarray(image, dtype=np.float32)
    r = np.hypot((xx - width / 2) / width, (yy - height / 2) / height)
    arr *= (1.0 - rng.uniform(0.2, 0.6) * r**2)[..., None]  # lens vignette
    arr += rng.normal(0, rng.uniform(1.5, 5.0), arr.shape).astype(np.float32)  # sensor noise
    return Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), "RGB")


def scene_jpeg(seed: int, width: int = 320, height: int = 240, quality: int = 92) -> bytes:
    buffer = io.BytesIO()
    scene(seed, width, height).save(buffer, format="JPEG", quality=quality)
    return buffer.getvalue()
