"""bazaar: the demo HTML marketplace (categories, paginated cards, detail pages).

Routes (see the demo contract): ``/robots.txt``, ``/``, ``/c/<slug>?page=N`` (12 cards a
page, newest first, ``a.next[rel=next]`` while more remain), ``/item/<id>``,
``/seller/<sid>``, ``/img/<id>-<n>.png`` and the robots-disallowed ``/private/`` area
(``/private/item/<id>``) that only a crawler ignoring robots.txt would reach.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cached_property

from wildtrace.demo.corpus import private_items
from wildtrace.demo.epochs import Snapshot
from wildtrace.demo.images import render_png
from wildtrace.demo.model import CATEGORIES, DemoItem
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
)

PER_PAGE = 12
ROBOTS = "User-agent: *\nDisallow: /private/\n"
_IMAGE = re.compile(r"^/img/(p?\d+)-(\d+)\.png$")


def card(item: DemoItem, href: str) -> str:
    thumb = item.image_paths()[0] if item.n_images else ""
    img = f'<img class="thumb" src="{esc(thumb)}" alt="">' if thumb else ""
    return (
        f'<li class="card">{img}<a class="listing-link" href="{esc(href)}">{esc(item.title)}</a>'
        f' <span class="card-price">{esc(item.price_text)}</span></li>'
    )


def detail(item: DemoItem, crumb: str) -> Response:
    amount = f"{item.price:.2f}" if item.price is not None else ""
    photos = "".join(f'<img class="photo" src="{esc(p)}" alt="photo">' for p in item.image_paths())
    body = (
        f'<nav><a href="/">Bazaar</a> &rsaquo; {crumb}</nav>\n'
        f'<article class="listing" data-id="{esc(item.listing_id)}">\n'
        f'<h1 class="title">{esc(item.title)}</h1>\n'
        f'<span class="price" data-amount="{amount}" data-currency="{esc(item.currency or "")}">'
        f"{esc(item.price_text)}</span>\n"
        f'<div class="description">{paragraphs(item.text)}</div>\n'
        f'<p>Seller: <a class="seller" href="/seller/{esc(item.seller_id)}">'
        f"{esc(item.seller_name)}</a>"
        f' &middot; <span class="location">{esc(item.location)}</span>'
        f' &middot; <time class="posted" datetime="{esc(item.created_at)}">'
        f"{esc(item.created_at[:10])}</time></p>\n"
        f'<div class="photos">{photos}</div>\n</article>'
    )
    return html_page(item.title, body, lang=item.lang)


class Bazaar:
    name = "bazaar"

    def __init__(self, current: Callable[[], Snapshot]) -> None:
        self._current = current

    @cached_property
    def _private(self) -> dict[str, DemoItem]:
        return {item.listing_id: item for item in private_items()}

    def respond(self, path: str, query: Query, base_url: str) -> Response:
        snap = self._current()
        if path == "/robots.txt":
            return text(ROBOTS)
        if path == "/":
            return self._home(snap)
        if path.startswith("/c/"):
            return self._category(snap, path[3:], query)
        if path.startswith("/item/"):
            item = snap.get("bazaar", path[6:])
            return detail(item, self._crumb(item)) if item else not_found()
        if path.startswith("/seller/"):
            return self._seller(snap, path[8:])
        if path.startswith("/img/"):
            return self._image(snap, path)
        if path in ("/private", "/private/"):
            return self._private_index()
        if path.startswith("/private/item/"):
            item = self._private.get(path[14:])
            return detail(item, '<a href="/private/">Members</a>') if item else not_found()
        return not_found()

    @staticmethod
    def _crumb(item: DemoItem) -> str:
        slug = item.category or ""
        return f'<a href="/c/{esc(slug)}">{esc(CATEGORIES.get(slug, slug))}</a>'

    def _home(self, snap: Snapshot) -> Response:
        counts = {slug: 0 for slug in CATEGORIES}
        for item in snap.items["bazaar"]:
            counts[item.category or ""] = counts.get(item.category or "", 0) + 1
        links = "".join(
            f'<li><a class="category" href="/c/{slug}">{esc(name)}</a> ({counts[slug]})</li>'
            for slug, name in CATEGORIES.items()
        )
        body = (
            "<h1>Bazaar - buy and sell anything</h1>\n"
            f'<ul class="categories">{links}</ul>\n'
            '<p><a href="/private/">Members-only listings</a></p>'
        )
        return html_page("Bazaar", body)

    def _category(self, snap: Snapshot, slug: str, query: Query) -> Response:
        if slug not in CATEGORIES:
            return not_found()
        page = page_number(query)
        if page is None:
            return bad_request("page must be a positive integer")
        items = [i for i in reversed(snap.items["bazaar"]) if i.category == slug]
        chunk = items[(page - 1) * PER_PAGE : page * PER_PAGE]
        if page > 1 and not chunk:
            return not_found()
        cards = "".join(card(i, f"/item/{i.listing_id}") for i in chunk)
        nav = ""
        if page > 1:
            nav += f'<a class="prev" rel="prev" href="/c/{slug}?page={page - 1}">Previous</a> '
        if page * PER_PAGE < len(items):
            nav += f'<a class="next" rel="next" href="/c/{slug}?page={page + 1}">Next</a>'
        body = (
            f"<h1>{esc(CATEGORIES[slug])}</h1>\n<p>{len(items)} listings, page {page}</p>\n"
            f'<ul class="cards">{cards}</ul>\n<nav class="pagination">{nav}</nav>'
        )
        return html_page(f"{CATEGORIES[slug]} - page {page}", body)

    def _seller(self, snap: Snapshot, seller_id: str) -> Response:
        items = [i for i in reversed(snap.items["bazaar"]) if i.seller_id == seller_id]
        if not items:
            return not_found()
        cards = "".join(card(i, f"/item/{i.listing_id}") for i in items)
        body = (
            f'<h1 class="seller-name">{esc(items[0].seller_name)}</h1>\n'
            f'<p>{len(items)} active listings</p>\n<ul class="cards">{cards}</ul>'
        )
        return html_page(items[0].seller_name, body)

    def _private_index(self) -> Response:
        cards = "".join(card(i, f"/private/item/{i.listing_id}") for i in self._private.values())
        return html_page(
            "Members", f'<h1>Members-only listings</h1>\n<ul class="cards">{cards}</ul>'
        )

    def _image(self, snap: Snapshot, path: str) -> Response:
        match = _IMAGE.match(path)
        if not match:
            return not_found()
        listing_id, n = match.group(1), int(match.group(2))
        item = self._private.get(listing_id) or snap.get("bazaar", listing_id)
        if item is None or not 1 <= n <= item.n_images:
            return not_found()
        return png(render_png(item.image_kind, f"bazaar:{listing_id}:{n}"))
