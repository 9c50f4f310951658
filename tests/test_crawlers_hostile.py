"""Crawls of hostile sites (issue 14): nothing false, nothing lost, nothing fetched that
should not be. Real subprocess crawls against real HTTP servers on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from crawlers_fixture_site import FixtureSite
from crawlers_hostile_site import (
    GB_TEXT,
    GB_TITLE,
    IMAGES_ON_PICS,
    READABLE,
    UNREADABLE,
    hostile_api,
    hostile_feed,
    hostile_html,
    link_flood_routes,
)
from test_crawlers_runner import SOURCES, crawl, records

from crawlers.runner import CrawlResult

pytestmark = pytest.mark.slow  # real crawls / whole-pipeline runs


@pytest.fixture(scope="module")
def hostile(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[FixtureSite, FixtureSite, CrawlResult]]:
    tmp = tmp_path_factory.mktemp("hostile")
    site, internal = FixtureSite(), FixtureSite()
    site.start()
    internal.start()
    try:
        hostile_html(site, internal)
        yield site, internal, crawl(site, "bazaar", tmp, max_response_bytes=1_000_000)
    finally:
        site.stop()
        internal.stop()


def test_unreadable_detail_pages_are_unfetched_never_gone(hostile: Any) -> None:
    _, _, result = hostile
    summary = result.summary
    assert set(UNREADABLE) <= set(summary["unfetched_ids"]), summary["error_samples"]
    assert summary["gone_ids"] == ["gone"]
    assert summary["complete"] is True  # a complete crawl: removals are inferred from it
    got = records(result)
    assert set(got) == set(READABLE), summary["error_samples"]
    assert "png" not in got  # an image in place of the page is no new (empty) version


def test_no_request_leaves_the_site_or_enters_robots_disallowed_paths(hostile: Any) -> None:
    site, internal, result = hostile
    assert internal.requests == []
    assert not [p for p in site.requests if p.startswith("/private/")]
    got = records(result)
    assert got["ok1"]["url"] == f"{site.base}/item/ok1"
    assert all(r["url"].startswith(site.base + "/") for r in got.values())


def test_image_cap_applies_before_fetching(hostile: Any) -> None:
    site, internal, result = hostile
    pics = records(result)["pics"]
    fetched = [p for p in site.requests if p.startswith("/img/")]
    assert len(pics["images"]) == 20 < IMAGES_ON_PICS
    assert 0 < len(fetched) <= 20 and len(fetched) == len(set(fetched))
    assert len(pics["image_sha256"]) == len(fetched)  # only allowed hosts, all stored


def test_wrongly_declared_charsets_are_detected_from_the_bytes(hostile: Any) -> None:
    _, _, result = hostile
    got = records(result)
    for listing_id in ("gb-utf8", "sjis-meta"):
        assert (got[listing_id]["title"], got[listing_id]["text"]) == (GB_TITLE, GB_TEXT)


def test_deeply_nested_description_is_captured(hostile: Any) -> None:
    _, _, result = hostile
    assert records(result)["deep"]["text"] == "deep ivory text"


def test_a_catastrophic_profile_regex_costs_one_field_not_the_crawl(
    hostile: Any, tmp_path: Path
) -> None:
    site, _, _ = hostile
    text = (SOURCES / "bazaar.toml").read_text(encoding="utf-8")
    text = text.replace("regex = '/seller/([^/?#]+)'", "regex = '/seller/((a|aa)+)+$'")
    profile = tmp_path / "bazaar.toml"
    profile.write_text(text, encoding="utf-8")
    result = crawl(site, profile, tmp_path, download_images=False, max_response_bytes=1_000_000)
    got = records(result)
    assert set(got) == set(READABLE)
    assert got["slow-regex"]["seller_id"] is None
    assert any("regex" in s["error"] for s in result.summary["error_samples"])


def test_one_bad_api_item_drops_only_itself(tmp_path: Path) -> None:
    site = FixtureSite(hostile_api())
    site.start()
    try:
        result = crawl(site, "tradepost", tmp_path)
    finally:
        site.stop()
    got = records(result)
    assert {"a1", "a4", "a5"} <= set(got), result.summary["error_samples"]
    assert got["a2"]["title"] == "lone \ufffd surrogate"  # repaired, not lost
    assert "a3" in got  # the nesting is cut, the listing kept
    errors = [s["error"] for s in result.summary["error_samples"]]
    assert "bad item: no listing id found" in errors
    assert result.summary["list_failures"] == 0


def test_one_bad_feed_item_drops_only_itself(tmp_path: Path) -> None:
    site = FixtureSite()
    site.start()
    try:
        site.routes.update(hostile_feed(site.base))
        result = crawl(site, "wildfeed", tmp_path)
    finally:
        site.stop()
    assert set(records(result)) == {"post-1", "post-2", "post-3", "post-4"}
    assert result.summary["complete"] is True


def test_links_per_page_are_capped_before_fetching(tmp_path: Path) -> None:
    site = FixtureSite(link_flood_routes())
    site.start()
    try:
        result = crawl(
            site, "bazaar", tmp_path, max_links_per_page=50, max_response_bytes=2_000_000
        )
    finally:
        site.stop()
    assert len([p for p in site.requests if p.startswith("/item/")]) == 50
    assert any("links" in s["error"] for s in result.summary["error_samples"])
    assert result.summary["complete"] is False  # an index we did not read whole proves nothing
