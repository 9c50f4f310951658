"""Crash injection at the pipeline's stage boundaries, for the crash-recovery tests.

``WILDTRACE_CRASH_AT=<stage>[:<n>]`` makes the process SIGKILL itself the ``n``-th time
(default: the first) it passes the boundary named ``stage``:

* ``crawl``    a crawl finished, nothing of it ingested yet;
* ``store``    a batch of listings stored, not classified;
* ``classify`` a batch classified, nothing of the verdicts stored;
* ``alert``    a batch's alerts stored, its detections not yet.

SIGKILL, not an exception: no ``finally``, no ``atexit``, no flush — the worst a power
cut or the OOM killer can do between two writes. Without the variable each boundary
costs one dictionary lookup.
"""

from __future__ import annotations

import os
import signal

STAGES = ("crawl", "store", "classify", "alert")
_passes: dict[str, int] = {}


def boundary(stage: str) -> None:
    """Called by the pipeline at each boundary; kills the process when asked to."""
    spec = os.environ.get("WILDTRACE_CRASH_AT")
    if not spec:
        return
    name, _, nth = spec.partition(":")
    if name != stage:
        return
    _passes[stage] = _passes.get(stage, 0) + 1
    if _passes[stage] == int(nth or 1):
        os.kill(os.getpid(), signal.SIGKILL)
