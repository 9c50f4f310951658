"""Entity extraction throughput against a plain regex pass, in the same run.

    python -m benchmarks.bench_entities [--n 2000] [--repeats 3]

The listings: a seeded mix of the text corpus's dev + test rows (marketplace-like offers,
hard negatives and ordinary goods, mostly without contacts) and the entity test set's
snippets (dense with phones, wallets, prices), ``--dense`` of them from the latter.

Rows, each a median of ``--repeats`` timed runs after a warm-up, one listing at a time
(extraction is per text; nothing is batched):

* plain regex pass: the lexicon's contact/price/payment signal regexes
  (``classifiers/lexicon/data/signals.tsv``) run over the lower-cased text, no
  validation, no spans mapped back — what a keyword monitor does; ratio 1.00;
* entities, language given: ``EntityExtractor.extract(text, lang)`` — folding, every
  finder, checksums, ``phonenumbers`` validation, spans into the original;
* entities, language detected: the same without a hint (adds ``classifiers.lang``).
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable
from typing import Any


def _rate(fn: Callable[[], object], n: int, repeats: int) -> float:
    fn()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return n / statistics.median(times)


def listings(n: int, dense: float, seed: int = 11) -> list[dict[str, Any]]:
    from classifiers.entities.testset import BLIND, HANDWRITTEN, TESTSET, load
    from classifiers.train.data import load_corpus

    corpus = [
        {"text": r["text"], "lang": r.get("lang")}
        for r in load_corpus()
        if r.get("split") in ("dev", "test")
    ]
    snippets = [
        {"text": r["text"], "lang": r["lang"]}
        for p in (TESTSET, HANDWRITTEN, BLIND)
        for r in load(p)
    ]
    rng = random.Random(seed)
    k = round(n * dense)
    mix = [rng.choice(snippets) for _ in range(k)] + [rng.choice(corpus) for _ in range(n - k)]
    rng.shuffle(mix)
    return mix


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--n", type=int, default=2000, help="listings per timed run")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--dense", type=float, default=0.3, help="share of entity snippets")
    args = parser.parse_args(argv)

    from classifiers.entities import EntityExtractor
    from classifiers.lexicon.loader import default_lexicon

    rows = listings(args.n, args.dense)
    signals = [s.regex for s in default_lexicon().signals]
    extractor = EntityExtractor()

    def regex_pass() -> None:
        for row in rows:
            low = row["text"].lower()
            for rx in signals:
                for _ in rx.finditer(low):
                    pass

    def with_lang() -> None:
        for row in rows:
            extractor.extract(row["text"], row["lang"])

    def detected() -> None:
        for row in rows:
            extractor.extract(row["text"])

    n, reps = len(rows), args.repeats
    results = [
        ("plain regex pass (lexicon signals, no validation)", _rate(regex_pass, n, reps)),
        ("entities, language given", _rate(with_lang, n, reps)),
        ("entities, language detected", _rate(detected, n, reps)),
    ]
    found = sum(len(extractor.extract(r["text"], r["lang"])) for r in rows)
    base = results[0][1]
    print(
        f"entity extraction, {n} listings ({args.dense:.0%} entity-test-set snippets, rest "
        f"text-corpus dev+test rows; {found} mentions found), median of {reps}, one process"
    )
    print(f"{'pass':<52} {'listings/s':>11} {'ratio':>7}")
    for name, rate in results:
        print(f"{name:<52} {rate:>11.0f} {rate / base:>7.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
