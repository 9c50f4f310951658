"""Typed settings: one TOML file plus ``WILDTRACE_<SECTION>_<NAME>`` environment overrides.

Every setting is declared exactly once, here, with its default and help text
(``tests/test_wildtrace_config.py`` fails when the README's reference misses one).
Secrets (the Elasticsearch API key) are never read from the file, only from the
environment (see ``SECRET_ENV``).
"""

from __future__ import annotations

import json
import os
import tomllib
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any, get_type_hints

from common.checks import check_bounds, check_value
from crawlers.settings import CrawlOptions
from wildtrace.config_fields import setting
from wildtrace.config_sections import (
    AudienceSettings,
    EntitiesSettings,
    FeedSettings,
    ImageSettings,
    MailSettings,
)

# Read when no --config / WILDTRACE_CONFIG is given and the file exists in the working dir.
DEFAULT_CONFIG_NAME = "wildtrace.toml"

# Secrets come only from these environment variables.
# Webhook secrets are per partner: WILDTRACE_WEBHOOK_SECRET_<PARTNER> (upper-case, '-'
# and '.' as '_'; see ``outreach.notify.outbox``), else generated and shown once.
SECRET_ENV = {
    "es_api_key": "WILDTRACE_ES_API_KEY",
    "smtp_username": "WILDTRACE_SMTP_USERNAME",
    "smtp_password": "WILDTRACE_SMTP_PASSWORD",
}


class ConfigError(ValueError):
    """Malformed configuration: says which file/variable and which key."""


@dataclass(frozen=True)
class DataSettings:
    dir: str = setting("var", "Directory for all state: database, evidence, crawl output, logs.")


_PORT: dict[str, Any] = {"minimum": 0, "maximum": 65535}  # 0: any free port
_SCORE: dict[str, Any] = {"minimum": 0.0, "maximum": 1.0}

# The crawl defaults live once, in the crawler's own options (``crawlers.settings``).
_CRAWL = CrawlOptions()


@dataclass(frozen=True)
class CrawlSettings:
    sources_dir: str = setting(
        _CRAWL.sources_dir, "Folder of site profiles (*.toml); empty = the shipped ones."
    )
    enabled: list[str] = setting([], "Names of profiles to crawl; empty = every profile.")
    user_agent: str = setting(
        _CRAWL.user_agent, "User-Agent sent with every request; the contact is appended."
    )
    contact: str = setting(_CRAWL.contact, "Contact address put in the User-Agent.")
    obey_robots: bool = setting(
        _CRAWL.obey_robots, "Honour robots.txt. Only switch off for your own sites."
    )
    concurrency: int = setting(
        _CRAWL.concurrency, "Default concurrent requests per site (profiles may lower it)."
    )
    delay: float = setting(_CRAWL.delay, "Default delay between requests to one site, in seconds.")
    autothrottle: bool = setting(
        _CRAWL.autothrottle, "Adapt the delay to the site's response times."
    )
    retries: int = setting(_CRAWL.retries, "Retries for failed requests (5xx, timeouts).")
    timeout: float = setting(_CRAWL.timeout, "Download timeout per request, in seconds.")
    max_response_bytes: int = setting(
        _CRAWL.max_response_bytes, "Responses larger than this are dropped."
    )
    max_pages: int = setting(_CRAWL.max_pages, "Stop a crawl after this many pages (safety cap).")
    download_images: bool = setting(
        _CRAWL.download_images, "Fetch listing images as evidence (hashed, capped)."
    )
    max_image_bytes: int = setting(_CRAWL.max_image_bytes, "Images larger than this are not kept.")
    max_images: int = setting(_CRAWL.max_images, "Image requests per crawl (apart from max_pages).")
    max_links_per_page: int = setting(
        _CRAWL.max_links_per_page,
        "Links taken from one page per selector; more makes the crawl incomplete.",
    )
    subprocess_timeout: float = setting(900.0, "Kill a crawl subprocess after this (s).", minimum=1)


