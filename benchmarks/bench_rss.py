"""``python -m benchmarks.bench_rss``: peak memory of ``wildtrace run --once``.

``wildtrace run --once`` (the default settings: learned detector, SQLite, the three demo
sources served by the command itself on free ports) runs in a subprocess; its peak
resident set size comes from ``wait4`` (Linux: the largest of the process and the crawl
subprocesses it waited for). Baseline, in the same run: a bare ``scrapy runspider`` of
the minimal spider of ``bench_crawl`` over the bazaar demo site.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.results_file import save
from wildtrace.demo import DemoSites

RAW_SPIDER = Path(__file__).with_name("raw_scrapy_spider.py")
REPO = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def peak_rss_mb(command: list[str], env: dict[str, str], cwd: Path) -> tuple[float, float, int]:
    """(peak RSS in MiB, seconds, exit status) of ``command``."""
    started = time.perf_counter()
    proc = subprocess.Popen(command, env=env, cwd=cwd, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)  # fmt: skip
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return usage.ru_maxrss / 1024, time.perf_counter() - started, proc.returncode


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        ports = {f"WILDTRACE_DEMO_{n}_PORT": str(_free_port()) for n in ("MARKET", "API", "SOCIAL")}
        env = {**os.environ, **ports, "WILDTRACE_DATA_DIR": str(Path(tmp) / "var"),
               "PYTHONPATH": str(REPO)}  # fmt: skip
        run_mb, run_s, run_rc = peak_rss_mb(
            [sys.executable, "-m", "wildtrace.cli", "run", "--once"], env, Path(tmp)
        )
        with DemoSites(host="127.0.0.1", ports=(0, 0, 0)) as sites:
            raw_mb, raw_s, _ = peak_rss_mb(
                [sys.executable, "-m", "scrapy", "runspider", str(RAW_SPIDER), "-a",
                 f"base={sites.urls['bazaar']}", "-s", "LOG_LEVEL=WARNING",
                 "-s", "TELNETCONSOLE_ENABLED=False", "-o", str(Path(tmp) / "raw.jsonl")],
                env, Path(tmp),
            )  # fmt: skip
    print(f"{'process':<40}{'peak RSS MiB':>14}{'seconds':>9}")
    print(f"{'bare scrapy runspider (bazaar)':<40}{raw_mb:>14.0f}{raw_s:>9.1f}")
    print(f"{'wildtrace run --once (exit ' + str(run_rc) + ')':<40}{run_mb:>14.0f}{run_s:>9.1f}")
    print(f"{'ratio run --once / bare scrapy':<40}{run_mb / raw_mb:>14.2f}")
    data = {"run_once_peak_rss_mib": round(run_mb), "scrapy_peak_rss_mib": round(raw_mb),
            "run_once_s": round(run_s, 1), "run_once_exit": run_rc}  # fmt: skip
    print(f"results: {save('rss', data)}")
    return 0 if run_rc == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
