"""Background fsync: evidence reaches the disk without stalling the crawl's event loop.

The evidence store fsyncs every file it publishes. In a crawl that store runs inside
Scrapy's reactor thread, where each fsync stops every download for as long as the disk
takes (hundreds of files per crawl, tens of ms each on a busy disk). With a
``BackgroundSync`` the store writes, re-reads, hashes and publishes a file as before —
so a killed *process* loses nothing, the page cache holds it — and this worker thread
fsyncs it moments later. ``close`` waits until every queued file is synced; the crawl
calls it before it reports itself finished, so a finished crawl's evidence is on disk.
A power cut in between can cost the last files; ``verify`` would name them.
"""

from __future__ import annotations

import logging
import os
import queue
import threading
from pathlib import Path

log = logging.getLogger(__name__)


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
        while (path := self._queue.get()) is not None:
            try:
                fd = os.open(path, os.O_RDONLY)
                try:
                    os.fsync(fd)
                finally:
                    os.close(fd)
            except OSError as exc:
                self.failures += 1
                log.error("evidence %s not synced to disk: %s", path, exc)
