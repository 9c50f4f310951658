"""What ``python -m benchmarks`` (``make bench``) does: run benchmarks one after another.

Design notes
------------
* Each benchmark is its own module (``benchmarks/bench_<name>.py``) run in a fresh
  interpreter (``python -m``), so one benchmark's imports, threads and caches never
  colour the next one's figures; they run in turn, never side by side, because a ratio
  measured while another benchmark competes for the two cores says little.
* Per benchmark the runner keeps its printed table, its wall time, the CPU seconds it
  and its waited-for subprocesses used (``RUSAGE_CHILDREN``; a daemon such as a started
  noida-db is not counted) and the load average before and after. On a shared machine
  the wall time grows with the load while the CPU seconds mostly do not, so both are
  printed: CPU seconds say what the run would take on a quiet machine, roughly.
* A benchmark that leaves part of its work out (the 1M-listing tier of ``bench_scale``
  when its cached store is missing) prints a line starting with ``skipped``; the summary
  repeats those lines, so a short run is never mistaken for a complete one.
* Everything goes to ``benchmarks/results/run-<UTC time>.json``: every table, time and
  load, the total wall time and the skipped parts.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks.results_file import RESULTS, save

HERE = Path(__file__).parent
MODULE = "benchmarks.bench_{}"


def available() -> list[str]:
    """Every benchmark's name (``bench_<name>.py``), sorted."""
    return sorted(p.stem.removeprefix("bench_") for p in HERE.glob("bench_*.py"))


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_one(name: str, module: str = MODULE) -> dict[str, Any]:
    """Run one benchmark, echoing its output as it comes; return what the summary needs."""
    print(f"\n== {module.format(name)} ==", flush=True)
    load_before, cpu_before, started = os.getloadavg(), _children_cpu(), time.monotonic()
    lines = []
    with subprocess.Popen(
        [sys.executable, "-m", module.format(name)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1,
    ) as proc:  # fmt: skip
        assert proc.stdout is not None
        for line in proc.stdout:  # shown as it comes, kept for the results file
            print(line, end="", flush=True)
            lines.append(line)
    code = proc.returncode
    return {"seconds": round(time.monotonic() - started, 1),
            "cpu_seconds": round(_children_cpu() - cpu_before, 2), "returncode": code,
            "load_avg_before": load_before, "load_avg_after": os.getloadavg(),
            "skipped": [x.strip() for x in lines if x.lstrip().lower().startswith("skipped")],
            "output": "".join(lines)}  # fmt: skip


def summary(runs: dict[str, dict[str, Any]], total: float) -> list[str]:
    """The closing table: per benchmark wall and CPU seconds, loads, status; the total."""
    out = [f"{'benchmark':<12}{'wall s':>8}{'cpu s':>8}{'load before':>13}{'load after':>12}"
           "  status"]  # fmt: skip
    for name, r in runs.items():
        status = "ok" if r["returncode"] == 0 else f"FAILED ({r['returncode']})"
        if r["skipped"]:
            status += ", part skipped"
        loads = f"{r['load_avg_before'][0]:>13.1f}{r['load_avg_after'][0]:>12.1f}"
        out.append(f"{name:<12}{r['seconds']:>8.0f}{r['cpu_seconds']:>8.0f}{loads}  {status}")
    cpu = sum(r["cpu_seconds"] for r in runs.values())
    out.append(f"{'total':<12}{total:>8.0f}{cpu:>8.0f}   wall {total / 60:.1f} min on "
               f"{os.cpu_count()} CPUs, load average now {os.getloadavg()[0]:.1f}")  # fmt: skip
    skipped = [f"  {name}: {line}" for name, r in runs.items() for line in r["skipped"]]
    if skipped:
        out += ["not measured in this run:", *skipped]
    return out


def main(argv: list[str], *, module: str = MODULE, results: Path = RESULTS) -> int:
    names = argv or available()
    started = time.monotonic()
    runs = {name: run_one(name, module) for name in names}
    total = round(time.monotonic() - started, 1)
    lines = summary(runs, total)
    path = save("run", {"total_seconds": total, "benchmarks": runs}, folder=results)
    print("\n" + "\n".join(lines) + f"\nresults: {path}", flush=True)
    failed = [name for name, r in runs.items() if r["returncode"]]
    if failed:
        print(f"\nfailed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0
