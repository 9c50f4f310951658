"""wildtrace: the composition root. Only this package knows every stage.

OpenBLAS helper threads: after each BLAS call (the text encoder's matrix products, two
threads) OpenBLAS lets its helper threads spin for 2**28 cycles (its default
``OPENBLAS_THREAD_TIMEOUT`` of 28, ~0.1 s) before they sleep. In ``wildtrace run`` that
spin takes the core the crawl subprocess needs, once per classified batch: on the bazaar
demo it was 0.25-0.3 CPU-s per pipeline run (``benchmarks/bench_crawl.py``). At 4
(2**4 cycles, the least OpenBLAS accepts) they sleep at once; waking them costs
microseconds per call. OpenBLAS reads the variable once, when numpy loads it, so it is
set here, before anything of ours imports numpy. A value already in the environment wins.
"""

import os

OPENBLAS_THREAD_TIMEOUT = "4"
os.environ.setdefault("OPENBLAS_THREAD_TIMEOUT", OPENBLAS_THREAD_TIMEOUT)

__version__ = "0.1.0"
