"""Builders for the web app tests: listings whose detections point at real text spans,
hostile listings, and a store filled the way the pipeline fills it."""

from __future__ import annotations

import re
from typing import Any

from factories import make_listing

from alerts.base import Alert
from alerts.rules import ThresholdRule, apply_rules
from classifiers.base import LABEL_CLEAN, LABEL_WILDLIFE, Detection, Reason, TextDoc
from crawlers.base import Listing
from index.base import Store

XSS_TITLE = '<script>alert(1)</script> ivory "><img src=x onerror=alert(2)>'
XSS_TEXT = 'Genuine tusk <script>alert(3)</script> =HYPERLINK("http://evil") whatsapp me'
EVIL_URL = "javascript:alert(document.cookie)"
FETCHED = "2024-05-01T10:00:00.000000Z"


def web_listing(n: int, **overrides: Any) -> Listing:
    """Listing ``n`` of a small web-facing corpus (sources, sellers and prices vary)."""
    data: dict[str, Any] = {
        "source": "bazaar" if n % 2 else "wildfeed",
        "listing_id": f"L{n}",
        "url": f"https://bazaar.example/item/{n}",
        "title": f"carved bangle {n}",
        "text": f"old stock white material, piece {n}, no papers",
        "fetched_at": FETCHED,
        "price": 100.0 + n,
        "currency": "USD",
        "seller_id": f"seller{n % 3}",
        "images": (f"https://bazaar.example/img/{n}.jpg",),
        "evidence_sha256": f"{n:064x}",
        "seller_name": None,
        "lang_hint": None,
    }
    data.update(overrides)
    return make_listing(**data)


def web_detection(item: Listing, score: float, *, commodity: str = "ivory") -> Detection:
    """A detection whose reasons point at real spans of the listing's full text."""
    full = TextDoc(id=item.key, title=item.title, text=item.text).full_text
    reasons = []
    for word, kind, weight in (("white", "code_word", 0.4), ("tusk", "term", 0.6)):
        at = full.find(word)
        if at >= 0:
            reasons.append(Reason(kind, f"{kind}: {word}", weight, (at, at + len(word)), word))
    label = LABEL_WILDLIFE if score >= 0.5 else LABEL_CLEAN
    return Detection(
        id=item.key,
        score=score,
        label=label,
        commodity=commodity,
        species=("Loxodonta africana",),
        cites_appendix="I",
        intent="sell",
        lang="en",
        reasons=tuple(reasons),
        model="lexicon@1",
    )


def populate(store: Store, pairs: list[tuple[Listing, Detection]]) -> list[Alert]:
    """Store listings and detections, and the alerts the threshold rule makes of them."""
    store.upsert_listings([item for item, _ in pairs])
    store.put_detections([(item.content_hash, det) for item, det in pairs])
    alerts = apply_rules([ThresholdRule(0.5)], pairs)
    store.upsert_alerts(alerts)
    return alerts


def standard_pairs(count: int = 12) -> list[tuple[Listing, Detection]]:
    pairs = []
    for n in range(count):
        item = web_listing(n)
        pairs.append(
            (item, web_detection(item, 0.5 + n / 40, commodity=("ivory", "pangolin")[n % 2]))
        )
    return pairs


def hostile_listing() -> Listing:
    return web_listing(
        99,
        title=XSS_TITLE,
        text=XSS_TEXT,
        url=EVIL_URL,
        seller_id='"><b>x</b>',
        images=("javascript:alert(4)", "https://ok.example/a.jpg"),
        seller_url="data:text/html,<script>alert(5)</script>",
    )


def hrefs(html: str) -> list[str]:
    return re.findall(r'href="([^"]*)"', html)
