"""The capture half of the profile spider: requests, evidence, images, records, errors.

``ProfileSpider`` (``profile_spider.py``) reads pages; this base class turns what it
read into records: it stores the page (or item fragment) as evidence once the record's
images have answered (``crawlers.images``), names the WARC record of the page, and emits
the record. It also owns the failure rules of ``crawlers.report``: a detail page that
answers 404/410 is *gone*; any other failure, however it happens, leaves the listing
*unfetched*.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request, Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from common.clock import utc_now
from crawlers.base import Listing
from crawlers.egress import EgressPolicy
from crawlers.evidence import EvidenceError, EvidenceStore, header_subset
from crawlers.extract import build_item
from crawlers.images import ImageFetcher, PendingRecord
from crawlers.profiles import Profile
from crawlers.report import ROLE_DETAIL, ROLE_IMAGE, ROLE_LIST, CrawlReport
from crawlers.syncer import BackgroundSync

IMAGE_PRIORITY = 10  # images first: a waiting record holds its page body in memory
DEFAULT_MAX_IMAGES = 20_000


class CaptureSpider(scrapy.Spider):
    def __init__(self, profile: Profile, **kwargs: Any) -> None:
        super().__init__(name=profile.name, **kwargs)
        self.profile = profile
        self.allowed_domains = [urlsplit(profile.base_url).hostname or ""]
        self.egress = EgressPolicy.for_site(
            profile.base_url, profile.egress.hosts, profile.egress.image_hosts,
            profile.egress.allow_private,
        )  # fmt: skip
        self.report = CrawlReport()
        self.seen_ids: set[str] = set()
        self.detail_urls: set[str] = set()
        self.evidence = EvidenceStore("var/evidence")
        self.download_images = False
        self.max_image_bytes = 0
        self.images = ImageFetcher(DEFAULT_MAX_IMAGES)

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Any:
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        spider.evidence = EvidenceStore(
            settings.get("WILDTRACE_EVIDENCE_DIR", "var/evidence"), BackgroundSync()
        )
        crawler.signals.connect(spider._sync_evidence, signal=signals.spider_closed)
        spider.download_images = settings.getbool("WILDTRACE_DOWNLOAD_IMAGES")
        spider.max_image_bytes = settings.getint("WILDTRACE_MAX_IMAGE_BYTES", 3_000_000)
        spider.images = ImageFetcher(settings.getint("WILDTRACE_MAX_IMAGES", DEFAULT_MAX_IMAGES))
        return spider

    def _sync_evidence(self, spider: scrapy.Spider) -> None:
        """Before the summary says "finished": every evidence file is on disk."""
        if self.evidence.syncer is not None:
            self.evidence.syncer.close()
        self.evidence.manifest.close()

    def _request(self, url: str, role: str, callback: Any, **meta: Any) -> Request:
        return Request(
            url, callback=callback, errback=self._on_error, meta={"role": role, **meta},
            dont_filter=role in (ROLE_IMAGE, ROLE_DETAIL),
            priority=IMAGE_PRIORITY if role == ROLE_IMAGE else 0,
        )  # fmt: skip

    def _capture(self, response: Response, kind: str) -> dict[str, Any]:
        headers = header_subset(dict(response.headers.items()))
        return {
            "kind": kind, "url": response.url, "fetched_at": utc_now(), "status": response.status,
            "content_type": headers.get("content-type"), "headers": headers,
            "source": self.profile.name, "warc_ref": response.meta.get("warc_ref", ""),
        }  # fmt: skip

    def _report_problems(self, url: str, problems: list[str]) -> None:
        for problem in problems:
            self.report.error(url, problem, None)

    # -- API and feed items -------------------------------------------------------------
    def _fragment(
        self, response: Response, values: dict[str, list[Any]], body: Callable[[], bytes]
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
        self.report.requested_ids.add(item["listing_id"])
        meta = self._capture(response, "json-item" if self.profile.kind == "json" else "feed-item")
        meta.update(url=item["url"], fragment_of=response.url)
        yield from self._pending(item, body(), meta)

    def _item_failed(self, url: str, index: int, exc: BaseException, known_id: Any) -> None:
        """An item raised: report where; an id we could still read stays unfetched."""
        self.report.error(url, f"item {index} skipped: {type(exc).__name__}: {exc}", None)
        if isinstance(known_id, str | int) and str(known_id).strip():
            self.report.unfetched_ids.add(str(known_id).strip())

    # -- evidence and images ------------------------------------------------------------
    def _pending(self, item: dict[str, Any], body: bytes, meta: dict[str, Any]) -> Iterator[Any]:
        meta["listing_id"] = item["listing_id"]
        pending = PendingRecord(item, body, meta)
        if not self.download_images:
            yield from self._emit(pending)
            return
        allowed = [u for u in item["images"] if self.egress.allows_url(u, ROLE_IMAGE)]
        for url in self.images.plan(pending, allowed):
            yield self._request(
                url, ROLE_IMAGE, self.parse_image, image_url=url, allow_offsite=True,
                download_maxsize=self.max_image_bytes,
            )  # fmt: skip
        if pending.waiting == 0:
            yield from self._emit(pending)

    def parse_image(self, response: Response) -> Iterator[Any]:
        self.report.images += 1
        url = response.meta["image_url"]
        try:
            sha: str | None = self.evidence.put(response.body, self._capture(response, "image"))
        except (OSError, EvidenceError) as exc:
            self.report.error(response.url, f"evidence not stored: {exc}", ROLE_IMAGE)
            sha = None
        for pending in self.images.answered(url, sha):
            yield from self._emit(pending)

    def _emit(self, pending: PendingRecord) -> Iterator[dict[str, Any]]:
        item = pending.item
        images = pending.images_done()
        try:
            sha = self.evidence.put(pending.body, {**pending.meta, "images": images})
        except (OSError, EvidenceError) as exc:  # keep the record; say the evidence is missing
            self.report.error(item["url"], f"evidence not stored: {exc}", None)
            sha = None
        item["evidence_sha256"] = sha
        item["image_sha256"] = [d["sha256"] for d in images]
        item["warc_ref"] = pending.meta.get("warc_ref", "")
        try:
            listing = Listing.from_dict(item)
        except (ValueError, TypeError) as exc:
            self.report.error(item["url"], f"invalid record: {exc}", None)
            return
        self.report.emitted_ids.add(listing.listing_id)
        yield {**item, **listing.to_dict()}

    # -- failures -----------------------------------------------------------------------
    def _on_error(self, failure: Failure) -> Iterator[Any]:
        request: Request = failure.request  # type: ignore[attr-defined]
        role, listing_id = request.meta.get("role"), request.meta.get("listing_id")
        if role == ROLE_DETAIL and _http_status(failure) in (404, 410):
            self.report.gone_ids.add(str(listing_id))
        elif _deliberate(failure) and not (role == ROLE_LIST and _index_lost(request, failure)):
            # robots.txt or the egress policy: skipped on purpose, not an error; a detail
            # page stays unfetched through requested_ids (never "gone").
            self.report.ignored += 1
            self.logger.info("not fetched %s (%s): %s", request.url, role, _describe(failure))
        else:
            self.report.error(request.url, _describe(failure), role, listing_id)
            self.logger.warning("failed %s (%s): %s", request.url, role, _describe(failure))
        if role == ROLE_IMAGE:
            for pending in self.images.answered(request.meta["image_url"], None):
                yield from self._emit(pending)


DELIBERATE = ("robots.txt", "egress refused", "offsite", "page cap reached")


def _deliberate(failure: Failure) -> bool:
    """Skipped by our own rules (robots.txt, egress, off-site, page cap), as opposed to a failure
    such as a gzip bomb or a redirect loop (also ``IgnoreRequest``, but worth an error)."""
    if not isinstance(failure.value, IgnoreRequest) or isinstance(failure.value, HttpError):
        return False
    message = failure.getErrorMessage().lower()
    return any(word in message for word in DELIBERATE)


def _index_lost(request: Request, failure: Failure) -> bool:
    """A start page refused (by robots.txt or egress), or a list page whose redirect the
    egress policy refused: part of the index is unread, so the crawl cannot be complete
    (else a start URL on a forbidden address would mark every listing removed)."""
    return bool(request.meta.get("start")) or "egress refused" in failure.getErrorMessage()


def _http_status(failure: Failure) -> int | None:
    """The HTTP status of a failure Scrapy raised for a non-2xx response, else ``None``."""
    value = failure.value
    return value.response.status if isinstance(value, HttpError) else None


def _describe(failure: Failure) -> str:
    status = _http_status(failure)
    if status is not None:
        return f"HTTP {status}"
    return f"{type(failure.value).__name__}: {failure.getErrorMessage()}"
