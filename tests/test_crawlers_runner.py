"""Crawls in a real subprocess against a hostile fixture site served over HTTP."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from crawlers_fixture_site import FixtureSite, api_routes, feed_routes, html_routes

from crawlers.base import Listing
from crawlers.evidence import EvidenceStore
from crawlers.extract import canonical_json
from crawlers.runner import CrawlResult, ItemError, iter_items, run_crawl

pytestmark = pytest.mark.slow

FAST = {
    "concurrency": 16,
    "delay": 0,
    "autothrottle": False,
    "retries": 1,
    "timeout": 10,
    "max_response_bytes": 200_000,
    "max_image_bytes": 100_000,
    "user_agent": "wt-test/1",
    "contact": "lab@example.test",
}
SOURCES = Path(__file__).resolve().parent.parent / "crawlers" / "sources"


def crawl(site: FixtureSite, profile: str | Path, tmp: Path, **settings: Any) -> CrawlResult:
    return run_crawl(
        profile,
        output_dir=tmp / "out",
        base_url=site.base,
        crawl_settings={**FAST, **settings},
        timeout=60,
        evidence_dir=tmp / "evidence",
    )


def records(result: CrawlResult) -> dict[str, dict[str, Any]]:
    lines = [json.loads(x) for x in result.items_path.read_text(encoding="utf-8").splitlines()]
    by_id = {r["listing_id"]: r for r in lines}
    assert len(by_id) == len(lines), "a listing id was written twice"
    return by_id


def served(routes: dict[str, tuple[int, str, bytes]]) -> Iterator[FixtureSite]:
    """One running site: ``for site in served(...)`` stops it when the loop body ends."""
    site = FixtureSite(routes)
    site.start()
    try:
        yield site
    finally:
        site.stop()


@pytest.fixture(scope="module")
def html_crawl(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[FixtureSite, CrawlResult, Path]]:
    tmp = tmp_path_factory.mktemp("html")
    for site in served(html_routes()):
        yield site, crawl(site, "bazaar", tmp), tmp


def test_every_good_page_arrives_once_with_parsed_fields(html_crawl: Any) -> None:
    site, result, _ = html_crawl
    got = records(result)
    assert set(got) == {"1", "2", "broken", "latin", "utf8", "4"}
    one = got["1"]
    assert (one["title"], one["price"], one["currency"]) == ("Carved ivory bangle", 1234.5, "EUR")
    assert one["text"] == "Old stock,\nno papers.\nShips fast."
    assert (one["seller_id"], one["seller_name"]) == ("s1", "Ivory & Co")
    assert one["seller_url"] == f"{site.base}/seller/s1"
    assert one["images"] == [f"{site.base}/img/1-1.png", f"{site.base}/img/1-2.png"]
    assert (one["lang_hint"], one["posted_at"], one["location"]) == (
        "de",
        "2026-11-20T09:00:00Z",
        "Hanoi",
    )
    assert (one["kind"], one["source"], one["url"]) == ("listing", "bazaar", f"{site.base}/item/1")
    assert (got["2"]["price"], got["2"]["currency"]) == (1200.0, "USD")
    assert got["latin"]["title"] == "Café crème" and got["latin"]["text"] == "naïve señor ¥3000"
    assert got["utf8"]["title"] == "象牙 ngà voi" and got["utf8"]["lang_hint"] == "en"
    assert got["broken"]["text"] == "text\nmore\ncell"
    assert all(isinstance(x, Listing) for x in iter_items(result.items_path))
    assert site.user_agents == {"wt-test/1 (lab@example.test)"}


def test_bad_pages_are_reported_with_urls_and_crawl_completes(html_crawl: Any) -> None:
    site, result, _ = html_crawl
    summary = result.summary
    failed = {s["url"].removeprefix(site.base): s["error"] for s in summary["error_samples"]}
    assert failed["/item/500"] == "HTTP 500"
    assert "max size" in failed["/item/huge"] and "max size" in failed["/img/big.png"]
    assert summary["errors"] == 3 and summary["unfetched_ids"] == ["500", "huge"]
    assert summary["gone_ids"] == ["gone"]
    assert (
        summary["complete"] is True and result.complete and summary["finish_reason"] == "finished"
    )
    assert summary["items"] == 6 and summary["source"] == "bazaar" and summary["pages"] >= 10
    assert result.log_path.is_file() and "failed" in result.log_path.read_text(encoding="utf-8")


def test_robots_txt_is_honoured(html_crawl: Any) -> None:
    site, result, _ = html_crawl
    assert "/robots.txt" in site.requests
    assert not [p for p in site.requests if p.startswith("/private")]
    assert "p1" not in records(result) and result.summary["ignored_requests"] >= 1


def test_evidence_files_hash_to_their_names_and_hold_the_served_bytes(html_crawl: Any) -> None:
    site, result, tmp = html_crawl
    store = EvidenceStore(tmp / "evidence")
    for record in records(result).values():
        sha = record["evidence_sha256"]
        assert hashlib.sha256(store.path_for(sha).read_bytes()).hexdigest() == sha
    one = records(result)["1"]
    assert store.read(one["evidence_sha256"]) == site.routes["/item/1"][2]
    meta = store.meta(one["evidence_sha256"])
    assert (meta["url"], meta["status"], meta["content_type"]) == (
        f"{site.base}/item/1",
        200,
        "text/html",
    )
    images = [site.routes[f"/img/1-{n}.png"][2] for n in (1, 2)]
    assert one["image_sha256"] == [hashlib.sha256(b).hexdigest() for b in images]
    assert [i["sha256"] for i in meta["images"]] == one["image_sha256"]
    assert records(result)["2"]["image_sha256"] == []  # oversized image refused, record kept


def test_a_failed_list_page_makes_the_crawl_incomplete(tmp_path: Path) -> None:
    for site in served(html_routes(fail_list_page=True)):
        result = crawl(site, "bazaar", tmp_path, download_images=False)
    assert result.summary["complete"] is False and not result.complete
    assert result.summary["list_failures"] == 1
    assert set(records(result)) == {"1", "2", "broken", "latin", "utf8", "4"}
    assert not [p for p in site.requests if p.startswith("/img/")]


def _profile_copy(tmp: Path, name: str, **replace: str) -> Path:
    text = (SOURCES / f"{name}.toml").read_text(encoding="utf-8")
    for old, new in replace.items():
        text = text.replace(old, new)
    path = tmp / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_json_api_items_cursor_pages_and_fragment_evidence(tmp_path: Path) -> None:
    profile = _profile_copy(tmp_path, "tradepost", **{"limit=50": "limit=2"})
    for site in served(api_routes()):
        result = crawl(site, profile, tmp_path)
    got = records(result)
    assert set(got) == {"a1", "a2", "a3"}
    assert got["a1"]["text"] == "Pangolin scales" and got["a1"]["price"] == 12.5
    assert (got["a1"]["currency"], got["a1"]["seller_id"], got["a1"]["lang_hint"]) == (
        "EUR",
        "u9",
        "es",
    )
    assert got["a2"]["price"] is None  # the first sighting wins; the repeat is a duplicate
    assert got["a3"]["url"] == f"{site.base}/listing/a3"  # from url_template
    assert got["a1"]["images"] == [f"{site.base}/media/a1-1.png"]
    summary = result.summary
    assert summary["duplicates"] == 1 and summary["complete"] is True
    assert [s["error"] for s in summary["error_samples"]] == ["bad item: no listing id found"]
    evidence = EvidenceStore(tmp_path / "evidence").read(got["a1"]["evidence_sha256"])
    assert evidence == canonical_json(
        json.loads(site.routes["/api/v1/search?limit=2"][2])["items"][0]
    )


def test_feed_items_follow_next_links_without_images(tmp_path: Path) -> None:
    for site in served({}):
        site.routes.update(feed_routes(site.base))
        result = crawl(site, "wildfeed", tmp_path, download_images=False)
    got = records(result)
    assert set(got) == {"post-1", "post-2", "post-3"}
    post = got["post-1"]
    assert post["text"] == "Selling rhino horn & more 1\n#rhino" and post["kind"] == "post"
    assert (post["seller_id"], post["posted_at"]) == ("@trader1", "2026-11-20T10:00:00Z")
    assert post["images"] == [f"{site.base}/pic/1-1.png"] and post["image_sha256"] == []
    fragment = EvidenceStore(tmp_path / "evidence").read(post["evidence_sha256"])
    assert fragment.startswith(b"<item>") and b"post-1</guid>" in fragment
    assert not [p for p in site.requests if p.startswith("/pic/")]
    assert result.summary["complete"] is True and result.summary["duplicates"] == 1


def test_a_crawl_past_its_timeout_is_killed_and_never_complete(tmp_path: Path) -> None:
    for site in served(html_routes()):
        site.slow["/c/b"] = 30.0
        result = run_crawl(
            "bazaar",
            output_dir=tmp_path,
            base_url=site.base,
            crawl_settings=FAST,
            timeout=3,
            grace=1,
        )
    assert result.timed_out and not result.complete and result.summary["complete"] is False
    assert result.duration < 10
    assert result.summary["items"] == len(list(iter_items(result.items_path)))


def test_a_bad_profile_fails_fast_with_a_summary(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "bad"\nkind = "soap"\n', encoding="utf-8")
    result = run_crawl(bad, output_dir=tmp_path / "out", crawl_settings={}, timeout=30)
    assert result.returncode == 2 and not result.complete
    assert result.summary["finish_reason"] == "bad_configuration"
    assert "[kind]" in result.summary["error_samples"][0]["error"]


def test_iter_items_reports_bad_lines_and_keeps_the_rest(tmp_path: Path) -> None:
    good = Listing(
        source="s", listing_id="1", url="http://x/1", title="t", text="x", fetched_at="now"
    )
    forged = {**good.to_dict(), "listing_id": "2", "title": "changed after hashing"}
    path = tmp_path / "items.jsonl"
    lines = [
        json.dumps(good.to_dict()),
        "{not json",
        "[1, 2]",
        json.dumps(forged),
        "[" * 5000 + "]" * 5000,
        json.dumps({**good.to_dict(), "title": "lone \ud800"}),
        '{"source": "s", "listing_id": "3", "url"',
    ]
    path.write_text("\n".join(lines), encoding="utf-8")  # the last line is torn
    out = list(iter_items(path))
    assert out[0] == good
    bad = [o for o in out[1:] if isinstance(o, ItemError)]
    assert [type(e) for e in out[1:]] == [ItemError] * 6
    assert [e.line for e in bad] == [2, 3, 4, 5, 6, 7]  # a lone surrogate cannot be hashed
    assert "RecursionError" in bad[3].error and "surrogate" in bad[4].error
    assert "content_hash mismatch" in out[3].error  # type: ignore[union-attr]
    assert list(iter_items(tmp_path / "missing.jsonl")) == []
