"""``python -m benchmarks.bench_workers``: crawl throughput with 1, 2 and 3 local workers.

    python -m benchmarks.bench_workers [--workers 1,2,3] [--repeats 1]

Baseline, in the same run: one process crawling the three demo sources the ordinary way
(``pipeline.run_sources``: a Scrapy subprocess per source, then ingest). Then N
``wildtrace worker`` processes on a Redis frontier crawl the same sources into one
SQLite file; the clock runs from enqueueing the three crawls to the last one finishing
(worker start-up excluded: they are started and seen reading first). Lexicon detector,
no politeness delay, loopback demo sites.

Reported: listings/s (340 listings), frontier messages/s (pages, API pages, feed pages
and images, each one acknowledged message) and the ratio to the single process. On a
2-core machine the curve flattens: the workers share the cores with each other, the
demo servers and Redis; the figures say by how much.

Needs Redis on ``WILDTRACE_TEST_REDIS_PORT`` (default 6379; ``tools/redis-server.sh``).
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from benchmarks.results_file import save
from crawlers.frontier import Frontier
from wildtrace import pipeline
from wildtrace.config import load_settings
from wildtrace.demo import DemoSites, loopback_settings
from wildtrace.worker import enqueue_crawl

SOURCES = ("bazaar", "tradepost", "wildfeed")
REPO = Path(__file__).resolve().parent.parent


def redis_url() -> str:
    return f"redis://127.0.0.1:{os.environ.get('WILDTRACE_TEST_REDIS_PORT', '6379')}/0"


def single(sites: DemoSites, tmp: Path) -> float:
    base = loopback_settings(tmp)
    settings = replace(base, classifier=replace(base.classifier, kind="lexicon"))
    started = time.perf_counter()
    reports = pipeline.run_sources(settings, base_urls=sites.urls)
    elapsed = time.perf_counter() - started
    assert sum(r.items for r in reports) > 0
    return elapsed


def _config(tmp: Path, prefix: str) -> Path:
    path = tmp / "workers.toml"
    path.write_text(f"""[data]\ndir = "{tmp}"\n[classifier]\nkind = "lexicon"\n
[demo]\nenabled = false\n[crawl]\nautothrottle = false\nconcurrency = 16\n
[frontier]\nenabled = true\nredis_url = "{redis_url()}"\nprefix = "{prefix}"
poll_interval = 0.2\n""", encoding="utf-8")  # fmt: skip
    return path


PEAK_RSS_MIB: list[float] = []


def _peak_rss_mib(pid: int) -> float:
    """A live process's peak resident set (``VmHWM``), in MiB; 0 if unreadable."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def distributed(sites: DemoSites, tmp: Path, count: int) -> tuple[float, int, int]:
    """(seconds, listings stored, messages acknowledged) for ``count`` workers."""
    prefix = f"bench-{os.getpid()}-{count}-{int(time.time())}"
    config = _config(tmp, prefix)
    frontier = Frontier(redis_url(), prefix=prefix)
    urls = [f"--base-url={n}={u}" for n, u in sites.urls.items()]
    command = [sys.executable, "-m", "wildtrace.cli", "--config", str(config), "worker", *urls]
    procs = [
        subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=REPO)
        for _ in range(count)
    ]
    try:
        deadline = time.monotonic() + 120
        while min(frontier.workers(s) for s in SOURCES) < count:
            if time.monotonic() > deadline:
                raise RuntimeError("workers did not start")
            time.sleep(0.2)
        settings = load_settings(str(config), env={})
        started = time.perf_counter()
        crawls = [enqueue_crawl(settings, s)[0] for s in SOURCES]
        while any(frontier.active(s) for s in SOURCES):
            time.sleep(0.05)
        elapsed = time.perf_counter() - started
        infos = [frontier.crawl_info(c) for c in crawls]
        PEAK_RSS_MIB.extend(_peak_rss_mib(p.pid) for p in procs)
    finally:
        for proc in procs:
            proc.send_signal(signal.SIGTERM)
        for proc in procs:
            proc.wait(60)
        for key in frontier.redis.scan_iter(match=f"{prefix}:*"):
            frontier.redis.delete(key)
    return (
        elapsed,
        sum(int(i.get("items", 0)) for i in infos),
        sum(int(i.get("acked", 0)) for i in infos),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", default="1,2,3")
    parser.add_argument("--repeats", type=int, default=1)
    args = parser.parse_args(argv)
    counts = [int(x) for x in args.workers.split(",")]
    rows: dict[int, list[tuple[float, int, int]]] = {n: [] for n in counts}
    base: list[float] = []
    with DemoSites(host="127.0.0.1", ports=(0, 0, 0)) as sites:
        for _ in range(args.repeats):
            with tempfile.TemporaryDirectory() as tmp:
                base.append(single(sites, Path(tmp)))
            for n in counts:
                with tempfile.TemporaryDirectory() as tmp:
                    rows[n].append(distributed(sites, Path(tmp), n))
    med = statistics.median
    single_rate = 340 / med(base)
    print(f"load average {os.getloadavg()}; median of {args.repeats}")
    print(f"{'mode':<26}{'listings/s':>11}{'messages/s':>12}{'vs 1 process':>14}")
    print(f"{'one process (run_sources)':<26}{single_rate:>11.1f}{'':>12}{1.0:>14.2f}")
    result: dict[str, Any] = {"single_listings_per_s": round(single_rate, 2), "workers": {}}
    for n in counts:
        secs = med(r[0] for r in rows[n])
        listings, messages = rows[n][0][1], rows[n][0][2]
        rate = listings / secs
        print(f"{f'{n} worker(s)':<26}{rate:>11.1f}{messages / secs:>12.1f}"
              f"{rate / single_rate:>14.2f}")  # fmt: skip
        result["workers"][n] = {"listings_per_s": round(rate, 2),
                                "messages_per_s": round(messages / secs, 2)}  # fmt: skip
    if PEAK_RSS_MIB:
        result["worker_peak_rss_mib"] = round(max(PEAK_RSS_MIB))
        print(f"peak RSS of one worker (lexicon detector, 3 sources): {max(PEAK_RSS_MIB):.0f} MiB")
    print(f"JSON {result}")
    print(f"results: {save('workers', result)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
