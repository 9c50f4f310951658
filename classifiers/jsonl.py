"""The ``classify`` command's input and output: JSON Lines, one listing per line.

Contract (other tools depend on it exactly): each input line is a JSON object with at
least ``id`` and ``text`` (optional ``title``, ``lang``, ``source``); each output line
carries the same ``id`` and ``score``, ``label``, ``commodity``, ``species``,
``cites_appendix``, ``intent``, ``lang``, ``reasons``. A malformed line is reported on
stderr with its line number and skipped; the run continues. Input is hostile: lines and
fields are capped, and messages quote at most a short, escaped excerpt.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import IO, Any, TypeVar

from classifiers.base import Classifier, Detection, TextDoc

T = TypeVar("T")

MAX_LINE = 1_000_000  # characters; a longer line is reported, not parsed
MAX_FIELD = 100_000
OUTPUT_FIELDS = (
    "id",
    "score",
    "label",
    "commodity",
    "species",
    "cites_appendix",
    "intent",
    "lang",
    "reasons",
)


_SURROGATE_RE = re.compile("[\ud800-\udfff]")


class LineError(ValueError):
    """One input line could not be used."""


def _no_surrogates(text: str) -> str:
    """A lone surrogate (a legal ``\\ud800`` escape in JSON, not a character) → U+FFFD,
    so the text can be encoded, classified and written back out."""
    return _SURROGATE_RE.sub("\ufffd", text)


def parse_line(line: str) -> TextDoc:
    """One JSON line → ``TextDoc``; raises ``LineError`` saying what is wrong."""
    if len(line) > MAX_LINE:
        raise LineError(f"line longer than {MAX_LINE} characters")
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        raise LineError(f"not JSON ({exc.msg} at column {exc.colno})") from None
    except RecursionError:
        raise LineError("nested too deeply to read") from None
    if not isinstance(obj, dict):
        raise LineError("not a JSON object")
    doc_id, text = obj.get("id"), obj.get("text")
    if isinstance(doc_id, bool) or not isinstance(doc_id, str | int) or doc_id == "":
        raise LineError("missing or invalid 'id' (string or integer)")
    if not isinstance(text, str):
        raise LineError("missing or invalid 'text' (string)")
    optional: dict[str, Any] = {}
    for key in ("title", "lang", "source"):
        value = obj.get(key)
        if value is not None and not isinstance(value, str):
            raise LineError(f"'{key}' must be a string")
        optional[key] = value[:MAX_FIELD] if isinstance(value, str) else None
    return TextDoc(
        id=_no_surrogates(str(doc_id)),
        text=_no_surrogates(text[:MAX_FIELD]),
        title=_no_surrogates(optional["title"] or ""),
        lang=optional["lang"] or None,
        source=optional["source"],
    )


@dataclass
class Counts:
    read: int = 0
    skipped: int = 0
    written: int = 0


def read_lines(
    lines: Iterable[str], err: IO[str], counts: Counts, parse: Callable[[str], T]
) -> Iterator[T]:
    """What ``parse`` makes of each valid line; each bad line (``LineError``) is reported
    as ``line N: skipped: why`` on ``err`` and counted, and the reading goes on."""
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = parse(line)
        except LineError as exc:
            counts.skipped += 1
            print(f"line {number}: skipped: {exc}", file=err)
            continue
        counts.read += 1
        yield record


def read_docs(lines: Iterable[str], err: IO[str], counts: Counts) -> Iterator[TextDoc]:
    """Valid documents; each bad line is reported as ``line N: why`` on ``err``."""
    return read_lines(lines, err, counts, parse_line)


def detection_line(det: Detection) -> str:
    data = det.to_dict()
    return json.dumps({k: data[k] for k in OUTPUT_FIELDS}, ensure_ascii=False) + "\n"


def classify_stream(
    classifier: Classifier, lines: Iterable[str], out: IO[str], err: IO[str], batch_size: int = 64
) -> Counts:
    """Read, classify in batches of ``batch_size``, write; returns the counts."""
    counts = Counts()
    batch: list[TextDoc] = []

    def flush() -> None:
        for det in classifier.classify(batch):
            out.write(detection_line(det))
            counts.written += 1
        out.flush()
        batch.clear()

    for doc in read_docs(lines, err, counts):
        batch.append(doc)
        if len(batch) >= batch_size:
            flush()
    if batch:
        flush()
    return counts
