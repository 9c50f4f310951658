"""The ``extract`` command's input and output: JSON Lines, one listing per line.

Contract: each input line is a JSON object with ``id`` and ``text`` (optional ``title``,
``lang``, ``region``); each output line is ``{"id", "entities": [...]}`` where every
entity is ``{"type", "value", "span": [start, end], "surface", "field", ...attributes}``.
``field`` says which input field the span points into (``"title"`` or ``"text"``), and
``record[field][start:end] == surface``. A malformed line is reported on stderr as
``line N: skipped: why`` and the run goes on; lines and fields are capped like the
``classify`` command's (``classifiers.jsonl``), and messages never echo the input.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import IO, Any

from classifiers.entities.extractor import EntityExtractor
from classifiers.jsonl import MAX_FIELD, MAX_LINE, Counts, LineError, read_lines


@dataclass(frozen=True, slots=True)
class ExtractDoc:
    id: str
    text: str
    title: str = ""
    lang: str | None = None
    region: str | None = None


def parse_line(line: str) -> ExtractDoc:
    if len(line) > MAX_LINE:
        raise LineError(f"line longer than {MAX_LINE} characters")
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        raise LineError(f"not JSON ({exc.msg} at column {exc.colno})") from None
    if not isinstance(obj, dict):
        raise LineError("not a JSON object")
    doc_id, text = obj.get("id"), obj.get("text")
    if isinstance(doc_id, bool) or not isinstance(doc_id, str | int) or doc_id == "":
        raise LineError("missing or invalid 'id' (string or integer)")
    if not isinstance(text, str):
        raise LineError("missing or invalid 'text' (string)")
    opt: dict[str, str | None] = {}
    for key in ("title", "lang", "region"):
        value = obj.get(key)
        if value is not None and not isinstance(value, str):
            raise LineError(f"'{key}' must be a string")
        opt[key] = value[:MAX_FIELD] if value else None
    region = opt["region"]
    if region is not None and not (len(region) == 2 and region.isascii() and region.isalpha()):
        raise LineError("'region' must be a two-letter country code")
    return ExtractDoc(
        str(doc_id),
        text[:MAX_FIELD],
        opt["title"] or "",
        opt["lang"],
        region.upper() if region else None,
    )


def extract_doc(extractor: EntityExtractor, doc: ExtractDoc) -> list[dict[str, Any]]:
    """Entities of the title then the text, each with the ``field`` its span points into."""
    out = []
    for name, value in (("title", doc.title), ("text", doc.text)):
        for ent in extractor.extract(value, doc.lang, doc.region):
            out.append({**ent.to_dict(), "field": name})
    return out


def extract_stream(
    extractor: EntityExtractor, lines: Iterable[str], out: IO[str], err: IO[str]
) -> Counts:
    counts = Counts()
    for doc in read_lines(lines, err, counts, parse_line):
        record = {"id": doc.id, "entities": extract_doc(extractor, doc)}
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
        counts.written += 1
    out.flush()
    return counts
