"""Site profiles: the shipped ones load; malformed ones fail with file + key and are skipped."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawlers.profiles import (
    FIELD_NAMES,
    SHIPPED_DIR,
    TOP_KEYS,
    ProfileError,
    find_profile,
    load_profile,
    load_profiles,
)

MINIMAL = """
name = "mini"
kind = "html"
base_url = "http://example.test"
start_urls = ["/"]
[html]
follow = ["a.next::attr(href)"]
[html.detail]
links = "a.item::attr(href)"
id_regex = '^/item/(\\d+)$'
[fields]
title = "h1::text"
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_shipped_profiles_load_with_schedules_and_demo_urls() -> None:
    profiles, errors = load_profiles()
    assert errors == []
    by_name = {p.name: p for p in profiles}
    assert set(by_name) == {"bazaar", "tradepost", "wildfeed"}
    assert (by_name["bazaar"].kind, by_name["tradepost"].kind, by_name["wildfeed"].kind) == (
        "html",
        "json",
        "feed",
    )
    assert by_name["bazaar"].base_url == "http://127.0.0.1:8101"
    assert by_name["wildfeed"].item_kind == "post"
    assert all(p.interval_minutes and p.interval_minutes > 0 for p in profiles)
    found = by_name["bazaar"].html.detail_id_regex.search("/item/abc")
    assert found is not None
    assert found.group(1) == "abc"
    assert (SHIPPED_DIR / "README.md").is_file()


def test_base_url_override_and_relative_start_urls(tmp_path: Path) -> None:
    profile = load_profile(write(tmp_path, "mini", MINIMAL)).with_base_url("http://127.0.0.1:5555/")
    assert profile.base_url == "http://127.0.0.1:5555"
    assert profile.start_requests_urls() == ["http://127.0.0.1:5555/"]
    with pytest.raises(ProfileError, match="base_url"):
        profile.with_base_url("ftp://nowhere")


def test_find_profile_by_name_and_by_path(tmp_path: Path) -> None:
    path = write(tmp_path, "mini", MINIMAL)
    assert find_profile("mini", tmp_path).path == str(path)
    assert find_profile(path).name == "mini"
    assert find_profile("bazaar").kind == "html"
    with pytest.raises(ProfileError, match="no profile named 'nope'"):
        find_profile("nope", tmp_path)


@pytest.mark.parametrize(
    ("change", "key", "message"),
    [
        (('kind = "html"', 'kind = "ftp"'), "kind", "must be one of"),
        (('base_url = "http://example.test"', 'base_url = "example.test"'), "base_url", "http"),
        (('title = "h1::text"', 'title = "h1[[::text"'), "fields.title", "bad CSS selector"),
        (('title = "h1::text"', 'title = "xpath://h1[["'), "fields.title", "bad XPath"),
        (('title = "h1::text"', 'titel = "h1::text"'), "fields.titel", "unknown field"),
        (("'^/item/(\\d+)$'", "'^/item/(\\d+$'"), "html.detail.id_regex", "bad regex"),
        (('start_urls = ["/"]', "start_urls = []"), "start_urls", "non-empty"),
        (('name = "mini"', 'name = "Mini Site"'), "name", "lowercase"),
        (('start_urls = ["/"]', 'start_urls = ["/"]\nmax_page = 3'), "max_page", "unknown key"),
        (
            ('start_urls = ["/"]', 'start_urls = ["/"]\n[schedule]\ncron = "often"'),
            "schedule.cron",
            "5 fields",
        ),
        (("[fields]", "[politeness]\nconcurrency = 0\n[fields]"), "politeness", "concurrency"),
        (
            ('title = "h1::text"', 'title = { select = "h1::text", regex = 3 }'),
            "fields.title.regex",
            "string",
        ),
    ],
)
def test_validation_errors_name_file_and_key(
    tmp_path: Path, change: tuple[str, str], key: str, message: str
) -> None:
    assert change[0] in MINIMAL
    path = write(tmp_path, "bad", MINIMAL.replace(change[0], change[1]))
    with pytest.raises(ProfileError) as caught:
        load_profile(path)
    assert caught.value.key == key
    assert str(path) in str(caught.value)
    assert f"[{key}]" in str(caught.value)
    assert message in str(caught.value)


def test_json_and_feed_profiles_need_a_listing_id_field(tmp_path: Path) -> None:
    text = 'name = "api"\nkind = "json"\nbase_url = "http://x.test"\nstart_urls = ["/a"]\n'
    path = write(tmp_path, "api", text + '[fields]\ntitle = "title"\n')
    with pytest.raises(ProfileError, match=r"\[fields.listing_id\] required"):
        load_profile(path)
    ok = write(
        tmp_path,
        "api2",
        text.replace('"api"', '"api2"') + '[fields]\ntitle = "t"\nlisting_id = "id"\n',
    )
    assert load_profile(ok).json.items_path == "items"


def test_malformed_profiles_are_reported_and_skipped_others_load(tmp_path: Path) -> None:
    write(tmp_path, "good", MINIMAL)
    write(tmp_path, "broken", "name = 'x\n")
    write(tmp_path, "dupe", MINIMAL)  # same name "mini" as good.toml
    profiles, errors = load_profiles(tmp_path)
    assert [p.name for p in profiles] == ["mini"]
    # Files load in name order, so dupe.toml claims "mini" first and good.toml is the duplicate.
    assert [Path(e.path).name for e in errors] == ["broken.toml", "good.toml"]
    assert any(e.key == "toml" for e in errors)
    assert any("duplicate" in e.problem for e in errors)


def test_readme_documents_every_key_and_field() -> None:
    readme = (SHIPPED_DIR / "README.md").read_text(encoding="utf-8")
    for key in sorted(TOP_KEYS | set(FIELD_NAMES)):
        assert f"`{key}`" in readme, f"crawlers/sources/README.md does not document `{key}`"


def test_readme_worked_example_is_a_valid_profile(tmp_path: Path) -> None:
    readme = (SHIPPED_DIR / "README.md").read_text(encoding="utf-8")
    example = readme.split("```toml\n", 1)[1].split("```", 1)[0]
    profile = load_profile(write(tmp_path, "shop", example))
    assert (profile.name, profile.concurrency, profile.delay) == ("shop", 2, 1.5)
    assert profile.fields["seller_id"].regex is not None
