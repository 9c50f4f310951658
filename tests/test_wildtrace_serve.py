"""``wildtrace serve`` as a real process: binds port 0, answers over HTTP, exits 0 on a signal."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from wildtrace.cli import build_parser

pytestmark = pytest.mark.slow


def test_serve_is_a_registered_command_with_host_and_port() -> None:
    args = build_parser().parse_args(["serve", "--host", "127.0.0.1", "--port", "0"])
    assert (args.command, args.host, args.port) == ("serve", "127.0.0.1", 0)


def _wait_for_url(proc: subprocess.Popen[str], deadline: float) -> str:
    assert proc.stderr is not None
    seen = []
    while time.monotonic() < deadline:
        line = proc.stderr.readline()
        if not line:
            break
        seen.append(line)
        found = re.search(r"listening on (http://127\.0\.0\.1:\d+)/", line)
        if found:
            return found.group(1)
    raise AssertionError("server never announced its URL:\n" + "".join(seen))


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM])
def test_serve_process_serves_the_store_and_stops_cleanly(tmp_path: Path, stop: int) -> None:
    env = {**os.environ, "WILDTRACE_DATA_DIR": str(tmp_path), "WILDTRACE_WEB_PORT": "0"}
    env.pop("WILDTRACE_CONFIG", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "wildtrace.cli", "serve"],
        env=env,
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
    )
    try:
        url = _wait_for_url(proc, time.monotonic() + 60)
        assert httpx.get(url + "/healthz", timeout=10).json() == {"status": "ok"}
        body = httpx.get(url + "/api/alerts", timeout=10).json()
        assert body == {"total": 0, "items": []}
        assert (tmp_path / "wildtrace.db").exists()
        proc.send_signal(stop)
        assert proc.wait(timeout=20) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        if proc.stderr is not None:
            proc.stderr.close()
