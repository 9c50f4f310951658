"""tradepost: the demo marketplace with a JSON search API.

``GET /api/v1/search?limit=N&cursor=C`` pages through every live item in id order
(keyset pagination: the opaque cursor encodes the last id served, so removals and new
items between calls never make a page skip or repeat an item). ``limit`` defaults to
25 and is capped at 50; an optional ``q`` filters by case-insensitive substring of the
title or description. ``/listing/<id>`` is the human page (evidence), ``/media/...``
the images, ``/api/internal/...`` a robots-disallowed endpoint exposing seller contacts.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable
from typing import Any

from wildtrace.demo.epochs import Snapshot
from wildtrace.demo.images import render_png
from wildtrace.demo.model import DemoItem
from wildtrace.demo.web import (
    Query,
    Response,
    esc,
    html_page,
    json_response,
    not_found,
    paragraphs,
    png,
    text,
)

DEFAULT_LIMIT = 25
MAX_LIMIT = 50
ROBOTS = "User-agent: *\nDisallow: /api/internal/\n"
_IMAGE = re.compile(r"^/media/(tp\d+)-(\d+)\.png$")


def encode_cursor(num: int) -> str:
    return base64.urlsafe_b64encode(f"v1:after:{num}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int | None:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    prefix, _, num = raw.rpartition(":")
    return int(num) if prefix == "v1:after" and num.isdigit() else None


def item_json(item: DemoItem) -> dict[str, Any]:
    return {
        "id": item.listing_id,
        "title": item.title,
        "description": item.text,
        "price": {"amount": item.price, "currency": item.currency},
        "seller": {"id": item.seller_id, "name": item.seller_name},
        "images": item.image_paths(),
        "lang": item.lang,
        "created_at": item.created_at,
        "url": f"/listing/{item.listing_id}",
        "location": item.location,
    }


class Tradepost:
    name = "tradepost"

    def __init__(self, current: Callable[[], Snapshot]) -> None:
        self._current = current

    def respond(self, path: str, query: Query, base_url: str) -> Response:
        snap = self._current()
        if path == "/robots.txt":
            return text(ROBOTS)
        if path == "/":
            return html_page(
                "Tradepost",
                "<h1>Tradepost</h1><p>Search API: "
                "<code>/api/v1/search?limit=25&amp;cursor=...</code></p>",
            )
        if path == "/api/v1/search":
            return self._search(snap, query)
        if path.startswith("/listing/"):
            item = snap.get("tradepost", path[9:])
            return self._listing(item) if item else not_found()
        if path.startswith("/media/"):
            return self._image(snap, path)
        if path.startswith("/api/internal/"):
            return self._internal(snap)
        return not_found()

    def _search(self, snap: Snapshot, query: Query) -> Response:
        raw_limit = query.get("limit", [str(DEFAULT_LIMIT)])[0]
        if not raw_limit.isdigit() or int(raw_limit) < 1:
            return json_response({"error": "limit must be a positive integer"}, 400)
        limit = min(int(raw_limit), MAX_LIMIT)
        after = -1
        if query.get("cursor", [""])[0]:
            decoded = decode_cursor(query["cursor"][0])
            if decoded is None:
                return json_response({"error": "invalid cursor"}, 400)
            after = decoded
        needle = query.get("q", [""])[0].casefold()
        matches = [
            i
            for i in snap.items["tradepost"]
            if i.num > after and (not needle or needle in (i.title + "\n" + i.text).casefold())
        ]
        page = matches[:limit]
        next_cursor = encode_cursor(page[-1].num) if len(matches) > limit else None
        return json_response({"items": [item_json(i) for i in page], "next_cursor": next_cursor})

    @staticmethod
    def _listing(item: DemoItem) -> Response:
        photos = "".join(
            f'<img class="photo" src="{esc(p)}" alt="photo">' for p in item.image_paths()
        )
        body = (
            f'<h1 class="title">{esc(item.title)}</h1>\n'
            f'<p class="price" data-amount="{item.price if item.price is not None else ""}"'
            f' data-currency="{esc(item.currency or "")}">{esc(item.price_text)}</p>\n'
            f'<div class="description">{paragraphs(item.text)}</div>\n'
            f'<p class="seller" data-id="{esc(item.seller_id)}">{esc(item.seller_name)}</p>\n'
            f'<p class="location">{esc(item.location)}</p>\n'
            f'<time datetime="{esc(item.created_at)}">{esc(item.created_at)}</time>\n{photos}'
        )
        return html_page(item.title, body, lang=item.lang)

    @staticmethod
    def _image(snap: Snapshot, path: str) -> Response:
        match = _IMAGE.match(path)
        item = snap.get("tradepost", match.group(1)) if match else None
        if match is None or item is None or not 1 <= int(match.group(2)) <= item.n_images:
            return not_found()
        return png(render_png(item.image_kind, f"tradepost:{item.listing_id}:{match.group(2)}"))

    @staticmethod
    def _internal(snap: Snapshot) -> Response:
        sellers = {i.seller_id: i.seller_name for i in snap.items["tradepost"]}
        return json_response(
            {
                "sellers": [{"id": k, "name": v} for k, v in sorted(sellers.items())],
                "internal": True,
            }
        )
