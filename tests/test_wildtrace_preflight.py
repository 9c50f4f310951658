"""A run that cannot work stops before it touches the store, with one clear line."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from crawlers.runner import run_crawl
from wildtrace import pipeline
from wildtrace.config import ConfigError
from wildtrace.demo import loopback_settings

ROOT = Path(__file__).resolve().parent.parent


def wildtrace(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    full = {**os.environ, "PYTHONPATH": str(ROOT), **env}
    return subprocess.run(
        [sys.executable, "-m", "wildtrace.cli", *args],
        capture_output=True, text=True, timeout=120, env=full, check=False,
    )  # fmt: skip


def test_missing_sources_dir_is_an_error_and_the_store_is_untouched(tmp_path: Path) -> None:
    settings = loopback_settings(tmp_path / "data")
    settings = replace(settings, crawl=replace(settings.crawl, sources_dir=str(tmp_path / "no")))
    with pytest.raises(ConfigError, match="sources_dir"):
        pipeline.run_sources(settings)
    assert not (tmp_path / "data" / "wildtrace.db").exists()


def test_enabled_naming_no_profile_is_an_error(tmp_path: Path) -> None:
    settings = loopback_settings(tmp_path)
    settings = replace(settings, crawl=replace(settings.crawl, enabled=["nope"]))
    with pytest.raises(ConfigError, match=r"\[crawl\] enabled: no usable site profile named nope"):
        pipeline.run_sources(settings)
    with pytest.raises(ConfigError, match="--sources"):
        pipeline.run_sources(settings, ["bazaar", "nope"])
    assert not (tmp_path / "wildtrace.db").exists()


def test_an_unwritable_data_dir_is_one_line(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    result = wildtrace("run", "--once", "--no-demo", WILDTRACE_DATA_DIR=str(blocker / "var"))
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        line for line in result.stderr.strip().splitlines() if "configuration error" in line
    ]
    assert "[data] dir" in result.stderr and "Traceback" not in result.stderr


def test_broken_profiles_count_as_errors(tmp_path: Path) -> None:
    sources = tmp_path / "sources"
    sources.mkdir()
    (sources / "broken.toml").write_text('name = "x"\nkind = "soap"\n', encoding="utf-8")
    settings = loopback_settings(tmp_path)
    settings = replace(settings, crawl=replace(settings.crawl, sources_dir=str(sources)))
    reports = pipeline.run_sources(settings)
    assert [(r.source, r.errors) for r in reports] == [("profile:broken.toml", 1)]
    assert "[kind]" in reports[0].error_samples[0]["error"]


def test_port_in_use_is_one_line(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        result = wildtrace("run", WILDTRACE_DATA_DIR=str(tmp_path),
                           WILDTRACE_DEMO_ENABLED="false", WILDTRACE_WEB_PORT=port)  # fmt: skip
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert f"address already in use: web app cannot listen on 127.0.0.1:{port}" in result.stderr


def test_see_log_names_a_file_that_exists(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "bad"\nkind = "soap"\n', encoding="utf-8")
    result = run_crawl(bad, output_dir=tmp_path / "out", crawl_settings={}, timeout=30)
    assert result.returncode == 2 and result.log_path.is_file()
    assert "[kind]" in result.log_path.read_text(encoding="utf-8")
