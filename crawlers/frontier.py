"""A shared crawl frontier on Redis Streams: many worker processes, one queue per source.

Why Redis Streams and not ``scrapy-redis``
------------------------------------------
``scrapy-redis`` 0.9.1 (the current release) does run on the Scrapy in use (2.19, with
deprecation warnings), but its queues pop destructively (``RPOP`` / ``ZREMRANGEBYRANK``):
a worker that dies loses every request it had taken. Its duplicate filter is one set per
spider for ever (a scheduled re-crawl would find every URL "seen"), and politeness stays
per process. A stream with a consumer group (Redis ≥ 6.2, the maintained ``redis``
client) gives exactly the reliable-queue pattern we need: a message read by a worker
stays *pending* under that worker's name until it is acknowledged, and ``XAUTOCLAIM``
hands messages idle longer than the visibility timeout to another worker.

Keys (``P`` = prefix)
---------------------
* ``P:q:<source>`` — the stream of requests of one source; group ``workers``. A message
  is ``{crawl, kind: "start"|"request", req: <pickled request dict>}``.
* ``P:crawl:<id>`` — a hash: ``source``, ``open`` (messages pushed and not yet
  acknowledged), ``started_at``, ``max_pages``, ``finished_at``, counters.
* ``P:seen:<id>`` — request fingerprints of one crawl (de-duplication across workers);
  ``P:keys:<id>`` — listing keys stored by the crawl. The crawl's report (counters, id
  sets such as ``P:unfetched:<id>``, error samples) and its WARC files: see
  ``crawlers.frontier_crawls``.
* ``P:active:<source>`` — the crawl id running for a source (one at a time).
* ``P:polite:<host>`` — the earliest time the next request to ``host`` may start.

Invariants
----------
* ``open`` is raised *before* the parent message is acknowledged (children are pushed
  first), so it reaches 0 exactly once per crawl, when nothing is queued or in flight;
  the worker whose acknowledgement made it 0 finalises the crawl.
* A redelivered message re-pushes children that are already in ``seen`` (no-ops) and
  re-stores items (the store's upsert is idempotent), so a crash at any point neither
  loses nor duplicates a listing.
* Messages are pickled request dicts: the frontier trusts its Redis (bind it to a
  private network, use ACLs); it never carries anything a site can inject code through.
"""

from __future__ import annotations

import os
import pickle
import socket
import time
import uuid
from dataclasses import dataclass
from typing import Any, cast

import redis

GROUP = "workers"
# Every per-crawl key (see ``crawlers.frontier_crawls``), to expire once the crawl is over.
CRAWL_KEYS = ("crawl", "seen", "keys", "samples", "warcs", "gone", "unfetched", "requested",
              "emitted")  # fmt: skip
_PUSH = """
if redis.call('SADD', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('HINCRBY', KEYS[3], 'open', 1)
redis.call('XADD', KEYS[2], '*', 'crawl', ARGV[2], 'kind', 'request', 'req', ARGV[3])
return 1
"""
_ACK = """
if redis.call('XACK', KEYS[1], ARGV[1], ARGV[2]) == 0 then return -1 end
redis.call('HINCRBY', KEYS[2], 'acked', 1)
return redis.call('HINCRBY', KEYS[2], 'open', -1)
"""
# Reserve the next slot for a host: returns how many ms to wait before starting.
_POLITE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local nxt = tonumber(redis.call('GET', KEYS[1]) or '0')
local start = math.max(now, nxt)
redis.call('SET', KEYS[1], start + tonumber(ARGV[1]), 'PX', tonumber(ARGV[1]) + 60000)
return start - now
"""
_START = """
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'EX', ARGV[4]) == false then
  return redis.call('GET', KEYS[1])
end
redis.call('HSET', KEYS[2], 'source', ARGV[2], 'open', 1, 'started_at', ARGV[3],
           'max_pages', ARGV[5])
