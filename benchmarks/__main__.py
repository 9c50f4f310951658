"""``python -m benchmarks`` (or ``make bench``): run every benchmark, one after another.

Each benchmark is its own module (``bench_*.py``) that prints a table of ratios against
a baseline measured in the same run; this runner only sequences them so they never
compete for the two cores. Pass names to run a subset: ``python -m benchmarks crawl text``.

Every benchmark's printed table is also kept, with its wall time and the load average
before and after it (the machine is shared: a figure means little without the load it
was measured under), in ``benchmarks/results/run-<UTC time>.json``; some benchmarks
save their detailed figures there too. The run ends with a summary of times and loads.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks.results_file import save

HERE = Path(__file__).parent


def _run(name: str) -> dict[str, Any]:
    print(f"\n== benchmarks.bench_{name} ==", flush=True)
    load_before, started = os.getloadavg(), time.monotonic()
    proc = subprocess.Popen(
        [sys.executable, "-m", f"benchmarks.bench_{name}"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1,
    )  # fmt: skip
    lines = []
    assert proc.stdout is not None
    for line in proc.stdout:  # shown as it comes, kept for the results file
        print(line, end="", flush=True)
        lines.append(line)
    code = proc.wait()
    return {"seconds": round(time.monotonic() - started, 1), "returncode": code,
            "load_avg_before": load_before, "load_avg_after": os.getloadavg(),
            "output": "".join(lines)}  # fmt: skip


def main(argv: list[str]) -> int:
    names = argv or sorted(p.stem.removeprefix("bench_") for p in HERE.glob("bench_*.py"))
    runs = {name: _run(name) for name in names}
    path = save("run", {"benchmarks": runs})
    print(f"\n{'benchmark':<12}{'seconds':>9}{'load before':>14}{'load after':>13}  status")
    for name, r in runs.items():
        status = "ok" if r["returncode"] == 0 else f"FAILED ({r['returncode']})"
        print(f"{name:<12}{r['seconds']:>9.0f}{r['load_avg_before'][0]:>14.1f}"
              f"{r['load_avg_after'][0]:>13.1f}  {status}")  # fmt: skip
    total = sum(r["seconds"] for r in runs.values())
    print(f"{'total':<12}{total:>9.0f}   ({os.cpu_count()} CPUs; results: {path})")
    failed = [name for name, r in runs.items() if r["returncode"]]
    if failed:
        print(f"\nfailed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
