"""wildfeed: a social network's public posts as paginated RSS 2.0.

``/feed.xml?page=N`` serves 20 posts a page, newest first, with absolute links built
from the request's Host and a channel-level ``<atom:link rel="next">`` while more pages
remain. Each ``<description>`` is the post as HTML, XML-escaped (so it reads as
"escaped HTML", as real feeds do). ``/post/<n>`` is the post's page, ``/pic/...`` the
images, ``/drafts/`` a robots-disallowed area.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from email.utils import format_datetime
from xml.sax.saxutils import escape, quoteattr

from wildtrace.demo.corpus import private_items
from wildtrace.demo.epochs import Snapshot
from wildtrace.demo.images import render_png
from wildtrace.demo.model import DemoItem
from wildtrace.demo.web import (
    Query,
    Response,
    bad_request,
    esc,
    html_page,
    not_found,
    page_number,
    paragraphs,
    png,
    text,
    xml_response,
)

PER_PAGE = 20
ROBOTS = "User-agent: *\nDisallow: /drafts/\n"
_IMAGE = re.compile(r"^/pic/(\d+)-(\d+)\.png$")


def rfc822(iso: str) -> str:
    return format_datetime(datetime.fromisoformat(iso.replace("Z", "+00:00")), usegmt=True)


def image_bytes(item: DemoItem, n: int) -> bytes:
    return render_png(item.image_kind, f"wildfeed:{item.listing_id}:{n}")


def rss_item(item: DemoItem, base: str) -> str:
    link = f"{base}/post/{item.num}"
    parts = [
        "<item>",
        f'<guid isPermaLink="false">{escape(item.listing_id)}</guid>',
        f"<title>{escape(item.title)}</title>",
        f"<link>{escape(link)}</link>",
        f"<description>{escape(paragraphs(item.text))}</description>",
        f"<author>{escape(item.seller_id)}</author>",
        f"<pubDate>{rfc822(item.created_at)}</pubDate>",
    ]
    parts += [f"<category>{escape(tag)}</category>" for tag in item.tags]
    for n, path in enumerate(item.image_paths(), start=1):
        length = len(image_bytes(item, n))
        parts.append(
            f'<enclosure url={quoteattr(base + path)} length="{length}" type="image/png"/>'
        )
    parts.append("</item>")
    return "".join(parts)


class Wildfeed:
    name = "wildfeed"

    def __init__(self, current: Callable[[], Snapshot]) -> None:
        self._current = current

    def respond(self, path: str, query: Query, base_url: str) -> Response:
        snap = self._current()
        if path == "/robots.txt":
            return text(ROBOTS)
        if path == "/":
            return html_page(
                "wildfeed", '<h1>wildfeed</h1><p><a href="/feed.xml">Public posts (RSS)</a></p>'
            )
        if path == "/feed.xml":
            return self._feed(snap, query, base_url)
        if path.startswith("/post/"):
            item = snap.get("wildfeed", "post-" + path[6:]) if path[6:].isdigit() else None
            return self._post(item) if item else not_found()
        if path.startswith("/pic/"):
            return self._image(snap, path)
        if path in ("/drafts", "/drafts/"):
            return self._drafts()
        return not_found()

    def _feed(self, snap: Snapshot, query: Query, base: str) -> Response:
        page = page_number(query)
        if page is None:
            return bad_request("page must be a positive integer")
        posts = list(reversed(snap.items["wildfeed"]))
        chunk = posts[(page - 1) * PER_PAGE : page * PER_PAGE]
        if page > 1 and not chunk:
            return not_found()
        links = f'<atom:link rel="self" href={quoteattr(f"{base}/feed.xml?page={page}")}/>'
        if page * PER_PAGE < len(posts):
            links += f'<atom:link rel="next" href={quoteattr(f"{base}/feed.xml?page={page + 1}")}/>'
        body = (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel>'
            f"<title>wildfeed public posts</title><link>{escape(base)}/</link>"
            f"<description>Public posts, page {page}</description>{links}"
            + "".join(rss_item(item, base) for item in chunk)
            + "</channel></rss>\n"
        )
        return xml_response(body)

    @staticmethod
    def _post(item: DemoItem) -> Response:
        photos = "".join(
            f'<img class="photo" src="{esc(p)}" alt="photo">' for p in item.image_paths()
        )
        tags = " ".join(f'<span class="tag">{esc(t)}</span>' for t in item.tags)
        body = (
            f'<article class="post" data-guid="{esc(item.listing_id)}">\n'
            f'<h1 class="title">{esc(item.title)}</h1>\n'
            f'<span class="author">{esc(item.seller_id)}</span>'
            f' <span class="name">{esc(item.seller_name)}</span>\n'
            f'<time class="posted" datetime="{esc(item.created_at)}">'
            f"{esc(item.created_at)}</time>\n"
            f'<div class="post-text">{paragraphs(item.text)}</div>\n'
            f"<p>{tags}</p>\n{photos}\n</article>"
        )
        return html_page(item.title, body, lang=item.lang)

    @staticmethod
    def _image(snap: Snapshot, path: str) -> Response:
        match = _IMAGE.match(path)
        item = snap.get("wildfeed", f"post-{match.group(1)}") if match else None
        if match is None or item is None or not 1 <= int(match.group(2)) <= item.n_images:
            return not_found()
        return png(image_bytes(item, int(match.group(2))))

    @staticmethod
    def _drafts() -> Response:
        drafts = "".join(f"<li>{esc(i.title)}: {esc(i.text)}</li>" for i in private_items()[:3])
        return html_page("Drafts", f"<h1>Drafts (not published)</h1><ul>{drafts}</ul>")
