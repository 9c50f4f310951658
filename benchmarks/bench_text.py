"""Text classification throughput against the raw encoder, in the same run.

    python -m benchmarks.bench_text [--n 1024] [--repeats 3] [--batch 64]

* encoder: the default model's sentence encoder alone (forward pass, batches of
  ``--batch``) on the corpus texts — the floor any encoder-based detector pays;
* lexicon: ``LexiconDetector.classify`` alone;
* learned: ``LearnedDetector.classify`` (normalisation, lexicon, encoder, n-grams, heads,
  calibration, reasons) — what ``wildtrace classify`` and the pipeline run.

Listings/s are medians of ``--repeats`` timed runs after one warm-up, with torch / BLAS
held to 2 threads (the project's machines have two cores). Ratio = listings/s ÷ encoder's.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable, Sequence

os.environ.setdefault("WILDTRACE_THREADS", "2")
os.environ.setdefault("OMP_NUM_THREADS", "2")


def _rate(fn: Callable[[], object], n: int, repeats: int) -> float:
    fn()  # warm-up: weights loaded, caches filled
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return n / statistics.median(times)


def _batched(fn: Callable[[Sequence], object], items: Sequence, batch: int) -> Callable[[], None]:
    def run() -> None:
        for i in range(0, len(items), batch):
            fn(items[i : i + batch])

    return run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1024, help="listings per timed run")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--batch", type=int, default=64)
    args = parser.parse_args(argv)

    from classifiers.text.learned import LearnedDetector
    from classifiers.train.data import load_corpus, to_docs

    rows = load_corpus()
    docs = to_docs((rows * (args.n // len(rows) + 1))[: args.n])
    texts = [d.full_text for d in docs]
    detector = LearnedDetector()
    encoder = detector.featurizer.encoder
    results: list[tuple[str, float]] = []
    if encoder is not None:
        results.append(
            (
                f"encoder ({encoder.name}) forward pass",
                _rate(
                    _batched(lambda b: encoder.encode(b, len(b)), texts, args.batch),
                    len(texts),
                    args.repeats,
                ),
            )
        )
    results.append(
        (
            "lexicon detector",
            _rate(_batched(detector.lexicon.classify, docs, args.batch), len(docs), args.repeats),
        )
    )
    results.append(
        (
            f"learned detector ({detector.model_tag})",
            _rate(_batched(detector.classify, docs, args.batch), len(docs), args.repeats),
        )
    )
    base = results[0][1]
    print(
        f"text classification, {len(docs)} listings, batch {args.batch}, "
        f"median of {args.repeats}, {os.environ['WILDTRACE_THREADS']} threads"
    )
    print(f"{'stage':<48} {'listings/s':>11} {'ratio':>7}")
    for name, rate in results:
        print(f"{name:<48} {rate:>11.0f} {rate / base:>7.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
