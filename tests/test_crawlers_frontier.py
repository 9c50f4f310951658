"""The Redis frontier on a real Redis server: de-duplication per crawl, reliable delivery
(a message taken and never acknowledged comes back to another worker), one crawl per
source at a time, the open-message count that tells when a crawl is done, and the
per-host slots that keep politeness across workers."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from redis_server import drop_prefix, require_redis, unique_prefix

from crawlers.frontier import Frontier


@pytest.fixture
def frontier_pair() -> Iterator[tuple[Frontier, Frontier]]:
    url, prefix = require_redis(), unique_prefix()
    a = Frontier(url, prefix=prefix, visibility_s=0.3)
    b = Frontier(url, prefix=prefix, visibility_s=0.3)
    yield a, b
    drop_prefix(url, prefix)


def test_a_source_has_one_open_crawl_at_a_time(frontier_pair: tuple[Frontier, Frontier]) -> None:
    a, b = frontier_pair
    first, started = a.start_crawl("shop")
    again, started_again = b.start_crawl("shop")
    assert started
    assert not started_again
    assert again == first


def test_requests_are_deduplicated_per_crawl(frontier_pair: tuple[Frontier, Frontier]) -> None:
    a, b = frontier_pair
    crawl, _ = a.start_crawl("shop")
    assert a.push("shop", crawl, "fp1", {"url": "http://x/1"})
    assert not b.push("shop", crawl, "fp1", {"url": "http://x/1"})
    assert b.push("shop", "another-crawl", "fp1", {"url": "http://x/1"})


def test_a_message_never_acknowledged_goes_to_another_worker(
    frontier_pair: tuple[Frontier, Frontier],
) -> None:
    a, b = frontier_pair
    patient = Frontier(a.url, prefix=a.prefix, visibility_s=60.0)
    crawl, _ = a.start_crawl("shop")
    [start] = a.take("shop", 10)
    assert start.kind == "start"
    a.push("shop", crawl, "fp1", {"url": "http://x/1"})
    assert a.ack(start) == 1  # the pushed request keeps the crawl open
    [taken] = a.take("shop", 10)  # "a" dies holding it
    assert patient.take("shop", 10) == []  # not before the visibility timeout
    time.sleep(0.4)
    [again] = b.take("shop", 10)  # b's timeout (0.3 s) has passed
    assert again.id == taken.id
    assert again.request == {"url": "http://x/1"}
    assert again.deliveries == 2
    assert b.ack(again) == 0  # the crawl's last open message
    assert a.ack(taken) is None  # the dead worker's late acknowledgement changes nothing
    assert b.crawl_info(crawl)["redelivered"] == "1"


def _idle_ms(frontier: Frontier, source: str) -> int:
    [entry] = frontier.redis.xpending_range(frontier.key("q", source), "workers", "-", "+", 10)
    return int(entry["time_since_delivered"])


def test_holding_a_message_alive_resets_its_idle_time(
    frontier_pair: tuple[Frontier, Frontier],
) -> None:
    a, _ = frontier_pair
    a.start_crawl("shop")
    [start] = a.take("shop", 10)
    time.sleep(1.0)
    before = _idle_ms(a, "shop")
    a.keep_alive([start])
    after = _idle_ms(a, "shop")
    assert before >= 1000
    assert after < before  # what XAUTOCLAIM measures against the visibility timeout


def test_host_slots_are_shared_between_workers(frontier_pair: tuple[Frontier, Frontier]) -> None:
    a, b = frontier_pair
    # A long delay, so that however slow this machine is between the calls, each
    # reservation must land a whole delay after the one before.
    waits = [a.polite_wait("shop.example", 30.0), b.polite_wait("shop.example", 30.0),
             a.polite_wait("shop.example", 30.0)]  # fmt: skip
    assert waits[0] == 0.0
    assert waits[1] > 25.0  # the second worker waits for the first one's slot to pass
    assert waits[2] > 55.0
    assert a.polite_wait("other.example", 30.0) == 0.0
