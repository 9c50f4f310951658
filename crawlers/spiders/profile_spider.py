"""One generic spider for every site profile: ``html``, ``json`` and ``feed`` kinds.

Flow per kind:

* ``html``: every page is scanned with the profile's ``follow`` selectors (categories,
  pagination, seller pages → more pages) and its ``detail.links`` selector (→ detail
  pages, whose URL regex gives the listing id). A detail page becomes one record.
* ``json``: each API page yields its ``items_path`` objects as records and, when
  ``next_cursor_path`` has a value, the next page with ``cursor_param`` set to it.
* ``feed``: each RSS/Atom page yields its item elements as records and follows ``next``.

Evidence: the detail page's raw body (or the API/feed item's canonical fragment) is
stored before the record is emitted; with ``download_images`` the record's images are
fetched one after another first, so the page's sidecar can name their hashes.

Hostile input: every failure is recorded with its URL in ``self.report`` (see
``crawlers.report``) and the crawl goes on. Listing ids are deduplicated within a crawl.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import scrapy
from parsel import Selector
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request, Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure
from w3lib.url import add_or_replace_parameter

from common.clock import utc_now
from crawlers.base import Listing
from crawlers.evidence import EvidenceError, EvidenceStore, header_subset
from crawlers.extract import (
    build_item,
    canonical_json,
    canonical_xml,
    feed_values,
    html_values,
    json_values,
    listing_id_from_url,
)
from crawlers.profiles import Profile
from crawlers.report import ROLE_DETAIL, ROLE_IMAGE, ROLE_LIST, CrawlReport
from crawlers.selectors import select_html, select_json


@dataclass
class Pending:
    """A record waiting for its images before its evidence is stored and it is emitted."""

    item: dict[str, Any]
    body: bytes
    meta: dict[str, Any]
    images_left: list[str]
    images_done: list[dict[str, str]] = field(default_factory=list)


class ProfileSpider(scrapy.Spider):
    name = "profile"

    def __init__(self, profile: Profile, **kwargs: Any) -> None:
        super().__init__(name=profile.name, **kwargs)
        self.profile = profile
        self.allowed_domains = [urlsplit(profile.base_url).hostname or ""]
        self.report = CrawlReport()
        self.seen_ids: set[str] = set()
        self.detail_urls: set[str] = set()
        self.image_cache: dict[str, str] = {}
        self.evidence = EvidenceStore("var/evidence")
        self.download_images = False
        self.max_image_bytes = 0

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> ProfileSpider:
        spider: ProfileSpider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        spider.evidence = EvidenceStore(settings.get("WILDTRACE_EVIDENCE_DIR", "var/evidence"))
        spider.download_images = settings.getbool("WILDTRACE_DOWNLOAD_IMAGES")
        spider.max_image_bytes = settings.getint("WILDTRACE_MAX_IMAGE_BYTES", 3_000_000)
        crawler.signals.connect(spider._on_spider_error, signal=signals.spider_error)
        return spider

    async def start(self) -> AsyncIterator[Any]:
        callback = {"html": self.parse_page, "json": self.parse_api, "feed": self.parse_feed}
        for url in self.profile.start_requests_urls():
            yield self._request(url, ROLE_LIST, callback[self.profile.kind])

    def _request(self, url: str, role: str, callback: Any, **meta: Any) -> Request:
        return Request(
            url, callback=callback, errback=self._on_error, meta={"role": role, **meta},
            dont_filter=role in (ROLE_IMAGE, ROLE_DETAIL),
        )  # fmt: skip

    # -- html ---------------------------------------------------------------------------
    def parse_page(self, response: Response) -> Iterator[Any]:
        self.report.pages += 1
        if not isinstance(response, TextResponse):
            self.report.error(response.url, "not a text page", ROLE_LIST)
            return
        yield from self._links(response)

    def _links(self, response: TextResponse) -> Iterator[Request]:
        """Detail links first, then followed links that are not detail pages.

        Detail requests skip Scrapy's URL dupefilter (ids are deduplicated here instead):
        a page first reached through a broad ``follow`` selector as a list page must still
        be fetched as a detail page when a detail link names it later."""
        for href in select_html(response.selector, self.profile.html.detail_links):
            url = response.urljoin(href)
            listing_id = listing_id_from_url(self.profile, url) if self._on_site(url) else None
            if not listing_id:
                continue
            self.detail_urls.add(url)
            if listing_id not in self.seen_ids:
                self.seen_ids.add(listing_id)
                yield self._request(url, ROLE_DETAIL, self.parse_detail, listing_id=listing_id)
        for selector in self.profile.html.follow:
            for href in select_html(response.selector, selector):
                url = response.urljoin(href)
                if urlsplit(url).scheme in ("http", "https") and url not in self.detail_urls:
                    yield self._request(url, ROLE_LIST, self.parse_page)

    def _on_site(self, url: str) -> bool:
        host = (urlsplit(url).hostname or "").lower()
        return any(host == d or host.endswith(f".{d}") for d in self.allowed_domains)

    def parse_detail(self, response: Response) -> Iterator[Any]:
        self.report.pages += 1
        listing_id = response.meta.get("listing_id")
        if not isinstance(response, TextResponse):
            self.report.error(response.url, "not a text page", ROLE_DETAIL, listing_id)
            return
        yield from self._links(response)
        try:
            item = build_item(
                self.profile, html_values(self.profile, response.selector),
                url=response.url, listing_id=listing_id,
            )  # fmt: skip
        except ValueError as exc:
            self.report.error(response.url, f"bad detail page: {exc}", ROLE_DETAIL, listing_id)
            return
        yield from self._pending(item, response.body, self._capture(response, "page"))

    # -- json ---------------------------------------------------------------------------
    def parse_api(self, response: Response) -> Iterator[Any]:
        self.report.pages += 1
        try:
            data = json.loads(response.body)
        except (ValueError, UnicodeDecodeError) as exc:
            self.report.error(response.url, f"not JSON: {exc}", ROLE_LIST)
            return
        for obj in select_json(data, self.profile.json.items_path):
            if not isinstance(obj, dict):
                self.report.error(response.url, f"API item is not an object: {obj!r}", None)
                continue
            yield from self._fragment(response, json_values(self.profile, obj), canonical_json(obj))
        cursors = (
            select_json(data, self.profile.json.next_cursor_path)
            if self.profile.json.next_cursor_path
            else []
        )
        if cursors and isinstance(cursors[0], str | int):
            url = add_or_replace_parameter(
                response.url, self.profile.json.cursor_param, str(cursors[0])
            )
            yield self._request(url, ROLE_LIST, self.parse_api)

    # -- feed ---------------------------------------------------------------------------
    def parse_feed(self, response: Response) -> Iterator[Any]:
        self.report.pages += 1
        if not isinstance(response, TextResponse):
            self.report.error(response.url, "not a text feed", ROLE_LIST)
            return
        feed = Selector(text=response.text, type="xml")
        for prefix, uri in self.profile.feed.namespaces.items():
            feed.register_namespace(prefix, uri)
        for item in feed.xpath(self.profile.feed.items):
            yield from self._fragment(
                response, feed_values(self.profile, item), canonical_xml(item)
            )
        if self.profile.feed.next:
            for href in feed.xpath(self.profile.feed.next).getall()[:1]:
                yield self._request(response.urljoin(href.strip()), ROLE_LIST, self.parse_feed)

    def _fragment(
        self, response: Response, values: dict[str, list[Any]], body: bytes
    ) -> Iterator[Any]:
        """One record carried inside an API or feed page; its fragment is the evidence."""
        try:
            item = build_item(self.profile, values, url=response.url)
        except ValueError as exc:
            self.report.error(response.url, f"bad item: {exc}", None)
            return
        if item["listing_id"] in self.seen_ids:
            self.report.duplicates += 1
            return
        self.seen_ids.add(item["listing_id"])
        meta = self._capture(response, "json-item" if self.profile.kind == "json" else "feed-item")
        meta.update(url=item["url"], fragment_of=response.url)
        yield from self._pending(item, body, meta)

    # -- evidence and images ------------------------------------------------------------
    def _capture(self, response: Response, kind: str) -> dict[str, Any]:
        headers = header_subset(dict(response.headers.items()))
        return {
            "kind": kind, "url": response.url, "fetched_at": utc_now(), "status": response.status,
            "content_type": headers.get("content-type"), "headers": headers,
            "source": self.profile.name,
        }  # fmt: skip

    def _pending(self, item: dict[str, Any], body: bytes, meta: dict[str, Any]) -> Iterator[Any]:
        meta["listing_id"] = item["listing_id"]
        images = list(item["images"]) if self.download_images else []
        yield from self._advance(Pending(item, body, meta, images))

    def _advance(self, pending: Pending) -> Iterator[Any]:
        """Fetch the next image not yet stored, or finish the record."""
        while pending.images_left:
            url = pending.images_left.pop(0)
            if url in self.image_cache:
                pending.images_done.append({"url": url, "sha256": self.image_cache[url]})
                continue
            yield self._request(
                url, ROLE_IMAGE, self.parse_image, pending=pending, allow_offsite=True,
                download_maxsize=self.max_image_bytes,
            )  # fmt: skip
            return
        yield from self._emit(pending)

    def parse_image(self, response: Response) -> Iterator[Any]:
        self.report.images += 1
        pending: Pending = response.meta["pending"]
        try:
            sha = self.evidence.put(response.body, self._capture(response, "image"))
        except (OSError, EvidenceError) as exc:
            self.report.error(response.url, f"evidence not stored: {exc}", ROLE_IMAGE)
        else:
            self.image_cache[response.url] = sha
            pending.images_done.append({"url": response.url, "sha256": sha})
        yield from self._advance(pending)

    def _emit(self, pending: Pending) -> Iterator[dict[str, Any]]:
        item = pending.item
        try:
            sha = self.evidence.put(pending.body, {**pending.meta, "images": pending.images_done})
        except (OSError, EvidenceError) as exc:  # keep the record; say the evidence is missing
            self.report.error(item["url"], f"evidence not stored: {exc}", None)
            sha = None
        item["evidence_sha256"] = sha
        item["image_sha256"] = [d["sha256"] for d in pending.images_done]
        try:
            listing = Listing.from_dict(item)
        except (ValueError, TypeError) as exc:
            self.report.error(item["url"], f"invalid record: {exc}", None)
            return
        yield {**item, **listing.to_dict()}

    # -- failures -----------------------------------------------------------------------
    def _on_error(self, failure: Failure) -> Iterator[Any]:
        request: Request = failure.request  # type: ignore[attr-defined]
        role, listing_id = request.meta.get("role"), request.meta.get("listing_id")
        if failure.check(IgnoreRequest) and not failure.check(HttpError):
            self.report.ignored += 1  # robots.txt or off-site: skipped on purpose
        elif (
            failure.check(HttpError)
            and role == ROLE_DETAIL
            and failure.value.response.status in (404, 410)
        ):
            self.report.gone_ids.add(str(listing_id))
        else:
            self.report.error(request.url, _describe(failure), role, listing_id)
            self.logger.warning("failed %s (%s): %s", request.url, role, _describe(failure))
        if role == ROLE_IMAGE:
            yield from self._advance(request.meta["pending"])

    def _on_spider_error(self, failure: Failure, response: Response, spider: scrapy.Spider) -> None:
        """A callback raised: record it with the URL; the crawl continues."""
        role = response.meta.get("role")
        self.report.error(response.url, _describe(failure), role, response.meta.get("listing_id"))


def _describe(failure: Failure) -> str:
    if failure.check(HttpError):
        return f"HTTP {failure.value.response.status}"
    return f"{failure.type.__name__ if failure.type else 'Error'}: {failure.getErrorMessage()}"
