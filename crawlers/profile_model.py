"""The site-profile record: what ``crawlers/sources/*.toml`` files become once validated.

Plain frozen dataclasses, no parsing (that is ``crawlers.profiles``). The spider, the
settings builder and the composition root read these; only ``Profile.with_base_url``
changes one, returning a copy aimed at another host.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import regex as rx

SHIPPED_DIR = Path(__file__).with_name("sources")
KINDS = ("html", "json", "feed")
ITEM_KINDS = ("listing", "post")
FIELD_NAMES = (
    "listing_id", "url", "title", "text", "price", "price_amount", "price_currency",
    "seller_id", "seller_name", "seller_url", "images", "posted_at", "location", "lang", "tags",
)  # fmt: skip
TOP_KEYS = {
    "name", "kind", "base_url", "start_urls", "lang_hint", "region_hint", "item_kind",
    "max_pages", "schedule", "politeness", "html", "json", "feed", "fields", "egress",
}  # fmt: skip


class ProfileError(ValueError):
    """A profile is malformed; the message names the file and the key."""

    def __init__(self, path: Path | str, key: str, problem: str) -> None:
        self.path, self.key, self.problem = str(path), key, problem
        super().__init__(f"{path}: [{key}] {problem}")


@dataclass(frozen=True)
class FieldSpec:
    """How to read one field: a selector (CSS/``xpath:``, dotted path, or XPath) + optional regex
    whose first group (or whole match) is kept."""

    select: str
    regex: rx.Pattern[str] | None = None


@dataclass(frozen=True)
class HtmlSpec:
    follow: tuple[str, ...] = ()  # link selectors of list/pagination/seller pages
    detail_links: str = ""  # link selector of detail pages
    detail_id_regex: rx.Pattern[str] = rx.compile(r"(.+)")  # on the URL path(+query)


@dataclass(frozen=True)
class JsonSpec:
    items_path: str = "items"
    next_cursor_path: str = ""
    cursor_param: str = "cursor"
    url_template: str = ""  # e.g. "/listing/{listing_id}" when items carry no url


@dataclass(frozen=True)
class FeedSpec:
    items: str = "//item"
    next: str = ""
    namespaces: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class EgressSpec:
    """``[egress]``: extra hosts pages may use, an image CDN list, private addresses on/off
    (see ``crawlers.egress``)."""

    hosts: tuple[str, ...] = ()
    image_hosts: tuple[str, ...] = ()
    allow_private: bool = False


@dataclass(frozen=True)
class Profile:
    name: str
    kind: str
    base_url: str
    start_urls: tuple[str, ...]
    fields: dict[str, FieldSpec]
    path: str = ""
    lang_hint: str | None = None
    region_hint: str | None = None
    item_kind: str = "listing"
    interval_minutes: float | None = None
    cron: str | None = None
    concurrency: int | None = None
    delay: float | None = None
    max_pages: int | None = None
    html: HtmlSpec = field(default_factory=HtmlSpec)
    json: JsonSpec = field(default_factory=JsonSpec)
    feed: FeedSpec = field(default_factory=FeedSpec)
    egress: EgressSpec = field(default_factory=EgressSpec)

    def absolute(self, url: str) -> str:
        """Resolve ``url`` (maybe relative) against ``base_url``."""
        return urljoin(self.base_url.rstrip("/") + "/", url) if url else self.base_url

    def start_requests_urls(self) -> list[str]:
        return [self.absolute(u) for u in self.start_urls]

    def with_base_url(self, base_url: str | None) -> Profile:
        """The same profile aimed at another host (tests, demo sites on other ports)."""
        if not base_url:
            return self
        check_base_url(self.path, base_url)
        return replace(self, base_url=base_url.rstrip("/"))


def check_base_url(path: str, url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ProfileError(path, "base_url", f"must be an http(s) URL with a host, not {url!r}")
