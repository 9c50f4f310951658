"""The web app's rendering helpers: safe links, highlights and snippets; scores with the
precision that ranks, readable times, charts."""

from __future__ import annotations

import pytest

from classifiers.base import Reason
from web.dashboard import Series, stacked_bars
from web.render import highlight, safe_href, score_text, snippet, when

# -- rendering helpers ---------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        " JaVaScRiPt:alert(1)",
        "java\tscript:alert(1)",
        "data:text/html,<b>x</b>",
        "vbscript:msgbox",
        "//evil.example/x",
        "/relative/path",
        "http://",
        "https://ok.example/\x00",
        "",
        None,
    ],
)
def test_safe_href_refuses_anything_but_absolute_http_urls(url: str | None) -> None:
    assert safe_href(url) is None


def test_safe_href_keeps_http_and_https_urls() -> None:
    for url in ("http://a.example/x?y=1", "HTTPS://b.example/", "https://[::1]:8080/p"):
        assert safe_href(url) == url


def test_highlight_escapes_then_marks_clipped_and_merged_spans() -> None:
    text = "<b>ivory</b> tusk"
    reasons = [
        Reason("term", "a", span=(3, 8)),
        Reason("term", "b", span=(5, 12)),  # overlaps the first: merged
        Reason("term", "c", span=(13, 99)),  # runs past the end: clipped
        Reason("term", "d", span=(50, 60)),  # outside the text: ignored
        Reason("model", "e"),
    ]
    assert str(highlight(text, reasons)) == (
        '&lt;b&gt;<mark title="reason 1, 2">ivory&lt;/b&gt;</mark> '
        '<mark title="reason 3">tusk</mark>'
    )


def test_snippet_marks_only_balanced_markers_and_escapes_the_rest() -> None:
    assert str(snippet("a «<i>x</i>» b » «")) == "a <mark>&lt;i&gt;x&lt;/i&gt;</mark> b » «"


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
