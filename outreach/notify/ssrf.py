"""SSRF guard for webhook targets: where may wildtrace send an HTTP request?

A webhook URL is typed by a person and resolved by DNS, both of which an attacker may
control; a request to ``127.0.0.1``, ``169.254.169.254`` (cloud metadata) or a private
network would let them reach what the server can reach. So:

* only ``http``/``https``, no user-info, a host is required;
* the host is resolved *here*, every address it resolves to must be public (a name that
  resolves to one public and one private address is refused), unless an admin allowed
  the host or a network containing the address (``feeds.webhook_allow_private``);
* the request is then made to the address that was checked (``Target.ip``; the ``Host``
  header and TLS SNI keep the name), so a DNS answer that changes between the check and
  the connection (rebinding) cannot move the request to another address.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from outreach.base import BlockedTarget

Resolver = Callable[[str, int], list[str]]


@dataclass(frozen=True, slots=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str
    ip: str


def system_resolver(host: str, port: int) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise BlockedTarget(f"cannot resolve {host!r}: {exc}") from exc
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def _public(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return not (
        ip.is_loopback or ip.is_link_local or ip.is_private or ip.is_reserved
        or ip.is_multicast or ip.is_unspecified
    )  # fmt: skip


def _allowed(
    host: str, ip: ipaddress.IPv4Address | ipaddress.IPv6Address, allow: Sequence[str]
) -> bool:
    for entry in allow:
        if entry.lower() == host.lower():
            return True
        try:
            if ip in ipaddress.ip_network(entry, strict=False):
                return True
        except ValueError:
            continue
    return False


def check_target(
    url: str, allow: Sequence[str] = (), resolve: Resolver = system_resolver
) -> Target:
    """The checked, resolved target of ``url``, or ``BlockedTarget`` saying why not."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise BlockedTarget(f"webhook URL must be http or https, not {parts.scheme!r}")
    if parts.username or parts.password or not parts.hostname:
        raise BlockedTarget("webhook URL needs a host and no user-info")
    host = parts.hostname
    port = parts.port or (443 if parts.scheme == "https" else 80)
    addresses = resolve(host, port)
    if not addresses:
        raise BlockedTarget(f"{host!r} resolves to no address")
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%")[0])
        if not _public(ip) and not _allowed(host, ip, allow):
            raise BlockedTarget(
                f"{host!r} resolves to {ip}, a loopback/link-local/private address; "
                "an admin must allow it (feeds.webhook_allow_private)"
            )
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Target(parts.scheme, host, port, path, addresses[0])
