"""``python -m benchmarks`` (or ``make bench``): run every benchmark, one after another.

Pass names to run a subset: ``python -m benchmarks crawl text``. How the runner works,
what it prints at the end (wall and CPU seconds per benchmark, the total, the parts a
benchmark skipped) and what it keeps (``benchmarks/results/run-<UTC time>.json``):
``benchmarks/runner.py``.
"""

from __future__ import annotations

import sys

from benchmarks.runner import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
