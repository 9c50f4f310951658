"""Hash robustness on 200 distinct procedural images (the issue's acceptance table).

Edited copies (resized, JPEG q60, brightened, cropped 1 % a side) must match their
original at the configured threshold at least 99 % of the time, and distinct images must
falsely match at most 0.1 % of pairs. ``wildtrace eval-image`` prints the same table.
"""

from __future__ import annotations

import numpy as np
import pytest

from classifiers.image import robustness
from classifiers.image.synthetic import scene
from wildtrace.config import Settings

REQUIRED = ("resized 50%", "resized 150%", "JPEG q60", "brightened 20%", "cropped 1% a side")


@pytest.fixture(scope="module")
def report() -> robustness.RobustnessReport:
    image = Settings().image
    return robustness.run(200, image.pdq_max_distance, image.pdq_min_quality, REQUIRED)


def test_edited_copies_match_their_original(report: robustness.RobustnessReport) -> None:
    rates = {e.edit: e.rate for e in report.edits}
    for edit in REQUIRED:
        assert rates[edit] >= 0.99, report.table()


def test_distinct_images_rarely_match(report: robustness.RobustnessReport) -> None:
    assert report.pairs == 200 * 199 // 2
    assert report.false_match_rate <= 0.001, report.table()


def test_the_table_names_every_edit(report: robustness.RobustnessReport) -> None:
    table = report.table()
    assert all(f"| {e} |" in table for e in REQUIRED) and "false matches" in table


def test_images_are_deterministic_distinct_and_not_flat() -> None:
    a, b = np.asarray(scene(5)), np.asarray(scene(5))
    assert np.array_equal(a, b)
    arrays = [np.asarray(scene(s), dtype=np.float32) for s in range(20)]
    assert all(arr.std() > 20 for arr in arrays)  # contrast, not flat colour
    assert all(np.abs(arrays[i] - arrays[i + 1]).mean() > 20 for i in range(19))
