"""The web app's rendering helpers: safe links, highlights and snippets."""

from __future__ import annotations

import pytest

from classifiers.base import Reason
from web.render import highlight, safe_href, snippet

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
