"""Settings: declared once, documented in the README and the shipped wildtrace.toml."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from crawlers.settings import CrawlOptions
from wildtrace.config import (
    SECRET_ENV,
    ConfigError,
    Settings,
    iter_settings,
    load_settings,
    render_defaults,
)

ROOT = Path(__file__).resolve().parents[1]


def test_every_setting_is_in_the_readme_reference() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [
        f"{section}.{name}"
        for section, name, _, _ in iter_settings()
        if f"`{section}.{name}`" not in readme
    ]
    assert not missing, f"README settings reference misses: {missing}"


def test_every_secret_variable_is_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert all(var in readme for var in SECRET_ENV.values())


def test_shipped_wildtrace_toml_is_the_rendered_defaults() -> None:
    shipped = (ROOT / "wildtrace.toml").read_text(encoding="utf-8")
    assert shipped == render_defaults(), (
        "regenerate with: wildtrace config --defaults > wildtrace.toml"
    )


def test_rendered_defaults_load_back_to_the_defaults(tmp_path: Path) -> None:
    path = tmp_path / "w.toml"
    path.write_text(render_defaults(), encoding="utf-8")
    assert load_settings(path, env={}) == load_settings(tmp_path / "w.toml", env={})
    loaded = load_settings(path, env={})
    for section, name, default, _ in iter_settings():
        assert getattr(getattr(loaded, section), name) == default


def test_every_setting_has_help_text() -> None:
    assert all(help_text.strip() for *_, help_text in iter_settings())


def test_environment_overrides_file(tmp_path: Path) -> None:
    path = tmp_path / "w.toml"
    path.write_text('[web]\nport = 9001\n[crawl]\nenabled = ["bazaar"]\n', encoding="utf-8")
    env = {"WILDTRACE_WEB_PORT": "9002", "WILDTRACE_CRAWL_ENABLED": "bazaar, wildfeed"}
    settings = load_settings(path, env=env)
    assert settings.web.port == 9002
    assert settings.crawl.enabled == ["bazaar", "wildfeed"]
    assert load_settings(path, env={}).web.port == 9001


def test_booleans_from_environment() -> None:
    assert load_settings(env={"WILDTRACE_DEMO_ENABLED": "off"}).demo.enabled is False
    assert load_settings(env={"WILDTRACE_DEMO_ENABLED": "yes"}).demo.enabled is True


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[web]\nport = 'eighty'\n", "[web] port"),
        ("[web]\nprot = 80\n", "unknown setting [web] prot"),
        ("[nosuch]\nx = 1\n", "unknown section [nosuch]"),
        ("[web\nport = 80\n", "cannot read configuration"),
    ],
)
def test_malformed_config_names_file_and_key(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_settings(path, env={})
    assert message in str(info.value)
    assert str(path) in str(info.value)


def test_bad_environment_value_names_the_variable() -> None:
    with pytest.raises(ConfigError, match="WILDTRACE_WEB_PORT"):
        load_settings(env={"WILDTRACE_WEB_PORT": "x"})


def test_secrets_are_not_settings() -> None:
    names = {name for _, name, _, _ in iter_settings()}
    assert not names & set(SECRET_ENV)


def test_crawl_defaults_have_one_source() -> None:
    crawl, options = Settings().crawl, CrawlOptions()
    shared = {f.name for f in dataclasses.fields(options)} & {
        f.name for f in dataclasses.fields(crawl)
    }
    assert len(shared) == 13
    for name in shared:
        assert getattr(crawl, name) == getattr(options, name), name


def test_crawl_settings_are_checked_by_the_crawlers_validator_at_load() -> None:
    with pytest.raises(ConfigError, match=r"\[crawl\] crawl setting 'concurrency'"):
        load_settings(env={"WILDTRACE_CRAWL_CONCURRENCY": "-1"})
