"""Rendering helpers for the pages: safe links, highlighted evidence, query strings.

Scraped text is hostile. The rules here:

* Text is escaped *before* any markup is added; ``highlight`` escapes each slice of the
  original text and only then wraps the matched spans in ``<mark>``.
* A scraped URL becomes a link only if it is ``http``/``https`` with a host; anything
  else (``javascript:``, ``data:``, relative paths, odd schemes) is shown as text.
* Search highlights arrive as plain text with ``«``/``»`` around the matched terms (the
  SQLite store's convention); ``snippet`` escapes the text and turns only balanced marker
  pairs into ``<mark>``.
* Query strings are built with ``urlencode`` from plain values, never by concatenation.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

from markupsafe import Markup, escape

from classifiers.base import Reason

MAX_URL_CHARS = 2_000
HL_START, HL_END = "\u00ab", "\u00bb"
_MARKED = re.compile(f"{HL_START}([^{HL_START}{HL_END}]*){HL_END}")
_CONTROL = {chr(c) for c in range(0x20)} | {"\x7f"}


def safe_href(url: str | None) -> str | None:
    """The URL if it is safe to put in ``href`` (absolute http/https), else ``None``."""
    if not url or len(url) > MAX_URL_CHARS:
        return None
    if any(ch in _CONTROL for ch in url) or url != url.strip():
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return url


def query_string(params: Mapping[str, object], **changes: object) -> str:
    """``?a=1&b=2`` from ``params`` updated by ``changes``; empty values are dropped."""
    merged = {**params, **changes}
    kept = {k: str(v) for k, v in merged.items() if v not in (None, "")}
    return "?" + urlencode(kept) if kept else "?"


@dataclass(frozen=True, slots=True)
class Marked:
    """A highlighted region of the text and the (1-based) reasons pointing at it."""

    start: int
    end: int
    reasons: tuple[int, ...]


def _regions(text_len: int, reasons: Iterable[Reason]) -> list[Marked]:
    """Valid spans, clipped to the text, overlapping ones merged."""
    spans = []
    for n, reason in enumerate(reasons, start=1):
        if reason.span is None:
            continue
        start, end = max(0, reason.span[0]), min(text_len, reason.span[1])
        if start < end:
            spans.append((start, end, n))
    spans.sort()
    merged: list[Marked] = []
    for start, end, n in spans:
        if merged and start < merged[-1].end:
            last = merged[-1]
            merged[-1] = Marked(last.start, max(last.end, end), (*last.reasons, n))
        else:
            merged.append(Marked(start, end, (n,)))
    return merged


def highlight(text: str, reasons: Iterable[Reason]) -> Markup:
    """``text`` escaped, with every reason's span wrapped in ``<mark>``."""
    pieces: list[str] = []
    pos = 0
    for region in _regions(len(text), reasons):
        pieces.append(escape(text[pos : region.start]))
        label = ", ".join(str(n) for n in region.reasons)
        pieces.append(
            Markup('<mark title="reason {}">{}</mark>').format(
                label, text[region.start : region.end]
            )
        )
        pos = region.end
    pieces.append(escape(text[pos:]))
    return Markup("").join(pieces)


def span_text(text: str, reason: Reason) -> str:
    """The slice of ``text`` a reason points at (empty if it has no valid span)."""
    if reason.span is None:
        return ""
    start, end = max(0, reason.span[0]), min(len(text), reason.span[1])
    return text[start:end] if start < end else ""


def snippet(text: str) -> Markup:
    """A search highlight: escaped, with ``«term»`` shown as ``<mark>term</mark>``."""
    pieces: list[str] = []
    pos = 0
    for match in _MARKED.finditer(text):
        pieces.append(escape(text[pos : match.start()]))
        pieces.append(Markup("<mark>{}</mark>").format(match.group(1)))
        pos = match.end()
    pieces.append(escape(text[pos:]))
    return Markup("").join(pieces)


def when(iso: str | None, empty: str = "—") -> Markup:
    """A stored UTC time as ``<time>``: readable UTC in the page ("2026-11-30 19:15 UTC"),
    the exact UTC value on hover; ``/static/desk.js`` rewrites the text into the
    reader's local time (the hover keeps UTC)."""
    if not iso:
        return Markup('<span class="muted">{}</span>').format(empty)
    text = iso.strip()
    readable = text[:16].replace("T", " ") + " UTC" if len(text) >= 16 else text
    return Markup('<time datetime="{}" title="{}">{}</time>').format(
        text, text[:19].replace("T", " ") + " UTC", readable
    )


MAX_SCORE_DIGITS = 7


def score_text(score: float) -> str:
    """A score with the precision that ranks: three decimals, more while the shown value
    would be all nines (0.99973 → "0.9997", not "1.000"), truncated, never rounded up to
    1. A score of exactly 1 is the model saturating: such alerts are tied."""
    if score >= 1.0:
        return "1"
    digits = 3
    while True:
        text = f"{max(0.0, score):.12f}"[: 2 + digits]  # truncated, as text: no float floor
        if digits >= MAX_SCORE_DIGITS or text.rstrip("9") != "0.":
            return text
        digits += 1


def bdi(value: object) -> Markup:
    """Scraped text, escaped, in its own bidirectional island (``<bdi>``): a seller name
    with U+202E (right-to-left override) or an Arabic title cannot reorder the words
    around it — "score 0.92 · <name> · confirmed" stays in that order."""
    return Markup("<bdi>{}</bdi>").format("" if value is None else value)
