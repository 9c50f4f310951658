"""``wildtrace worker`` and ``wildtrace crawl-now``: distributed crawling on a Redis frontier.

``worker`` takes requests of every enabled source (or ``--sources``) from the frontier
in ``frontier.redis_url``, crawls, classifies and stores them until SIGINT/SIGTERM; run
as many as you like, on as many machines. ``crawl-now SOURCE`` re-crawls one source at
once: it enqueues the crawl when ``frontier.enabled`` is set, else crawls here.
``crawl-summary CRAWL`` prints a distributed crawl's summary, assembled across its
workers (pages, items, errors, page cap, egress refusals, sealed WARC files). Each
prints one JSON line.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import replace

from crawlers.frontier import FrontierUnavailableError
from wildtrace.config import Settings
from wildtrace.worker import crawl_now, crawl_summary, run_worker


def _worker(args: argparse.Namespace, settings: Settings) -> int:
    if args.redis_url:
        settings = replace(settings, frontier=replace(settings.frontier, redis_url=args.redis_url))
    sources = args.sources.split(",") if args.sources else None
    urls: dict[str, str] | None = None
    if args.base_url:
        urls = {}
        for pair in args.base_url:
            name, sep, url = pair.partition("=")
            if not sep or not url.startswith(("http://", "https://")):
                print(f"wildtrace worker: --base-url wants NAME=http(s)://…, not {pair!r}")
                return 2
            urls[name] = url
    return run_worker(settings, sources, base_urls=urls)


def _crawl_now(args: argparse.Namespace, settings: Settings) -> int:
    try:
        result = crawl_now(settings, args.source)
    except ValueError as exc:
        print(f"wildtrace crawl-now: {exc}")
        return 2
    except FrontierUnavailableError as exc:
        print(f"wildtrace crawl-now: nothing was queued: {exc}")
        return 1
    print(json.dumps(result, ensure_ascii=False), flush=True)
    return 0


def _crawl_summary(args: argparse.Namespace, settings: Settings) -> int:
    try:
        summary = crawl_summary(settings, args.crawl)
    except KeyError as exc:
        print(f"wildtrace crawl-summary: {exc.args[0]}")
        return 2
    except FrontierUnavailableError as exc:
        print(f"wildtrace crawl-summary: {exc}")
        return 1
    print(json.dumps(summary, ensure_ascii=False, sort_keys=True), flush=True)
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("worker", help="crawl from the shared Redis frontier (distributed)")
    parser.add_argument("--sources", help="comma-separated profile names (default: all enabled)")
    parser.add_argument("--redis-url", help="override frontier.redis_url")
    parser.add_argument(
        "--base-url", action="append", metavar="NAME=URL",
        help="aim a source at another host (tests, staging); repeatable",
    )  # fmt: skip
    parser.set_defaults(handler=_worker)
    now = sub.add_parser("crawl-now", help="re-crawl one source now (enqueued if distributed)")
    now.add_argument("source", help="profile name")
    now.set_defaults(handler=_crawl_now)
    summary = sub.add_parser("crawl-summary", help="a distributed crawl's summary (JSON)")
    summary.add_argument("crawl", help="crawl id (printed by crawl-now, logged by the worker)")
    summary.set_defaults(handler=_crawl_summary)
