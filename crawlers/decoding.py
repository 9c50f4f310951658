"""Bytes a hostile site served → text and JSON we can read, without losing the page.

* ``detect_encoding``: the declared charset is only a claim. GB18030 bytes served as
  UTF-8, or a Shift_JIS ``<meta>`` on GB18030 bytes, decode to mojibake (U+FFFD or
  katakana soup) and wildlife terms vanish. When the declared encoding does not decode
  the body strictly, or it is a legacy CJK encoding (the ones most often mislabelled)
  or a single-byte one on a body that is mostly high bytes (a server default of
  ISO-8859-1 on a Chinese page), and its text reads worse than another candidate's,
  ``charset-normalizer`` picks the encoding from the bytes. A body that decodes as
  declared UTF-8 is trusted: random legacy bytes almost never form valid UTF-8.
* ``loads_bounded``: ``json.loads`` raises ``RecursionError`` at ~1,000 levels, which
  lost a whole API page for one deep item. On that error the text is re-read with every
  value deeper than ``MAX_DEPTH`` replaced by ``null`` (the page's raw bytes stay in the
  WARC evidence), and the number of cuts is returned so the caller can report it.
"""

from __future__ import annotations

import codecs
import json
import re
from typing import Any

from charset_normalizer import from_bytes

MAX_DEPTH = 200
DETECT_BYTES = 200_000  # enough for a verdict; detection cost stays bounded
LEGACY_CJK = frozenset(
    {"shift_jis", "cp932", "euc_jp", "iso2022_jp", "gb2312", "gbk", "gb18030", "big5",
     "big5hkscs", "euc_kr", "cp949"}
)  # fmt: skip
SUSPICIOUS_HIGH_BYTES = 0.2
_HIGH_BYTES = bytes(range(0x80, 0x100))
CANDIDATES = ["utf_8", "gb18030", "big5", "shift_jis", "euc_jp", "euc_kr"]
_TOKEN_RE = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return codecs.lookup(name).name.replace("-", "_")
    except LookupError:
        return None


def detect_encoding(body: bytes, declared: str | None) -> str | None:
    """A better encoding than ``declared`` for ``body``, or ``None`` to keep the declared one."""
    if body.isascii():
        return None
    codec = _codec(declared)
    sample = body[:DETECT_BYTES]
    strict_ok = False
    if codec:
        try:
            body.decode(codec)
            strict_ok = True
        except UnicodeDecodeError:
            strict_ok = False
    if strict_ok and codec == "utf_8":
        return None
    if strict_ok and codec not in LEGACY_CJK and _high_bytes(sample) < SUSPICIOUS_HIGH_BYTES:
        return None  # a single-byte page with a few accented letters reads as declared
    isolation = CANDIDATES if strict_ok else None
    best = from_bytes(sample, cp_isolation=isolation).best()
    if best is None:
        return None
    found = _codec(best.encoding)
    if found is None or found == codec:
        return None
    if strict_ok and codec is not None and not _reads_worse(sample, codec, best.chaos):
        return None
    return found


def _high_bytes(sample: bytes) -> float:
    """Share of bytes >= 0x80: a few % in Western text, most of the bytes in CJK text."""
    ascii_only = sample.translate(None, _HIGH_BYTES)
    return (len(sample) - len(ascii_only)) / max(1, len(sample))


def _reads_worse(sample: bytes, codec: str, best_chaos: float) -> bool:
    """True when ``codec``'s reading of ``sample`` is clearly messier than the best one."""
    declared = from_bytes(sample, cp_isolation=[codec]).best()
    return declared is None or declared.chaos > best_chaos + 0.1


def loads_bounded(data: bytes | str) -> tuple[Any, int]:
    """``(value, cuts)``: JSON parsed; values nested deeper than ``MAX_DEPTH`` → ``null``.
    Raises ``ValueError`` (or ``UnicodeDecodeError``) for text that is not JSON."""
    try:
        return json.loads(data), 0
    except RecursionError:
        pass
    text = data.decode("utf-8") if isinstance(data, bytes) else data
    pruned, cuts = _prune(text)
    return json.loads(pruned), cuts


def _prune(text: str) -> tuple[str, int]:
    """``text`` with every array/object that opens deeper than ``MAX_DEPTH`` → ``null``."""
    out: list[str] = []
    depth, last, cuts, cut_from = 0, 0, 0, -1
    for match in _TOKEN_RE.finditer(text):
        token = match.group()
        if token[0] == '"':
            continue
        if token in "[{":
            depth += 1
            if depth == MAX_DEPTH + 1 and cut_from < 0:
                out.append(text[last : match.start()])
                cut_from = match.start()
        else:
            if depth == MAX_DEPTH + 1 and cut_from >= 0:
                out.append("null")
                last, cut_from = match.end(), -1
                cuts += 1
            depth -= 1
    out.append(text[last:] if cut_from < 0 else text[last:cut_from] + "null")
    return "".join(out), cuts
