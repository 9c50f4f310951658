"""Crawl throughput against raw Scrapy, in the same run, on the bazaar demo site.

    python -m benchmarks.bench_crawl [--repeats 3]

* raw: ``scrapy runspider`` of a minimal spider (links + title only, no evidence).
* profile-noimg: ``crawlers.runner.run_crawl`` of the shipped bazaar profile without
  images — the generic spider, full field extraction, page evidence by SHA-256 (and
  the seller pages the profile follows, see below).
* profile: the same with listing images fetched and stored as evidence (483 requests
  against raw's 173).
* pipeline: ``wildtrace.pipeline.run_sources`` — the profile crawl plus ingest into
  SQLite, classification and alerts, overlapping the crawl (the listings/s of
  ``wildtrace run --once``). Like every loopback run (``loopback_settings``) it runs the
  image stage without the recognition encoder: images are hashed (PDQ, pHash), matched
  against the bank and fused, but no EfficientNet pass.
* pipeline+recognition (``--recognition``): the same with the shipped encoder, as
  ``wildtrace run --once`` runs it (one EfficientNet-Lite0 pass per distinct image).

Each is a fresh subprocess crawl (interpreter start included, as in production); the
median of ``--repeats`` runs is reported with the ratio to raw. Same settings for all:
no delay, AutoThrottle off, robots.txt obeyed; raw sends up to 16 concurrent requests,
the profile rows at most 8 (the bazaar profile's ``[politeness] concurrency``, which caps
the loopback settings' 16). The profile also follows seller pages, which raw does not:
240 pages against raw's 173 requests, plus 243 images with images on.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from crawlers.runner import run_crawl
from wildtrace import pipeline
from wildtrace.config import load_settings
from wildtrace.demo import DemoSites, loopback_settings

DEFAULT_ENCODER = load_settings(env={}).image.encoder  # what `wildtrace run` uses

RAW_SPIDER = Path(__file__).with_name("raw_scrapy_spider.py")
SCRAPY_OPTS = ["-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16", "-s", "DOWNLOAD_DELAY=0",
               "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "ROBOTSTXT_OBEY=True",
               "-s", "LOG_LEVEL=WARNING", "-s", "TELNETCONSOLE_ENABLED=False"]  # fmt: skip


def raw(base: str, tmp: Path) -> tuple[float, int]:
    out = tmp / "raw.jsonl"
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "scrapy", "runspider", str(RAW_SPIDER), "-a", f"base={base}",
         "-O", f"{out}:jsonl", *SCRAPY_OPTS],
        check=True, capture_output=True, cwd=tmp,
    )  # fmt: skip
    return time.perf_counter() - started, sum(1 for _ in out.open())


def profile(base: str, tmp: Path, *, images: bool = True) -> tuple[float, int]:
    options = pipeline.crawl_settings(loopback_settings(tmp)) | {"download_images": images}
    started = time.perf_counter()
    result = run_crawl(
        "bazaar", output_dir=tmp / "crawl", base_url=base, crawl_settings=options, timeout=600
    )
    return time.perf_counter() - started, int(result.summary.get("items", 0))


def profile_text_only(base: str, tmp: Path) -> tuple[float, int]:
    return profile(base, tmp, images=False)


def full(base: str, tmp: Path) -> tuple[float, int]:
    started = time.perf_counter()
    (report,) = pipeline.run_sources(loopback_settings(tmp), ["bazaar"], base_urls={"bazaar": base})
    return time.perf_counter() - started, report.items


def full_recognition(base: str, tmp: Path) -> tuple[float, int]:
    settings = loopback_settings(tmp)
    settings = replace(settings, image=replace(settings.image, encoder=DEFAULT_ENCODER))
    started = time.perf_counter()
    (report,) = pipeline.run_sources(settings, ["bazaar"], base_urls={"bazaar": base})
    return time.perf_counter() - started, report.items


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--recognition", action="store_true", help="add pipeline+recognition")
    args = parser.parse_args()
    print(f"load average at start: {os.getloadavg()}", flush=True)
    sites = DemoSites(host="127.0.0.1", ports=(0, 0, 0))
    sites.start()
    base = sites.urls["bazaar"]
    variants = {
        "raw": raw,
        "profile-noimg": profile_text_only,
        "profile": profile,
        "pipeline": full,
    }
    if args.recognition:
        variants["pipeline+recog"] = full_recognition
    rows: dict[str, list[tuple[float, int]]] = {name: [] for name in variants}
    try:
        for _ in range(args.repeats):
            for name, fn in variants.items():
                with tempfile.TemporaryDirectory() as tmp:
                    rows[name].append(fn(base, Path(tmp)))
    finally:
        sites.stop()
    raw_rate = statistics.median(n / s for s, n in rows["raw"])
    print(f"crawl of the bazaar demo site, median of {args.repeats} runs")
    print(f"{'variant':<14} {'items':>6} {'seconds':>8} {'items/s':>8} {'ratio':>6}")
    for name, runs in rows.items():
        seconds = statistics.median(s for s, _ in runs)
        rate = statistics.median(n / s for s, n in runs)
        print(f"{name:<14} {runs[0][1]:>6} {seconds:>8.2f} {rate:>8.1f} {rate / raw_rate:>6.2f}")
    print(f"load average at end: {os.getloadavg()}")


if __name__ == "__main__":
    main()
