"""Image throughput: hashing, recognition and hash-bank lookups, against baselines in the same run.

    python -m benchmarks.bench_image [--images 200] [--repeats 3] [--queries 2000]

Each row gives throughput per wall-clock second (the target's unit) and per CPU-second
used by this process (``time.process_time``): on a machine shared with other jobs the
wall figure falls with the load while the CPU figure mostly does not, so the load
average is printed at start and end.

Workload: procedural photo-like JPEGs (``classifiers/image/synthetic.py``), 640 x 480,
quality 85 — the size of a typical listing photo (drawn once, then read from
``var/bench/``: drawing 200 takes about 30 CPU-seconds). Every figure is the median of
``--repeats`` timed runs after one warm-up, with torch/BLAS held to 2 threads.

* hashing — bytes to PDQ + quality + pHash through the production path (safe decode with
  JPEG draft scaling, bounded working copy), on 1 and on 2 threads; baseline: the naive
  path (full-size ``Image.open().convert("RGB")``, both hashes on the full image).
  Target >= 300/s.
* recognition — bytes to concept scores + embedding (decode, EfficientNet-Lite0 at 224 px,
  batches of 16); shown against the hashing row. Target >= 20/s.
* bank lookups at 10k and 1M random hashes; half the queries are near-duplicates of bank
  entries (0-40 bits flipped), half unrelated: MIH batched (``search_many``), MIH one
  query at a time, and the baseline linear numpy popcount scan. Target >= 4,000/s at 1M.
* crossover — MIH (one query at a time, and batched as the pipeline queries) vs linear,
  at growing bank sizes: where the index starts to win (``image.linear_scan_below``).
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable

os.environ.setdefault("WILDTRACE_THREADS", "2")
os.environ.setdefault("OMP_NUM_THREADS", "2")

import numpy as np  # after the thread caps: numpy/torch read them at import

CPU: dict[int, float] = {}  # id(fn) -> median process CPU seconds of its last timing


def _median_seconds(fn: Callable[[], object], repeats: int) -> float:
    """Median wall seconds; the median CPU seconds of this process go to ``CPU``."""
    fn()  # warm-up: weights loaded, caches filled
    times, cpu = [], []
    for _ in range(repeats):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    CPU[id(fn)] = statistics.median(cpu)
    return statistics.median(times)


def _rate(n: int, fn: Callable[[], object], repeats: int) -> tuple[float, float]:
    """``(per wall second, per CPU second of this process)``."""
    wall = _median_seconds(fn, repeats)
    return n / wall, n / max(CPU[id(fn)], 1e-9)


def _images(n: int) -> list[bytes]:
    """``n`` photo-like JPEGs; drawing them costs about 0.15 CPU-s each, so they are kept
    under ``var/bench/`` for later runs, in a folder named after the generator's source
    (a changed generator draws them anew)."""
    import hashlib
    import shutil
    from pathlib import Path

    from classifiers.image import synthetic

    key = hashlib.sha256(Path(synthetic.__file__).read_bytes()).hexdigest()[:12]
    folder = Path("var/bench") / f"scenes-640x480-q85-{key}"
    paths = [folder / f"{seed}.jpg" for seed in range(n)]
    if all(p.is_file() for p in paths):
        print(f"  ({n} images from {folder})", flush=True)
        return [p.read_bytes() for p in paths]
    print(f"  (drawing {n} images; kept in {folder} for later runs)", flush=True)
    images = [synthetic.scene_jpeg(seed, 640, 480, quality=85) for seed in range(n)]
    tmp = folder.with_name(f"{folder.name}.tmp{os.getpid()}")
    tmp.mkdir(parents=True, exist_ok=True)
    for seed, data in enumerate(images):
        (tmp / f"{seed}.jpg").write_bytes(data)
    shutil.rmtree(folder, ignore_errors=True)
    tmp.rename(folder)
    return images


def _hash_rows(images: list[bytes], repeats: int) -> list[tuple[str, float, float]]:
    import io

    from PIL import Image

    from classifiers.image.analyze import ImageAnalyzer
    from classifiers.image.hashes import hash_image

    analyzer = ImageAnalyzer(encoder=None)

    def naive() -> None:
        for data in images:
            hash_image(Image.open(io.BytesIO(data)).convert("RGB"))

    n = len(images)
    single = ImageAnalyzer(encoder=None, workers=1)
    return [
        ("hashing, naive full-size decode (baseline)", *_rate(n, naive, repeats)),
        ("hashing, production path, 1 thread", *_rate(n, lambda: single.analyze(images), repeats)),
        (
            "hashing, production path, 2 threads",
            *_rate(n, lambda: analyzer.analyze(images), repeats),
        ),
    ]


def _recognition_row(images: list[bytes], repeats: int) -> tuple[str, float, float]:
    from classifiers.image.analyze import ImageAnalyzer
    from classifiers.image.encoder import EfficientNetLite0Encoder

    analyzer = ImageAnalyzer(encoder=EfficientNetLite0Encoder())
    sample = images[:64]
    rate = _rate(len(sample), lambda: analyzer.analyze(sample), repeats)
    return "recognition (hash + encoder + concepts)", *rate


def _queries(codes: np.ndarray, m: int, rng: np.random.Generator) -> np.ndarray:
    out = rng.integers(0, 256, (m, 32), dtype=np.uint8)
    for i in range(0, m, 2):
        bits = np.unpackbits(codes[rng.integers(len(codes))])
        bits[rng.choice(256, int(rng.integers(0, 41)), replace=False)] ^= 1
        out[i] = np.packbits(bits)
    return out


def _lookup_rows(size: int, m: int, repeats: int) -> list[tuple[str, float, float]]:
    from classifiers.image.pdq_index import PdqIndex

    rng = np.random.default_rng(size)
    codes = rng.integers(0, 256, (size, 32), dtype=np.uint8)
    t0 = time.perf_counter()
    index = PdqIndex(codes, linear_below=0)
    built = time.perf_counter() - t0
    queries = _queries(codes, m, rng)
    few = queries[: max(20, min(m, 2_000_000 // size))]
    single = queries[: min(m, 500)]
    label = f"{size:,}"
    rows = [
        (
            f"lookups at {label}: linear scan (baseline)",
            *_rate(len(few), lambda: [index.search_linear(q, 31) for q in few], repeats),
        ),
        (
            f"lookups at {label}: MIH, one at a time",
            *_rate(len(single), lambda: [index.search(q, 31) for q in single], repeats),
        ),
        (
            f"lookups at {label}: MIH, batched, 2 threads",
            *_rate(m, lambda: index.search_many(queries, 31), repeats),
        ),
    ]
    print(f"  (index over {label} hashes built in {built:.2f} s)", flush=True)
    return rows


def _each(search: Callable[[np.ndarray, int], object], qs: np.ndarray) -> Callable[[], None]:
    def run() -> None:
        for q in qs:
            search(q, 31)

    return run


def _batch(index: object, qs: np.ndarray) -> Callable[[], None]:
    from classifiers.image.pdq_index import PdqIndex

    assert isinstance(index, PdqIndex)

    def run() -> None:
        index.search_many(qs, 31)

    return run


def _crossover(repeats: int) -> list[tuple[int, float, float, float]]:
    from classifiers.image.pdq_index import PdqIndex

    out = []
    rng = np.random.default_rng(3)
    for size in (256, 512, 1024, 2048, 4096, 8192, 16384):
        codes = rng.integers(0, 256, (size, 32), dtype=np.uint8)
        index = PdqIndex(codes, linear_below=0)
        qs = _queries(codes, 200, rng)
        lin = len(qs) / _median_seconds(_each(index.search_linear, qs), repeats)
        mih = len(qs) / _median_seconds(_each(index.search, qs), repeats)
        batched = len(qs) / _median_seconds(_batch(index, qs), repeats)
        out.append((size, lin, mih, batched))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--queries", type=int, default=2000)
    args = parser.parse_args()
    print(f"load average at start: {os.getloadavg()}", flush=True)
    images = _images(args.images)
    hashing = _hash_rows(images, args.repeats)
    recognition = _recognition_row(images, args.repeats)
    print("| stage | per second | ratio | per CPU-second of this process |\n|---|---|---|---|")
    base = hashing[0][1]
    for name, rate, cpu in [*hashing, recognition]:
        print(f"| {name} | {rate:,.1f} images/s | {rate / base:.2f} | {cpu:,.1f} |", flush=True)
    for size in (10_000, 1_000_000):
        rows = _lookup_rows(size, args.queries, args.repeats)
        for name, rate, cpu in rows:
            print(f"| {name} | {rate:,.0f} lookups/s | {rate / rows[0][1]:.2f} | {cpu:,.0f} |",
                  flush=True)  # fmt: skip
    print("\ncrossover (lookups/s, 200 queries):")
    print("| bank size | linear | MIH one at a time | MIH batched |\n|---|---|---|---|")
    for size, lin, mih, batched in _crossover(args.repeats):
        print(f"| {size:,} | {lin:,.0f} | {mih:,.0f} | {batched:,.0f} |")
    print(f"load average at end: {os.getloadavg()}")


if __name__ == "__main__":
    main()
