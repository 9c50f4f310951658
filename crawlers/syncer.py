"""Background sync: evidence reaches the disk without stalling the crawl's event loop.

The evidence store makes every file it publishes durable. In a crawl that store runs
inside Scrapy's reactor thread, where each fsync would stop every download for as long
as the disk takes (hundreds of files per crawl, milliseconds each). With a
``BackgroundSync`` the store writes, re-reads, hashes and publishes a file as before —
so a killed *process* loses nothing, the page cache holds it — and this worker thread
makes it durable moments later. ``close`` waits until every queued file is durable; the
crawl calls it before it reports itself finished, so a finished crawl's evidence is on
disk. A power cut in between can cost the last files; ``verify`` would name them.

Group commit: the worker takes every file queued since its last sync and makes them
durable together. On Linux that is one ``syncfs`` per filesystem holding them (one
journal commit and one disk-cache flush) instead of one ``fsync`` per file: on the
project's shared machine (ext4, virtio disk) 800 fresh 8 KB files took 2.1–2.6 s to
fsync one by one and 10–15 ms with one ``syncfs``; a crawl of the bazaar demo publishes
about 800 evidence files. The trade-off: ``syncfs``
also flushes other programs' dirty data on that filesystem, so on a disk shared with a
heavy writer one sync can take longer (it is still one sync per group, off the event
loop). Where ``syncfs`` is missing (not Linux) or fails, each file is fsynced as before.
Before Linux 5.8 ``syncfs`` did not report write-back errors; ``verify`` still re-hashes
every file.
"""

from __future__ import annotations

import ctypes
import logging
import os
import queue
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

log = logging.getLogger(__name__)


def _load_syncfs() -> Callable[[int], int] | None:
    """libc's ``syncfs(fd)`` (Linux), or None where the C library has none."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        func = libc.syncfs
    except (OSError, AttributeError):
        return None
    func.argtypes = [ctypes.c_int]
    func.restype = ctypes.c_int
    return func


_SYNCFS = _load_syncfs()


def sync_paths(paths: Sequence[Path], syncfs: Callable[[int], int] | None = _SYNCFS) -> int:
    """Make ``paths`` durable: one ``syncfs`` per filesystem, else ``fsync`` each.
    Returns how many could not be synced (each is logged)."""
    by_device: dict[int, list[Path]] = {}
    failures = 0
    for path in paths:
        try:
            by_device.setdefault(os.stat(path).st_dev, []).append(path)
        except OSError as exc:
            failures += 1
            log.error("evidence %s not synced to disk: %s", path, exc)
    for group in by_device.values():
        if syncfs is None or not _syncfs(group[0], syncfs):
            failures += sum(not _fsync(path) for path in group)
    return failures


def _syncfs(path: Path, syncfs: Callable[[int], int]) -> bool:
    """One ``syncfs`` on the filesystem holding ``path``; False if it failed."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return False
    try:
        if syncfs(fd) == 0:
            return True
        err = ctypes.get_errno()
        log.warning("syncfs on %s failed (%s); fsyncing file by file", path, os.strerror(err))
        return False
    finally:
        os.close(fd)


def _fsync(path: Path) -> bool:
    try:
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        return True
    except OSError as exc:
        log.error("evidence %s not synced to disk: %s", path, exc)
        return False


class BackgroundSync:
    def __init__(self) -> None:
        self._queue: queue.Queue[Path | None] = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="evidence-fsync", daemon=True)
        self._thread.start()
        self.failures = 0

    def submit(self, path: Path) -> None:
        self._queue.put(path)

    def close(self) -> None:
        """Sync everything submitted so far, then stop the worker."""
        self._queue.put(None)
        self._thread.join()

    def _run(self) -> None:
        stop = False
        while not stop:
            group = [self._queue.get()]  # wait for work, then take all that is queued
            while True:
                try:
                    group.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            stop = None in group
            paths = [p for p in group if p is not None]
            if paths:
                self.failures += sync_paths(paths)
