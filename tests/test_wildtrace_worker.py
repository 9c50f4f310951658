"""Distributed mode end to end: three ``wildtrace worker`` processes crawl the demo sources
through a real Redis frontier into the Elasticsearch-compatible server; one is killed
with SIGKILL while it holds requests. Every listing must still be stored exactly once,
with the same alerts as a single-process run of the same sources.

Needs Redis (``tools/redis-server.sh``) and the ES-compatible server
(``tools/es-server.sh``); both are started by ``make test``.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from es_server import answers, es_url, free_port
from redis_server import drop_prefix, require_redis, unique_prefix

from crawlers.frontier import Frontier, FrontierUnavailableError
from index.base import AlertFilter, Store
from index.es_admin import drop_all
from wildtrace import pipeline
from wildtrace.components import store_session
from wildtrace.config import Settings, load_settings
from wildtrace.demo import DemoSites, loopback_settings, served_settings
from wildtrace.worker import DeskRecrawler, crawl_now, crawl_summary, enqueue_crawl

SOURCES = ("bazaar", "tradepost", "wildfeed")
REPO = Path(__file__).resolve().parent.parent


def _reference(tmp: Path, sites: DemoSites) -> dict[str, Any]:
    """What one process crawling the same sources stores (SQLite, lexicon detector)."""
    base = loopback_settings(tmp / "single")
    settings = replace(base, classifier=replace(base.classifier, kind="lexicon"))
    pipeline.run_sources(settings, base_urls=sites.urls)
    with store_session(settings) as store:
        return _snapshot(store)


def _snapshot(store: Store) -> dict[str, Any]:
    keys = sorted(k for s in SOURCES for k in store.active_keys(s))
    alerts = {a.listing_key: (a.commodity, a.intent, round(a.score, 4), a.rule)
              for a in store.iter_alerts(AlertFilter())}  # fmt: skip
    return {"keys": keys, "alerts": alerts, "counts": store.counts()}


def _config(tmp: Path, redis_url: str, prefix: str) -> Path:
    path = tmp / "worker.toml"
    path.write_text(
        f"""
