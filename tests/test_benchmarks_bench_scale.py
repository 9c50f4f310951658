"""``benchmarks.bench_scale``: a size whose cached store is missing is skipped with a
printed reason (never silently built for 40 minutes inside ``make bench``)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks import bench_scale, scale_sqlite
from benchmarks.scale_data import ScaleSpec


def test_missing_cached_store_is_skipped_with_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(scale_sqlite, "CACHE_DIR", tmp_path / "scale")
    monkeypatch.setattr(bench_scale, "RESULTS", tmp_path / "results")
    assert bench_scale.main(["--sqlite", "1000000", "--es", ""]) == 0
    out = capsys.readouterr().out
    assert "skipped: SQLite at 1,000,000 listings: no cached store" in out
    assert "make bench-data" in out and "building" not in out
    assert not (tmp_path / "scale" / "sqlite-1000000-s13-f2.db").exists()
    (saved,) = (tmp_path / "results").glob("scale-*.json")
    entry = json.loads(saved.read_text())["sqlite"]["1000000"]
    assert entry["skipped"].startswith("skipped: SQLite at 1,000,000")


def test_a_small_size_is_built_in_the_run_and_never_cached(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(scale_sqlite, "CACHE_DIR", tmp_path / "scale")
    spec = ScaleSpec(300)
    assert scale_sqlite.is_cached(spec)  # below CACHE_MIN: nothing to wait for
    store, figures = scale_sqlite.cached_store(spec)
    try:
        assert store.counts()["listings"] == 300
    finally:
        store.close()
    assert figures["cached"] is False and figures["rows"] == 300
    assert not list((tmp_path / "scale").iterdir())
    big = ScaleSpec(scale_sqlite.CACHE_MIN)
    assert not scale_sqlite.is_cached(big)
    scale_sqlite.cache_path(big).with_suffix(".json").write_text("{}")
    assert scale_sqlite.is_cached(big)
