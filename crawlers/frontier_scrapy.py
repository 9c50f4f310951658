"""Scrapy components that crawl from the shared Redis frontier (``crawlers.frontier``).

A worker process runs one long-lived Scrapy crawler per source, each with these three
components in its settings (``frontier_settings``):

* ``FrontierScheduler`` (``SCHEDULER``): takes messages from the source's stream (those
  abandoned by dead workers first) and keeps them alive while it holds them; a
  ``start`` message becomes the spider's start requests; a redirect or retry of a held
  request replaces its message. The middlewares (``crawlers.frontier_middlewares``)
  route a callback's output to the frontier and the sink, then acknowledge. Its
  ``CrawlLedger`` (``crawlers.frontier_ledger``) keeps the crawl's page cap, summary and
  WARC files across workers: a one-process crawl's ``PageCap`` and ``CrawlSummary``.

The crawl stage knows nothing of classifiers or stores: the composition root registers
a sink (``frontier_settings.register_sink``) that the settings name.
"""

from __future__ import annotations

import logging
import threading
import weakref
from collections import deque
from collections.abc import Iterable
from typing import Any

from scrapy import Spider, signals
from scrapy.core.scheduler import BaseScheduler
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider, NotConfigured
from scrapy.http import Request
from scrapy.utils.request import fingerprint, request_from_dict
from twisted.internet import task
from twisted.python.failure import Failure

from crawlers import frontier_crawls
from crawlers.frontier import Frontier, Message
from crawlers.frontier_images import CHILD, ImageChildren, fresh_crawl, is_image
from crawlers.frontier_ledger import CrawlLedger
from crawlers.frontier_settings import SINKS, ItemSink, frontier_settings
from crawlers.frontier_start import drain_start
from crawlers.signals import CRAWL_META, crawl_started

_SESSIONS: weakref.WeakKeyDictionary[Crawler, FrontierScheduler] = weakref.WeakKeyDictionary()
_META = ("wt_msg", "wt_local", CHILD, CRAWL_META)
logger = logging.getLogger(__name__)


