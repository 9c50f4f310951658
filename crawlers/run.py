"""Subprocess entry point: ``python -m crawlers.run PROFILE --output-dir DIR [...]``.

One crawl per process, because a Twisted reactor cannot be restarted; the scheduler
calls ``crawlers.runner.run_crawl``, which starts this module. Writes ``items.jsonl``,
``summary.json`` and ``crawl.log`` into the output folder. With ``--parent-pid`` the
crawl stops when that process dies (``crawlers.lifeline``): no orphan crawls on. Exit
status: 0 after a crawl (look at the summary's ``complete``), 2 for a bad profile or
bad settings.

Garbage collection: Scrapy, Twisted and lxml load tens of thousands of objects that
live as long as the process. The collector is paused while they load and they are
frozen (``gc.freeze``) before the reactor starts, so no collection during the crawl or
at exit scans them again: on the bazaar demo that cut the crawl process's CPU time by
~0.2 s and its exit after the summary from ~0.25 s to ~0.04 s (``bench_crawl``). Cycles
made during the crawl are collected as usual.
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from common.clock import utc_now
from crawlers.lifeline import die_with_parent
from crawlers.profiles import ProfileError, find_profile
from crawlers.report import failed_summary
from crawlers.settings import CrawlOptions, CrawlPaths, build_scrapy_settings


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m crawlers.run", description=__doc__)
    parser.add_argument("profile", help="profile name (from --sources-dir) or path to a .toml")
    parser.add_argument("--output-dir", required=True, type=Path, help="where results go")
    parser.add_argument(
        "--evidence-dir", type=Path, help="evidence store (default OUTPUT/evidence)"
    )
    parser.add_argument("--base-url", help="aim the profile at another host, e.g. a test server")
    parser.add_argument("--settings", type=Path, help="JSON file of crawl settings")
    parser.add_argument("--time-limit", type=float, default=0.0, help="close after N seconds")
    parser.add_argument(
        "--parent-pid", type=int, default=0, help="stop when this process dies (the runner)"
    )
    return parser.parse_args(argv)


def _load_options(path: Path | None) -> CrawlOptions:
    data: dict[str, Any] = {}
    if path is not None:
        data = json.loads(path.read_text(encoding="utf-8"))
    return CrawlOptions.from_dict(data)


def main(argv: Sequence[str] | None = None) -> int:
    gc.disable()  # while Scrapy loads (see the module notes); on again before the crawl
    try:
        return _main(argv)
    finally:
        gc.enable()


def _main(argv: Sequence[str] | None) -> int:
    # Imported here, with the collector paused: this loads Scrapy and Twisted.
    from crawlers.extensions import write_summary

    args = parse_args(argv)
    if args.parent_pid:
        die_with_parent(args.parent_pid)
    paths = CrawlPaths(args.output_dir, args.evidence_dir or args.output_dir / "evidence")
    paths.output_dir.mkdir(parents=True, exist_ok=True)
    started = utc_now()
    try:
        options = _load_options(args.settings)
        profile = find_profile(args.profile, options.sources_dir or None).with_base_url(
            args.base_url
        )
    except (ProfileError, ValueError, OSError) as exc:
        print(f"crawlers.run: {exc}", file=sys.stderr)
        failed = failed_summary(str(args.profile), "bad_configuration", str(exc), started)
        write_summary(paths.summary, {**failed, "finished_at": utc_now()})
        return 2
    # Imported late: Scrapy and the reactor are only needed once the inputs are sane.
    from scrapy.crawler import CrawlerProcess

    from crawlers.spiders.profile_spider import ProfileSpider

    process = CrawlerProcess(build_scrapy_settings(profile, options, paths, args.time_limit))
    process.crawl(ProfileSpider, profile=profile)
    gc.freeze()  # what is loaded now lives as long as the process: never scanned again
    gc.enable()
    process.start()
    return 0


if __name__ == "__main__":
    sys.exit(main())
