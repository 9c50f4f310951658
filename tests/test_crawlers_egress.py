"""Egress policy: the rules (pure) and their enforcement in real subprocess crawls."""

from __future__ import annotations

import ipaddress
from pathlib import Path

import pytest
from crawlers_fixture_site import FixtureSite, html_routes
from test_crawlers_runner import SOURCES, crawl, records

from crawlers.egress import EgressPolicy, HostRule
from crawlers.profiles import ProfileError, load_profile

SITE = "http://shop.example:8080"


def test_pages_stay_on_the_profile_origin_and_its_declared_hosts() -> None:
    policy = EgressPolicy.for_site(SITE, hosts=("m.shop.example",))
    assert policy.allows_url(f"{SITE}/item/1", "detail")
    assert policy.allows_url("https://m.shop.example/item/1", "detail")
    assert not policy.allows_url("http://shop.example:8081/admin", "detail")  # another port
    assert not policy.allows_url("http://shop.example/item/1", "list")  # port 80 ≠ 8080
    assert not policy.allows_url("http://evil.example:8080/x", "list")
    assert not policy.allows_url("ftp://shop.example:8080/x", "list")
    assert not policy.allows_url("http://shop.example:99999/x", "list")


def test_images_may_use_the_declared_cdn_list_and_pages_may_not() -> None:
    policy = EgressPolicy.for_site(SITE, image_hosts=("*.cdn.example", "img.example:8443"))
    assert policy.allows_url("https://a.cdn.example/p.jpg", "image")
    assert policy.allows_url("http://img.example:8443/p.jpg", "image")
    assert not policy.allows_url("http://img.example/p.jpg", "image")
    assert not policy.allows_url("https://a.cdn.example/p.jpg", "detail")
    assert not policy.allows_url("https://cdn.example.evil.test/p.jpg", "image")


@pytest.mark.parametrize(
    "address",
    ["127.0.0.1", "10.1.2.3", "192.168.0.1", "172.16.0.1", "169.254.169.254", "100.64.0.1",
     "0.0.0.0", "::1", "fe80::1", "::ffff:127.0.0.1", "224.0.0.1"],
)  # fmt: skip
def test_non_public_addresses_are_refused_unless_the_profile_allows(address: str) -> None:
    ip = ipaddress.ip_address(address)
    assert EgressPolicy.for_site(SITE).address_refusal(ip) is not None
    assert EgressPolicy.for_site(SITE, allow_private=True).address_refusal(ip) is None
    host = f"[{address}]" if ":" in address else address
    literal = EgressPolicy.for_site(f"http://{host}:8080")
    assert not literal.allows_url(f"http://{host}:8080/x", "list")


def test_public_addresses_pass() -> None:
    policy = EgressPolicy.for_site(SITE)
    assert policy.address_refusal(ipaddress.ip_address("93.184.216.34")) is None
    assert policy.address_refusal(ipaddress.ip_address("2606:4700::1111")) is None


def test_host_rules_parse_or_name_the_problem() -> None:
    assert HostRule.parse("CDN.example:443") == HostRule("cdn.example", 443)
    for bad in ("", "a/b", "x:port", "x:70000"):
        with pytest.raises(ValueError):
            HostRule.parse(bad)


def test_a_bad_egress_table_names_file_and_key(tmp_path: Path) -> None:
    text = (SOURCES / "bazaar.toml").read_text(encoding="utf-8")
    for bad, key in (
        ('image_hosts = ["cdn.example/x"]', "egress.image_hosts"),
        ("allow_private = 1", "egress.allow_private"),
        ("proxy = true", "egress.proxy"),
    ):
        path = tmp_path / "bazaar.toml"
        path.write_text(text.replace("allow_private = true", bad), encoding="utf-8")
        with pytest.raises(ProfileError) as err:
            load_profile(path)
        assert err.value.key == key and str(path) in str(err.value)


def _private_off(tmp: Path) -> Path:
    text = (SOURCES / "bazaar.toml").read_text(encoding="utf-8")
    path = tmp / "bazaar.toml"
    path.write_text(text.replace("allow_private = true", "allow_private = false"), "utf-8")
    return path


@pytest.mark.slow
@pytest.mark.parametrize("name", ["127.0.0.1", "localhost"])
def test_a_profile_without_allow_private_never_reaches_loopback(tmp_path: Path, name: str) -> None:
    """A literal address is refused before DNS; a name is refused after resolving it."""
    site = FixtureSite(html_routes())
    site.start()
    try:
        site.base = site.base.replace("127.0.0.1", name)
        result = crawl(site, _private_off(tmp_path), tmp_path)
    finally:
        site.stop()
    assert site.requests == []
    assert records(result) == {} and result.summary["complete"] is False
