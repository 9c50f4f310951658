"""Nothing lost: a run killed (SIGKILL) at any stage boundary, then run again, leaves the
store exactly as one uninterrupted run does — listings, versions, removals, detections,
alerts. And an alert write that fails is re-raised by the next run, never lost."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from alerts.base import Alert
from crawlers.base import Listing
from wildtrace.components import open_components
from wildtrace.config import Settings
from wildtrace.demo import DemoSites, loopback_settings
from wildtrace.ingest import ingest

pytestmark = pytest.mark.slow  # real crawls / whole-pipeline runs
ROOT = Path(__file__).resolve().parent.parent
DRIVER = """
import sys
from dataclasses import replace
from pathlib import Path
from wildtrace import pipeline
from wildtrace.demo import loopback_settings

s = loopback_settings(Path(sys.argv[1]))
s = replace(s, classifier=replace(s.classifier, kind="lexicon", batch_size=16))
pipeline.run_sources(s, ["bazaar"], base_urls={"bazaar": sys.argv[2]})
"""
TABLES = {
    "listings": "key, version, content_hash, removed_at IS NOT NULL",
    "listing_versions": "key, version, content_hash",
    "detections": "key, content_hash, round(score, 6), label, commodity, intent",
    "alerts": "id, listing_key, round(score, 6), commodity, intent, state, version, seller_id",
    "alert_audit": "alert_id, action, from_state, to_state",
    # The indexed text of every listing, and nothing left queued for indexing.
    "listing_text t JOIN listings l ON l.id = t.id": "l.key, t.cjk, t.folded, t.plain",
    "text_pending": "id",
}


def settings_for(data: Path) -> Settings:
    base = loopback_settings(data)
    return replace(base, classifier=replace(base.classifier, kind="lexicon", batch_size=16))


def run(data: Path, base: str, crash_at: str = "") -> int:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "WILDTRACE_CRASH_AT": crash_at}
    return subprocess.run(
        [sys.executable, "-c", DRIVER, str(data), base], env=env, timeout=600, check=False
    ).returncode


def snapshot(data: Path) -> dict[str, list[tuple[Any, ...]]]:
    with sqlite3.connect(data / "wildtrace.db") as conn:
        return {
            table: sorted(conn.execute(f"SELECT {cols} FROM {table}").fetchall())
            for table, cols in TABLES.items()
        }


@pytest.fixture(scope="module")
def demo() -> Iterator[str]:
    with DemoSites(host="127.0.0.1", ports=(0, 0, 0)) as sites:
        yield sites.urls["bazaar"]


@pytest.fixture(scope="module")
def clean(demo: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[Any]]:
    data = tmp_path_factory.mktemp("clean")
    assert run(data, demo) == 0
    state = snapshot(data)
    assert state["alerts"] and state["detections"]  # the demo raises alerts
    return state


@pytest.mark.parametrize("crash_at", ["crawl", "store:2", "classify:2", "alert:2", "index"])
def test_a_run_killed_at_a_stage_boundary_loses_nothing_after_a_rerun(
    demo: str, clean: dict[str, list[Any]], tmp_path: Path, crash_at: str
) -> None:
    assert run(tmp_path, demo, crash_at) == -9  # it really was killed there
    assert run(tmp_path, demo) == 0
    assert snapshot(tmp_path) == clean


class AlertWritesFailOnce:
    """A real SQLite store whose first ``upsert_alerts`` call fails (a disk error)."""

    def __init__(self, store: Any) -> None:
        self.store, self.failed = store, False

    def upsert_alerts(self, alerts: Iterable[Alert]) -> int:
        if not self.failed:
            self.failed = True
            raise OSError("injected: disk I/O error")
        return int(self.store.upsert_alerts(alerts))

    def __getattr__(self, name: str) -> Any:
        return getattr(self.store, name)


def test_an_alert_write_that_failed_is_raised_by_the_next_run(tmp_path: Path) -> None:
    listings = [
        Listing(source="s", listing_id=str(n), url=f"http://s/{n}", fetched_at="t",
                title=f"carved elephant ivory bangle {n}", text="real ivory, no papers")
        for n in range(5)
    ]  # fmt: skip
    settings = settings_for(tmp_path)
    with open_components(settings) as comps:
        flaky: Any = AlertWritesFailOnce(comps.store)
        first = ingest("s", listings, store=flaky, classifier=comps.classifier,
                       rules=comps.rules, batch_size=16, complete=True)  # fmt: skip
        assert first.errors == 1 and first.new_alerts == 0
        second = ingest("s", listings, store=comps.store, classifier=comps.classifier,
                        rules=comps.rules, batch_size=16, complete=True)  # fmt: skip
    assert second.classified == 5 and second.new_alerts == 5
    assert len(snapshot(tmp_path)["alerts"]) == 5
