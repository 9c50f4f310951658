"""Captured evidence in the app: raw pages and images from the evidence store.

Design notes
------------
* The app reads evidence through ``EvidenceReader`` (the crawl stage's write-once store,
  wired in by the composition root); every read re-hashes the bytes, so what is shown
  is what was captured, and its SHA-256 is printed next to it.
* A captured page is hostile markup. It is shown two ways, neither in the app's origin:
  as escaped text (``/evidence/{sha}``), and in a frame (``/evidence/{sha}/frame``)
  whose response carries its own CSP — ``sandbox`` (an opaque origin, no scripts, no
  forms, no popups) and ``default-src 'none'`` (nothing loads, not even its images) —
  inside an ``<iframe sandbox>``.
* An image is served only when its bytes start like PNG, JPEG, GIF or WebP, with that
  type (never the captured ``Content-Type``), ``nosniff`` and a ``sandbox`` CSP, so a
  "picture" that is really HTML or SVG cannot run anything.
* "Could not read it" is never "it was removed": a missing or corrupt file is a 404 or
  a 500 saying so, and the listing keeps its recorded hash.
"""

from __future__ import annotations

import re
from typing import Any, Protocol

from fastapi import APIRouter, Request
from fastapi.responses import Response

from web.auth import Desk
from web.views import error_page, render

router = APIRouter()
SHA_RE = re.compile(r"^[0-9a-f]{64}$")
MAX_TEXT_BYTES = 2_000_000
FRAME_CSP = "sandbox; default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'self'"
_IMAGE_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)


class EvidenceReader(Protocol):
    """What the app needs of the evidence store (``crawlers.evidence.EvidenceStore``)."""

    def read(self, sha256: str) -> bytes:
        """The bytes, re-hashed; ``FileNotFoundError`` if absent, an error if corrupt."""

    def meta(self, sha256: str) -> dict[str, Any]: ...


def image_type(data: bytes) -> str | None:
    """The image type the bytes really are, or ``None``."""
    for magic, kind in _IMAGE_MAGIC:
        if data.startswith(magic):
            return kind
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def _load(request: Request, sha: str) -> tuple[bytes, dict[str, Any]] | Response:
    reader: EvidenceReader | None = request.app.state.evidence
    if not SHA_RE.match(sha):
        return error_page(request, 404, "Not an evidence address (a SHA-256 in hex).")
    if reader is None:
        return error_page(request, 404, "This app has no evidence store configured.")
    try:
        data = reader.read(sha)
    except FileNotFoundError:
        return error_page(request, 404, f"Evidence {sha} is not in the evidence store.")
    except Exception as exc:  # noqa: BLE001 - a corrupt file must be reported, not crash
        return error_page(request, 500, f"Evidence {sha} could not be verified: {exc}")
    return data, reader.meta(sha)


def decode(data: bytes, meta: dict[str, Any]) -> str:
    """The captured bytes as text (declared charset, else UTF-8), undecodable bytes
    replaced — for showing, never for storing."""
    match = re.search(r"charset=([\w-]+)", str(meta.get("content_type", "")), re.I)
    try:
        return data[:MAX_TEXT_BYTES].decode(match.group(1) if match else "utf-8", "replace")
    except LookupError:
        return data[:MAX_TEXT_BYTES].decode("utf-8", "replace")


@router.get("/evidence/{sha}")
def evidence_page(request: Request, sha: str, me: Desk) -> Response:
    loaded = _load(request, sha)
    if isinstance(loaded, Response):
        return loaded
    data, meta = loaded
    kind = image_type(data)
    return render(
        request,
        "evidence.html",
        sha=sha,
        meta=meta,
        size=len(data),
        image=kind,
        text=None if kind else decode(data, meta),
        truncated=len(data) > MAX_TEXT_BYTES,
    )


@router.get("/evidence/{sha}/raw")
def evidence_raw(request: Request, sha: str, me: Desk) -> Response:
    """An image's bytes (see module notes); anything else as inert plain text."""
    loaded = _load(request, sha)
    if isinstance(loaded, Response):
        return loaded
    data, _ = loaded
    kind = image_type(data)
    return Response(
        data,
        media_type=kind or "text/plain; charset=utf-8",
        headers={
            "Content-Security-Policy": "sandbox; default-src 'none'",
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, max-age=86400, immutable",
            "X-Evidence-SHA256": sha,
        },
    )


@router.get("/evidence/{sha}/frame")
def evidence_frame(request: Request, sha: str, me: Desk) -> Response:
    """The captured page as a document for a sandboxed frame (see module notes)."""
    loaded = _load(request, sha)
    if isinstance(loaded, Response):
        return loaded
    data, meta = loaded
    return Response(
        decode(data, meta),
        media_type="text/html; charset=utf-8",
        headers={
            "Content-Security-Policy": FRAME_CSP,
            "X-Frame-Options": "SAMEORIGIN",
            "X-Content-Type-Options": "nosniff",
        },
    )
