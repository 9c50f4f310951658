"""Safe decoding: every hostile image is a recorded error, odd-but-valid ones decode."""

from __future__ import annotations

import pytest
from image_fixtures import hostile, odd_but_valid, photo_jpeg

from classifiers.image.analyze import ImageAnalyzer
from classifiers.image.base import ERROR_BOMB, ERROR_EMPTY, ERROR_NOT_IMAGE, ERROR_TRUNCATED
from classifiers.image.decode import DecodeLimits, ImageDecodeError, decode_image, sniff

EXPECTED_CODES = {
    "zero bytes": ERROR_EMPTY,
    "bomb 100000x100000": ERROR_BOMB,
    "bomb 9000x9000": ERROR_BOMB,
    "huge side 30000x10": ERROR_BOMB,
    "truncated jpeg": ERROR_TRUNCATED,
    "html as image": ERROR_NOT_IMAGE,
    "svg as image": ERROR_NOT_IMAGE,
    "text": ERROR_NOT_IMAGE,
}


@pytest.mark.parametrize("name", sorted(hostile()))
def test_hostile_bytes_raise_a_coded_error_not_a_crash(name: str) -> None:
    with pytest.raises(ImageDecodeError) as info:
        decode_image(hostile()[name])
    if name in EXPECTED_CODES:
        assert info.value.code == EXPECTED_CODES[name]


def test_non_images_say_what_they_are() -> None:
    with pytest.raises(ImageDecodeError, match="SVG"):
        decode_image(hostile()["svg as image"])
    with pytest.raises(ImageDecodeError, match="HTML"):
        decode_image(hostile()["html as image"])


@pytest.mark.parametrize("name", sorted(odd_but_valid()))
def test_odd_modes_decode_to_rgb(name: str) -> None:
    decoded = decode_image(odd_but_valid()[name])
    assert decoded.image.mode == "RGB"
    assert decoded.array().shape[2] == 3


def test_notes_record_what_was_done() -> None:
    odd = odd_but_valid()
    assert any("CMYK" in n for n in decode_image(odd["cmyk jpeg"]).notes)
    assert any("first of 3" in n for n in decode_image(odd["animated gif"]).notes)
    assert any("16" in n for n in decode_image(odd["16-bit greyscale png"]).notes)
    assert any("white" in n for n in decode_image(odd["palette png with transparency"]).notes)
    assert decode_image(odd["webp"]).notes == ()


def test_exif_orientation_is_applied() -> None:
    decoded = decode_image(odd_but_valid()["exif rotated jpeg"])  # stored 120x80, shown 80x120
    assert (decoded.width, decoded.height) == (80, 120)
    assert decoded.image.size == (80, 120)
    assert any("EXIF" in n for n in decoded.notes)


def test_working_copy_is_bounded_but_original_size_reported() -> None:
    decoded = decode_image(photo_jpeg(1, (1600, 1200)), DecodeLimits(work_side=512))
    assert (decoded.width, decoded.height) == (1600, 1200)
    assert max(decoded.image.size) <= 512


def test_size_cap() -> None:
    with pytest.raises(ImageDecodeError, match="too_big"):
        decode_image(photo_jpeg(), DecodeLimits(max_bytes=100))


def test_sniff() -> None:
    assert sniff(photo_jpeg()) == "JPEG"
    assert sniff(b"GIF89a....") == "GIF"
    assert sniff(b"<svg") is None


def test_analyzer_records_errors_and_keeps_going() -> None:
    bad = list(hostile().values())
    good = [photo_jpeg(10), photo_jpeg(11)]
    result = ImageAnalyzer(encoder=None).analyze([good[0], *bad, good[1]])
    signals = result.signals
    assert len(signals) == len(bad) + 2
    assert signals[0].ok and signals[-1].ok
    assert signals[0].pdq and len(signals[0].pdq) == 64 and signals[0].quality is not None
    assert all(not s.ok and s.pdq is None for s in signals[1:-1])
    assert all(s.error and ":" in s.error for s in signals[1:-1])


def test_analyzer_analyses_identical_bytes_once_and_keeps_order() -> None:
    a, b = photo_jpeg(12), photo_jpeg(13)
    signals = ImageAnalyzer(encoder=None).analyze([a, b, a]).signals
    assert signals[0] == signals[2] and signals[0].sha256 != signals[1].sha256
