"""Where the distributed-mode tests find Redis: ``make test`` starts Debian's redis-server
with ``tools/redis-server.sh start`` on ``127.0.0.1:${WILDTRACE_TEST_REDIS_PORT:-6379}``.
Without one the tests skip, except under CI (``CI`` set), where they fail."""

from __future__ import annotations

import os
import uuid

import pytest
import redis


def redis_url() -> str:
    return f"redis://127.0.0.1:{os.environ.get('WILDTRACE_TEST_REDIS_PORT', '6379')}/0"


def require_redis() -> str:
    url = redis_url()
    try:
        redis.Redis.from_url(url, socket_timeout=2).ping()
    except redis.RedisError:
        message = f"no Redis at {url}: run `tools/redis-server.sh start`"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return url


def unique_prefix() -> str:
    return f"wt-test-{uuid.uuid4().hex[:10]}"


def drop_prefix(url: str, prefix: str) -> None:
    client = redis.Redis.from_url(url)
    keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
    if keys:
        client.delete(*keys)
