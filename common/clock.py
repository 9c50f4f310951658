"""The clock: one way to say "now", as every record stores it.

A leaf module (it imports no project package), so records, stores and crawlers can all
use it without depending on each other.
"""

from __future__ import annotations

from datetime import UTC, datetime


def utc_now() -> str:
    """The current time as an ISO-8601 UTC string with a ``Z`` suffix."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
