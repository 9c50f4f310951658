"""The demo sites over real HTTP (port 0, urllib), their corpus and the evaluation."""

from __future__ import annotations

import io
import json
import os
import random
import re
import signal
import subprocess
import sys
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from PIL import Image

from wildtrace.demo import COMMODITIES, DemoSites, demo_truth, evaluate, snapshot
from wildtrace.demo.corpus import base_items, private_items
from wildtrace.demo.images import render_png
from wildtrace.demo.obfuscate import apply_marks

ATOM = "{http://www.w3.org/2005/Atom}"


class Tags(HTMLParser):
    """Every start tag with its attributes, and the text inside each element by class."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.text_by_class: dict[str, str] = {}
        self._open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {k: v or "" for k, v in attrs}
        self.tags.append((tag, attributes))
        if tag not in ("br", "img", "meta"):
            self._open.append(attributes.get("class", ""))

    def handle_endtag(self, tag: str) -> None:
        if self._open:
            self._open.pop()

    def handle_data(self, data: str) -> None:
        for cls in self._open:
            if cls:
                self.text_by_class[cls] = self.text_by_class.get(cls, "") + data

    def find(self, tag: str, cls: str) -> list[dict[str, str]]:
        return [a for t, a in self.tags if t == tag and cls in a.get("class", "").split()]


def fetch(url: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as resp:
            return resp.status, resp.headers["Content-Type"], resp.read()
    except urllib.error.HTTPError as err:
        return err.code, err.headers["Content-Type"], err.read()


def parse(url: str) -> Tags:
    status, ctype, body = fetch(url)
    assert status == 200, url
    assert ctype == "text/html; charset=utf-8"
    tags = Tags()
    tags.feed(body.decode("utf-8"))
    return tags


def ids_of(source: str, epoch: int) -> set[str]:
    return {t["listing_id"] for t in demo_truth(epoch) if t["source"] == source}


@pytest.fixture(scope="module")
def sites() -> Iterator[DemoSites]:
    with DemoSites(host="127.0.0.1", ports=(0, 0, 0)) as demo:
        yield demo


@pytest.fixture
def epoch0(sites: DemoSites) -> Iterator[DemoSites]:
    sites.set_epoch(0)
    yield sites
    sites.set_epoch(0)


def crawl_bazaar(base: str) -> set[str]:
    home = parse(base + "/")
    categories = [a["href"] for a in home.find("a", "category")]
    assert len(categories) >= 5
    seen: set[str] = set()
    for href in categories:
        url: str | None = base + href
        while url:
            page = parse(url)
            seen.update(a["href"].removeprefix("/item/") for a in page.find("a", "listing-link"))
            nxt = page.find("a", "next")
            assert all(a.get("rel") == "next" for a in nxt)
            url = base + nxt[0]["href"] if nxt else None
    return seen


def crawl_tradepost(base: str, limit: int) -> list[str]:
    ids: list[str] = []
    url = f"{base}/api/v1/search?limit={limit}"
    while True:
        status, ctype, body = fetch(url)
        assert status == 200 and ctype == "application/json; charset=utf-8"
        data = json.loads(body)
        assert len(data["items"]) <= min(limit, 50)
        ids += [item["id"] for item in data["items"]]
        if data["next_cursor"] is None:
            return ids
        url = f"{base}/api/v1/search?limit={limit}&cursor={data['next_cursor']}"


def crawl_wildfeed(base: str) -> list[ET.Element]:
    items: list[ET.Element] = []
    url: str | None = base + "/feed.xml?page=1"
    while url:
        status, ctype, body = fetch(url)
        assert status == 200 and ctype == "application/rss+xml; charset=utf-8"
        channel = ET.fromstring(body).find("channel")
        assert channel is not None
        items += channel.findall("item")
        nxt = [link for link in channel.findall(ATOM + "link") if link.get("rel") == "next"]
        url = nxt[0].get("href") if nxt else None
    return items


def test_robots_txt_of_each_site(epoch0: DemoSites) -> None:
    expected = {"bazaar": "/private/", "tradepost": "/api/internal/", "wildfeed": "/drafts/"}
    for source, base in epoch0.urls.items():
        status, ctype, body = fetch(base + "/robots.txt")
        assert status == 200 and ctype.startswith("text/plain")
        assert body.decode() == f"User-agent: *\nDisallow: {expected[source]}\n"


def test_bazaar_pagination_reaches_every_item(epoch0: DemoSites) -> None:
    assert crawl_bazaar(epoch0.urls["bazaar"]) == ids_of("bazaar", 0)


def test_bazaar_detail_page_carries_contract_fields(epoch0: DemoSites) -> None:
    base = epoch0.urls["bazaar"]
    item = next(
        i for i in snapshot(0).items["bazaar"] if i.n_images >= 2 and i.planted and not i.image_only
    )
    page = parse(f"{base}/item/{item.listing_id}")
    assert ("html", {"lang": item.lang}) in page.tags
    assert page.text_by_class["title"] == item.title
    (price,) = page.find("span", "price")
    assert float(price["data-amount"]) == item.price and price["data-currency"] == item.currency
    (seller,) = page.find("a", "seller")
    assert seller["href"] == f"/seller/{item.seller_id}"
    assert page.find("time", "posted")[0]["datetime"] == item.created_at
    assert page.text_by_class["location"] == item.location
    photos = page.find("img", "photo")
    assert len(photos) == item.n_images
    status, ctype, body = fetch(base + photos[1]["src"])
    assert status == 200 and ctype == "image/png"
    assert Image.open(io.BytesIO(body)).size == (160, 120)
    seller_page = parse(base + seller["href"])
    assert f"/item/{item.listing_id}" in {a["href"] for a in seller_page.find("a", "listing-link")}


def test_tradepost_cursor_paging_returns_every_item_once(epoch0: DemoSites) -> None:
    base = epoch0.urls["tradepost"]
    ids = crawl_tradepost(base, 7)
    assert len(ids) == len(set(ids))
    assert set(ids) == ids_of("tradepost", 0)
    assert len(crawl_tradepost(base, 500)) == len(ids)  # limit capped at 50, same items
    first = json.loads(fetch(base + "/api/v1/search")[2])
    assert len(first["items"]) == 25
    item = first["items"][0]
    assert set(item) == {
        "id", "title", "description", "price", "seller", "images",
        "lang", "created_at", "url", "location",
    }  # fmt: skip
    assert fetch(base + item["url"])[0] == 200
    assert fetch(base + "/api/v1/search?cursor=bm9wZQ")[0] == 400


def test_wildfeed_rss_parses_and_pages_through_every_post(epoch0: DemoSites) -> None:
    base = epoch0.urls["wildfeed"]
    items = crawl_wildfeed(base)
    guids = [i.findtext("guid") for i in items]
    assert len(guids) == len(set(guids)) and set(guids) == ids_of("wildfeed", 0)
    with_pics = [i for i in items if i.find("enclosure") is not None]
    assert with_pics
    enclosure = with_pics[0].find("enclosure")
    assert enclosure is not None and enclosure.get("type") == "image/png"
    status, _, body = fetch(enclosure.get("url", ""))
    assert status == 200 and len(body) == int(enclosure.get("length", "0"))
    first = items[0]
    assert (first.findtext("description") or "").startswith("<p>")  # escaped HTML, parsed back
    assert first.findtext("author", "").startswith("@")
    assert first.findtext("pubDate", "").endswith("GMT")
    assert fetch(first.findtext("link", ""))[0] == 200


def test_epoch_change_edits_prices_removes_and_adds(sites: DemoSites) -> None:
    before, after = snapshot(0), snapshot(1)
    sites.set_epoch(1)
    try:
        urls = sites.urls
        assert crawl_bazaar(urls["bazaar"]) == ids_of("bazaar", 1)
        assert set(crawl_tradepost(urls["tradepost"], 50)) == ids_of("tradepost", 1)
        assert {i.findtext("guid") for i in crawl_wildfeed(urls["wildfeed"])} == ids_of(
            "wildfeed", 1
        )
        detail = {"bazaar": "/item/{}", "tradepost": "/listing/{}", "wildfeed": "/post/{}"}
        for source, pattern in detail.items():
            old, new = ids_of(source, 0), ids_of(source, 1)
            assert old - new and new - old, source
            gone = before.get(source, sorted(old - new)[0])
            assert gone is not None
            key = str(gone.num) if source == "wildfeed" else gone.listing_id
            assert fetch(urls[source] + pattern.format(key))[0] == 404
            for path in gone.image_paths():
                assert fetch(urls[source] + path)[0] == 404
        edited = [
            i for i in after.items["bazaar"] if i.edits and before.get("bazaar", i.listing_id)
        ]
        assert 0.02 <= len(edited) / len(before.items["bazaar"]) <= 0.08
        page = parse(f"{urls['bazaar']}/item/{edited[0].listing_id}")
        old_price = before.get("bazaar", edited[0].listing_id)
        assert old_price is not None and old_price.price != edited[0].price
        assert float(page.find("span", "price")[0]["data-amount"]) == edited[0].price
        assert edited[0].price_text in page.text_by_class["description"]
    finally:
        sites.set_epoch(0)
    assert sites.epoch == 0
    assert snapshot(3).items == snapshot(3).items  # cached, and later epochs build


def test_corpus_shape_languages_and_planted_share() -> None:
    truth = demo_truth(0)
    counts = Counter(t["source"] for t in truth)
    assert len(truth) >= 300 and counts == {"bazaar": 154, "tradepost": 112, "wildfeed": 82}
    assert len({t["lang"] for t in truth}) >= 6
    planted = [t for t in truth if t["planted"]]
    assert 0.10 <= len(planted) / len(truth) <= 0.15
    assert len({t["commodity"] for t in planted}) >= 10
    assert {t["intent"] for t in planted} == {"sell", "buy"}
    assert all(t["commodity"] in COMMODITIES for t in planted)
    assert all(t["commodity"] is None and not t["image_only"] for t in truth if not t["planted"])
    hard = [t for t in truth if t["hard_negative"]]
    assert len(hard) >= 80 and not any(t["planted"] for t in hard)
    assert sum(t["hard_negative"] for t in truth if t["source"] == "wildfeed") >= 30
    image_only = [i for i in snapshot(0).all_items() if i.image_only]
    assert len(image_only) >= 4 and all(i.planted and i.n_images >= 1 for i in image_only)
    for source in counts:  # planted share holds per source, not only overall
        share = sum(t["planted"] for t in truth if t["source"] == source) / counts[source]
        assert 0.10 <= share <= 0.15, source


def test_trader_rings_link_sellers_across_sources() -> None:
    items = [i for i in snapshot(0).all_items() if i.planted]
    by_seller = Counter((i.source, i.seller_id) for i in items)
    assert max(by_seller.values()) >= 3  # some sellers post several wildlife items
    contact = "seng_art88"
    assert len({i.source for i in items if contact in i.text or i.seller_name == contact}) >= 2


def test_corpus_is_deterministic_and_obfuscated() -> None:
    assert base_items() == base_items()
    assert render_png.__wrapped__("ivory", "x") == render_png.__wrapped__("ivory", "x")
    assert render_png("ivory", "x") != render_png("ivory", "y")
    texts = " ".join(i.title + " " + i.text for i in snapshot(0).all_items())
    assert "\u200b" in texts and "іvоrу" in texts and "🦏" in texts and "鹤顶红" in texts
    assert any("\uff01" <= ch <= "\uff5e" for ch in texts)  # full-width look-alikes
    assert re.search(r"\w(?:\.\w){3,}", texts)  # dotted: r.h.i.n.o
    marked = apply_marks("[[rhino|dotted]] [[象牙|spaced]] [[ngà|zerowidth]]", random.Random(1))
    assert marked == "r.h.i.n.o 象 牙 n\u200bg\u200bà"


def test_hostile_text_is_escaped(epoch0: DemoSites) -> None:
    hostile = next(i for i in snapshot(0).items["bazaar"] if "<script>" in i.title)
    status, _, body = fetch(f"{epoch0.urls['bazaar']}/item/{hostile.listing_id}")
    page = body.decode("utf-8")
    assert status == 200
    assert "<script>" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    tags = Tags()
    tags.feed(page)
    assert tags.text_by_class["title"] == hostile.title
    assert not [t for t, _ in tags.tags if t in ("script", "b")]


def test_private_areas_exist_and_unknown_paths_404(epoch0: DemoSites) -> None:
    urls = epoch0.urls
    home = parse(urls["bazaar"] + "/")
    assert "/private/" in {a["href"] for _, a in home.tags if "href" in a}
    private = parse(urls["bazaar"] + "/private/").find("a", "listing-link")
    assert len(private) == len(private_items())
    assert fetch(urls["bazaar"] + private[0]["href"])[0] == 200
    truth_ids = ids_of("bazaar", 0)
    assert not {a["href"].rsplit("/", 1)[1] for a in private} & truth_ids
    assert fetch(urls["tradepost"] + "/api/internal/sellers")[0] == 200
    assert fetch(urls["wildfeed"] + "/drafts/")[0] == 200
    for base in urls.values():
        assert fetch(base + "/nope")[0] == 404
    assert fetch(urls["bazaar"] + "/c/antiques?page=999")[0] == 404
    assert fetch(urls["bazaar"] + "/c/antiques?page=x")[0] == 400


def test_evaluate_scores_alert_keys() -> None:
    truth = demo_truth(0)
    planted = {f"{t['source']}:{t['listing_id']}" for t in truth if t["planted"]}
    negative = next(f"{t['source']}:{t['listing_id']}" for t in truth if t["hard_negative"])
    perfect = evaluate(planted, 0)
    assert perfect["planted_recall"] == 1.0 and perfect["negative_false_alert_rate"] == 0.0
    assert perfect["precision"] == 1.0 and perfect["image_only_recall"] == 1.0
    assert sum(s["found"] for s in perfect["by_source"].values()) == len(planted)
    assert len(perfect["by_lang"]) >= 6
    half = sorted(planted)[: len(planted) // 2]
    scored = evaluate(set(half) | {negative, "bazaar:p1"}, 0)
    assert scored["found"] == len(half) and scored["false_alert_keys"] == [negative]
    assert scored["hard_negative_false_alert_rate"] == round(1 / scored["hard_negatives"], 4)
    assert scored["unknown_keys"] == ["bazaar:p1"]
    assert len(scored["missed"]) == len(planted) - len(half)
    assert evaluate(set(), 0)["planted_recall"] == 0.0


def test_demo_sites_command_serves_and_stops_on_sigterm(tmp_path: Path) -> None:
    env = {**os.environ, "WILDTRACE_DATA_DIR": str(tmp_path)}
    cmd = [sys.executable, "-m", "wildtrace.cli", "demo-sites"]
    cmd += ["--market-port", "0", "--api-port", "0", "--social-port", "0", "--epoch", "1"]
    proc = subprocess.Popen(cmd, cwd=tmp_path, env=env, stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        lines = [proc.stdout.readline() for _ in range(4)]
        urls = dict(line.split() for line in lines[:3])
        assert set(urls) == {"bazaar", "tradepost", "wildfeed"} and lines[3].startswith("epoch 1")
        assert set(crawl_tradepost(urls["tradepost"], 50)) == ids_of("tradepost", 1)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=20) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()
