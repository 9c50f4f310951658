"""Where benchmarks keep their figures: ``benchmarks/results/<name>-<UTC time>.json``, with
the load average and the machine, so a figure can be compared with the conditions of its
run."""

from __future__ import annotations

import json
import os
import platform
import time
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).parent / "results"


def save(name: str, data: dict[str, Any], folder: Path = RESULTS) -> Path:
    """Write ``data`` (plus time, load and machine) under ``folder``; return the file's path."""
    at = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    record = {"benchmark": name, "at": at, "load_avg": os.getloadavg(),
              "cpus": os.cpu_count(), "platform": platform.platform(), **data}  # fmt: skip
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}-{at}.json"
    path.write_text(json.dumps(record, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return path
