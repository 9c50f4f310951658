"""How a setting is declared: ``setting(default, help, …)`` (see ``wildtrace.config``)."""

from __future__ import annotations

from dataclasses import field
from typing import Any


def setting(
    default: Any,
    help: str,  # noqa: A002 - "help" reads best here
    *,
    choices: tuple[str, ...] = (),
    minimum: float | None = None,
    maximum: float | None = None,
) -> Any:
    """Declare a setting once: default, help, and the values it may take (checked at load,
    so a bad value stops the program naming file and key, not a traceback later)."""
    meta = {"help": help, "choices": choices, "minimum": minimum, "maximum": maximum}
    if isinstance(default, list | dict):
        return field(default_factory=lambda: default.copy(), metadata=meta)
    return field(default=default, metadata=meta)
