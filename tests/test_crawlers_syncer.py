"""Background sync of evidence files: group commit (one syncfs per filesystem), with a
file-by-file fsync fallback, and every submitted file synced before ``close`` returns."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from crawlers import syncer
from crawlers.syncer import BackgroundSync, sync_paths


def _files(folder: Path, count: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"f{i}" for i in range(count)]
    for path in paths:
        path.write_bytes(os.urandom(64))
    return paths


def test_many_files_on_one_filesystem_take_one_syncfs(tmp_path: Path) -> None:
    calls: list[int] = []

    def recording_syncfs(fd: int) -> int:
        calls.append(os.fstat(fd).st_dev)
        return 0

    paths = _files(tmp_path / "ev", 50)
    assert sync_paths(paths, recording_syncfs) == 0
    assert calls == [os.stat(tmp_path).st_dev]


def test_a_failing_syncfs_falls_back_to_fsync_per_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fsynced: list[int] = []
    real_fsync = os.fsync

    def counting_fsync(fd: int) -> None:
        fsynced.append(fd)
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", counting_fsync)
    paths = _files(tmp_path / "ev", 5)
    assert sync_paths(paths, lambda fd: -1) == 0
    assert len(fsynced) == 5
    fsynced.clear()
    assert sync_paths(paths, None) == 0  # no syncfs in this C library
    assert len(fsynced) == 5


def test_a_missing_file_is_counted_and_the_others_are_still_synced(tmp_path: Path) -> None:
    paths = _files(tmp_path / "ev", 3)
    assert sync_paths([*paths, tmp_path / "gone"]) == 1


def test_close_waits_until_everything_submitted_is_synced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    synced: list[Path] = []
    real = syncer.sync_paths

    def recording(paths: list[Path]) -> int:
        synced.extend(paths)
        return real(paths)

    monkeypatch.setattr(syncer, "sync_paths", recording)
    background = BackgroundSync()
    paths = _files(tmp_path / "ev", 200)
    for path in paths:
        background.submit(path)
    background.submit(tmp_path / "missing")
    background.close()
    assert sorted(synced) == sorted([*paths, tmp_path / "missing"])
    assert background.failures == 1
