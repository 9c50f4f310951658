"""Scheduler jobs: three-line wrappers around plain pipeline functions.

They take only plain, picklable arguments because the job store persists them.
"""

from __future__ import annotations

from wildtrace import pipeline
from wildtrace.config import load_settings


def crawl_source(source: str, config_path: str | None) -> None:
    settings = load_settings(config_path)
    pipeline.run_sources(settings, [source])


def push_webhooks(config_path: str | None) -> None:
    from wildtrace.outreach_wiring import push_webhooks as push

    push(load_settings(config_path))


def recheck_listings(config_path: str | None) -> None:
    from wildtrace.recheck import recheck

    recheck(load_settings(config_path))


def send_digests(config_path: str | None) -> None:
    from wildtrace.outreach_wiring import run_digests

    run_digests(load_settings(config_path))
