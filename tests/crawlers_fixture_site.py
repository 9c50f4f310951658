"""A tiny hostile website for crawler tests, served over real HTTP on 127.0.0.1:0.

Built from the demo-site contract's markup (bazaar-style HTML, tradepost-style JSON API,
wildfeed-style RSS) plus the pages real crawls meet: broken HTML, a 500, a 404, an
oversized body, latin-1 and undeclared UTF-8 bodies, a robots.txt-forbidden area, a
duplicate link, an oversized image. Every request path is logged so tests can prove what
was (not) fetched.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HTML = "text/html"
PNG = b"\x89PNG\r\n\x1a\n" + b"fixture-image-"
HUGE_BYTES = 400_000  # above the tests' max_response_bytes
BIG_IMAGE_BYTES = 120_000  # above the tests' max_image_bytes


def detail(
    title: str, body: str, *, lang: str = "en", extra: str = "", charset: bool = True
) -> str:
    meta = '<meta charset="utf-8">' if charset else ""
    return (
        f'<!doctype html><html lang="{lang}"><head>{meta}<title>{title}</title></head><body>'
        f'<h1 class="title">{title}</h1><div class="description">{body}</div>{extra}</body></html>'
    )


def cards(ids: list[str], next_url: str | None = None) -> str:
    links = "".join(
        f'<div class="card"><a class="listing-link" href="{i}">x</a></div>' for i in ids
    )
    nxt = f'<a class="next" rel="next" href="{next_url}">next</a>' if next_url else ""
    return f"<html><body>{links}{nxt}</body></html>"


def html_routes(fail_list_page: bool = False) -> dict[str, tuple[int, str, bytes]]:
    seller = '<a class="seller" href="/seller/s1">Ivory &amp; Co</a>'
    pages: dict[str, tuple[int, str, str | bytes]] = {
        "/robots.txt": (200, "text/plain", "User-agent: *\nDisallow: /private/\n"),
        "/": (
            200,
            HTML,
            '<a class="category" href="/c/a">A</a><a class="category" href="/c/b">B</a>'
            '<a class="category" href="/private/">secret</a>',
        ),
        "/c/a": (
            200,
            HTML,
            cards(["/item/1", "/item/2", "/item/broken", "/item/500"], "/c/a?page=2"),
        ),
        "/c/a?page=2": (
            200,
            HTML,
            cards(
                [
                    "/item/latin",
                    "/item/utf8",
                    "/item/huge",
                    "/item/1",
                    "/item/1?ref=dup",
                    "/item/gone",
                ]
            ),
        ),
        "/c/b": (500, HTML, "oops") if fail_list_page else (200, HTML, cards(["/item/2"])),
        "/item/1": (
            200,
            HTML,
            detail(
                "Carved  ivory\n bangle",
                "<p>Old stock,<br>no papers.</p><p>Ships fast.</p><script>var x = 1;</script>",
                lang="de-AT",
                extra=f'<span class="price">1.234,50 €</span>{seller}'
                '<img class="photo" src="/img/1-1.png"><img class="photo" src="/img/1-2.png">'
                '<time class="posted" datetime="2026-11-20T10:00:00+01:00">x</time>'
                '<span class="location"> Hanoi </span>',
            ),
        ),
        "/item/2": (
            200,
            HTML,
            detail(
                "Tiger claw",
                "Real claw",
                extra='<span class="price" data-amount="1200" '
                'data-currency="USD">$1,200</span><img class="photo" src="/img/big.png">',
            ),
        ),
        "/item/broken": (
            200,
            HTML,
            '<html><h1 class="title">Broken <b>page<div class="description">'
            "text <p>more <table><td>cell",
        ),
        "/item/500": (500, HTML, "server error"),
        "/item/latin": (
            200,
            HTML,
            detail("Café crème", "naïve señor ¥3000", charset=False).encode("latin-1"),
        ),
        "/item/utf8": (200, HTML, detail("象牙 ngà voi", "Bán ngà voi, café", charset=False)),
        "/item/huge": (200, HTML, detail("Huge", "x" * HUGE_BYTES)),
        "/item/4": (200, HTML, detail("Seller-only item", "found via seller page")),
        "/seller/s1": (200, HTML, cards(["/item/1", "/item/4"])),
        "/private/": (200, HTML, cards(["/private/item/p1"])),
        "/private/item/p1": (200, HTML, detail("PRIVATE", "must never be crawled")),
        "/img/1-1.png": (200, "image/png", PNG + b"1"),
        "/img/1-2.png": (200, "image/png", PNG + b"2"),
        "/img/big.png": (200, "image/png", PNG + b"x" * BIG_IMAGE_BYTES),
    }
    return {k: (s, t, b.encode() if isinstance(b, str) else b) for k, (s, t, b) in pages.items()}


def api_routes() -> dict[str, tuple[int, str, bytes]]:
    def item(i: str, **extra: object) -> dict[str, object]:
        base = {
            "id": i,
            "title": f"Item {i}",
            "description": "<b>Pangolin</b> scales",
            "price": {"amount": 12.5, "currency": "EUR"},
            "seller": {"id": "u9", "name": "Seller"},
            "images": [f"/media/{i}-1.png"],
            "lang": "es",
            "created_at": "2026-11-20T10:00:00Z",
            "url": f"/listing/{i}",
            "location": "Lima",
        }
        return {**base, **extra}

    page1 = {"items": [item("a1"), item("a2", price=None), {"title": "no id"}], "next_cursor": "c2"}
    page2 = {"items": [item("a2"), item("a3", url=None)], "next_cursor": None}
    return {
        "/robots.txt": (200, "text/plain", b"User-agent: *\nDisallow: /api/internal/\n"),
        "/api/v1/search?limit=2": (200, "application/json", json.dumps(page1).encode()),
        "/api/v1/search?limit=2&cursor=c2": (200, "application/json", json.dumps(page2).encode()),
        **{f"/media/{i}-1.png": (200, "image/png", PNG + i.encode()) for i in ("a1", "a2", "a3")},
    }


def feed_routes(base: str) -> dict[str, tuple[int, str, bytes]]:
    def rss(items: str, next_page: int | None) -> bytes:
        nxt = (
            f'<atom:link rel="next" href="{base}/feed.xml?page={next_page}"/>' if next_page else ""
        )
        return (
            '<?xml version="1.0" encoding="utf-8"?><rss version="2.0" '
            'xmlns:atom="http://www.w3.org/2005/Atom"><channel><title>wf</title>'
            f"{nxt}{items}</channel></rss>"
        ).encode()

    def post(n: int) -> str:
        return (
            f'<item><guid isPermaLink="false">post-{n}</guid><title>Post {n}</title>'
            f"<link>{base}/post/{n}</link><description>&lt;p&gt;Selling &lt;b&gt;rhino&lt;/b&gt; "
            f"horn &amp;amp; more {n}&lt;/p&gt;</description><author>@trader{n}</author>"
            "<pubDate>Fri, 20 Nov 2026 10:00:00 +0000</pubDate><category>#rhino</category>"
            f'<enclosure url="{base}/pic/{n}-1.png" type="image/png"/></item>'
        )

    return {
        "/robots.txt": (200, "text/plain", b"User-agent: *\nDisallow: /drafts/\n"),
        "/feed.xml?page=1": (200, "application/rss+xml", rss(post(1) + post(2), 2)),
        "/feed.xml?page=2": (200, "application/rss+xml", rss(post(2) + post(3), None)),
        **{f"/pic/{n}-1.png": (200, "image/png", PNG + bytes([n])) for n in (1, 2, 3)},
    }


@dataclass
class FixtureSite:
    """Serve ``routes`` (path+query → status, content type, body) until ``stop``."""

    routes: dict[str, tuple[int, str, bytes]] = field(default_factory=dict)
    requests: list[str] = field(default_factory=list)
    slow: dict[str, float] = field(default_factory=dict)  # path → seconds to stall first
    user_agents: set[str] = field(default_factory=set)
    base: str = ""  # http://127.0.0.1:<port> once started

    def start(self) -> str:
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                site.requests.append(self.path)
                site.user_agents.add(self.headers.get("User-Agent", ""))
                time.sleep(site.slow.get(self.path, 0.0))
                status, ctype, body = site.routes.get(self.path, (404, HTML, b"not found"))
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        return self.base

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
