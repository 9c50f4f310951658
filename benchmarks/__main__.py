"""``python -m benchmarks`` (or ``make bench``): run every benchmark, one after another.

Each benchmark is its own module (``bench_*.py``) that prints a table of ratios against
a baseline measured in the same run; this runner only sequences them so they never
compete for the two cores. Pass names to run a subset: ``python -m benchmarks crawl text``.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent


def main(argv: list[str]) -> int:
    names = argv or sorted(p.stem.removeprefix("bench_") for p in HERE.glob("bench_*.py"))
    failed = []
    for name in names:
        print(f"\n== benchmarks.bench_{name} ==", flush=True)
        proc = subprocess.run([sys.executable, "-m", f"benchmarks.bench_{name}"], check=False)
        if proc.returncode:
            failed.append(name)
    if failed:
        print(f"\nfailed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
