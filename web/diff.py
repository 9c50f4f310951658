"""A side-by-side diff of two captured versions of a listing, as rows of plain text.

Rows are ``(tag, left, right)`` with ``tag`` one of ``same``, ``changed``, ``removed``,
``added``; the template escapes both sides (they are scraped text). The compared text is
what the content hash covers, one field per line group, so a changed price or image list
shows up, not only a changed description.
"""

from __future__ import annotations

from difflib import SequenceMatcher

from crawlers.base import Listing

MAX_LINES = 400


def _lines(listing: Listing) -> list[str]:
    price = "" if listing.price is None else f"{listing.price:g} {listing.currency or ''}"
    head = [
        f"title: {listing.title}",
        f"price: {price.strip()}",
        f"seller: {listing.seller_id or ''} {listing.seller_name or ''}".rstrip(),
        f"posted: {listing.posted_at or ''}",
        f"location: {listing.location or ''}",
    ]
    images = [f"image: {url}" for url in listing.images]
    return (head + listing.text.splitlines() + images)[:MAX_LINES]


def side_by_side(old: Listing, new: Listing) -> list[tuple[str, str, str]]:
    a, b = _lines(old), _lines(new)
    rows: list[tuple[str, str, str]] = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            rows += [
                ("same", a[i], b[j]) for i, j in zip(range(i1, i2), range(j1, j2), strict=True)
            ]
            continue
        left, right = a[i1:i2], b[j1:j2]
        for k in range(max(len(left), len(right))):
            l_text = left[k] if k < len(left) else ""
            r_text = right[k] if k < len(right) else ""
            tag = "changed" if l_text and r_text else ("removed" if l_text else "added")
            rows.append((tag, l_text, r_text))
    return rows
