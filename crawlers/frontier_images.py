"""Image requests of a frontier worker stay with the worker that made them.

Why: the capture spider emits a listing only once its images are fetched. Until then the
listing waits in the spider's ``ImageFetcher`` — in this process's memory — and one image
response completes every listing waiting for that URL. Sent to the shared frontier, an
image request would be answered by a worker that holds no such listing, and the listing
would never be stored (it was: 40 % of the demo's listings with three workers).

So a frontier worker fetches image requests itself (``wt_child`` requests, never in Redis),
and the message whose callback left listings waiting is acknowledged only when every one
of them has been emitted and stored (``ImageChildren``). Until then the message stays held
and kept alive; if the worker dies, it is redelivered, the page fetched again with its
images, and the idempotent store keeps nothing twice.
"""

from __future__ import annotations

from typing import Any

from scrapy import Spider
from scrapy.http import Request

from crawlers.report import ROLE_IMAGE

CHILD = "wt_child"  # request meta: the crawl id of a worker-local image request


def is_image(request: Request) -> bool:
    return request.meta.get("role") == ROLE_IMAGE


def _waiting(spider: Spider | None) -> list[object]:
    """The records the spider holds until their images are answered."""
    fetcher = getattr(spider, "images", None)
    in_flight: dict[str, list[Any]] = getattr(fetcher, "in_flight", None) or {}
    return [record for records in in_flight.values() for record in records]


def fresh_crawl(spider: Spider | None, current: str, crawl_id: str) -> str:
    """When a long-lived worker meets a new crawl of its source (``crawl_id`` is not
    ``current``): forget the last crawl's listing ids (else a re-crawl's listings would be
    dropped as duplicates here, never stored, and then called removed) and its image
    book-keeping (cap, URL → hash). Returns the crawl now current."""
    if crawl_id == current:
        return current
    for name in ("seen_ids", "detail_urls"):
        getattr(spider, name, set()).clear()
    fetcher = getattr(spider, "images", None)
    if fetcher is not None and not getattr(fetcher, "in_flight", None):
        setattr(spider, "images", type(fetcher)(fetcher.max_images))  # noqa: B010
    return crawl_id


class ImageChildren:
    """Which held message left which listings waiting for images (see the module)."""

    def __init__(self) -> None:
        # id → (message id, record): the record is kept so that its id is not reused.
        self._owner: dict[int, tuple[str, object]] = {}
        self._waiting: dict[str, set[int]] = {}

    def claim(self, msg_id: str, spider: Spider | None) -> bool:
        """After ``msg_id``'s callback: adopt the records it left waiting; whether any."""
        mine = set()
        for record in _waiting(spider):
            if id(record) not in self._owner:
                self._owner[id(record)] = (msg_id, record)
                mine.add(id(record))
        if mine:
            self._waiting[msg_id] = mine
        return bool(mine)

    def holds(self, msg_id: str) -> bool:
        return msg_id in self._waiting

    def settled(self, spider: Spider | None) -> list[str]:
        """The messages none of whose records wait any more (to acknowledge now)."""
        live = {id(record) for record in _waiting(spider)}
        done = []
        for msg_id, ids in list(self._waiting.items()):
            ids &= live
            if not ids:
                done.append(msg_id)
                del self._waiting[msg_id]
        for key in [k for k in self._owner if k not in live]:
            del self._owner[key]
        return done

    def release_all(self) -> list[str]:
        """Forget every waiting message (storing failed: they are to be redelivered)."""
        released = list(self._waiting)
        self._waiting.clear()
        self._owner.clear()
        return released