[data]
dir = "{tmp / "dist"}"
[store]
backend = "elasticsearch"
es_url = "{es_url()}"
es_prefix = "{prefix}"
[classifier]
kind = "lexicon"
[demo]
enabled = false
[crawl]
autothrottle = false
concurrency = 4
[frontier]
enabled = true
redis_url = "{redis_url}"
prefix = "{prefix}"
visibility_timeout = 10.0
poll_interval = 0.2
""",
        encoding="utf-8",
    )
    return path


@pytest.fixture
def workers(tmp_path: Path) -> Iterator[tuple[Settings, Path, Frontier]]:
    if not answers(es_url()):
        message = f"no Elasticsearch-compatible server at {es_url()}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    url, prefix = require_redis(), unique_prefix()
    config = _config(tmp_path, url, prefix)
    settings = load_settings(str(config), env={})
    yield settings, config, Frontier(url, prefix=prefix)
    drop_prefix(url, prefix)
    with store_session(settings) as store:
        drop_all(store.client, prefix)  # type: ignore[attr-defined]


def _start_workers(config: Path, sites: DemoSites, count: int, log_dir: Path) -> list[Any]:
    urls = [f"--base-url={name}={url}" for name, url in sites.urls.items()]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    procs = []
    for i in range(count):
        with (log_dir / f"worker-{i}.log").open("wb") as log:
            procs.append(subprocess.Popen(
                [sys.executable, "-m", "wildtrace.cli", "--config", str(config), "worker", *urls],
                stdout=log, stderr=subprocess.STDOUT, env=env, cwd=REPO,
            ))  # fmt: skip
    return procs


def _kill_a_holder(frontier: Frontier, procs: list[Any], timeout: float = 300.0) -> int:
    """SIGKILL the first worker seen holding unacknowledged requests; return its pid."""
    pids = {p.pid: p for p in procs}
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        crawls = [frontier.active(s) for s in SOURCES]
        stored = sum(int(frontier.crawl_info(c).get("items", 0)) for c in crawls if c)
        if stored < 20:  # mid-crawl: some listings stored, more to come
            # Not too eager: the demo sites serve from threads of this very process.
            time.sleep(0.25)
            continue
        for source in SOURCES:
            for consumer, held in frontier.holders(source).items():
                pid = int(consumer.split("-")[-2])
                if held and pid in pids:
                    os.kill(pid, signal.SIGKILL)
                    pids[pid].wait(10)
                    return pid
        time.sleep(0.05)
    raise AssertionError("no worker took any request")


def _wait_done(frontier: Frontier, crawls: dict[str, str], timeout: float = 480.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if all(frontier.active(s) is None for s in crawls):
            return
        time.sleep(0.5)
    raise AssertionError(f"crawls still open: {[frontier.crawl_info(c) for c in crawls.values()]}")


@pytest.mark.slow
@pytest.mark.timeout(900)  # three worker processes and noida-db on 2 shared cores
def test_three_workers_one_killed_store_every_listing_once(
    tmp_path: Path, workers: tuple[Settings, Path, Frontier]
) -> None:
    settings, config, frontier = workers
    with DemoSites(host="127.0.0.1", ports=(0, 0, 0)) as sites:
        sites.set_epoch(0)
        expected = _reference(tmp_path, sites)
        procs = _start_workers(config, sites, 3, tmp_path)
        try:
            crawls = {s: enqueue_crawl(settings, s)[0] for s in SOURCES}
            killed = _kill_a_holder(frontier, procs)
            _wait_done(frontier, crawls)
        finally:
            for proc in procs:
                if proc.poll() is None:
                    proc.send_signal(signal.SIGTERM)
            for proc in procs:
                try:
                    proc.wait(30)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(30)
    infos = {s: frontier.crawl_info(c) for s, c in crawls.items()}
    summaries = {s: crawl_summary(settings, c) for s, c in crawls.items()}
    with store_session(settings) as store:
        got = _snapshot(store)
    assert killed in {p.pid for p in procs}
    assert sum(int(i.get("redelivered", 0)) for i in infos.values()) >= 1, infos
    assert got["keys"] == expected["keys"]
    assert got["counts"]["listings"] == len(expected["keys"])
    assert got["counts"]["versions"] == len(expected["keys"]), "a listing stored twice"
    assert got["alerts"] == expected["alerts"]
    assert got["counts"]["alerts"] == len(expected["alerts"])
    for source, summary in summaries.items():  # assembled across the three workers
        assert (summary["finish_reason"], summary["complete"]) == ("finished", True), summary
        assert summary["items"] == sum(k.startswith(f"{source}:") for k in expected["keys"])
        assert summary["pages"] > 0 and summary["warc_files"], summary
    _assert_workers_kept_warc_evidence(Path(settings.data_dir) / "evidence")


def _assert_workers_kept_warc_evidence(evidence: Path) -> None:
    """The workers stopped with SIGTERM sealed a WARC file per source, holding the
    responses as fetched (the crawl's own downloader middlewares ran in the workers)."""
    from warcio.archiveiterator import ArchiveIterator

    for source in SOURCES:
        sealed = [
            p
            for p in (evidence / "warc" / source).glob("*.warc.gz")
            if p.stat().st_mode & 0o222 == 0
        ]  # sealing makes the file read-only
        assert sealed, f"no sealed WARC file for {source}"
        responses = 0
        for path in sealed:
            with path.open("rb") as fh:
                responses += sum(r.rec_type == "response" for r in ArchiveIterator(fh))
        assert responses > 0, f"{source}: sealed WARC files hold no response"


def test_worker_settings_keep_the_crawls_egress_and_warc_middlewares(tmp_path: Path) -> None:
    from wildtrace.pipeline import enabled_profiles
    from wildtrace.worker import WorkerSink, worker_scrapy_settings

    settings = load_settings(str(_config(tmp_path, "redis://127.0.0.1:1/0", "t")), env={})
    profile = enabled_profiles(settings, None)[0]
    sink = WorkerSink.__new__(WorkerSink)  # only registered by id; never called here
    middlewares = worker_scrapy_settings(settings, profile, sink)["DOWNLOADER_MIDDLEWARES"]
    assert {name for name, order in middlewares.items() if order is not None} == {
        "crawlers.egress_middleware.EgressMiddleware",
        "crawlers.warc_middleware.WarcMiddleware",
        "crawlers.frontier_middlewares.FrontierPoliteness",
        "crawlers.frontier_middlewares.FrontierRobots",  # in place of Scrapy's
    }  # and no PageCap: the frontier holds the crawl's cap, shared by its workers
    assert middlewares["scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware"] is None


def test_crawl_now_enqueues_once_per_open_crawl(tmp_path: Path) -> None:
    url, prefix = require_redis(), unique_prefix()
    base = loopback_settings(tmp_path)
    settings = replace(base, frontier=replace(base.frontier, enabled=True, redis_url=url,
                                              prefix=prefix))  # fmt: skip
    try:
        first = crawl_now(settings, "bazaar")
        again = crawl_now(settings, "bazaar")
        other = crawl_now(settings, "wildfeed")
        frontier = Frontier(url, prefix=prefix)
        assert first["mode"] == "frontier"
        assert first["started"] is True
        assert again == {**first, "started": False}  # the open crawl is not started twice
        assert other["started"] is True
        assert frontier.active("bazaar") == first["crawl"]
        [start] = frontier.take("bazaar", 10)
        assert (start.kind, start.crawl) == ("start", first["crawl"])
    finally:
        drop_prefix(url, prefix)


def test_crawl_now_refuses_an_unknown_source(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="no enabled source named 'nope'"):
        crawl_now(loopback_settings(tmp_path), "nope")


def test_desk_recrawler_starts_one_local_crawl_per_source(tmp_path: Path) -> None:
    """Pressing "Re-crawl now" twice while the crawl runs starts it once; afterwards the
    source's listings are stored, and a new press starts a new crawl."""
    with DemoSites() as sites:
        recrawler = DeskRecrawler(served_settings(tmp_path, sites.urls))
        assert recrawler.sources() == sorted(SOURCES)
        first, again = recrawler.start("bazaar"), recrawler.start("bazaar")
        assert (first["started"], again["started"]) == (True, False)
        recrawler._running["bazaar"].join(timeout=300)
        with store_session(recrawler.settings) as store:
            assert store.active_keys("bazaar")
            assert not store.active_keys("wildfeed")
        assert recrawler.start("bazaar")["started"] is True
        recrawler._running["bazaar"].join(timeout=300)
        with pytest.raises(ValueError, match="no enabled source named 'nope'"):
            recrawler.start("nope")


def test_crawl_now_with_redis_down_raises_frontier_unavailable(tmp_path: Path) -> None:
    port = free_port()  # a loopback port nothing listens on
    base = loopback_settings(tmp_path)
    settings = replace(base, frontier=replace(base.frontier, enabled=True,
                                              redis_url=f"redis://127.0.0.1:{port}/0"))  # fmt: skip
    with pytest.raises(FrontierUnavailableError, match=f"127.0.0.1:{port} unreachable"):
        crawl_now(settings, "bazaar")
