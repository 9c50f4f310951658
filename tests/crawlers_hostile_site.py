"""Hostile cases for crawler tests, served by ``FixtureSite`` on 127.0.0.1 (issue 14).

Three sites, one per profile kind, plus an "internal service" on another port that a
hostile page tries to make the crawler reach (a redirect, image URLs). Every case a
hostile or broken site has been seen to serve:

* html: a gzip bomb, a redirect loop, a redirect into a robots.txt-disallowed path, a
  redirect to another host name and to an internal port, a PNG in place of a detail
  page, 300 image URLs on arbitrary hosts and ports, GB18030 bytes declared as UTF-8,
  a Shift_JIS ``<meta>`` on GB18030 bytes, a description nested 1,000 levels deep, a
  catastrophic-backtracking input for a profile regex, a 404, and good pages around them;
* json: a lone surrogate in one item, one item nested 1,000 levels deep, one without id;
* feed: an unresolved entity in one item;
* a 20,000-link page (``link_flood_routes``).

The good pages are what the tests count on: they must all arrive whatever the others do.
"""

from __future__ import annotations

import gzip
import json

from crawlers_fixture_site import HTML, PNG, FixtureSite, cards, detail

Routes = dict[str, tuple[int, str, bytes]]

BOMB_BYTES = 30_000_000  # decompresses far past any sane max_response_bytes
IMAGES_ON_PICS = 300
LINK_FLOOD = 20_000
DEEP = 1_000
GB_TITLE = "出售象牙手镯"
GB_TEXT = "犀牛角 穿山甲鳞片 老象牙雕刻 价格面议"
# Detail ids that a crawl cannot read (none of them may ever be called "removed").
UNREADABLE = ("bomb", "loop", "robots", "offhost", "internal", "png")
READABLE = ("ok1", "ok2", "pics", "gb-utf8", "sjis-meta", "deep", "slow-regex")


def _redirect(location: str) -> tuple[tuple[int, str, bytes], dict[str, str]]:
    return (302, HTML, b"moved"), {"Location": location}


def _gb_page(meta: str) -> bytes:
    head = f'<meta charset="{meta}">' if meta else ""
    page = (
        f"<!doctype html><html><head>{head}<title>t</title></head><body>"
        f'<h1 class="title">{GB_TITLE}</h1><div class="description"><p>{GB_TEXT}</p></div>'
        "</body></html>"
    )
    return page.encode("gb18030")


def _pics(base: str, internal: str) -> str:
    """300 image URLs: on the site, on an internal port, on other names and private nets."""
    hosts = [base, internal, base.replace("127.0.0.1", "localhost"), "http://169.254.169.254",
             "http://10.255.255.1:8080"]  # fmt: skip
    imgs = "".join(
        f'<img class="photo" src="{hosts[n % len(hosts)]}/img/p{n}.png">'
        for n in range(IMAGES_ON_PICS)
    )
    return detail("Many pictures", "ivory carvings, see photos", extra=imgs)


def _deep() -> str:
    nested = "<div>" * DEEP + "deep ivory text" + "</div>" * DEEP
    return detail("Deep", nested)


