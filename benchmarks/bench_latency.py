"""``python -m benchmarks.bench_latency``: seconds from a listing appearing on a demo source
to its alert being visible in the queue, with the scheduler running.

    python -m benchmarks.bench_latency [--interval 0.5] [--epochs 2]

Set-up: the three demo sources on loopback, their shipped profiles copied with a
schedule of ``--interval`` minutes, one first crawl of everything, then the real
scheduler (APScheduler with its job store, ``wildtrace.jobs.crawl_source``) running.
Each epoch the demo sites publish new listings (some of them planted wildlife offers)
at a known moment; the benchmark polls the store (every 0.1 s) until the alert of each
source's first new planted listing is there, and notes when that source's scheduled
crawl started. So each measurement splits into *waiting* (for the next scheduled crawl)
and *processing* (crawl, classify, store, alert). Last, the on-demand path: the demo
moves on and ``wildtrace.worker.crawl_now`` re-crawls one source at once (no waiting).

The expected wait is half the interval; processing is what the pipeline costs.
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from apscheduler.events import EVENT_JOB_SUBMITTED, JobSubmissionEvent

from alerts.base import alert_id_for
from benchmarks.results_file import save
from crawlers.profiles import load_profiles
from index.base import Store
from wildtrace import pipeline
from wildtrace.components import store_session
from wildtrace.config import load_settings
from wildtrace.demo import DemoSites, snapshot
from wildtrace.scheduler import JOB_PREFIX, make_scheduler, sync_jobs
from wildtrace.worker import crawl_now

SOURCES = ("bazaar", "tradepost", "wildfeed")


def _profiles(tmp: Path, sites: DemoSites, interval: float) -> Path:
    folder = tmp / "sources"
    folder.mkdir()
    profiles, _ = load_profiles(None)
    for profile in profiles:
        assert profile.path is not None
        text = Path(profile.path).read_text(encoding="utf-8")
        text = re.sub(r'(?m)^base_url = ".*"$', f'base_url = "{sites.urls[profile.name]}"', text)
        text = re.sub(r"(?m)^interval_minutes = .*$", f"interval_minutes = {interval}", text)
        (folder / f"{profile.name}.toml").write_text(text, encoding="utf-8")
    return folder


def _config(tmp: Path, sources: Path) -> Path:
    path = tmp / "latency.toml"
    path.write_text(f'[data]\ndir = "{tmp / "var"}"\n[crawl]\nsources_dir = "{sources}"\n'
                    'autothrottle = false\nconcurrency = 8\n[demo]\nenabled = false\n',
                    encoding="utf-8")  # fmt: skip
    return path


def _new_planted(sites: DemoSites, before: set[str]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {s: [] for s in SOURCES}
    for item in sites.snapshot().all_items():
        if item.planted and not item.image_only and item.key not in before:
            out[item.source].append(item.key)
    return out


def _epochs_with_news(count: int) -> list[int]:
    """The first ``count`` demo epochs (after 0) that publish new planted text listings,
    each one later than the one before (the demo moves forward only)."""
    out: list[int] = []
    epoch, previous = 0, {i.key for i in snapshot(0).all_items()}
    while len(out) < count:
        epoch += 1
        items = snapshot(epoch).all_items()
        if any(i.planted and not i.image_only and i.key not in previous for i in items):
            out.append(epoch)
        previous = {i.key for i in items}
    return out


def _wait_alerts(store: Store, keys: dict[str, list[str]], timeout: float) -> dict[str, float]:
    """Source → the moment the first of its new keys has an alert."""
    seen: dict[str, float] = {}
    deadline = time.time() + timeout
    while len(seen) < len([s for s in keys if keys[s]]) and time.time() < deadline:
        for source, wanted in keys.items():
            if source not in seen and any(store.get_alert(alert_id_for(k)) for k in wanted):
                seen[source] = time.time()
        time.sleep(0.1)
    return seen


def measure(interval: float, epochs: int) -> dict[str, Any]:
    tmp = Path(tempfile.mkdtemp(prefix="bench-latency-"))
    starts: dict[str, list[float]] = {s: [] for s in SOURCES}
    rows: list[dict[str, float]] = []
    with DemoSites(host="127.0.0.1", ports=(0, 0, 0)) as sites:
        config = _config(tmp, _profiles(tmp, sites, interval))
        settings = load_settings(str(config), env={})
        pipeline.run_sources(settings)  # the first crawl, before timing
        scheduler = make_scheduler(settings.data_dir / "scheduler.db", misfire_grace_seconds=60)

        def submitted(event: JobSubmissionEvent) -> None:
            starts[event.job_id.removeprefix(JOB_PREFIX)].append(time.time())

        scheduler.add_listener(submitted, EVENT_JOB_SUBMITTED)
        scheduler.start()
        sync_jobs(scheduler, pipeline.schedules(settings), str(config))
        with store_session(settings) as store:
            chosen = _epochs_with_news(epochs + 1)
            for epoch in chosen[:-1]:
                before = {i.key for i in sites.snapshot().all_items()}
                sites.set_epoch(epoch)
                appeared = time.time()
                found = _wait_alerts(store, _new_planted(sites, before), 3 * 60 * interval + 120)
                for source, at in found.items():
                    crawl = min((t for t in starts[source] if t >= appeared), default=appeared)
                    rows.append({"total": at - appeared, "wait": crawl - appeared,
                                 "processing": at - crawl})  # fmt: skip
            scheduler.shutdown(wait=True)
            before = {i.key for i in sites.snapshot().all_items()}
            sites.set_epoch(chosen[-1])
            appeared = time.time()
            news = _new_planted(sites, before)
            source = next(s for s in SOURCES if news[s])
            crawl_now(settings, source)
            on_demand = _wait_alerts(store, {source: news[source]}, 120).get(source)
    shutil.rmtree(tmp, ignore_errors=True)
    med = statistics.median
    return {
        "interval_s": interval * 60, "measurements": len(rows),
        "total_s": round(med(r["total"] for r in rows), 1) if rows else None,
        "waiting_s": round(med(r["wait"] for r in rows), 1) if rows else None,
        "processing_s": round(med(r["processing"] for r in rows), 1) if rows else None,
        "on_demand_s": round(on_demand - appeared, 1) if on_demand else None,
    }  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--interval", type=float, default=0.5, help="schedule, minutes")
    parser.add_argument("--epochs", type=int, default=2, help="scheduled measurements")
    args = parser.parse_args(argv)
    r = measure(args.interval, args.epochs)
    print(f"schedule every {r['interval_s']:.0f} s; {r['measurements']} measurements (median)")
    print(f"{'crawl-to-alert, scheduled':<36}{r['total_s']:>8} s")
    print(f"{'  of which waiting for the crawl':<36}{r['waiting_s']:>8} s")
    print(f"{'  of which crawl+classify+store':<36}{r['processing_s']:>8} s")
    print(f"{'crawl-to-alert, on demand (crawl-now)':<36}{r['on_demand_s']!s:>8} s")
    share = (r["waiting_s"] or 0) / (r["total_s"] or 1)
    print(f"{'waiting share of the latency':<36}{share:>8.2f}")
    print(f"JSON {r}")
    print(f"results: {save('latency', r)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
