"""A frontier worker's start requests: a ``start`` message turns the spider's start
requests into frontier messages (``crawlers.frontier_scrapy``), outside Scrapy's engine."""

from __future__ import annotations

from collections.abc import AsyncIterator, Coroutine
from typing import Any

from scrapy import Spider
from scrapy.http import Request


def drain_start(spider: Spider) -> list[Request]:
    """The spider's start requests, from its ``start()`` async generator (which must not
    await anything) or ``start_requests()``."""
    start = getattr(spider, "start", None)
    if start is None:
        return list(getattr(spider, "start_requests")())  # noqa: B009 - older spiders
    agen: AsyncIterator[Any] = start()
    out = []
    while True:
        step: Coroutine[Any, Any, Any] = agen.__anext__()  # type: ignore[assignment]
        try:
            step.send(None)
        except StopIteration as done:
            out.append(done.value)
            continue
        except StopAsyncIteration:
            break
        raise RuntimeError("a frontier spider's start() must not await")
    return [r for r in out if isinstance(r, Request)]
