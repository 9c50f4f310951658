"""Downloader middleware enforcing ``crawlers.egress.EgressPolicy`` (see its module doc).

Sits closest to the downloader (after robots.txt, redirects and decompression in
``process_request`` order), so nothing reaches the network without passing it, and its
``process_response`` runs first, so a response from a forbidden peer is dropped before
anything records or parses it.
"""

from __future__ import annotations

import ipaddress
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.utils.defer import maybe_deferred_to_future

from crawlers.egress import EgressPolicy


class EgressMiddleware:
    """Enforces the spider's ``egress`` policy on every request and response."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.refused = 0

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> EgressMiddleware:
        return cls(crawler)

    def _policy(self, spider: Spider | None) -> EgressPolicy | None:
        spider = spider or self.crawler.spider
        policy = getattr(spider, "egress", None)
        return policy if isinstance(policy, EgressPolicy) else None

    def _refuse(self, request: Request, why: str) -> IgnoreRequest:
        self.refused += 1
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value("wildtrace/egress_refused")
        return IgnoreRequest(f"egress refused {request.url[:300]}: {why}")

    async def process_request(self, request: Request, spider: Spider | None = None) -> None:
        policy = self._policy(spider)
        if policy is None:
            raise self._refuse(request, "no egress policy on the spider")
        role = request.meta.get("role")
        why = policy.refusal(request.url, role)
        if why is None and not policy.allow_private:
            why = await self._resolved_refusal(policy, request)
        if why is not None:
            raise self._refuse(request, why)

    async def _resolved_refusal(self, policy: EgressPolicy, request: Request) -> str | None:
        from twisted.internet import reactor

        host = urlsplit(request.url).hostname or ""
        try:
            ipaddress.ip_address(host.strip("[]"))
            return None  # a literal address was checked already
        except ValueError:
            pass
        try:
            resolver: Any = reactor  # Scrapy's caching resolver, the one downloads use
            resolved = await maybe_deferred_to_future(resolver.resolve(host))
            return policy.address_refusal(ipaddress.ip_address(resolved))
        except Exception as exc:  # noqa: BLE001 - unresolvable: the download would fail too
            return f"cannot resolve {host!r}: {exc}"

    def process_response(
        self, request: Request, response: Response, spider: Spider | None = None
    ) -> Response:
        """The peer the bytes really came from must be allowed too (DNS rebinding)."""
        policy = self._policy(spider)
        peer: Any = getattr(response, "ip_address", None)
        if policy is not None and peer is not None:
            why = policy.address_refusal(peer)
            if why is not None:
                raise self._refuse(request, f"answered from {why}")
        return response
