"""Records handed over while the crawl runs (``run_crawl(consume=...)``,
``follow_items``): a real crawl subprocess against the fixture site, and a file written
by a real writer thread."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from crawlers_fixture_site import html_routes
from test_crawlers_runner import served

from crawlers.base import Listing
from crawlers.runner import WAITING, ItemError, Waiting, follow_items, iter_items, run_crawl

pytestmark = pytest.mark.slow
FAST = {"concurrency": 16, "delay": 0, "autothrottle": False, "retries": 1, "timeout": 10}


def _listings(count: int) -> list[Listing]:
    return [Listing(source="s", listing_id=str(n), url=f"http://x/{n}", title="t", text="x",
                    fetched_at="now") for n in range(count)]  # fmt: skip


def test_a_consumer_gets_every_record_while_the_crawl_is_still_running(tmp_path: Path) -> None:
    seen: list[Listing | ItemError] = []
    running: list[bool] = []

    def consume(records: Iterator[Listing | ItemError | Waiting]) -> None:
        for record in records:
            if isinstance(record, Waiting):
                continue
            # The summary is written when the crawl closes: absent means still running.
            running.append(not (tmp_path / "out" / "summary.json").exists())
            seen.append(record)

    for site in served(html_routes()):
        site.slow["/c/b"] = 2.0  # the crawl lasts while other pages' records arrive
        result = run_crawl("bazaar", output_dir=tmp_path / "out", base_url=site.base,
                           crawl_settings=FAST, timeout=60, evidence_dir=tmp_path / "ev",
                           consume=consume)  # fmt: skip
    assert result.complete and seen == list(iter_items(result.items_path))
    assert len(seen) == result.summary["items"] > 1
    assert running[0] is True  # the first record was handed over mid-crawl


def test_a_consumer_that_fails_stops_the_crawl_and_the_error_propagates(tmp_path: Path) -> None:
    def consume(records: Iterator[Listing | ItemError | Waiting]) -> None:
        next(records)
        raise RuntimeError("store is gone")

    for site in served(html_routes()):
        site.slow["/c/b"] = 30.0
        with pytest.raises(RuntimeError, match="store is gone"):
            run_crawl("bazaar", output_dir=tmp_path / "out", base_url=site.base,
                      crawl_settings=FAST, timeout=120, grace=5, evidence_dir=tmp_path / "ev",
                      consume=consume)  # fmt: skip
    assert not _crawls_writing_to(tmp_path / "out")  # stopped, not left running


def _crawls_writing_to(out: Path) -> list[str]:
    """Command lines of live processes that name ``out`` (a crawl subprocess would)."""
    found = []
    for proc in Path("/proc").iterdir():
        try:
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if "crawlers.run" in cmdline and str(out) in cmdline:
            found.append(cmdline)
    return found


def test_follow_items_reads_records_as_they_are_written_and_a_torn_tail_last(
    tmp_path: Path,
) -> None:
    path = tmp_path / "items.jsonl"
    rows = _listings(3)
    finished = threading.Event()

    def writer() -> None:
        with path.open("w", encoding="utf-8") as handle:
            for row in rows:
                line = json.dumps(row.to_dict())
                handle.write(line[:20])  # half a record first: never parsed early
                handle.flush()
                time.sleep(0.05)
                handle.write(line[20:] + "\n")
                handle.flush()
            handle.write('{"source": "s"')  # killed mid-record
        finished.set()

    thread = threading.Thread(target=writer)
    thread.start()
    out = list(follow_items(path, finished.is_set, poll=0.01))
    thread.join()
    assert out[:3] == rows
    assert isinstance(out[3], ItemError) and out[3].line == 4 and len(out) == 4


def test_follow_items_marks_each_wait_that_follows_records_once(tmp_path: Path) -> None:
    path = tmp_path / "items.jsonl"
    rows = _listings(2)
    finished = threading.Event()

    def writer() -> None:
        with path.open("w", encoding="utf-8") as handle:
            for row in rows:
                handle.write(json.dumps(row.to_dict()) + "\n")
                handle.flush()
                time.sleep(0.1)  # several polls with nothing new
        finished.set()

    thread = threading.Thread(target=writer)
    thread.start()
    out = list(follow_items(path, finished.is_set, poll=0.01, mark_waits=True))
    thread.join()
    assert out == [rows[0], WAITING, rows[1], WAITING]
    assert list(iter_items(path)) == rows  # a finished file: no waits
