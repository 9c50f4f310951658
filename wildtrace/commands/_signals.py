"""Foreground commands that run until the user stops them.

``until_stopped()`` is a context manager: SIGTERM is turned into ``KeyboardInterrupt``
(SIGINT already is one), so Ctrl-C and ``kill`` both end the body the same way; the
interrupt is swallowed, so the command's own clean-up runs and it exits 0. The previous
SIGTERM handler is put back on the way out. It must be entered from the main thread
(Python runs signal handlers only there).
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


@contextmanager
def until_stopped() -> Iterator[None]:
    """Run the ``with`` body until it returns or SIGINT/SIGTERM arrives."""
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        yield
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
