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
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

from crawlers.selectors import check_selector

SHIPPED_DIR = Path(__file__).with_name("sources")
KINDS = ("html", "json", "feed")
ITEM_KINDS = ("listing", "post")
FIELD_NAMES = (
    "listing_id", "url", "title", "text", "price", "price_amount", "price_currency",
    "seller_id", "seller_name", "seller_url", "images", "posted_at", "location", "lang", "tags",
)  # fmt: skip
TOP_KEYS = {
    "name", "kind", "base_url", "start_urls", "lang_hint", "region_hint", "item_kind",
    "max_pages", "schedule", "politeness", "html", "json", "feed", "fields",
}  # fmt: skip
_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
_CRON_RE = re.compile(r"^\S+(\s+\S+){4}$")


class ProfileError(ValueError):
    """A profile is malformed; the message names the file and the key."""

    def __init__(self, path: Path | str, key: str, problem: str) -> None:
        self.path, self.key, self.problem = str(path), key, problem
        super().__init__(f"{path}: [{key}] {problem}")


@dataclass(frozen=True)
class FieldSpec:
    """How to read one field: a selector (CSS/``xpath:``, dotted path, or XPath) + optional regex
    whose first group (or whole match) is kept."""

    select: str
    regex: re.Pattern[str] | None = None


@dataclass(frozen=True)
class HtmlSpec:
    follow: tuple[str, ...] = ()  # link selectors of list/pagination/seller pages
    detail_links: str = ""  # link selector of detail pages
    detail_id_regex: re.Pattern[str] = re.compile(r"(.+)")  # on the URL path(+query)


@dataclass(frozen=True)
class JsonSpec:
    items_path: str = "items"
    next_cursor_path: str = ""
    cursor_param: str = "cursor"
    url_template: str = ""  # e.g. "/listing/{listing_id}" when items carry no url


@dataclass(frozen=True)
class FeedSpec:
    items: str = "//item"
    next: str = ""
    namespaces: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Profile:
    name: str
    kind: str
    base_url: str
    start_urls: tuple[str, ...]
    fields: dict[str, FieldSpec]
    path: str = ""
    lang_hint: str | None = None
    region_hint: str | None = None
    item_kind: str = "listing"
    interval_minutes: float | None = None
    cron: str | None = None
    concurrency: int | None = None
    delay: float | None = None
    max_pages: int | None = None
    html: HtmlSpec = field(default_factory=HtmlSpec)
    json: JsonSpec = field(default_factory=JsonSpec)
    feed: FeedSpec = field(default_factory=FeedSpec)

    def absolute(self, url: str) -> str:
        """Resolve ``url`` (maybe relative) against ``base_url``."""
        return urljoin(self.base_url.rstrip("/") + "/", url) if url else self.base_url

    def start_requests_urls(self) -> list[str]:
        return [self.absolute(u) for u in self.start_urls]

    def with_base_url(self, base_url: str | None) -> Profile:
        """The same profile aimed at another host (tests, demo sites on other ports)."""
        if not base_url:
            return self
        _check_base_url(self.path, base_url)
        return replace(self, base_url=base_url.rstrip("/"))


def _check_base_url(path: str, url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ProfileError(path, "base_url", f"must be an http(s) URL with a host, not {url!r}")


def _get(
    data: dict[str, Any], key: str, typ: type | tuple[type, ...], path: Path, where: str = ""
) -> Any:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, typ) or (isinstance(value, bool) and typ is not bool):
        raise ProfileError(
            path, where + key, f"expected {getattr(typ, '__name__', typ)}, got {value!r}"
        )
    return value


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


def parse_profile(data: dict[str, Any], path: Path) -> Profile:
    """Validate one profile's TOML data; raises ``ProfileError``."""
    unknown = set(data) - TOP_KEYS
    if unknown:
        raise ProfileError(
            path, sorted(unknown)[0], f"unknown key; known: {', '.join(sorted(TOP_KEYS))}"
        )
    name = _get(data, "name", str, path)
    if not name or not _NAME_RE.match(name):
        raise ProfileError(path, "name", "required: lowercase letters, digits, '-' or '_'")
    kind = _get(data, "kind", str, path)
    if kind not in KINDS:
        raise ProfileError(path, "kind", f"must be one of {KINDS}, not {kind!r}")
    base_url = _get(data, "base_url", str, path) or ""
    _check_base_url(str(path), base_url)
    starts = data.get("start_urls")
    if not isinstance(starts, list) or not starts or not all(isinstance(s, str) for s in starts):
        raise ProfileError(path, "start_urls", "required: a non-empty list of URLs")
    item_kind = _get(data, "item_kind", str, path) or "listing"
    if item_kind not in ITEM_KINDS:
        raise ProfileError(path, "item_kind", f"must be one of {ITEM_KINDS}, not {item_kind!r}")
    schedule = _get(data, "schedule", dict, path) or {}
    interval = _get(schedule, "interval_minutes", (int, float), path, "schedule.")
    cron = _get(schedule, "cron", str, path, "schedule.")
    if interval is not None and cron is not None:
        raise ProfileError(path, "schedule", "give either interval_minutes or cron, not both")
    if interval is not None and interval <= 0:
        raise ProfileError(path, "schedule.interval_minutes", "must be > 0")
    if cron is not None and not _CRON_RE.match(cron.strip()):
        raise ProfileError(path, "schedule.cron", f"needs 5 fields (m h dom mon dow), got {cron!r}")
    polite = _get(data, "politeness", dict, path) or {}
    concurrency = _get(polite, "concurrency", int, path, "politeness.")
    delay = _get(polite, "delay", (int, float), path, "politeness.")
    if (concurrency is not None and concurrency < 1) or (delay is not None and delay < 0):
        raise ProfileError(path, "politeness", "concurrency must be >= 1 and delay >= 0")
    max_pages = _get(data, "max_pages", int, path)
    if max_pages is not None and max_pages < 1:
        raise ProfileError(path, "max_pages", "must be >= 1")
    raw_fields = _get(data, "fields", dict, path) or {}
    fields_ = {n: _field_spec(kind, n, raw, path) for n, raw in raw_fields.items()}
    required = ("title",) if kind == "html" else ("title", "listing_id")
    for need in required:
        if need not in fields_:
            raise ProfileError(path, f"fields.{need}", "required field missing")
    section = _get(data, kind, dict, path) or {}
    if kind == "html" and not section:
        raise ProfileError(path, "html", "required for kind = 'html'")
    return Profile(
        name=name, kind=kind, base_url=base_url.rstrip("/"), start_urls=tuple(starts),
        fields=fields_, path=str(path), lang_hint=_get(data, "lang_hint", str, path) or None,
        region_hint=_get(data, "region_hint", str, path) or None, item_kind=item_kind,
        interval_minutes=float(interval) if interval is not None else None, cron=cron,
        concurrency=concurrency, delay=float(delay) if delay is not None else None,
        max_pages=max_pages,
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
