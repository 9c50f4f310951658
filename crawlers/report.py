"""What went wrong (and what was learnt) during one crawl, for the summary JSON.

The decisive bit is ``list_failures``: a list, pagination, API or feed page that could
not be fetched or parsed means some listings may not have been seen, so the crawl is
``complete = False`` and must never cause "unseen → removed" decisions.

Removal needs positive evidence. A detail page answering 404/410 is in ``gone_ids``:
removed by the site. Every other listing id the crawl learnt of (from a link, or an
API/feed item that named its id) but did not turn into a record is ``unfetched_ids``,
whatever the reason — an error, a redirect refused or looping, a gzip bomb, robots.txt,
an image in place of the page, a field that broke: "could not read it" is never "gone".
That is computed as *requested − emitted − gone*, so no failure path can forget it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

MAX_SAMPLES = 50
MAX_ERROR_CHARS = 300

ROLE_LIST = "list"  # start, category, pagination, seller, API and feed pages
ROLE_DETAIL = "detail"
ROLE_IMAGE = "image"


@dataclass
class CrawlReport:
    errors: int = 0
    list_failures: int = 0
    pages: int = 0
    images: int = 0
    ignored: int = 0  # robots.txt or off-site: skipped on purpose, not an error
    duplicates: int = 0  # records repeated across API/feed pages, kept once
    error_samples: list[dict[str, str]] = field(default_factory=list)
    gone_ids: set[str] = field(default_factory=set)
    unfetched_ids: set[str] = field(default_factory=set)
    requested_ids: set[str] = field(default_factory=set)  # ids we tried to read
    emitted_ids: set[str] = field(default_factory=set)  # ids that became records

    def error(self, url: str, error: str, role: str | None, listing_id: str | None = None) -> None:
        self.errors += 1
        if role == ROLE_LIST:
            self.list_failures += 1
        if role == ROLE_DETAIL and listing_id:
            self.unfetched_ids.add(listing_id)
        if len(self.error_samples) < MAX_SAMPLES:
            self.error_samples.append({"url": url[:2000], "error": error[:MAX_ERROR_CHARS]})

    def unfetched(self) -> set[str]:
        """Ids known to exist that yielded no record and no 404/410: never "removed"."""
        return (self.unfetched_ids | self.requested_ids) - self.emitted_ids - self.gone_ids

    def summary(self, *, finish_reason: str, items: int, duplicates: int) -> dict[str, Any]:
        return {
            "finish_reason": finish_reason,
            "items": items,
            "pages": self.pages,
            "images": self.images,
            "errors": self.errors,
            "error_samples": list(self.error_samples),
            "list_failures": self.list_failures,
            "ignored_requests": self.ignored,
            "duplicates": duplicates + self.duplicates,
            "gone_ids": sorted(self.gone_ids),
            "unfetched_ids": sorted(self.unfetched()),
            "complete": finish_reason == "finished" and self.list_failures == 0,
        }


def cap_fields(cap: int, capped: bool, dropped: int | None) -> dict[str, Any]:
    """The page-cap part of a summary (both modes): the cap, whether it cut the crawl,
    and (distributed only: one process's Scrapy discards its queue) the requests dropped."""
    out: dict[str, Any] = {"page_cap": cap, "capped": capped}
    if dropped is not None:
        out["dropped_over_cap"] = dropped
    return out


def failed_summary(source: str, reason: str, error: str, started_at: str = "") -> dict[str, Any]:
    """The summary of a crawl that never ran properly (bad profile, crash): never complete."""
    return {
        "source": source,
        "started_at": started_at,
        "finished_at": "",
        "finish_reason": reason,
        "items": 0,
        "pages": 0,
        "errors": 1,
        "error_samples": [{"url": "", "error": error[:MAX_ERROR_CHARS]}],
        "complete": False,
    }