class FrontierScheduler(BaseScheduler):
    def __init__(self, crawler: Crawler, frontier: Frontier, sink: ItemSink) -> None:
        self.crawler = crawler
        self.frontier = frontier
        self.sink = sink
        self.poll_s = crawler.settings.getfloat("WILDTRACE_POLL_S", 0.5)
        self.capacity = max(2, 2 * crawler.settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN", 4))
        self.local: deque[Request] = deque()
        self.held: dict[str, Message] = {}
        self.children = ImageChildren()
        self.ledger = CrawlLedger(crawler, frontier)
        self.crawl_id = ""
        self.spider: Spider | None = None
        self._loops: list[task.LoopingCall] = []
        self._stopping = threading.Event()
        _SESSIONS[crawler] = self

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FrontierScheduler:
        s = crawler.settings
        sink = SINKS.get(s.get("WILDTRACE_ITEM_SINK") or "")
        if not s.get("WILDTRACE_REDIS_URL") or sink is None:
            raise NotConfigured("WILDTRACE_REDIS_URL and WILDTRACE_ITEM_SINK are needed")
        frontier = Frontier(s["WILDTRACE_REDIS_URL"], prefix=s.get("WILDTRACE_FRONTIER_PREFIX"),
                            visibility_s=s.getfloat("WILDTRACE_VISIBILITY_S", 60.0))  # fmt: skip
        return cls(crawler, frontier, sink)

    @property
    def source(self) -> str:
        assert self.spider is not None
        return str(self.spider.name)

    # -- Scrapy's scheduler interface -------------------------------------------------
    def open(self, spider: Spider) -> None:
        self.spider = spider
        self.frontier.ensure_group(self.source)
        self.frontier.announce(self.source)
        self.crawler.signals.connect(self._idle, signal=signals.spider_idle)
        loop = task.LoopingCall(self._poll)
        loop.start(self.poll_s, now=False)
        self._loops.append(loop)
        # Keep-alive runs in its own thread, not on the reactor: classifying and storing a
        # response's records blocks the reactor, and a held message must not look
        # abandoned (and be redone elsewhere) just because this worker is busy.
        keep = max(0.5, self.frontier.visibility_ms / 3000)
        threading.Thread(target=self._keep_alive_loop, args=(keep,), daemon=True,
                         name=f"frontier-keepalive-{self.source}").start()  # fmt: skip

    def close(self, reason: str) -> None:
        self._stopping.set()
        for loop in self._loops:
            if loop.running:
                loop.stop()

    def _keep_alive_loop(self, interval: float) -> None:
        while not self._stopping.wait(interval):
            try:
                self._keep_alive()
            except Exception:  # Redis away for a moment: the next round tries again
                logger.warning("frontier keep-alive failed", exc_info=True)

    def has_pending_requests(self) -> bool:
        return bool(self.local)

    def enqueue_request(self, request: Request) -> bool:
        if request.meta.pop("wt_local", False) or CHILD in request.meta:
            self.local.append(request)
            return True
        msg: Message | None = request.meta.get("wt_msg")
        if msg is None:
            return False  # start requests at engine start: crawls begin with a start message
        # A redirect or retry of a held request: it replaces the request's message. A
        # hop of a request that bypasses the duplicate filter (as in one process) is new
        # each time, so a redirect loop ends at Scrapy's limit, with its error.
        retry, hops = request.meta.get("retry_times", 0), request.meta.get("redirect_times", 0)
        suffix = (f":retry{retry}" if retry else "") + (
            f":hop{hops}" if hops and request.dont_filter else ""
        )
        request.meta["wt_leased"] = True  # the replacement keeps the page leased
        self.push(request, msg, suffix=suffix)
        self.finish(msg, [])
        return True

    def next_request(self) -> Request | None:
        if not self.local:
            self._fill()
        return self.local.popleft() if self.local else None

    # -- the frontier side ------------------------------------------------------------
    def _idle(self, spider: Spider) -> None:
        raise DontCloseSpider("frontier worker: waiting for work")

    def _poll(self) -> None:
        self.ledger.seal_if_over()
        if self.local or not self._fill():
            return
        first = self.local.popleft()
        first.meta["wt_local"] = True
        self.crawler.engine.crawl(first)  # wakes the engine up; comes back via enqueue

    def _keep_alive(self) -> None:
        self.frontier.announce(self.source)
        held = list(self.held.values())  # a copy: the reactor thread changes ``held``
        if held:
            self.frontier.keep_alive(held)

    def _fill(self) -> int:
        added = 0
        for msg in self.frontier.take(self.source, self.capacity - len(self.held)):
            if msg.deliveries > self.frontier.max_deliveries:
                self.frontier.count(msg.crawl, "dead")
                self.finish(msg, [])
            elif msg.kind == "start":
                self._start(msg)
            elif msg.request is not None and not self.ledger.admit(msg):
                self.finish(msg, [])  # over the crawl's page cap: dropped, counted
            elif msg.request is not None:
                self.local.append(self._request(msg))
                self.held[msg.id] = msg
                added += 1
        return added

    def _switch(self, crawl_id: str) -> None:
        """Meeting a new crawl: what the report holds of the last one goes to it first."""
        if crawl_id != self.crawl_id:
            self.ledger.fold(self.crawl_id, self.spider)
            self.crawl_id = fresh_crawl(self.spider, self.crawl_id, crawl_id)
            self.crawler.signals.send_catch_log(signal=crawl_started, crawl=crawl_id)

    def _start(self, msg: Message) -> None:
        assert self.spider is not None
        self._switch(msg.crawl)
        for request in drain_start(self.spider):
            self.push(request, msg)
        self.finish(msg, [])

    def _request(self, msg: Message) -> Request:
        assert self.spider is not None and msg.request is not None
        self._switch(msg.crawl)
        request = request_from_dict(msg.request, spider=self.spider)
        request.meta.update({"wt_msg": msg, CRAWL_META: msg.crawl})
        original = request.errback
        request.meta["wt_errback"] = getattr(original, "__name__", None)
        request.errback = lambda failure: self._errback(failure, original)
        return request

    def _errback(self, failure: Failure, original: Any) -> list[Any]:
        request: Request = failure.request  # type: ignore[attr-defined]
        msg: Message = request.meta["wt_msg"]
        self.ledger.skipped(msg, failure)
        output = original(failure) if original is not None else None
        self.absorb(msg, output or ())
        return []

    def push(self, request: Request, parent: Message, suffix: str = "") -> bool:
        assert self.spider is not None
        name = request.meta.get("wt_errback")
        errback = getattr(self.spider, name) if name else request.errback
        clean = request.replace(errback=errback, meta={k: v for k, v in request.meta.items()
                                                        if k not in _META})  # fmt: skip
        key = f"{fingerprint(clean).hex()}:{clean.meta.get('role', '')}{suffix}"
        return self.frontier.push(self.source, parent.crawl, key, clean.to_dict(spider=self.spider))

    def absorb(self, msg: Message, output: Iterable[Any]) -> None:
        """Push a callback's requests, store its items, then acknowledge its message."""
        items = self._split(msg.crawl, output, msg)
        self.children.claim(msg.id, self.spider)
        self.finish(msg, items)

    def absorb_child(self, crawl_id: str, output: Iterable[Any]) -> None:
        """A worker-local image request's output (``crawlers.frontier_images``): store the
        listings it completed, then acknowledge the messages no longer waiting."""
        items = self._split(crawl_id, output, None)
        self.ledger.fold(crawl_id, self.spider)
        if items and not self._store(crawl_id, items):
            for msg_id in self.children.release_all():  # to be redelivered, and redone
                self.held.pop(msg_id, None)
            return
        for msg_id in self.children.settled(self.spider):
            if msg_id in self.held:
                self._ack(self.held[msg_id])

    def _split(self, crawl_id: str, output: Iterable[Any], msg: Message | None) -> list[Any]:
        """Requests to the frontier (images: fetched here), items returned."""
        items = []
        for out in output:
            if isinstance(out, Request) and is_image(out):
                out.meta.update({CHILD: crawl_id, "wt_local": True, CRAWL_META: crawl_id})
                self.crawler.engine.crawl(out)
            elif isinstance(out, Request) and msg is not None:
                self.push(out, msg)
            elif out is not None and not isinstance(out, Request):
                items.append(dict(out))
        return items

    def _store(self, crawl_id: str, items: list[dict[str, Any]]) -> bool:
        try:
            keys = self.sink.store_items(self.source, crawl_id, items)
        except Exception:  # the store or classifier is down: redo it later
            logger.exception("crawl %s: storing %d records failed", crawl_id, len(items))
            return False
        self.frontier.add_to_set(crawl_id, "keys", keys)
        self.frontier.count(crawl_id, "items", len(items))
        return True

    def finish(self, msg: Message, items: list[dict[str, Any]]) -> None:
        """Store the items, then acknowledge. If storing fails the message is let go
        unacknowledged: after the visibility timeout a worker takes it again."""
        self.ledger.fold(msg.crawl, self.spider)
        if items and not self._store(msg.crawl, items):
            self.held.pop(msg.id, None)
            return
        if self.children.holds(msg.id):
            return  # acknowledged once its listings' images are in (``absorb_child``)
        self._ack(msg)

    def _ack(self, msg: Message) -> None:
        left = self.frontier.ack(msg)
        self.held.pop(msg.id, None)
        if left == 0:
            self._finalise(msg)

    def _finalise(self, msg: Message) -> None:
        """The crawl's last message is acknowledged: seal this worker's WARC file of it,
        decide removals from the assembled summary, mark the crawl finished (the other
        workers then seal theirs) and free the source for its next crawl."""
        self.ledger.seal(msg.crawl)
        frontier_crawls.mark_finished(self.frontier, msg.crawl)
        summary = frontier_crawls.summary(self.frontier, msg.crawl)
        self.sink.crawl_done(msg.source, msg.crawl, complete=summary["complete"],
                             seen=self.frontier.members(msg.crawl, "keys"),
                             unfetched=set(summary["unfetched_ids"]))  # fmt: skip
        self.frontier.finish_crawl(msg.source, msg.crawl)


def session_for(crawler: Crawler) -> FrontierScheduler | None:
    """The frontier scheduler of ``crawler`` (for the frontier middlewares)."""
    return _SESSIONS.get(crawler)


__all__ = ["FrontierScheduler", "ItemSink", "frontier_settings", "session_for"]
