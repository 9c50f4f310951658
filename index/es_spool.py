"""A durable, ordered local queue for writes the Elasticsearch cluster could not take.

Design notes
------------
* Append-only JSONL segments in ``spool_dir`` (``<first-seq>.jsonl``). Each line is one
  write operation (``op`` name, JSON payload, record count) and is flushed and
  ``fsync``-ed before ``append`` returns, so an acknowledged spool write survives a crash.
* Replay reads segments oldest first and hands each operation to a callback. After each
  operation the segment's progress file (``<segment>.done``, the number of lines applied)
  is replaced atomically, so a crash mid-replay resumes at the next operation. Operations
  are idempotent in the store (stable document ids, create-only versions), so the one
  operation that may run twice after a crash has no extra effect.
* A segment being replayed is sealed first: new appends go to a fresh segment, so order is
  kept and nothing is appended behind the replay cursor.
* A torn last line (the process died inside ``append``) was never acknowledged; it is
  skipped with a warning. An operation the cluster *rejects* (a 4xx other than 429: a bad
  document, not an outage) would block the queue forever, so it is moved to ``dead.jsonl``
  and counted in ``status``; it is never silently dropped.
* One process per spool directory: an exclusive ``flock`` on ``spool.lock`` guards it.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

MAX_SEGMENT_BYTES = 8 * 1024 * 1024


class PoisonOperation(Exception):
    """Raised by a replay callback when the cluster refused an operation (or, with
    ``payload``, the part of it given there) for good."""

    def __init__(self, message: str, payload: Any = None) -> None:
        super().__init__(message)
        self.payload = payload


@dataclass(frozen=True, slots=True)
class SpoolEntry:
    op: str
    payload: Any
    records: int


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class Spool:
    """See the module docstring."""

    def __init__(self, directory: Path) -> None:
        self.dir = Path(directory)
        self.dir.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self._lock_file = open(self.dir / "spool.lock", "a+b")  # held open: closed by close()
        self._sealed: set[str] = set()

    def close(self) -> None:
        self._lock_file.close()

    @contextmanager
    def _locked(self) -> Iterator[None]:
        with self._lock:
            fcntl.flock(self._lock_file, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(self._lock_file, fcntl.LOCK_UN)

    def _segments(self) -> list[Path]:
        return sorted(self.dir.glob("*.jsonl"), key=lambda p: p.name)

    def _queue_segments(self) -> list[Path]:
        return [p for p in self._segments() if p.name != "dead.jsonl"]

    @staticmethod
    def _done(segment: Path) -> int:
        try:
            return int(segment.with_suffix(".done").read_text() or 0)
        except (FileNotFoundError, ValueError):
            return 0

    def _set_done(self, segment: Path, lines: int) -> None:
        tmp = segment.with_suffix(".done.tmp")
        with open(tmp, "w") as fh:
            fh.write(str(lines))
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, segment.with_suffix(".done"))

    def append(self, op: str, payload: Any, records: int) -> None:
        line = json.dumps({"op": op, "payload": payload, "records": records}, ensure_ascii=False)
        with self._locked():
            segments = self._queue_segments()
            tail = segments[-1] if segments else None
            if tail is None or tail.name in self._sealed or tail.stat().st_size > MAX_SEGMENT_BYTES:
                last = int(tail.stem) if tail is not None else 0
                tail = self.dir / f"{last + 1:012d}.jsonl"
            with open(tail, "ab") as fh:
                fh.write(line.encode("utf-8") + b"\n")
                fh.flush()
                os.fsync(fh.fileno())
            _fsync_dir(self.dir)

    def _read(self, segment: Path) -> list[SpoolEntry]:
        entries = []
        for number, raw in enumerate(segment.read_bytes().splitlines(), start=1):
            try:
                data = json.loads(raw)
                entries.append(SpoolEntry(data["op"], data["payload"], int(data["records"])))
            except (ValueError, KeyError, TypeError):
                log.warning("spool %s line %d is torn or corrupt; skipped", segment.name, number)
                entries.append(SpoolEntry("skip", None, 0))
        return entries

    def has_pending(self) -> bool:
        """Cheap check used before every write (no file is read)."""
        return bool(self._queue_segments())

    def pending(self) -> tuple[int, int]:
        """``(operations, records)`` waiting to be replayed."""
        ops = records = 0
        with self._locked():
            for segment in self._queue_segments():
                entries = self._read(segment)[self._done(segment) :]
                ops += sum(1 for e in entries if e.op != "skip")
                records += sum(e.records for e in entries)
        return ops, records

    def dead(self) -> int:
        path = self.dir / "dead.jsonl"
        return len(path.read_bytes().splitlines()) if path.exists() else 0

    def replay(self, apply: Callable[[str, Any], None]) -> int:
        """Apply every pending operation in order; return how many ran. Exceptions from
        ``apply`` (other than ``PoisonOperation``) stop the replay and propagate, leaving
        the rest queued."""
        applied = 0
        with self._locked():
            segments = self._queue_segments()
            self._sealed.update(p.name for p in segments)
            for segment in segments:
                entries = self._read(segment)
                for index in range(self._done(segment), len(entries)):
                    entry = entries[index]
                    if entry.op != "skip":
                        try:
                            apply(entry.op, entry.payload)
                        except PoisonOperation as exc:
                            payload = entry.payload if exc.payload is None else exc.payload
                            self._bury(SpoolEntry(entry.op, payload, 0), str(exc))
                        applied += 1
                    self._set_done(segment, index + 1)
                segment.unlink()
                segment.with_suffix(".done").unlink(missing_ok=True)
                self._sealed.discard(segment.name)
            _fsync_dir(self.dir)
        return applied

    def _bury(self, entry: SpoolEntry, error: str) -> None:
        log.error("spooled %s refused by the cluster, moved to dead.jsonl: %s", entry.op, error)
        line = json.dumps({"op": entry.op, "payload": entry.payload, "error": error[:2000]})
        with open(self.dir / "dead.jsonl", "ab") as fh:
            fh.write(line.encode("utf-8") + b"\n")
            fh.flush()
            os.fsync(fh.fileno())
