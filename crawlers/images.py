"""Listing images fetched concurrently through Scrapy's scheduler, kept as evidence.

A record with images waits (``PendingRecord``) until each of its image requests has
answered or failed; then its page evidence (whose sidecar names the image hashes) is
stored and the record emitted. All of a record's images are requested at once, as
ordinary requests: they share the downloader's per-site concurrency, delays,
AutoThrottle, robots.txt and the egress middleware with every other request, instead of
the one-after-another chain in request metadata they replaced (issue 10).

Caps are applied *before* fetching: at most ``MAX_IMAGES`` per record (the ``Listing``
cap), only URLs the egress policy allows, at most ``max_images`` image requests per
crawl (a cap of its own, so images never count against ``max_pages``). An image URL
already fetched in this crawl is not fetched again, and one in flight is shared by every
record that names it. Stored images are write-once and content-addressed as before.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from crawlers.base import MAX_IMAGES


@dataclass
class PendingRecord:
    """A record waiting for its images."""

    item: dict[str, Any]
    body: bytes
    meta: dict[str, Any]
    urls: list[str] = field(default_factory=list)  # the images asked for, in order
    shas: dict[str, str] = field(default_factory=dict)  # url → sha256 once stored
    waiting: int = 0

    def images_done(self) -> list[dict[str, str]]:
        return [{"url": u, "sha256": self.shas[u]} for u in self.urls if u in self.shas]


class ImageFetcher:
    """Book-keeping of image requests: which to send, which records they complete."""

    def __init__(self, max_images: int) -> None:
        self.max_images = max_images
        self.requested = 0
        self.capped = 0  # image URLs not fetched because the crawl's image cap was reached
        self.stored: dict[str, str | None] = {}  # url → sha256 (None: failed) once answered
        self.in_flight: dict[str, list[PendingRecord]] = {}

    def plan(self, pending: PendingRecord, allowed: list[str]) -> list[str]:
        """Register ``pending``; return the image URLs to request now (in order)."""
        to_request: list[str] = []
        for url in allowed[:MAX_IMAGES]:
            pending.urls.append(url)
            if url in self.stored:
                sha = self.stored[url]
                if sha:
                    pending.shas[url] = sha
            elif url in self.in_flight:
                self.in_flight[url].append(pending)
                pending.waiting += 1
            elif self.requested >= self.max_images:
                self.capped += 1
            else:
                self.requested += 1
                self.in_flight[url] = [pending]
                pending.waiting += 1
                to_request.append(url)
        return to_request

    def answered(self, url: str, sha: str | None) -> list[PendingRecord]:
        """Image ``url`` stored as ``sha`` (``None``: failed); the records now complete."""
        self.stored[url] = sha
        ready = []
        for pending in self.in_flight.pop(url, []):
            if sha:
                pending.shas[url] = sha
            pending.waiting -= 1
            if pending.waiting == 0:
                ready.append(pending)
        return ready