@dataclass(frozen=True)
class DemoSettings:
    enabled: bool = setting(True, "Start the shipped demo sites with `wildtrace run`.")
    host: str = setting("127.0.0.1", "Address the demo sites bind to.")
    market_port: int = setting(8101, "Port of the demo HTML marketplace.", **_PORT)
    api_port: int = setting(8102, "Port of the demo JSON-API marketplace.", **_PORT)
    social_port: int = setting(8103, "Port of the demo social feed.", **_PORT)
    epoch_seconds: float = setting(
        600.0,
        "The demo sites change (price edits, removals) every this many seconds.",
        minimum=0.001,
    )


@dataclass(frozen=True)
class ClassifierSettings:
    kind: str = setting(
        "learned",
        "Text detector: `learned` (lexicon + model) or `lexicon`.",
        choices=("learned", "lexicon"),
    )
    cascade: bool = setting(
        True, "Learned detector: a fast first stage settles confident listings alone."
    )
    model_dir: str = setting("", "Folder of the trained text model; empty = the shipped one.")
    batch_size: int = setting(64, "Listings classified per batch.", minimum=1, maximum=100_000)
    queue_threshold: float = setting(
        0.5,
        "Score at which a listing enters the investigator queue (recall-leaning).",
        **_SCORE,
    )
    takedown_threshold: float = setting(
        0.8,
        "Score at which a listing enters platform takedown feeds (precision-leaning).",
        **_SCORE,
    )


@dataclass(frozen=True)
class StoreSettings:
    backend: str = setting(
        "sqlite",
        "Where records go: `sqlite` or `elasticsearch`.",
        choices=("sqlite", "elasticsearch"),
    )
    sqlite_path: str = setting("", "SQLite database file; empty = <data.dir>/wildtrace.db.")
    es_url: str = setting("http://127.0.0.1:9200", "Elasticsearch URL (API key from env).")
    es_prefix: str = setting("wildtrace", "Prefix of Elasticsearch index and alias names.")
    es_timeout: float = setting(30.0, "Elasticsearch request timeout, in seconds.", minimum=0.001)
    es_chunk_size: int = setting(500, "Documents per Elasticsearch bulk request.", minimum=1)


@dataclass(frozen=True)
class SchedulerSettings:
    enabled: bool = setting(True, "Run sources on their schedules under `wildtrace run`.")
    misfire_grace_seconds: int = setting(300, "A job late by less than this still runs.", minimum=0)


@dataclass(frozen=True)
class WebSettings:
    host: str = setting("127.0.0.1", "Address the web app binds to.")
    port: int = setting(8000, "Port of the web app (0: any free port).", **_PORT)
    page_size: int = setting(50, "Alerts per page in the queue.", minimum=1, maximum=1000)
    allowed_hosts: list[str] = setting(
        [], "Host names the web app answers to; empty = web.host and the loopback names."
    )
    max_body_bytes: int = setting(
        64_000, "Request bodies larger than this are refused (413).", minimum=1
    )


@dataclass(frozen=True)
class Settings:
    data: DataSettings = field(default_factory=DataSettings)
    crawl: CrawlSettings = field(default_factory=CrawlSettings)
    demo: DemoSettings = field(default_factory=DemoSettings)
    classifier: ClassifierSettings = field(default_factory=ClassifierSettings)
    entities: EntitiesSettings = field(default_factory=EntitiesSettings)
    store: StoreSettings = field(default_factory=StoreSettings)
    scheduler: SchedulerSettings = field(default_factory=SchedulerSettings)
    web: WebSettings = field(default_factory=WebSettings)
    image: ImageSettings = field(default_factory=ImageSettings)
    feeds: FeedSettings = field(default_factory=FeedSettings)
    audiences: AudienceSettings = field(default_factory=AudienceSettings)
    mail: MailSettings = field(default_factory=MailSettings)

    @property
    def data_dir(self) -> Path:
        return Path(self.data.dir)

    @property
    def sqlite_path(self) -> Path:
        return (
            Path(self.store.sqlite_path)
            if self.store.sqlite_path
            else self.data_dir / "wildtrace.db"
        )

    @staticmethod
    def secret(name: str) -> str | None:
        return os.environ.get(SECRET_ENV[name]) or None


