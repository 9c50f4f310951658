"""Declarative site profiles: one TOML file per source, validated into frozen dataclasses.

A profile says *where* to crawl (``base_url``, ``start_urls``), *how* to find records
(``[html]`` link selectors, ``[json]`` item/cursor paths or ``[feed]`` item/next XPaths)
and *what* each record field is (``[fields]``: field name → selector). The spider is
generic; adding an ordinary site needs only a profile (see ``crawlers/sources/README.md``).

Errors name the file and the key (``ProfileError``). ``load_profiles`` reports a
malformed profile and skips it, so one bad file never stops the other sources.
Selectors are compiled at load time, so a typo fails here, not mid-crawl.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from common.checks import check_value
from crawlers.profile_model import (
    FIELD_NAMES,
    ITEM_KINDS,
    KINDS,
    SHIPPED_DIR,
    TOP_KEYS,
    FeedSpec,
    FieldSpec,
    HtmlSpec,
    JsonSpec,
    Profile,
    ProfileError,
    check_base_url,
)
from crawlers.selectors import check_selector

__all__ = [
    "FIELD_NAMES", "SHIPPED_DIR", "TOP_KEYS", "FeedSpec", "FieldSpec", "HtmlSpec", "JsonSpec",
    "Profile", "ProfileError", "find_profile", "load_profile", "load_profiles", "parse_profile",
]  # fmt: skip
_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
_CRON_RE = re.compile(r"^\S+(\s+\S+){4}$")


def _get(
    data: dict[str, Any], key: str, typ: type | tuple[type, ...], path: Path, where: str = ""
) -> Any:
    """``data[key]`` checked by ``common.checks.check_value`` (the settings' checker too)."""
    value = data.get(key)
    if value is None:
        return None
    if typ is dict:  # a TOML table: nothing to convert
        if isinstance(value, dict):
            return value
        raise ProfileError(path, where + key, f"expected dict, got {value!r}")
    try:
        return check_value(value, typ)
    except ValueError as exc:
        raise ProfileError(path, where + key, str(exc)) from exc


def _regex(pattern: Any, path: Path, key: str) -> re.Pattern[str]:
    if not isinstance(pattern, str):
        raise ProfileError(path, key, f"regex must be a string, got {pattern!r}")
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise ProfileError(path, key, f"bad regex {pattern!r}: {exc}") from exc


def _field_spec(kind: str, name: str, raw: Any, path: Path) -> FieldSpec:
    key = f"fields.{name}"
    if name not in FIELD_NAMES:
        raise ProfileError(path, key, f"unknown field; known: {', '.join(FIELD_NAMES)}")
    if isinstance(raw, dict):
        unknown = set(raw) - {"select", "regex"}
        if unknown or not isinstance(raw.get("select"), str):
            raise ProfileError(path, key, "a table needs `select` (string) and optional `regex`")
        regex = _regex(raw["regex"], path, key + ".regex") if "regex" in raw else None
        raw = raw["select"]
    elif isinstance(raw, str):
        regex = None
    else:
        raise ProfileError(path, key, f"expected a selector string or table, got {raw!r}")
    problem = check_selector(kind, raw)
    if problem:
        raise ProfileError(path, key, problem)
    return FieldSpec(raw, regex)


def _html_spec(data: dict[str, Any], path: Path) -> HtmlSpec:
    follow = data.get("follow", [])
    if not isinstance(follow, list) or not all(isinstance(s, str) for s in follow):
        raise ProfileError(path, "html.follow", "must be a list of selector strings")
    detail = _get(data, "detail", dict, path, "html.")
    if not detail or not isinstance(detail.get("links"), str):
        raise ProfileError(path, "html.detail.links", "required: selector of detail-page links")
    for key, sel in [(f"html.follow[{i}]", s) for i, s in enumerate(follow)] + [
        ("html.detail.links", detail["links"])
    ]:
        if problem := check_selector("html", sel):
            raise ProfileError(path, key, problem)
    id_regex = _regex(detail.get("id_regex", r"(.+)"), path, "html.detail.id_regex")
    return HtmlSpec(tuple(follow), detail["links"], id_regex)


def _json_spec(data: dict[str, Any], path: Path) -> JsonSpec:
    values = {k: _get(data, k, str, path, "json.") for k in JsonSpec.__dataclass_fields__}
    unknown = set(data) - set(values)
    if unknown:
        raise ProfileError(path, f"json.{sorted(unknown)[0]}", "unknown key")
    return JsonSpec(**{k: v for k, v in values.items() if v is not None})


def _feed_spec(data: dict[str, Any], path: Path) -> FeedSpec:
    namespaces = data.get("namespaces", {})
    if not isinstance(namespaces, dict) or not all(isinstance(v, str) for v in namespaces.values()):
        raise ProfileError(path, "feed.namespaces", "must be a table of prefix = URI")
    spec = FeedSpec(
        items=_get(data, "items", str, path, "feed.") or "//item",
        next=_get(data, "next", str, path, "feed.") or "",
        namespaces=dict(namespaces),
    )
    for key in ("items", "next"):
        sel = getattr(spec, key)
        if sel and (problem := check_selector("feed", sel, spec.namespaces)):
            raise ProfileError(path, f"feed.{key}", problem)
    return spec


def _identity(data: dict[str, Any], path: Path) -> dict[str, Any]:
    unknown = set(data) - TOP_KEYS
    if unknown:
        known = ", ".join(sorted(TOP_KEYS))
        raise ProfileError(path, sorted(unknown)[0], f"unknown key; known: {known}")
    name = _get(data, "name", str, path)
    if not name or not _NAME_RE.match(name):
        raise ProfileError(path, "name", "required: lowercase letters, digits, '-' or '_'")
    kind = _get(data, "kind", str, path)
    if kind not in KINDS:
        raise ProfileError(path, "kind", f"must be one of {KINDS}, not {kind!r}")
    base_url = _get(data, "base_url", str, path) or ""
    check_base_url(str(path), base_url)
    starts = data.get("start_urls")
    if not isinstance(starts, list) or not starts or not all(isinstance(s, str) for s in starts):
        raise ProfileError(path, "start_urls", "required: a non-empty list of URLs")
    item_kind = _get(data, "item_kind", str, path) or "listing"
    if item_kind not in ITEM_KINDS:
        raise ProfileError(path, "item_kind", f"must be one of {ITEM_KINDS}, not {item_kind!r}")
    return {
        "name": name, "kind": kind, "base_url": base_url.rstrip("/"),
        "start_urls": tuple(starts), "item_kind": item_kind,
        "lang_hint": _get(data, "lang_hint", str, path) or None,
        "region_hint": _get(data, "region_hint", str, path) or None,
    }  # fmt: skip


def _schedule(data: dict[str, Any], path: Path) -> dict[str, Any]:
    schedule = _get(data, "schedule", dict, path) or {}
    interval = _get(schedule, "interval_minutes", (int, float), path, "schedule.")
    cron = _get(schedule, "cron", str, path, "schedule.")
    if interval is not None and cron is not None:
        raise ProfileError(path, "schedule", "give either interval_minutes or cron, not both")
    if interval is not None and interval <= 0:
        raise ProfileError(path, "schedule.interval_minutes", "must be > 0")
    if cron is not None and not _CRON_RE.match(cron.strip()):
        raise ProfileError(path, "schedule.cron", f"needs 5 fields (m h dom mon dow), got {cron!r}")
    return {"interval_minutes": float(interval) if interval is not None else None, "cron": cron}


def _politeness(data: dict[str, Any], path: Path) -> dict[str, Any]:
    polite = _get(data, "politeness", dict, path) or {}
    concurrency = _get(polite, "concurrency", int, path, "politeness.")
    delay = _get(polite, "delay", (int, float), path, "politeness.")
    if (concurrency is not None and concurrency < 1) or (delay is not None and delay < 0):
        raise ProfileError(path, "politeness", "concurrency must be >= 1 and delay >= 0")
    max_pages = _get(data, "max_pages", int, path)
    if max_pages is not None and max_pages < 1:
        raise ProfileError(path, "max_pages", "must be >= 1")
    return {
        "concurrency": concurrency,
        "delay": float(delay) if delay is not None else None,
        "max_pages": max_pages,
    }


def _fields(data: dict[str, Any], kind: str, path: Path) -> dict[str, FieldSpec]:
    raw_fields = _get(data, "fields", dict, path) or {}
    specs = {n: _field_spec(kind, n, raw, path) for n, raw in raw_fields.items()}
    for need in ("title",) if kind == "html" else ("title", "listing_id"):
        if need not in specs:
            raise ProfileError(path, f"fields.{need}", "required field missing")
    return specs


def parse_profile(data: dict[str, Any], path: Path) -> Profile:
    """Validate one profile's TOML data; raises ``ProfileError``."""
    identity = _identity(data, path)
    kind = identity["kind"]
    section = _get(data, kind, dict, path) or {}
    if kind == "html" and not section:
        raise ProfileError(path, "html", "required for kind = 'html'")
    return Profile(
        **identity, **_schedule(data, path), **_politeness(data, path),
        fields=_fields(data, kind, path), path=str(path),
        html=_html_spec(section, path) if kind == "html" else HtmlSpec(),
        json=_json_spec(section, path) if kind == "json" else JsonSpec(),
        feed=_feed_spec(section, path) if kind == "feed" else FeedSpec(),
    )  # fmt: skip


def load_profile(path: str | Path) -> Profile:
    """Read and validate one profile file; raises ``ProfileError``."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ProfileError(path, "file", f"cannot read: {exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(path, "toml", f"not valid TOML: {exc}") from exc
    return parse_profile(data, path)


def load_profiles(directory: str | Path | None = None) -> tuple[list[Profile], list[ProfileError]]:
    """Every ``*.toml`` profile in ``directory`` (default: the shipped ones), sorted by name.

    Malformed files (and duplicate names) are returned as errors and skipped."""
    directory = Path(directory) if directory else SHIPPED_DIR
    profiles: dict[str, Profile] = {}
    errors: list[ProfileError] = []
    for path in sorted(directory.glob("*.toml")):
        try:
            profile = load_profile(path)
        except ProfileError as exc:
            errors.append(exc)
            continue
        if profile.name in profiles:
            errors.append(ProfileError(path, "name", f"duplicate of {profiles[profile.name].path}"))
            continue
        profiles[profile.name] = profile
    return [profiles[n] for n in sorted(profiles)], errors


def find_profile(name_or_path: str | Path, sources_dir: str | Path | None = None) -> Profile:
    """A profile by file path, or by name from ``sources_dir`` (default: the shipped ones)."""
    candidate = Path(name_or_path)
    if candidate.suffix == ".toml" or candidate.is_file():
        return load_profile(candidate)
    directory = Path(sources_dir) if sources_dir else SHIPPED_DIR
    path = directory / f"{name_or_path}.toml"
    if not path.is_file():
        raise ProfileError(path, "name", f"no profile named {str(name_or_path)!r} in {directory}")
    return load_profile(path)
