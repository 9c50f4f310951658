"""The evidence manifest: an append-only, hash-chained list of every evidence file.

A content-addressed file proves itself (its name is its SHA-256), but a sidecar (URL,
capture time, status, headers) does not, a deleted file leaves no trace, and a WARC
file's name says nothing about its bytes. So each file the store publishes — body,
sidecar, sealed WARC — gets one line in ``<evidence>/MANIFEST.jsonl``::

    {"at": ..., "chain": ..., "kind": "data|sidecar|warc", "path": ..., "sha256": ...}

``chain`` is SHA-256 over the previous line's ``chain`` and this line's fields, so
editing, reordering or deleting a line breaks every later chain value; ``verify``
recomputes it. (A hash chain shows *that* the list changed; keep a copy of the last
``chain`` value elsewhere — an export, a ticket — to prove *when*.) Appends take an
exclusive ``flock`` so concurrent crawls never interleave lines. Lines are short, and
each is written with one ``write`` call.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from common.clock import utc_now

MANIFEST_NAME = "MANIFEST.jsonl"
GENESIS = "0" * 64
KINDS = ("data", "sidecar", "warc")


def chain_value(previous: str, kind: str, path: str, sha256: str, at: str) -> str:
    return hashlib.sha256(f"{previous}\n{kind}\n{path}\n{sha256}\n{at}".encode()).hexdigest()


@dataclass(frozen=True)
class Entry:
    line: int
    kind: str
    path: str
    sha256: str
    at: str
    chain: str


class Manifest:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.path = self.root / MANIFEST_NAME
        self._listed: set[str] | None = None
        self._fd: int | None = None  # kept open for appends; closed with the process

    def _open(self) -> int:
        if self._fd is None:
            self.root.mkdir(parents=True, exist_ok=True)
            self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o644)
        return self._fd

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def append(self, kind: str, relpath: str, sha256: str) -> None:
        if kind not in KINDS:
            raise ValueError(f"unknown manifest kind {kind!r}")
        fd = self._open()
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            at = utc_now()
            chain = chain_value(_last_chain(fd), kind, relpath, sha256, at)
            line = {"at": at, "chain": chain, "kind": kind, "path": relpath, "sha256": sha256}
            # No fsync per line: it would block the crawl's event loop once per file. The
            # files themselves are fsynced; a line lost to a power cut shows as "unlisted".
            os.write(fd, (json.dumps(line, sort_keys=True) + "\n").encode())
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
        if self._listed is not None:
            self._listed.add(relpath)

    def listed(self, relpath: str) -> bool:
        """Whether ``relpath`` was ever published (read once, then kept up to date)."""
        if self._listed is None:
            self._listed = {e.path for e, _ in self.entries() if e is not None}
        return relpath in self._listed

    def entries(self) -> Iterator[tuple[Entry | None, str]]:
        """``(entry, problem)`` per line: entry ``None`` with a problem for a bad line,
        or an entry with ``""`` / a chain problem."""
        if not self.path.is_file():
            return
        previous = GENESIS
        with self.path.open("r", encoding="utf-8", errors="replace") as handle:
            for number, text in enumerate(handle, start=1):
                entry = _parse(number, text)
                if entry is None:
                    yield None, f"{MANIFEST_NAME} line {number}: unreadable"
                    continue
                expected = chain_value(previous, entry.kind, entry.path, entry.sha256, entry.at)
                problem = "" if expected == entry.chain else (
                    f"{MANIFEST_NAME} line {number}: hash chain broken (a line was edited, "
                    "removed or inserted)"
                )  # fmt: skip
                previous = entry.chain
                yield entry, problem


def _parse(number: int, text: str) -> Entry | None:
    try:
        data: Any = json.loads(text)
        return Entry(number, str(data["kind"]), str(data["path"]), str(data["sha256"]),
                     str(data["at"]), str(data["chain"]))  # fmt: skip
    except (ValueError, KeyError, TypeError):
        return None


def _last_chain(fd: int) -> str:
    """The ``chain`` of the file's last line (``GENESIS`` for an empty file)."""
    size = os.lseek(fd, 0, os.SEEK_END)
    if size == 0:
        return GENESIS
    block = min(size, 8192)
    os.lseek(fd, size - block, os.SEEK_SET)
    tail = os.read(fd, block).rstrip(b"\n").rsplit(b"\n", 1)[-1]
    try:
        return str(json.loads(tail)["chain"])
    except (ValueError, KeyError, TypeError):
        return GENESIS  # a torn last line: verify reports it; the chain restarts visibly
