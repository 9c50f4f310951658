"""``classify`` JSONL input: a lone surrogate or a deeply nested line costs only itself."""

from __future__ import annotations

import io

import pytest

from classifiers.jsonl import LineError, classify_stream, parse_line
from classifiers.text.lexicon_detector import LexiconDetector


def test_a_deeply_nested_line_is_a_line_error() -> None:
    with pytest.raises(LineError, match="nested"):
        parse_line('{"id": "1", "text": ' + "[" * 5000 + "]" * 5000 + "}")


def test_bad_lines_are_skipped_and_every_good_line_is_classified() -> None:
    lines = [
        '{"id": "1", "text": "carved ivory bangle"}',
        '{"id": "2", "text": "lone \\ud800 surrogate, rhino horn"}',
        '{"id": "3", "text": ' + "[" * 5000 + "]" * 5000 + "}",
        '{"id": "4", "text": "pangolin scales"}',
    ]
    out, err = io.StringIO(), io.StringIO()
    counts = classify_stream(LexiconDetector(), lines, out, err, batch_size=2)
    assert (counts.read, counts.skipped, counts.written) == (3, 1, 3)
    assert "line 3: skipped" in err.getvalue()
    out.getvalue().encode("utf-8")  # every written line is valid UTF-8
