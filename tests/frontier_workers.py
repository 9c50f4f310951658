"""Real ``wildtrace worker`` processes for the distributed-mode tests: a settings file
(SQLite store under the test's folder, lexicon classifier, the test Redis under a
unique prefix), workers started as subprocesses and stopped with SIGTERM, and a wait
for a crawl's summary to be final (finished, every worker's WARC file sealed)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from redis_server import drop_prefix, require_redis, unique_prefix

from wildtrace.config import Settings, load_settings
from wildtrace.worker import crawl_summary

REPO = Path(__file__).resolve().parent.parent


def worker_settings(tmp: Path, crawl: str = "") -> tuple[Settings, Path]:
    """Settings (and their file) for workers of one test; ``crawl`` adds TOML lines to
    the ``[crawl]`` table."""
    url, prefix = require_redis(), unique_prefix()
    path = tmp / "worker.toml"
    path.write_text(
        f"""
[data]
dir = "{tmp / "data"}"
[classifier]
kind = "lexicon"
[demo]
enabled = false
[crawl]
autothrottle = false
retries = 1                  # as the one-process crawl tests (FAST)
timeout = 10.0
concurrency = 4
{crawl}
[frontier]
enabled = true
redis_url = "{url}"
prefix = "{prefix}"
visibility_timeout = 20.0
poll_interval = 0.2
""",
        encoding="utf-8",
    )
    return load_settings(str(path), env={}), path


@contextmanager
def running_workers(
    settings: Settings, config: Path, urls: dict[str, str], count: int
) -> Iterator[list[subprocess.Popen[bytes]]]:
    """``count`` worker processes on the sources in ``urls``; stopped (SIGTERM, so they
    seal their files) and the test's Redis keys dropped afterwards."""
    args = [f"--base-url={name}={url}" for name, url in urls.items()]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    logs = Path(settings.data_dir) / "worker-logs"
    logs.mkdir(parents=True, exist_ok=True)
    procs = []
    for i in range(count):
        with (logs / f"worker-{i}.log").open("wb") as log:
            procs.append(subprocess.Popen(
                [sys.executable, "-m", "wildtrace.cli", "--config", str(config), "worker",
                 "--sources", ",".join(urls), *args],
                stdout=log, stderr=subprocess.STDOUT, env=env, cwd=REPO,
            ))  # fmt: skip
    try:
        yield procs
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(60)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(30)
        drop_prefix(settings.frontier.redis_url, settings.frontier.prefix)


def final_summary(settings: Settings, crawl_id: str, timeout: float = 300.0) -> dict[str, Any]:
    """The crawl's summary once it is finished and every WARC file of it is sealed."""
    deadline = time.monotonic() + timeout
    summary: dict[str, Any] = {}
    while time.monotonic() < deadline:
        summary = crawl_summary(settings, crawl_id)
        if summary["evidence_sealed"]:
            return summary
        time.sleep(0.3)
    raise AssertionError(f"crawl {crawl_id} not final: {summary}")
