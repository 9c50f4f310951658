"""Crawl the real demo sites (wildtrace.demo) over HTTP, each crawl in its own subprocess,
and compare what arrives with the demo's own corpus: every listing exactly once, fields
parsed as served, robots.txt honoured (checked in the server's request log), evidence
files that hash to their names."""

from __future__ import annotations

import hashlib
import json
import logging
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from crawlers.evidence import EvidenceStore
from crawlers.parsing import normalise_ws
from crawlers.runner import CrawlResult, run_crawl
from wildtrace.demo import DemoSites, snapshot
from wildtrace.demo.corpus import private_items

pytestmark = pytest.mark.slow

FAST = {"concurrency": 16, "delay": 0, "autothrottle": False, "download_images": False}
SOURCES = Path(__file__).resolve().parent.parent / "crawlers" / "sources"


class RequestLog(logging.Handler):
    """Collects the demo servers' request lines (logged at DEBUG by wildtrace.demo)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


@pytest.fixture(scope="module")
def demo() -> Iterator[tuple[DemoSites, RequestLog]]:
    log, logger = RequestLog(), logging.getLogger("wildtrace.demo")
    level = logger.level
    logger.addHandler(log)
    logger.setLevel(logging.DEBUG)
    with DemoSites(ports=(0, 0, 0)) as sites:
        yield sites, log
    logger.removeHandler(log)
    logger.setLevel(level)


@pytest.fixture(scope="module")
def crawls(demo: Any, tmp_path_factory: pytest.TempPathFactory) -> dict[str, CrawlResult]:
    sites, _ = demo
    tmp = tmp_path_factory.mktemp("demo")
    out = {}
    for name, url in sites.urls.items():
        settings = {**FAST, "download_images": name == "tradepost"}
        out[name] = run_crawl(name, output_dir=tmp / name, base_url=url, crawl_settings=settings,
                              timeout=120, evidence_dir=tmp / "evidence")  # fmt: skip
    return out


def records(result: CrawlResult) -> dict[str, dict[str, Any]]:
    lines = [json.loads(x) for x in result.items_path.read_text(encoding="utf-8").splitlines()]
    by_id = {r["listing_id"]: r for r in lines}
    assert len(by_id) == len(lines), "a listing id was written twice"
    return by_id


@pytest.mark.parametrize("source", ["bazaar", "tradepost", "wildfeed"])
def test_every_demo_listing_is_captured_exactly_once(crawls: Any, source: str) -> None:
    result = crawls[source]
    truth = {item.listing_id for item in snapshot(0).items[source]}
    assert set(records(result)) == truth
    assert result.complete
    assert result.summary["errors"] == 0
    assert result.summary["items"] == len(truth)


@pytest.mark.parametrize("source", ["bazaar", "tradepost", "wildfeed"])
def test_fields_match_what_the_demo_serves(crawls: Any, demo: Any, source: str) -> None:
    base = demo[0].urls[source]
    got = records(crawls[source])
    for item in snapshot(0).items[source]:
        r = got[item.listing_id]
        assert r["title"] == " ".join(normalise_ws(item.title).split("\n"))
        assert r["text"].startswith(normalise_ws(item.text))
        assert (r["posted_at"], len(r["images"])) == (item.created_at, item.n_images)
        assert all(u.startswith(base + "/") and u.endswith(".png") for u in r["images"])
        assert r["url"].startswith(base + "/")
        if (
            source == "wildfeed"
        ):  # RSS carries no price/lang/location fields; the author is the seller
            assert r["kind"] == "post"
            assert r["seller_id"].startswith("@")
            continue
        assert (r["price"], r["currency"]) == (
            item.price,
            item.currency if item.price is not None else None,
        )
        assert (r["seller_id"], r["seller_name"]) == (item.seller_id, item.seller_name)
        assert (r["lang_hint"], r["location"]) == (item.lang, item.location or None)


def test_evidence_is_the_served_page_and_hashes_to_its_name(
    crawls: Any, tmp_path_factory: Any
) -> None:
    store = EvidenceStore(crawls["bazaar"].items_path.parent.parent / "evidence")
    bazaar, tradepost = records(crawls["bazaar"]), records(crawls["tradepost"])
    for record in [*bazaar.values(), *tradepost.values()]:
        assert store.verify(record["evidence_sha256"])
    sample = next(iter(bazaar.values()))
    with urllib.request.urlopen(sample["url"], timeout=10) as response:
        assert store.read(sample["evidence_sha256"]) == response.read()
    with_images = [r for r in tradepost.values() if r["images"]]
    assert with_images
    for record in with_images:
        assert len(record["image_sha256"]) == len(record["images"])
        for sha in record["image_sha256"]:
            assert hashlib.sha256(store.path_for(sha).read_bytes()).hexdigest() == sha
        meta = store.meta(record["evidence_sha256"])
        assert [i["sha256"] for i in meta["images"]] == record["image_sha256"]


def _follow_everything(tmp: Path) -> Path:
    """The bazaar profile made greedy: start at /private/, follow every link, accept any
    /item/ URL. Only robots.txt stands between it and the private listings."""
    text = (SOURCES / "bazaar.toml").read_text(encoding="utf-8")
    text = text.replace('start_urls = ["/"]', 'start_urls = ["/", "/private/"]')
    text = text.replace('follow = ["a.category', 'follow = ["a::attr(href)", "a.category')
    text = text.replace("id_regex = '^/item/", "id_regex = '/item/")
    path = tmp / "greedy.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("obey", [True, False])
def test_robots_txt_keeps_private_listings_out(demo: Any, tmp_path: Path, obey: bool) -> None:
    sites, log = demo
    private_ids = {item.listing_id for item in private_items()}
    log.lines.clear()
    settings = {**FAST, "obey_robots": obey, "max_pages": 120}
    result = run_crawl(
        _follow_everything(tmp_path),
        output_dir=tmp_path / "out",
        base_url=sites.urls["bazaar"],
        crawl_settings=settings,
        timeout=120,
    )
    got = set(records(result))
    fetched_private = [line for line in log.lines if "GET /private" in line]
    if obey:
        assert not got & private_ids
        assert not fetched_private
        assert result.summary["ignored_requests"] >= 1
    else:  # the control: without robots.txt the same crawl does reach them
        assert got & private_ids
        assert fetched_private


def test_a_later_epoch_drops_removed_listings_and_sees_new_prices(
    demo: Any, tmp_path: Path
) -> None:
    sites, _ = demo
    before = {i.listing_id: i for i in snapshot(0).items["tradepost"]}
    sites.set_epoch(1)
    try:
        result = run_crawl("tradepost", output_dir=tmp_path, base_url=sites.urls["tradepost"],
                           crawl_settings=FAST, timeout=120)  # fmt: skip
    finally:
        sites.set_epoch(0)
    after = {i.listing_id: i for i in snapshot(1).items["tradepost"]}
    got = records(result)
    assert set(got) == set(after)
    assert set(before) - set(after)
    changed = [k for k in after if k in before and after[k].price != before[k].price]
    assert changed
    assert all(got[k]["price"] == after[k].price for k in changed)
