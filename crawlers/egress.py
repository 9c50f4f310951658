"""Egress policy: which hosts, ports and addresses a crawl may reach (issue 14).

A hostile page chooses the URLs we see: image URLs on any host and port, redirects to an
internal admin port, links to the cloud metadata address. The policy is decided here,
from the profile alone, and enforced twice:

* by the spider before it schedules a request (``allows_url``: cheap, no DNS), so caps
  count only requests that may really go out;
* by ``crawlers.egress_middleware`` (a downloader middleware) on *every* request that reaches the
  downloader — start pages, links, images, robots.txt and each hop of a redirect, since
  Scrapy re-schedules a redirect as a new request — after resolving the host name, and
  again on the response's peer address (a name that resolved to a public address a
  moment ago may answer from a private one: DNS rebinding). A refused request raises
  ``IgnoreRequest`` with ``egress refused`` in its message.

Rules. Pages (list, detail, API, feed) may go to the profile's own origin
(``base_url``: host *and* port) and to ``[egress] hosts``; a redirect of a page to any
other origin is refused, so a listing's URL can never become an internal address.
Images may also go to ``[egress] image_hosts`` (a declared CDN list). A host entry is
``name`` (default ports 80/443 only), ``name:port``, or ``*.name`` for subdomains.
Addresses that are not globally routable — loopback, private, link-local (the metadata
service), shared, reserved, multicast — are refused unless the profile says
``allow_private = true`` (the shipped demo profiles and tests do: they crawl 127.0.0.1).
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from urllib.parse import urlsplit

IMAGE_ROLE = "image"
DEFAULT_PORTS = {"http": 80, "https": 443}
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def _origin(url: str) -> tuple[str, int] | None:
    """``(host, port)`` of an http(s) URL, host lower-cased; ``None`` for anything else."""
    try:
        parts = urlsplit(url)
        port = parts.port or DEFAULT_PORTS.get(parts.scheme)
    except ValueError:  # a port out of range or not a number
        return None
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname or port is None:
        return None
    return parts.hostname.lower().rstrip("."), port


@dataclass(frozen=True)
class HostRule:
    """One allowed host: an exact name or ``*.suffix``, on one port or the default ports."""

    host: str
    port: int | None = None  # None: 80 or 443

    @classmethod
    def parse(cls, entry: str) -> HostRule:
        """``name``, ``name:port`` or ``*.name``; raises ``ValueError`` on anything else."""
        text = entry.strip().lower()
        host, _, port = text.rpartition(":") if text.count(":") == 1 else (text, "", "")
        if not host or "/" in host or (port and not port.isdigit()):
            raise ValueError(f"not a host or host:port: {entry!r}")
        number = int(port) if port else None
        if number is not None and not 0 < number < 65536:
            raise ValueError(f"port out of range: {entry!r}")
        return cls(host, number)

    def matches(self, host: str, port: int) -> bool:
        if self.port is None and port not in DEFAULT_PORTS.values():
            return False
        if self.port is not None and port != self.port:
            return False
        if self.host.startswith("*."):
            return host.endswith(self.host[1:])
        return host == self.host


@dataclass(frozen=True)
class EgressPolicy:
    """Where one crawl may send requests; built from the profile (see the module doc)."""

    origin: tuple[str, int]
    hosts: tuple[HostRule, ...] = ()
    image_hosts: tuple[HostRule, ...] = ()
    allow_private: bool = False

    @classmethod
    def for_site(
        cls,
        base_url: str,
        hosts: tuple[str, ...] = (),
        image_hosts: tuple[str, ...] = (),
        allow_private: bool = False,
    ) -> EgressPolicy:
        origin = _origin(base_url)
        if origin is None:
            raise ValueError(f"base_url is not an http(s) URL with a host: {base_url!r}")
        return cls(
            origin,
            tuple(HostRule.parse(h) for h in hosts),
            tuple(HostRule.parse(h) for h in image_hosts),
            allow_private,
        )

    def refusal(self, url: str, role: str | None) -> str | None:
        """Why ``url`` may not be requested for ``role`` (``None``: it may), before DNS."""
        origin = _origin(url)
        if origin is None:
            return "not an http(s) URL with a host"
        host, port = origin
        if origin != self.origin and not any(r.matches(host, port) for r in self.hosts):
            if role != IMAGE_ROLE or not any(r.matches(host, port) for r in self.image_hosts):
                return f"host {host}:{port} is not this source's"
        try:
            literal = ipaddress.ip_address(host.strip("[]"))
        except ValueError:
            return None
        return self.address_refusal(literal)

    def allows_url(self, url: str, role: str | None) -> bool:
        return self.refusal(url, role) is None

    def address_refusal(self, address: Address) -> str | None:
        """Why a resolved address may not be contacted (``None``: it may)."""
        if self.allow_private:
            return None
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
            address = address.ipv4_mapped
        if not address.is_global or address.is_multicast:
            return f"address {address} is not public (allow_private is off)"
        return None
