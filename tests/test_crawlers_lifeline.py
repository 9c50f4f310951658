"""A crawl subprocess dies with the process that started it (kill -9 or SIGTERM)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from crawlers_fixture_site import FixtureSite, html_routes

pytestmark = pytest.mark.slow  # real crawls / whole-pipeline runs
ROOT = Path(__file__).resolve().parent.parent
PARENT = """
import sys
from crawlers.runner import run_crawl

settings = {"concurrency": 4, "autothrottle": False, "retries": 0, "timeout": 120,
            "download_images": False}
run_crawl("bazaar", output_dir=sys.argv[1], base_url=sys.argv[2], crawl_settings=settings,
          timeout=300)
"""


def _crawl_pids(marker: str) -> list[int]:
    """Live (not zombie) processes running ``crawlers.run`` with ``marker`` in argv."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if b"crawlers.run" in argv and marker.encode() in argv and state != "Z":
            pids.append(int(entry.name))
    return pids


def _wait_for(condition: object, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return True
        time.sleep(0.2)
    return False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM])
def test_the_crawl_dies_with_its_parent(tmp_path: Path, sig: signal.Signals) -> None:
    site = FixtureSite(html_routes())
    site.slow["/c/b"] = 120.0  # the crawl would go on for two minutes on its own
    site.start()
    out = str(tmp_path / "out")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    parent = subprocess.Popen([sys.executable, "-c", PARENT, out, site.base], env=env)
    try:
        assert _wait_for(lambda: "/c/b" in site.requests, 60), "the crawl never started"
        (child,) = _crawl_pids(out)
        parent.send_signal(sig)
        parent.wait(timeout=10)
        assert _wait_for(lambda: not _crawl_pids(out), 20), f"crawl {child} outlived its parent"
    finally:
        for pid in _crawl_pids(out):
            os.kill(pid, signal.SIGKILL)
        if parent.poll() is None:
            parent.kill()
        site.stop()
