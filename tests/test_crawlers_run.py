"""``python -m crawlers.run``: the collector is paused while Scrapy loads, what is loaded
is frozen before the reactor starts, and the crawl itself runs with the collector on;
the components the settings switch off (remote control, telnet, cookies, HTTP cache)
are never imported."""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from crawlers_fixture_site import FixtureSite, html_routes

from crawlers import run

ROOT = Path(__file__).resolve().parent.parent
# Runs the real entry point against a real site; the only addition is a look at the
# collector at the moment the reactor starts and when the spider closes.
OBSERVED_RUN = """
import gc, json, runpy, sys
from scrapy import signals
from scrapy.crawler import CrawlerProcess

NOT_LOADED = ("aiohttp", "tldextract", "twisted.conch.telnet", "scrapy.extensions.telnet",
              "scrapy.extensions.remote_control", "scrapy.downloadermiddlewares.cookies",
              "scrapy.downloadermiddlewares.httpcache")
seen = {}
start = CrawlerProcess.start

def on_closed(spider):  # a module-level function: signal receivers are weak references
    seen["enabled_at_close"] = gc.isenabled()
    seen["imported"] = sorted(m for m in NOT_LOADED if m in sys.modules)

def observed_start(self, *args, **kwargs):
    seen["enabled_at_start"] = gc.isenabled()
    seen["frozen_at_start"] = gc.get_freeze_count()
    for crawler in self.crawlers:
        crawler.signals.connect(on_closed, signal=signals.spider_closed)
    return start(self, *args, **kwargs)

CrawlerProcess.start = observed_start
out, base = sys.argv[1], sys.argv[2]
sys.argv = ["crawlers.run", "bazaar", "--output-dir", out, "--base-url", base,
            "--settings", out + "/settings.json"]
try:
    runpy.run_module("crawlers.run", run_name="__main__")
except SystemExit as exc:
    seen["exit"] = exc.code
print(json.dumps(seen))
"""


@pytest.mark.slow
def test_a_crawl_runs_with_the_collector_on_and_loads_nothing_switched_off(tmp_path: Path) -> None:
    site = FixtureSite(html_routes())
    site.start()
    out = tmp_path / "out"
    out.mkdir()
    settings = {"autothrottle": False, "retries": 0, "download_images": True}
    (out / "settings.json").write_text(json.dumps(settings), encoding="utf-8")
    try:
        proc = subprocess.run(
            [sys.executable, "-c", OBSERVED_RUN, str(out), site.base],
            capture_output=True, text=True, timeout=120, cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )  # fmt: skip
    finally:
        site.stop()
    assert proc.returncode == 0, proc.stderr[-2000:]
    seen = json.loads(proc.stdout.strip().splitlines()[-1])
    assert seen["exit"] == 0
    assert seen["enabled_at_start"] is True and seen["enabled_at_close"] is True
    assert seen["frozen_at_start"] > 10_000  # Scrapy, Twisted, lxml: never scanned again
    assert seen["imported"] == []
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["finish_reason"] == "finished"
    items = (out / "items.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(items) == summary["items"] > 0


def test_a_bad_profile_still_leaves_the_collector_on(tmp_path: Path) -> None:
    assert gc.isenabled()
    code = run.main(["no-such-profile", "--output-dir", str(tmp_path)])
    assert code == 2
    assert gc.isenabled()
    summary = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))
    assert summary["finish_reason"] == "bad_configuration"
    assert summary["complete"] is False
