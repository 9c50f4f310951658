"""Rendering helpers of the desk: scores with the precision that ranks, times, charts."""

from __future__ import annotations

import pytest

from web.dashboard import Series, stacked_bars
from web.render import score_text, when


@pytest.mark.parametrize(
    ("score", "text"),
    [
        (1.0, "1"),
        (0.99999988, "0.9999998"),
        (0.9999922, "0.999992"),
        (0.99973, "0.9997"),
        (0.98, "0.980"),
        (0.6519, "0.651"),  # truncated, never rounded up
        (0.0, "0.000"),
    ],
)
def test_score_text_ranks(score: float, text: str) -> None:
    assert score_text(score) == text


def test_distinct_scores_below_one_never_look_equal() -> None:
    scores = [0.9999998, 0.99999, 0.9999, 0.999, 0.99]
    assert len({score_text(s) for s in scores}) == len(scores)


def test_when_is_readable_utc_with_the_exact_value_on_hover() -> None:
    html = str(when("2026-11-30T19:15:42.123456Z"))
    assert html == (
        '<time datetime="2026-11-30T19:15:42.123456Z" title="2026-11-30 19:15:42 UTC">'
        "2026-11-30 19:15 UTC</time>"
    )
    assert "—" in str(when(None))
    assert "&lt;b&gt;" in str(when("<b>"))


def test_charts_escape_their_labels() -> None:
    svg = str(stacked_bars(Series(["<script>"], {"a&b": [3]}), title="t<i>"))
    assert svg.startswith("<svg") and "<script>" not in svg and "&lt;script&gt;" in svg
    assert "a&amp;b: 3" in svg and "t&lt;i&gt;" in svg
