"""Subprocess entry point: ``python -m crawlers.run PROFILE --output-dir DIR [...]``.

One crawl per process, because a Twisted reactor cannot be restarted; the scheduler
calls ``crawlers.runner.run_crawl``, which starts this module. Writes ``items.jsonl``,
``summary.json`` and ``crawl.log`` into the output folder. Exit status: 0 after a crawl
(look at the summary's ``complete``), 2 for a bad profile or bad settings.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from common.clock import utc_now
from crawlers.extensions import write_summary
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
    return parser.parse_args(argv)


def _load_options(path: Path | None) -> CrawlOptions:
    data: dict[str, Any] = {}
    if path is not None:
        data = json.loads(path.read_text(encoding="utf-8"))
    return CrawlOptions.from_dict(data)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
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
    process.start()
    return 0


if __name__ == "__main__":
    sys.exit(main())
