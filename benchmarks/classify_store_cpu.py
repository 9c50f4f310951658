"""``python -m benchmarks.classify_store_cpu [N]``: CPU per listing of classify + store, and
what folding each listing only once could save.

A new listing is folded by the classifier (``normalize`` of title and body *joined*, with
the map back to the original, for spans) and again by the store's text indexing
(``fold_fields``: title, body and seller name *apart*, no map). Handing the first to
the store would spare the second only where the two agree, and they do not by
construction: the joined fold collapses the line break between title and body, and its
passes see across it — the Cyrillic-neighbour rule folds body "кocть" (Latin o and c)
to Cyrillic "кость" after a title "слоновая", but to Latin "koctb" on its own — so the
joined fold cannot be split back into the per-field one in general, and a wrong split
would change what search finds. This measures the most such a hand-over could save:
the store's fold, against classify (``lexicon``; ``learned``, the default, cascade on)
+ ``upsert_listings`` + ``index_pending``, on ``N`` generated listings
(``benchmarks.scale_data``), in one process and run; and it counts the listings whose
joined fold differs from the per-field one (whitespace aside), plus a constructed one.

Not a ``bench_*`` module: ``make bench`` does not run it.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from pathlib import Path

from benchmarks.scale_data import ScaleSpec, batches
from classifiers.base import TextDoc
from classifiers.normalize import normalize
from crawlers.base import Listing
from index.query_terms import fold_fields
from index.sqlite import SqliteStore
from wildtrace.components import make_classifier

BATCH = 64  # the pipeline's default classifier batch


def _cpu_us(fn: object, n: int) -> float:
    started = time.process_time()
    fn()  # type: ignore[operator]
    return (time.process_time() - started) / n * 1e6


def differs(x: Listing) -> bool:
    """The classifier's joined fold is not the store's per-field one (whitespace aside)."""
    joined = normalize(f"{x.title}\n{x.text}" if x.title else x.text).text
    folded = fold_fields(x.title, x.text, None)[0].split("\n")[:2]
    per_field = " ".join(folded) if x.title else folded[1]
    return joined.split() != per_field.split()


def run(n: int) -> dict[str, float]:
    listings = [r.listing for b in batches(ScaleSpec(n, seed=5), 1000) for r in b]
    docs = [TextDoc(id=x.key, text=x.text, title=x.title, lang=x.lang_hint, source=x.source)
            for x in listings]  # fmt: skip
    out: dict[str, float] = {}
    for kind in ("lexicon", "learned"):
        clf = make_classifier(kind, model_dir="", threshold=0.5, cascade=True)
        clf.classify(docs[:BATCH])  # warm-up (model load, caches)
        out[f"classify {kind}"] = _cpu_us(
            lambda c=clf: [c.classify(docs[i : i + BATCH]) for i in range(0, n, BATCH)], n
        )
    work = Path(tempfile.mkdtemp(prefix="classify-store-"))
    store = SqliteStore(work / "s.db")
    store.init()
    out["upsert"] = _cpu_us(
        lambda: [store.upsert_listings(listings[i : i + 1000]) for i in range(0, n, 1000)], n
    )
    out["index_pending"] = _cpu_us(store.index_pending, n)
    store.close()
    shutil.rmtree(work)
    out["store fold"] = _cpu_us(
        lambda: [fold_fields(x.title, x.text, x.seller_name) for x in listings], n
    )
    out["differ"] = sum(differs(x) for x in listings)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, nargs="?", default=5000, help="listings")
    n = parser.parse_args(argv).n
    us = run(n)
    store = us["upsert"] + us["index_pending"]
    print(f"n={n:,}, CPU µs per listing (load {os.getloadavg()[0]:.1f}): upsert "
          f"{us['upsert']:.1f}, index_pending {us['index_pending']:.1f}, "
          f"store's fold {us['store fold']:.1f}")  # fmt: skip
    for kind in ("lexicon", "learned"):
        total = us[f"classify {kind}"] + store
        print(f"  {kind}: classify {us[f'classify {kind}']:.1f} + store {store:.1f} = "
              f"{total:.1f}; not folding twice would save at most "
              f"{us['store fold'] / total:.1%}")  # fmt: skip
    example = Listing(source="s", listing_id="1", url="http://s/1", fetched_at="t",
                      title="слоновая", text="кocть")  # fmt: skip
    print(f"  joined fold differs from the per-field one: {int(us['differ'])} of {n:,} "
          f"generated listings; constructed title 'слоновая' + body 'кocть' (Latin o, c): "
          f"{'differs' if differs(example) else 'same'}")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
