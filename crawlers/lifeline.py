"""A crawl subprocess must not outlive the process that started it.

The runner starts each crawl in its own session (so a timeout can kill the crawl's whole
process group), which also means a ``kill -9`` or SIGTERM of ``wildtrace run`` used to
leave the crawl running on as an orphan. ``die_with_parent`` arms two independent
mechanisms in the crawl process:

* Linux ``prctl(PR_SET_PDEATHSIG, SIGTERM)`` (through ctypes): the kernel sends SIGTERM
  the moment the parent exits. Scrapy handles SIGTERM by shutting down and still
  writing its summary (never ``complete``: the finish reason is ``shutdown``);
* a watchdog thread (every platform, and a backstop on Linux) that polls ``getppid()``:
  once the parent is gone it sends the same SIGTERM, and if the crawl has not exited
  ``GRACE_SECONDS`` later it ends the process with ``os._exit``.

The parent may have died before this runs (between ``fork`` and ``prctl``): the parent
pid is passed on the command line and compared, which closes that race.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading
import time

PR_SET_PDEATHSIG = 1
POLL_SECONDS = 0.5
GRACE_SECONDS = 15.0


def die_with_parent(parent_pid: int) -> None:
    """Arm both mechanisms for this process; ``parent_pid`` is the expected parent."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGTERM), 0, 0, 0)
    thread = threading.Thread(
        target=_watch, args=(parent_pid,), name="wildtrace-lifeline", daemon=True
    )
    thread.start()


def _watch(parent_pid: int) -> None:
    while os.getppid() == parent_pid:
        time.sleep(POLL_SECONDS)
    os.kill(os.getpid(), signal.SIGTERM)
    time.sleep(GRACE_SECONDS)
    os._exit(3)
