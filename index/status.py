"""What a store says about itself (``wildtrace index status`` / ``replay``): records of
the ``index.base`` contract, kept here so the contract module stays within its size
limit; import them from ``index.base``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class StoreStatus:
    """What ``wildtrace index status`` reports: ``detail`` is the backend's own JSON-able
    description (printed as-is); ``healthy`` is false when the server is unreachable or
    writes are still queued locally."""

    backend: str
    reachable: bool
    pending_operations: int
    detail: dict[str, Any]

    @property
    def healthy(self) -> bool:
        return self.reachable and not self.pending_operations


@dataclass(frozen=True, slots=True)
class ReplayResult:
    """Writes a backend queued during an outage: how many were sent now, how many remain."""

    replayed: int
    operations: int
    records: int
    error: str | None = None
