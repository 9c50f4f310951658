"""CSV import/export of hash banks in the conventions trust-and-safety teams exchange.

Columns (header row required, order free, extra columns ignored):

    pdq,quality,labels,commodity,source,id,added_at,note

* ``pdq`` — 64 hex digits (ThreatExchange/HMA order); ``hash``, ``pdq_hash`` and
  ``signal`` are accepted as its name on import.
* ``quality`` — 0..100 as the PDQ hasher reports it; rows below the bank's minimum
  (convention 50) are refused, a missing quality is refused (it cannot be checked).
* ``labels`` — ``;``- or space-separated tags (``tags`` accepted as the name); ``commodity``
  one of the lexicon's commodity keys when known; ``source`` who contributed the hash
  (defaults to the file's name); ``id`` optional (a stable one is derived from source and
  hash); ``added_at`` ISO-8601 UTC (defaults to now).

A bad row is reported as ``FILE:LINE: reason`` and skipped; the other rows are imported.
Export neutralises cells a spreadsheet would run as a formula (leading ``= + - @`` and
tab/CR get a ``'`` prefix), since labels and notes may come from other organisations.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import IO

from classifiers.image.bank import BankEntry, entry_id, utc_now

COLUMNS = ("pdq", "quality", "labels", "commodity", "source", "id", "added_at", "note")
ALIASES = {"hash": "pdq", "pdq_hash": "pdq", "signal": "pdq", "tags": "labels"}
MAX_CELL = 2000
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True, slots=True)
class RowError:
    where: str
    reason: str

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}"


def _column(name: str) -> str:
    key = name.strip().lower().lstrip("\ufeff")
    return ALIASES.get(key, key)


def _labels(text: str) -> tuple[str, ...]:
    parts = text.replace(";", " ").replace(",", " ").split()
    return tuple(dict.fromkeys(p[:100] for p in parts))


def _row_entry(row: dict[str, str], default_source: str) -> BankEntry:
    get = {k: _unescape((v or "").strip()[:MAX_CELL]) for k, v in row.items() if k}
    if not get.get("pdq"):
        raise ValueError("missing pdq hash")
    if not get.get("quality"):
        raise ValueError("missing quality")
    try:
        quality = int(float(get["quality"]))
    except ValueError:
        raise ValueError(f"quality is not a number: {get['quality'][:40]!r}") from None
    source = get.get("source") or default_source
    pdq = get["pdq"].lower()
    return BankEntry(
        id=get.get("id") or entry_id(pdq, source),
        pdq=pdq,
        quality=quality,
        labels=_labels(get.get("labels", "")),
        commodity=get.get("commodity") or None,
        source=source,
        added_at=get.get("added_at") or utc_now(),
        note=get.get("note", ""),
    )


def read_bank_csv(
    handle: IO[str], origin: str, default_source: str | None = None
) -> tuple[list[BankEntry], list[RowError]]:
    """Parse a bank CSV; returns the good entries and one error per bad row."""
    reader = csv.reader(handle)
    try:
        header = [_column(h) for h in next(reader)]
    except StopIteration:
        return [], [RowError(f"{origin}:1", "empty file (no header row)")]
    except csv.Error as exc:
        return [], [RowError(f"{origin}:1", f"unreadable header: {exc}")]
    if "pdq" not in header:
        return [], [RowError(f"{origin}:1", f"no pdq/hash column in header {header[:10]}")]
    entries: list[BankEntry] = []
    errors: list[RowError] = []
    source = default_source or origin
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            errors.append(RowError(f"{origin}:{reader.line_num}", f"malformed CSV: {exc}"))
            continue
        if not any(c.strip() for c in cells):
            continue
        try:
            entries.append(_row_entry(dict(zip(header, cells, strict=False)), source))
        except ValueError as exc:
            errors.append(RowError(f"{origin}:{reader.line_num}", str(exc)))
    return entries, errors


def safe_cell(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_START) else value


def _unescape(value: str) -> str:
    """Undo ``safe_cell`` so an exported bank re-imports unchanged."""
    return value[1:] if value.startswith("'") and value[1:2].startswith(FORMULA_START) else value


def _cells(entry: BankEntry) -> Iterator[str]:
    yield entry.pdq
    yield str(entry.quality)
    yield ";".join(entry.labels)
    yield entry.commodity or ""
    yield entry.source
    yield entry.id
    yield entry.added_at
    yield entry.note


def write_bank_csv(entries: Iterable[BankEntry], handle: IO[str]) -> int:
    writer = csv.writer(handle, lineterminator="\n")
    writer.writerow(COLUMNS)
    count = 0
    for entry in entries:
        writer.writerow([safe_cell(c) for c in _cells(entry)])
        count += 1
    return count
