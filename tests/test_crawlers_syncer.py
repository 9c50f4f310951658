"""Background fsync of evidence files on a real file system: every submitted file is
handled before ``close`` returns, failures are counted and named, workers stop."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

import pytest

from crawlers.syncer import BackgroundSync


def test_close_returns_after_every_file_and_counts_the_ones_that_failed(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    files = []
    for n in range(200):
        path = tmp_path / f"f{n}"
        path.write_bytes(b"x" * n)
        files.append(path)
    missing = [tmp_path / "gone-1", tmp_path / "gone-2"]
    before = {t.name for t in threading.enumerate()}
    syncer = BackgroundSync(workers=4)
    with caplog.at_level(logging.ERROR, logger="crawlers.syncer"):
        for path in [*files[:100], *missing, *files[100:]]:
            syncer.submit(path)
        syncer.close()
    assert syncer.failures == 2
    assert {str(p) for p in missing} <= {w for r in caplog.records for w in r.getMessage().split()}
    still = {t.name for t in threading.enumerate()} - before
    assert not [name for name in still if name.startswith("evidence-fsync")]