def hostile_html(site: FixtureSite, internal: FixtureSite) -> None:
    """Fill ``site`` (bazaar-style) with every hostile HTML case; ``internal`` must stay
    untouched by any crawl of it."""
    base = site.base
    ids = [*UNREADABLE, *READABLE, "gone"]
    routes: Routes = {
        "/robots.txt": (200, "text/plain", b"User-agent: *\nDisallow: /private/\n"),
        "/": (200, HTML, b'<a class="category" href="/c/h">H</a>'),
        "/c/h": (200, HTML, cards([f"/item/{i}" for i in ids]).encode()),
        "/item/bomb": (200, HTML, gzip.compress(b"\0" * BOMB_BYTES, 9)),
        "/item/png": (200, "image/png", PNG + b"not a detail page"),
        "/item/ok1": (200, HTML, detail("Ivory bangle", "old stock").encode()),
        "/item/ok2": (200, HTML, detail("Rhino horn cup", "no papers").encode()),
        "/item/pics": (200, HTML, _pics(base, internal.base).encode()),
        "/item/gb-utf8": (200, "text/html; charset=utf-8", _gb_page("")),
        "/item/sjis-meta": (200, HTML, _gb_page("shift_jis")),
        "/item/deep": (200, HTML, _deep().encode()),
        "/item/slow-regex": (
            200,
            HTML,
            detail(
                "Slow", "x", extra=f'<a class="seller" href="/seller/{"a" * 40}!">s</a>'
            ).encode(),
        ),
        f"/seller/{'a' * 40}!": (200, HTML, cards(["/item/ok1"]).encode()),
        "/private/item/robots": (200, HTML, detail("PRIVATE", "never fetched").encode()),
        **{f"/img/p{n}.png": (200, "image/png", PNG + str(n).encode()) for n in range(300)},
    }
    headers = {"/item/bomb": {"Content-Encoding": "gzip"}}
    redirects = {
        "/item/loop": "/item/loop-b",
        "/item/loop-b": "/item/loop",
        "/item/robots": "/private/item/robots",
        "/item/offhost": base.replace("127.0.0.1", "localhost") + "/item/ok1",
        "/item/internal": internal.base + "/secret",
    }
    for path, location in redirects.items():
        routes[path], headers[path] = _redirect(location)
    site.routes.update(routes)
    site.headers.update(headers)
    internal.routes.update(
        {"/secret": (200, HTML, b"internal admin"), "/robots.txt": (200, "text/plain", b"")}
    )


def deep_json(depth: int = DEEP) -> str:
    return '{"d":' * depth + '"deep pangolin"' + "}" * depth


def hostile_api() -> Routes:
    """tradepost-style API pages: one item with a lone surrogate, one nested 1,000 levels."""

    def item(i: str, title: str = "") -> str:
        return json.dumps(
            {"id": i, "title": title or f"Item {i}", "description": "Pangolin scales",
             "url": f"/listing/{i}", "images": []}
        )  # fmt: skip

    surrogate = item("a2", "lone \\ud800 surrogate").replace("\\\\ud800", "\\ud800")
    deep = item("a3")[:-1] + f', "nested": {deep_json()}}}'
    page1 = f'{{"items": [{item("a1")}, {surrogate}, {deep}, {item("a4")}], "next_cursor": "c2"}}'
    page2 = f'{{"items": [{item("a5")}, {{"title": "no id"}}], "next_cursor": null}}'
    return {
        "/robots.txt": (200, "text/plain", b""),
        "/api/v1/search?limit=50": (200, "application/json", page1.encode()),
        "/api/v1/search?limit=50&cursor=c2": (200, "application/json", page2.encode()),
    }


def hostile_feed(base: str) -> Routes:
    """wildfeed-style RSS pages: the second item carries an entity XML does not define."""

    def rss(items: str, next_page: int | None) -> bytes:
        nxt = (
            f'<atom:link rel="next" href="{base}/feed.xml?page={next_page}"/>' if next_page else ""
        )
        return (
            '<?xml version="1.0" encoding="utf-8"?><rss version="2.0" '
            'xmlns:atom="http://www.w3.org/2005/Atom"><channel><title>wf</title>'
            f"{nxt}{items}</channel></rss>"
        ).encode()

    def post(n: int, extra: str = "") -> str:
        return (
            f'<item><guid isPermaLink="false">post-{n}</guid><title>Post {n}{extra}</title>'
            f"<link>{base}/post/{n}</link><description>rhino horn {n}</description>"
            f"<author>@trader{n}</author></item>"
        )

    first = rss(post(1) + post(2, " &bogus; x") + post(3), 2)
    return {
        "/robots.txt": (200, "text/plain", b""),
        "/feed.xml?page=1": (200, "application/rss+xml", first),
        "/feed.xml?page=2": (200, "application/rss+xml", rss(post(4), None)),
    }


def link_flood_routes(links: int = LINK_FLOOD) -> Routes:
    """One start page with ``links`` detail links (every one answers 404)."""
    page = cards([f"/item/f{n}" for n in range(links)])
    return {"/robots.txt": (200, "text/plain", b""), "/": (200, HTML, page.encode())}
