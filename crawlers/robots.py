"""Scrapy's robots.txt middleware, with every request that waits for a host's robots.txt
given the parsed file.

Scrapy (2.13 on) lets the first request to a host fetch robots.txt and has every other
request to that host arriving meanwhile await the same ``Deferred``, through
``Deferred.asFuture``. That callback returns ``None``, so each waiter after the first
received ``None`` — "this host has no robots.txt" — and its request went out even when
robots.txt forbade it. One process rarely hits it (a crawl's first request to a host is
usually alone); a frontier worker meets a crawl with many requests to a host it has not
read robots.txt for, and fetched forbidden pages. Here each waiter gets a ``Deferred`` of
its own, fed from the shared one by a callback that passes the parser on.
"""

from __future__ import annotations

from typing import Any

from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.http import Request
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.defer import Deferred


class RobotsTxt(RobotsTxtMiddleware):
    """``RobotsTxtMiddleware`` whose concurrent waiters all get the parsed robots.txt."""

    async def robot_parser(self, request: Request) -> Any:
        pending = self._parsers.get(urlparse_cached(request).netloc)
        if not isinstance(pending, Deferred):
            return await super().robot_parser(request)
        own: Deferred[Any] = Deferred()

        def relay(parser: Any) -> Any:
            own.callback(parser)
            return parser  # the next waiter's relay gets it too

        pending.addCallback(relay)
        return await maybe_deferred_to_future(own)