redis.call('XADD', KEYS[3], '*', 'crawl', ARGV[1], 'kind', 'start', 'req', '')
return ARGV[1]
"""


@dataclass(frozen=True, slots=True)
class Message:
    """One frontier message taken by a worker."""

    id: str
    source: str
    crawl: str
    kind: str
    request: dict[str, Any] | None
    deliveries: int = 1


class FrontierUnavailableError(ConnectionError):
    """Redis could not be reached (refused, timed out, lost): nothing was enqueued."""


class Frontier:
    """The Redis side of the frontier (no Scrapy here; see ``crawlers.frontier_scrapy``)."""

    def __init__(self, url: str, *, prefix: str = "wildtrace", visibility_s: float = 60.0,
                 max_deliveries: int = 5, keep_s: int = 7 * 86400) -> None:  # fmt: skip
        self.url = url
        self.prefix = prefix
        self.visibility_ms = int(visibility_s * 1000)
        self.max_deliveries = max_deliveries
        self.keep_s = keep_s
        self.redis = redis.Redis.from_url(url, decode_responses=False)
        self._push = self.redis.register_script(_PUSH)
        self._ack = self.redis.register_script(_ACK)
        self._polite = self.redis.register_script(_POLITE)
        self._start = self.redis.register_script(_START)
        # Host and pid name the consumer, so an operator (or a test) can tell whose
        # messages are pending; the random tail keeps a restarted pid apart.
        self.consumer = f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"

    def key(self, *parts: str) -> str:
        return ":".join((self.prefix, *parts))

    def ensure_group(self, source: str) -> None:
        try:
            self.redis.xgroup_create(self.key("q", source), GROUP, id="0", mkstream=True)
        except redis.ResponseError as exc:
            if "BUSYGROUP" not in str(exc):
                raise

    # -- crawls -----------------------------------------------------------------------
    def start_crawl(self, source: str, crawl_id: str = "", max_pages: int = 0) -> tuple[str, bool]:
        """Enqueue a crawl of ``source`` unless one is running: ``(crawl id, started)``;
        ``max_pages`` > 0 caps its pages across all workers (``crawlers.frontier_crawls``).
        ``FrontierUnavailableError`` when Redis cannot be reached (the desk and the CLI say
        so instead of failing with a traceback)."""
        crawl_id = crawl_id or f"{source}-{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:6]}"
        try:
            self.ensure_group(source)
            got = self._start(
                keys=[self.key("active", source), self.key("crawl", crawl_id),
                      self.key("q", source)],
                args=[crawl_id, source, time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                      self.keep_s, max_pages],
            )  # fmt: skip
        except (redis.ConnectionError, redis.TimeoutError) as exc:
            raise FrontierUnavailableError(
                f"frontier at {self.where()} unreachable: {exc}"
            ) from exc
        running = got.decode() if isinstance(got, bytes) else str(got)
        return running, running == crawl_id

    def where(self) -> str:
        """The Redis address without credentials, for error messages."""
        kwargs = self.redis.connection_pool.connection_kwargs
        return f"{kwargs.get('host', '?')}:{kwargs.get('port', '?')}"

    def crawl_info(self, crawl_id: str) -> dict[str, str]:
        raw = cast(dict[bytes, bytes], self.redis.hgetall(self.key("crawl", crawl_id)))
        return {k.decode(): v.decode() for k, v in raw.items()}

    def count(self, crawl_id: str, field: str, by: int = 1) -> None:
        self.redis.hincrby(self.key("crawl", crawl_id), field, by)

    def add_to_set(self, crawl_id: str, name: str, members: list[str]) -> None:
        if members:
            self.redis.sadd(self.key(name, crawl_id), *members)
            self.redis.expire(self.key(name, crawl_id), self.keep_s)

    def members(self, crawl_id: str, name: str) -> set[str]:
        return {m.decode() for m in cast(set[bytes], self.redis.smembers(self.key(name, crawl_id)))}

    def finish_crawl(self, source: str, crawl_id: str) -> None:
        """Release the source for its next crawl; the crawl's records expire later."""
        if self.redis.get(self.key("active", source)) == crawl_id.encode():
            self.redis.delete(self.key("active", source))
        for name in CRAWL_KEYS:
            self.redis.expire(self.key(name, crawl_id), self.keep_s)

    # -- requests ---------------------------------------------------------------------
    def push(self, source: str, crawl_id: str, fingerprint: str, request: dict[str, Any]) -> bool:
        """Queue a request of a crawl unless the crawl has queued that fingerprint already."""
        done = self._push(
            keys=[self.key("seen", crawl_id), self.key("q", source), self.key("crawl", crawl_id)],
            args=[fingerprint, crawl_id, pickle.dumps(request, protocol=5)],
        )
        return bool(done)

    def take(self, source: str, count: int) -> list[Message]:
        """Up to ``count`` messages: first those abandoned by dead (or stuck) workers,
        then new ones. Taken messages stay pending under this worker until ``ack``."""
        if count <= 0:
            return []
        stream = self.key("q", source)
        out: list[Message] = []
        _, claimed, _ = self.redis.xautoclaim(
            stream, GROUP, self.consumer, self.visibility_ms, start_id="0-0", count=count
        )
        for msg_id, fields in claimed:
            if fields:  # a message deleted meanwhile comes back empty
                out.append(self._message(source, msg_id, fields, redelivered=True))
        if len(out) < count:
            streams = cast(
                list[tuple[bytes, list[tuple[bytes, dict[bytes, bytes]]]]],
                self.redis.xreadgroup(GROUP, self.consumer, {stream: ">"}, count=count - len(out))
                or [],
            )
            for _, entries in streams:
                out += [self._message(source, i, f, redelivered=False) for i, f in entries]
        return out

    def _message(self, source: str, msg_id: bytes, fields: dict[bytes, bytes],
                 *, redelivered: bool) -> Message:  # fmt: skip
        deliveries = 1
        crawl = fields[b"crawl"].decode()
        if redelivered:
            deliveries = int(self.redis.hincrby(self.key("deliveries", source), msg_id, 1)) + 1
            self.count(crawl, "redelivered")
        raw = fields.get(b"req") or b""
        return Message(
            id=msg_id.decode(), source=source, crawl=crawl,
            kind=fields[b"kind"].decode(), request=pickle.loads(raw) if raw else None,
            deliveries=deliveries,
        )  # fmt: skip

    def ack(self, message: Message) -> int | None:
        """Acknowledge; returns the crawl's messages still open (``None``: already acked)."""
        left = int(self._ack(
            keys=[self.key("q", message.source), self.key("crawl", message.crawl)],
            args=[GROUP, message.id],
        ))  # fmt: skip
        if left < 0:
            return None
        self.redis.xdel(self.key("q", message.source), message.id)
        self.redis.hdel(self.key("deliveries", message.source), message.id)
        return left

    def keep_alive(self, messages: list[Message]) -> None:
        """Reset the idle time of messages this worker still holds, so a live but slow
        worker keeps them (``XCLAIM`` to itself)."""
        by_source: dict[str, list[str]] = {}
        for m in messages:
            by_source.setdefault(m.source, []).append(m.id)
        for source, ids in by_source.items():
            self.redis.xclaim(
                self.key("q", source), GROUP, self.consumer, 0, list[Any](ids), justid=True
            )

    def polite_wait(self, host: str, delay_s: float) -> float:
        """Seconds to wait before the next request to ``host``, shared by every worker."""
        if delay_s <= 0:
            return 0.0
        wait_ms = self._polite(keys=[self.key("polite", host)], args=[int(delay_s * 1000)])
        return float(wait_ms) / 1000.0

    def holders(self, source: str) -> dict[str, int]:
        """Consumer name → messages it holds unacknowledged, for one source."""
        rows = self.redis.xpending(self.key("q", source), GROUP).get("consumers") or []
        return {str(r["name"].decode() if isinstance(r["name"], bytes) else r["name"]):
                int(r["pending"]) for r in rows}  # fmt: skip

    def announce(self, source: str) -> None:
        """Say this worker is alive and reading ``source`` (see ``workers``)."""
        self.redis.hset(self.key("workers", source), self.consumer, str(time.time()))

    def workers(self, source: str, within_s: float = 30.0) -> int:
        """How many workers announced themselves on ``source`` in the last ``within_s``."""
        seen = cast(dict[bytes, bytes], self.redis.hgetall(self.key("workers", source)))
        return sum(1 for at in seen.values() if time.time() - float(at) < within_s)

    def active(self, source: str) -> str | None:
        """The id of the crawl of ``source`` still open, if any."""
        value = self.redis.get(self.key("active", source))
        return value.decode() if isinstance(value, bytes) else None

    def pending(self, source: str) -> int:
        """Messages queued or in flight for a source (for status and tests)."""
        return int(self.redis.xlen(self.key("q", source)))
