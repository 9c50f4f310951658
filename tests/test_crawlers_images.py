"""Image book-keeping: caps before fetching, one request per URL, records complete once."""

from __future__ import annotations

from crawlers.images import ImageFetcher, PendingRecord


def pending(n: int) -> PendingRecord:
    return PendingRecord({"listing_id": str(n)}, b"", {})


def test_shared_and_cached_images_are_fetched_once() -> None:
    fetcher = ImageFetcher(max_images=100)
    a, b = pending(1), pending(2)
    assert fetcher.plan(a, ["u1", "u2"]) == ["u1", "u2"]
    assert fetcher.plan(b, ["u2", "u3"]) == ["u3"]  # u2 is in flight: shared
    assert fetcher.answered("u1", "s1") == []
    assert fetcher.answered("u2", None) == [a]  # a failed image still completes the record
    assert a.images_done() == [{"url": "u1", "sha256": "s1"}]
    assert fetcher.answered("u3", "s3") == [b]
    c = pending(3)
    assert fetcher.plan(c, ["u1", "u3"]) == [] and c.waiting == 0  # cached: no request
    assert [d["sha256"] for d in c.images_done()] == ["s1", "s3"]


def test_caps_apply_before_any_request() -> None:
    fetcher = ImageFetcher(max_images=25)
    first, second = pending(1), pending(2)
    assert len(fetcher.plan(first, [f"a{n}" for n in range(300)])) == 20  # per record
    assert len(fetcher.plan(second, [f"b{n}" for n in range(20)])) == 5  # per crawl
    assert fetcher.requested == 25 and fetcher.capped == 15