def iter_settings() -> list[tuple[str, str, Any, str]]:
    """Every setting as ``(section, name, default, help)``: the reference's source."""
    out = []
    defaults = Settings()
    for section in fields(Settings):
        values = getattr(defaults, section.name)
        for f in fields(values):
            out.append((section.name, f.name, getattr(values, f.name), f.metadata["help"]))
    return out


def _coerce(value: Any, typ: Any, where: str) -> Any:
    try:
        return check_value(value, typ, from_text=True)
    except ValueError as exc:
        raise ConfigError(f"{where}: {exc}") from exc


def _section(settings: Settings, name: str) -> Any:
    return getattr(settings, name)


def _apply(settings: Settings, section: str, values: dict[str, Any], origin: str) -> Settings:
    current = _section(settings, section)
    hints = get_type_hints(type(current))
    metas = {f.name: f.metadata for f in fields(current)}
    updates = {}
    for key, value in values.items():
        if key not in hints:
            raise ConfigError(f"{origin}: unknown setting [{section}] {key}")
        where = f"{origin}: [{section}] {key}"
        updates[key] = _coerce(value, hints[key], where)
        try:
            check_bounds(updates[key], metas[key])
        except ValueError as exc:
            raise ConfigError(f"{where}: {exc}") from exc
    return replace(settings, **{section: replace(current, **updates)})


def load_settings(path: str | Path | None = None, env: dict[str, str] | None = None) -> Settings:
    """Defaults, then the TOML file (if any), then ``WILDTRACE_*`` variables."""
    env = dict(os.environ if env is None else env)
    settings = Settings()
    path = path or env.get("WILDTRACE_CONFIG")
    if not path and Path(DEFAULT_CONFIG_NAME).is_file():
        path = DEFAULT_CONFIG_NAME
    if path:
        settings = _apply_file(settings, Path(path))
    sections = {f.name for f in fields(Settings)}
    for var, raw in sorted(env.items()):
        if (
            not var.startswith("WILDTRACE_")
            or var in SECRET_ENV.values()
            or var == "WILDTRACE_CONFIG"
        ):
            continue
        rest = var[len("WILDTRACE_") :].lower()
        section, _, key = rest.partition("_")
        if section in sections and key:
            settings = _apply(settings, section, {key: raw}, f"environment {var}")
    _check_crawl(settings, str(path or "defaults"))
    return settings


def _check_crawl(settings: Settings, origin: str) -> None:
    """The crawl options pass the crawler's own validator now, not in a crawl later."""
    try:
        CrawlOptions.from_dict(asdict(settings.crawl))
    except ValueError as exc:
        raise ConfigError(f"{origin} (or WILDTRACE_CRAWL_*): [crawl] {exc}") from exc


def _apply_file(settings: Settings, path: Path) -> Settings:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read configuration: {exc}") from exc
    sections = {f.name for f in fields(Settings)}
    for section, values in data.items():
        if section not in sections or not isinstance(values, dict):
            raise ConfigError(f"{path}: unknown section [{section}]")
        settings = _apply(settings, section, values, str(path))
    return settings


def render_defaults() -> str:
    """The documented default configuration file (``wildtrace config --defaults``)."""
    lines = [
        "# wildtrace settings. Every key is optional; the values shown are the defaults.",
        "# Environment variables override this file: WILDTRACE_<SECTION>_<NAME>,",
        "# e.g. WILDTRACE_WEB_PORT=8080. Lists from the environment are comma-separated.",
        "# Secrets are never read from this file, only from the environment:",
        *(f"#   {var}" for var in SECRET_ENV.values()),
    ]
    current = None
    for section, name, default, help_text in iter_settings():
        if section != current:
            lines += ["", f"[{section}]"]
            current = section
        lines += [f"# {help_text}", f"{name} = {json.dumps(default, ensure_ascii=False)}"]
    return "\n".join(lines) + "\n"
