"""How the pipeline batches a crawl's records while the crawl runs: full batches, a
partial one when the crawl makes it wait, the rest at the end, bad lines set aside."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from crawlers.base import Listing
from crawlers.runner import WAITING, ItemError, Waiting
from wildtrace.pipeline import MIN_BATCH_DIVISOR, _batches


def _rows(n: int) -> list[Listing]:
    return [
        Listing(source="s", listing_id=str(i), url=f"http://x/{i}", title="t", text="x",
                fetched_at="now")
        for i in range(n)
    ]  # fmt: skip


def test_full_batches_partial_ones_on_a_wait_and_the_rest_at_the_end() -> None:
    rows = _rows(40)
    size = 16
    small = size // MIN_BATCH_DIVISOR  # 2
    bad = ItemError(Path("items.jsonl"), 7, "ValueError: torn")
    stream: list[Listing | ItemError | Waiting] = [
        *rows[:20],
        WAITING,
        rows[20],
        WAITING,
        *rows[21:23],
        bad,
        WAITING,
        *rows[23:],
    ]
    bad_lines: list[dict[str, Any]] = []
    out = list(_batches(iter(stream), size, bad_lines))
    # 16 full; 4 go on the wait; 1 alone waits for more (< size // 8); 1 + 2 go on the
    # next wait; then 16 full and the last one at the end.
    assert [len(b) for b in out] == [16, 4, 3, 16, 1]
    assert min(len(b) for b in out[:-1]) >= small
    assert [x for b in out for x in b] == rows  # each once, in order
    assert bad_lines == [{"url": "items.jsonl:7", "error": "ValueError: torn"}]
