"""Importing ``wildtrace`` sets OpenBLAS's helper-thread timeout before numpy loads it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROBE = """
import os, sys
import wildtrace
loaded_first = "numpy" in sys.modules
import numpy as np
a = np.ones((300, 300), dtype=np.float32)
(a @ a).sum()  # OpenBLAS is loaded and its threads started with the value below
print(os.environ.get("OPENBLAS_THREAD_TIMEOUT"), loaded_first)
"""


def _probe(env: dict[str, str]) -> list[str]:
    out = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, check=True, cwd=ROOT,
        env={**env, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    return out.stdout.split()


def test_the_timeout_is_set_before_numpy_loads() -> None:
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_THREAD_TIMEOUT"}
    assert _probe(env) == ["4", "False"]


def test_a_timeout_already_in_the_environment_wins() -> None:
    assert _probe({**os.environ, "OPENBLAS_THREAD_TIMEOUT": "12"}) == ["12", "False"]
