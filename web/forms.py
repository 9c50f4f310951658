"""Reading a small url-encoded form safely (size and field count capped)."""

from __future__ import annotations

from urllib.parse import parse_qs

from fastapi import Request

from web.queries import BadRequest

MAX_FORM_BYTES = 65_536
MAX_FORM_FIELDS = 600  # bulk actions send one field per selected alert


async def read_form_lists(request: Request) -> dict[str, list[str]]:
    """Every value of every field of a url-encoded form."""
    if not request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        raise BadRequest("expected a url-encoded form")
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_FORM_BYTES:
            raise BadRequest("form too large")
    try:
        return parse_qs(body.decode("utf-8"), max_num_fields=MAX_FORM_FIELDS)
    except (UnicodeDecodeError, ValueError) as exc:
        raise BadRequest("malformed form") from exc


async def read_form(request: Request) -> dict[str, str]:
    """The first value of each field of a url-encoded form."""
    fields = await read_form_lists(request)
    return {k: v[0] for k, v in fields.items() if v}
