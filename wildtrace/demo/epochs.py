"""The demo corpus over time: one immutable ``Snapshot`` per epoch.

Epoch 0 is ``corpus.base_items``. Epoch k (k >= 1) is derived from epoch k-1 with a
random generator seeded by ``(k, source)``: about 3% of the live items disappear
(their URLs then answer 404), about 5% of the remaining priced items change price
(which changes their text too), and a few new items are posted. So any epoch is a pure
function of its number, and incremental crawls, removal checks and change detection
can be tested against known answers. Snapshots are cached (the sites are threaded, so
the cache is locked); computing epoch n costs n small steps the first time.
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass, field, replace

from wildtrace.demo.corpus import base_items, new_items
from wildtrace.demo.model import SOURCES, DemoItem, nice_price

REMOVE_SHARE = 0.03
EDIT_SHARE = 0.05
NEW_PER_EPOCH = {"bazaar": 3, "tradepost": 2, "wildfeed": 2}
MAX_EPOCH = 10_000


@dataclass(frozen=True)
class Snapshot:
    """Live items of every source at one epoch, ordered by number (oldest first)."""

    epoch: int
    items: dict[str, tuple[DemoItem, ...]]
    next_num: dict[str, int]
    _index: dict[str, dict[str, DemoItem]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        index = {s: {item.listing_id: item for item in items} for s, items in self.items.items()}
        object.__setattr__(self, "_index", index)

    def get(self, source: str, listing_id: str) -> DemoItem | None:
        return self._index[source].get(listing_id)

    def all_items(self) -> list[DemoItem]:
        return [item for source in SOURCES for item in self.items[source]]


def _base() -> Snapshot:
    base = base_items()
    items = {source: tuple(base[source]) for source in SOURCES}
    return Snapshot(0, items, {s: items[s][-1].num + 1 for s in SOURCES})


def _edit_price(item: DemoItem, rng: random.Random) -> DemoItem:
    assert item.price is not None and item.currency is not None
    factor = rng.choice((rng.uniform(0.7, 0.92), rng.uniform(1.08, 1.3)))
    new_price = nice_price(item.price * factor, item.currency, rng)
    if new_price == item.price:
        new_price = round(item.price * 0.9, 2)
    return replace(item, price=new_price, edits=item.edits + 1)


def _step_source(prev: Snapshot, source: str, epoch: int) -> tuple[tuple[DemoItem, ...], int]:
    rng = random.Random(f"wildtrace-demo:epoch:{epoch}:{source}")
    live = list(prev.items[source])
    n_remove = max(1, round(REMOVE_SHARE * len(live))) if live else 0
    removed = set(rng.sample(range(len(live)), n_remove))
    priced = [i for i, item in enumerate(live) if i not in removed and item.price is not None]
    edited = set(rng.sample(priced, min(len(priced), max(1, round(EDIT_SHARE * len(live))))))
    kept = [
        _edit_price(item, rng) if i in edited else item
        for i, item in enumerate(live)
        if i not in removed
    ]
    first = prev.next_num[source]
    fresh = new_items(source, epoch, first, NEW_PER_EPOCH[source])
    return tuple(kept + fresh), first + len(fresh)


def _step(prev: Snapshot) -> Snapshot:
    epoch = prev.epoch + 1
    items, next_num = {}, {}
    for source in SOURCES:
        items[source], next_num[source] = _step_source(prev, source, epoch)
    return Snapshot(epoch, items, next_num)


_cache: dict[int, Snapshot] = {}
_lock = threading.Lock()


def snapshot(epoch: int) -> Snapshot:
    """The corpus at ``epoch`` (0 <= epoch <= MAX_EPOCH), computed once and cached."""
    if not 0 <= epoch <= MAX_EPOCH:
        raise ValueError(f"epoch must be between 0 and {MAX_EPOCH}, not {epoch}")
    with _lock:
        if not _cache:
            _cache[0] = _base()
        start = max(e for e in _cache if e <= epoch)
        snap = _cache[start]
        while snap.epoch < epoch:
            snap = _step(snap)
            _cache[snap.epoch] = snap
        return snap
