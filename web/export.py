"""Safe CSV and JSON-lines export of alerts.

Everything in an alert came, at some point, from a hostile page (titles, seller ids).
Exports are opened in spreadsheets and pasted into other tools, so:

* CSV cells are neutralised against formula injection (OWASP "CSV injection"): a cell
  whose first character — or first character after leading whitespace — is ``=``, ``+``,
  ``-``, ``@``, tab or carriage return gets a leading ``'``. Every text column is treated
  the same; only real numbers (``int``/``float``) pass untouched, since they cannot be
  formulas. NUL characters are dropped and cells are capped in length.
* JSON is written with ``ensure_ascii=False`` (readable non-Latin text) but characters
  that break HTML or JavaScript embedding (``<``, ``>``, ``&``, U+2028, U+2029) and lone
  surrogates are escaped, so a line can be pasted into a page or script safely.
* Both exports cap the number of rows (``MAX_EXPORT_ROWS``).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable
from typing import Any

from alerts.base import Alert

MAX_EXPORT_ROWS = 10_000
MAX_CELL_CHARS = 2_000
CSV_FIELDS = (
    "id",
    "listing_key",
    "source",
    "rule",
    "priority",
    "score",
    "commodity",
    "intent",
    "state",
    "version",
    "seller_id",
    "network",
    "title",
    "created_at",
    "updated_at",
)

_FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_UNSAFE_JSON = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}
_UNSAFE_JSON_RE = re.compile("[<>&\u2028\u2029]")
_SURROGATE_RE = re.compile("[\ud800-\udfff]")


def neutralise_cell(value: Any) -> str | int | float:
    """A CSV cell that no spreadsheet will evaluate as a formula."""
    if value is None:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    text = str(value).replace("\x00", "")[:MAX_CELL_CHARS]
    if text.startswith(_FORMULA_TRIGGERS) or text.lstrip().startswith(_FORMULA_TRIGGERS):
        return "'" + text
    return text


def alerts_to_csv(alerts: Iterable[Alert], *, max_rows: int = MAX_EXPORT_ROWS) -> str:
    """CSV text (header + at most ``max_rows`` rows), every cell neutralised."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_FIELDS)
    for n, alert in enumerate(alerts):
        if n >= max_rows:
            break
        data = alert.to_dict()
        writer.writerow([neutralise_cell(data.get(name)) for name in CSV_FIELDS])
    return out.getvalue()


def safe_json_dumps(obj: Any) -> str:
    """``json.dumps`` that keeps non-ASCII readable yet is safe to embed in HTML or JS."""
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    # These characters can only occur inside JSON strings, where \\uXXXX is equivalent.
    text = _UNSAFE_JSON_RE.sub(lambda m: _UNSAFE_JSON[m.group(0)], text)
    return _SURROGATE_RE.sub("\\\\ufffd", text)


def alerts_to_jsonl(alerts: Iterable[Alert], *, max_rows: int = MAX_EXPORT_ROWS) -> str:
    """One JSON object per line, at most ``max_rows`` lines."""
    lines = []
    for n, alert in enumerate(alerts):
        if n >= max_rows:
            break
        lines.append(safe_json_dumps(alert.to_dict()))
    return "".join(line + "\n" for line in lines)
