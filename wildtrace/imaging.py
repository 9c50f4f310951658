"""Wiring of the image stage from settings: the hash bank, the encoder, the analyzer.

Composition root only (``classifiers/image`` knows nothing of ``Settings``): the CLI
commands and the pipeline build image components here, so there is one place that
decides where the bank lives and which encoder runs.
"""

from __future__ import annotations

import logging
from pathlib import Path

from classifiers.fuse import FusionPolicy
from classifiers.image.analyze import ImageAnalyzer
from classifiers.image.bank import HashBank
from classifiers.image.base import ImageEncoder
from classifiers.image.catalog import ImageCatalog
from classifiers.image.decode import DecodeLimits
from classifiers.image.head import HeadError, ImageHead
from classifiers.image.thumbnails import ThumbnailStore
from crawlers.evidence import EvidenceStore
from wildtrace.config import ConfigError, Settings
from wildtrace.image_stage import ImageStage

log = logging.getLogger(__name__)

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


def catalog_path(settings: Settings) -> Path:
    return settings.data_dir / "images.sqlite"


def build_image_stage(settings: Settings) -> ImageStage | None:
    """The pipeline's image stage, or None when ``image.enabled`` is off."""
    if not settings.image.enabled:
        return None
    analyzer = build_analyzer(settings)
    head = None
    if analyzer.encoder is not None and (head_dir(settings) / "head.npz").is_file():
        try:
            head = ImageHead.load(head_dir(settings), analyzer.encoder.model_tag)
        except HeadError as exc:
            log.warning("image head not used: %s", exc)
    return ImageStage(
        analyzer=analyzer,
        bank=open_bank(settings),
        evidence=EvidenceStore(settings.data_dir / "evidence"),
        catalog=ImageCatalog(catalog_path(settings)),
        policy=FusionPolicy(
            threshold=settings.classifier.queue_threshold,
            max_distance=settings.image.pdq_max_distance,
        ),
        head=head,
        concept_commodity={c.name: c.commodity for c in analyzer.concepts},
    )


def seed_demo_bank(settings: Settings) -> int:
    """Import the demo's partner bank (idempotent); returns how many entries were new."""
    from importlib import resources

    from classifiers.image.bank_csv import read_bank_csv

    csv_file = resources.files("wildtrace.demo").joinpath("data").joinpath("partner_bank.csv")
    with csv_file.open(encoding="utf-8") as handle:
        entries, errors = read_bank_csv(handle, "partner_bank.csv")
    for error in errors:
        log.error("demo partner bank: %s", error)
    bank = open_bank(settings)
    try:
        return bank.add(entries).added
    finally:
        bank.close()
