"""Webhook signatures: HMAC-SHA256 over ``<timestamp>.<body>``.

Header ``X-Wildtrace-Signature: t=<unix seconds>,v1=<hex digest>``. The timestamp is
inside the signed text so a captured request cannot be replayed later with a fresh
timestamp; a receiver refuses timestamps older than its tolerance (``verify``'s
``tolerance_s``) and compares digests in constant time. The README has a standalone
receiver snippet; the tests verify with their own implementation, not this one.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

SIGNATURE_HEADER = "X-Wildtrace-Signature"
DELIVERY_HEADER = "X-Wildtrace-Delivery"
SECRET_BYTES = 32


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(SECRET_BYTES)


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The signature header value for ``body`` sent at ``timestamp``."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def verify(secret: str, header: str, body: bytes, now: int, tolerance_s: int = 300) -> bool:
    parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
    try:
        timestamp = int(parts.get("t", ""))
    except ValueError:
        return False
    if abs(now - timestamp) > tolerance_s:
        return False
    expected = sign(secret, timestamp, body).partition(",v1=")[2]
    return hmac.compare_digest(expected, parts.get("v1", ""))
