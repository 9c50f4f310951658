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
fetched first, concurrently through the scheduler (``crawlers.images``), so the page's
sidecar can name their hashes. Every response is also in the crawl's WARC file
(``crawlers.warc``); a record's ``warc_ref`` names its page's response record.

Hostile input: every failure is recorded with its URL in ``self.report`` (see
``crawlers.report``) and the crawl goes on. One bad API/feed item costs only itself (the
next page is requested before the items are read); links per page and images per
record are capped before anything is requested; every request obeys the profile's
egress policy (``crawlers.egress``); declared charsets that do not fit the bytes are
replaced by detected ones (``crawlers.decoding``). Listing ids are deduplicated within
a crawl.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from functools import partial
from typing import Any

from parsel import Selector
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.http import Request, Response, TextResponse
from w3lib.url import add_or_replace_parameter

from crawlers.decoding import detect_encoding, loads_bounded
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
from crawlers.report import ROLE_DETAIL, ROLE_LIST
from crawlers.selectors import select_html, select_json, select_xml
from crawlers.spiders.capture import CaptureSpider, _describe

DEFAULT_MAX_LINKS = 1000


class ProfileSpider(CaptureSpider):
    name = "profile"

    def __init__(self, profile: Profile, **kwargs: Any) -> None:
        super().__init__(profile, **kwargs)
        self.max_links = DEFAULT_MAX_LINKS

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> ProfileSpider:
        spider: ProfileSpider = super().from_crawler(crawler, *args, **kwargs)
        spider.max_links = crawler.settings.getint(
            "WILDTRACE_MAX_LINKS_PER_PAGE", DEFAULT_MAX_LINKS
        )
        crawler.signals.connect(spider._on_spider_error, signal=signals.spider_error)
        return spider

    async def start(self) -> AsyncIterator[Any]:
        callback = {"html": self.parse_page, "json": self.parse_api, "feed": self.parse_feed}
        for url in self.profile.start_requests_urls():
            yield self._request(url, ROLE_LIST, callback[self.profile.kind], start=True)

    # -- html ---------------------------------------------------------------------------
    def parse_page(self, response: Response) -> Iterator[Any]:
        self.report.pages += 1
        if not isinstance(response, TextResponse):
            self.report.error(response.url, "not a text page", ROLE_LIST)
            return
        yield from self._links(response)

    def _capped(self, response: Response, hrefs: list[str], what: str) -> list[str]:
        """At most ``max_links`` links per page and selector: a 20,000-link page must not
        flood the scheduler. Cutting means the index was not read whole: a list failure."""
        if len(hrefs) <= self.max_links:
            return hrefs
        problem = f"{len(hrefs)} {what} links on one page; followed the first {self.max_links}"
        self.report.error(response.url, problem, ROLE_LIST)
        return hrefs[: self.max_links]

    def _links(self, response: TextResponse) -> Iterator[Request]:
        """Detail links first, then followed links that are not detail pages.

        Detail requests skip Scrapy's URL dupefilter (ids are deduplicated here instead):
        a page first reached through a broad ``follow`` selector as a list page must still
        be fetched as a detail page when a detail link names it later."""
        hrefs = select_html(response.selector, self.profile.html.detail_links)
        for href in self._capped(response, hrefs, "detail"):
            url = response.urljoin(href)
            if not self.egress.allows_url(url, ROLE_DETAIL):
                self.report.ignored += 1
                continue
            listing_id = listing_id_from_url(self.profile, url)
            if not listing_id:
                continue
            self.detail_urls.add(url)
            if listing_id not in self.seen_ids:
                self.seen_ids.add(listing_id)
                self.report.requested_ids.add(listing_id)
                yield self._request(url, ROLE_DETAIL, self.parse_detail, listing_id=listing_id)
        for selector in self.profile.html.follow:
            hrefs = select_html(response.selector, selector)
            for href in self._capped(response, hrefs, "followed"):
                url = response.urljoin(href)
                if url in self.detail_urls:
                    continue
                if self.egress.allows_url(url, ROLE_LIST):
                    yield self._request(url, ROLE_LIST, self.parse_page)
                else:
                    self.report.ignored += 1

    def parse_detail(self, response: Response) -> Iterator[Any]:
        """One detail page → one record. Anything that stops it leaves the id in
        ``requested_ids`` without a record: unfetched, never "removed"."""
        self.report.pages += 1
        listing_id = response.meta.get("listing_id")
        if not isinstance(response, TextResponse):
            self.report.error(response.url, "not a text page", ROLE_DETAIL, listing_id)
            return
        response = _decoded(response)
        yield from self._links(response)
        problems: list[str] = []
        try:
            item = build_item(
                self.profile, html_values(self.profile, response.selector, problems),
                url=response.url, listing_id=listing_id,
            )  # fmt: skip
        except ValueError as exc:
            self.report.error(response.url, f"bad detail page: {exc}", ROLE_DETAIL, listing_id)
            return
        self._report_problems(response.url, problems)
        yield from self._pending(item, response.body, self._capture(response, "page"))

    # -- json ---------------------------------------------------------------------------
    def parse_api(self, response: Response) -> Iterator[Any]:
        """Next page first, then each item on its own: a bad item costs only itself."""
        self.report.pages += 1
        try:
            data, cuts = loads_bounded(_json_text(response))
        except (ValueError, UnicodeDecodeError) as exc:
            self.report.error(response.url, f"not JSON: {exc}", ROLE_LIST)
            return
        if cuts:
            problem = f"{cuts} value(s) nested deeper than the parse limit were cut"
            self.report.error(response.url, problem, None)
        yield from self._next_api_page(response, data)
        for index, obj in enumerate(select_json(data, self.profile.json.items_path)):
            if not isinstance(obj, dict):
                self.report.error(response.url, f"API item is not an object: {obj!r}", None)
                continue
            try:
                yield from self._api_item(response, obj)
            except Exception as exc:  # noqa: BLE001 - one hostile item must not end the page
                known = select_json(obj, self._id_select())
                self._item_failed(response.url, index, exc, known[0] if known else None)

    def _next_api_page(self, response: Response, data: Any) -> Iterator[Request]:
        if not self.profile.json.next_cursor_path:
            return
        cursors = select_json(data, self.profile.json.next_cursor_path)
        if cursors and isinstance(cursors[0], str | int) and not isinstance(cursors[0], bool):
            url = add_or_replace_parameter(
                response.url, self.profile.json.cursor_param, str(cursors[0])
            )
            yield self._request(url, ROLE_LIST, self.parse_api)

    def _api_item(self, response: Response, obj: dict[str, Any]) -> Iterator[Any]:
        problems: list[str] = []
        values = json_values(self.profile, obj, problems)
        self._report_problems(response.url, problems)
        yield from self._fragment(response, values, lambda: canonical_json(obj))

    # -- feed ---------------------------------------------------------------------------
    def parse_feed(self, response: Response) -> Iterator[Any]:
        self.report.pages += 1
        if not isinstance(response, TextResponse):
            self.report.error(response.url, "not a text feed", ROLE_LIST)
            return
        feed = Selector(text=_decoded(response).text, type="xml")
        for prefix, uri in self.profile.feed.namespaces.items():
            feed.register_namespace(prefix, uri)
        if self.profile.feed.next:
            for href in feed.xpath(self.profile.feed.next).getall()[:1]:
                yield self._request(response.urljoin(href.strip()), ROLE_LIST, self.parse_feed)
        for index, item in enumerate(feed.xpath(self.profile.feed.items)):
            try:
                problems: list[str] = []
                values = feed_values(self.profile, item, problems)
                self._report_problems(response.url, problems)
                yield from self._fragment(response, values, partial(canonical_xml, item))
            except Exception as exc:  # noqa: BLE001 - one hostile item must not end the page
                known = select_xml(item, self._id_select(), self.profile.feed.namespaces)
                self._item_failed(response.url, index, exc, known[0] if known else None)

    def _id_select(self) -> str:
        spec = self.profile.fields.get("listing_id")
        return spec.select if spec else "id"

    # -- failures -----------------------------------------------------------------------
    def _on_spider_error(self, failure: Any, response: Response, spider: Any) -> None:
        """A callback raised: record it with the URL; the crawl continues."""
        role = response.meta.get("role")
        self.report.error(response.url, _describe(failure), role, response.meta.get("listing_id"))


def _decoded(response: TextResponse) -> TextResponse:
    """``response`` re-read with the encoding its bytes show when the declared one lies."""
    better = detect_encoding(response.body, response.encoding)
    return response.replace(encoding=better) if better else response


def _json_text(response: Response) -> bytes | str:
    """JSON is UTF-8 (or -16/-32, which ``json`` detects); anything else is detected."""
    try:
        response.body.decode("utf-8")
        return response.body
    except UnicodeDecodeError:
        better = detect_encoding(response.body, "utf-8")
        return response.body.decode(better) if better else response.body
