"""Wiring of the image stage from settings: the hash bank, the encoder, the analyzer.

Composition root only (``classifiers/image`` knows nothing of ``Settings``): the CLI
commands and the pipeline build image components here, so there is one place that
decides where the bank lives and which encoder runs.
"""

from __future__ import annotations

from pathlib import Path

from classifiers.image.analyze import ImageAnalyzer
from classifiers.image.bank import HashBank
from classifiers.image.base import ImageEncoder
from classifiers.image.decode import DecodeLimits
from classifiers.image.thumbnails import ThumbnailStore
from wildtrace.config import ConfigError, Settings

ENCODERS = ("efficientnet-lite0", "none")


def bank_path(settings: Settings) -> Path:
    return (
        Path(settings.image.bank_path)
        if settings.image.bank_path
        else (settings.data_dir / "image_bank.sqlite")
    )


def head_dir(settings: Settings) -> Path:
    return (
        Path(settings.image.head_dir)
        if settings.image.head_dir
        else (settings.data_dir / "models" / "image-head")
    )


def open_bank(settings: Settings) -> HashBank:
    return HashBank(
        bank_path(settings),
        max_distance=settings.image.pdq_max_distance,
        min_quality=settings.image.pdq_min_quality,
        linear_below=settings.image.linear_scan_below,
    )


def build_encoder(settings: Settings) -> ImageEncoder | None:
    kind = settings.image.encoder
    if kind == "none":
        return None
    if kind == "efficientnet-lite0":
        from classifiers.image.encoder import EfficientNetLite0Encoder

        return EfficientNetLite0Encoder()
    raise ConfigError(f"[image] encoder: {kind!r} is not one of {', '.join(ENCODERS)}")


def decode_limits(settings: Settings) -> DecodeLimits:
    return DecodeLimits(
        max_bytes=max(settings.crawl.max_image_bytes, 1), max_pixels=settings.image.max_pixels
    )


def build_analyzer(settings: Settings, with_encoder: bool = True) -> ImageAnalyzer:
    return ImageAnalyzer(
        encoder=build_encoder(settings) if with_encoder else None,
        limits=decode_limits(settings),
        thumbnails=ThumbnailStore(settings.data_dir / "thumbnails", settings.image.thumbnail_size),
    )
