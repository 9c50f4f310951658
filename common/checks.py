"""One value checker for every configuration source: the settings file and environment
(``wildtrace.config``), the crawl options a crawl subprocess receives
(``crawlers.settings``) and site profiles (``crawlers.profiles``).

``check_value`` returns the value as the declared type or raises ``ValueError`` saying
what was expected; the caller adds *where* (file, variable, key). A leaf module: it
imports no project package.
"""

from __future__ import annotations

import types
import typing
from typing import Any

_TRUE, _FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off")


def _name(typ: Any) -> str:
    if isinstance(typ, tuple):
        return " or ".join(_name(t) for t in typ)
    return str(getattr(typ, "__name__", typ))


def _from_text(value: str, typ: Any) -> Any:
    if typ is bool and value.lower() in _TRUE + _FALSE:
        return value.lower() in _TRUE
    if typ in (int, float):
        try:
            return typ(value)
        except ValueError:
            return None
    if typing.get_origin(typ) is list:
        return [v.strip() for v in value.split(",") if v.strip()]
    return value if typ is str else None


def _strict(value: Any, typ: Any) -> Any:
    if isinstance(value, bool):
        return value if typ is bool else None
    if typ is float and isinstance(value, int | float):
        return float(value)
    if typ in (int, str) and isinstance(value, typ):
        return value
    if typing.get_origin(typ) is list and isinstance(value, list):
        (item,) = typing.get_args(typ) or (object,)
        return value if all(isinstance(v, item) for v in value) else None
    return None


def check_value(
    value: Any, typ: Any, *, from_text: bool = False, minimum: float | None = None
) -> Any:
    """``value`` as ``typ`` (``bool``, ``int``, ``float``, ``str``, ``list[str]``, or a
    tuple of those: the first that fits). A ``bool`` is never a number. ``from_text``
    also reads environment-style strings (``"8080"``, ``"yes"``, ``"a,b"``); ``minimum``
    bounds numbers."""
    if isinstance(typ, types.UnionType):
        typ = typing.get_args(typ)
    options = typ if isinstance(typ, tuple) else (typ,)
    for option in options:
        found = _strict(value, option)
        if found is None and from_text and isinstance(value, str):
            found = _from_text(value, option)
        if found is not None:
            if minimum is not None and isinstance(found, int | float) and found < minimum:
                raise ValueError(f"must be >= {minimum:g}, got {value!r}")
            return found
    raise ValueError(f"expected {_name(typ)}, got {value!r}")
