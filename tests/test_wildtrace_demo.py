"""The demo sites over real HTTP (port 0, urllib) and the ``demo-sites`` command; the corpus
itself is tested in ``test_wildtrace_demo_corpus.py``."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from PIL import Image

from wildtrace.demo import DemoSites, demo_truth, snapshot
from wildtrace.demo.corpus import private_items

pytestmark = pytest.mark.slow

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
        assert status == 200
        assert ctype == "application/json; charset=utf-8"
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
        assert status == 200
        assert ctype == "application/rss+xml; charset=utf-8"
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
        assert status == 200
        assert ctype.startswith("text/plain")
        assert body.decode() == f"User-agent: *\nDisallow: {expected[source]}\n"


def test_bazaar_pagination_reaches_every_item(epoch0: DemoSites) -> None:
    assert crawl_bazaar(epoch0.urls["bazaar"]) == ids_of("bazaar", 0)


def test_bazaar_detail_page_carries_contract_fields(epoch0: DemoSites) -> None:
    base = epoch0.urls["bazaar"]
    item = next(i for i in snapshot(0).items["bazaar"] if i.n_images >= 2 and i.planted)
    page = parse(f"{base}/item/{item.listing_id}")
    assert ("html", {"lang": item.lang}) in page.tags
    assert page.text_by_class["title"] == item.title
    (price,) = page.find("span", "price")
    assert float(price["data-amount"]) == item.price
    assert price["data-currency"] == item.currency
    (seller,) = page.find("a", "seller")
    assert seller["href"] == f"/seller/{item.seller_id}"
    assert page.find("time", "posted")[0]["datetime"] == item.created_at
    assert page.text_by_class["location"] == item.location
    photos = page.find("img", "photo")
    assert len(photos) == item.n_images
    status, ctype, body = fetch(base + photos[1]["src"])
    assert status == 200
    assert ctype == "image/png"
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
    assert len(guids) == len(set(guids))
    assert set(guids) == ids_of("wildfeed", 0)
    with_pics = [i for i in items if i.find("enclosure") is not None]
    assert with_pics
    enclosure = with_pics[0].find("enclosure")
    assert enclosure is not None
    assert enclosure.get("type") == "image/png"
    status, _, body = fetch(enclosure.get("url", ""))
    assert status == 200
    assert len(body) == int(enclosure.get("length", "0"))
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
        assert old_price is not None
        assert old_price.price != edited[0].price
        assert float(page.find("span", "price")[0]["data-amount"]) == edited[0].price
        assert edited[0].price_text in page.text_by_class["description"]
    finally:
        sites.set_epoch(0)
    assert sites.epoch == 0
    assert snapshot(3).items == snapshot(3).items  # cached, and later epochs build


def test_hostile_text_is_escaped(epoch0: DemoSites) -> None:
    hostile = next(i for i in snapshot(0).items["bazaar"] if "<script>" in i.title)
    status, _, body = fetch(f"{epoch0.urls['bazaar']}/item/{hostile.listing_id}")
    page = body.decode("utf-8")
    assert status == 200
    assert "<script>" not in page
    assert "<img src=x" not in page
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


def test_demo_sites_command_serves_and_stops_on_sigterm(tmp_path: Path) -> None:
    env = {**os.environ, "WILDTRACE_DATA_DIR": str(tmp_path)}
    cmd = [sys.executable, "-m", "wildtrace.cli", "demo-sites"]
    cmd += ["--market-port", "0", "--api-port", "0", "--social-port", "0", "--epoch", "1"]
    proc = subprocess.Popen(cmd, cwd=tmp_path, env=env, stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        lines = [proc.stdout.readline() for _ in range(4)]
        urls = dict(line.split() for line in lines[:3])
        assert set(urls) == {"bazaar", "tradepost", "wildfeed"}
        assert lines[3].startswith("epoch 1")
        assert set(crawl_tradepost(urls["tradepost"], 50)) == ids_of("tradepost", 1)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=20) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()
