"""A human-readable page of the API (``/api/docs``), rendered by the app itself from its
OpenAPI description (``/api/openapi.json``): no Swagger UI, no script, nothing loaded
from a CDN. Public, like the description: it shows the API's shape, never data.

Each operation lists its method and path, summary, who may call it (from the route's
docstring), parameters (where, type, required) and response codes; request and
response bodies name their schema, and every schema's fields are listed below."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from web.views import render

router = APIRouter()
METHODS = ("get", "post", "put", "patch", "delete")


def _type(schema: dict[str, Any]) -> str:
    """A short name for a JSON schema (``string``, ``integer``, ``Ack``, ``string | null``)."""
    if "$ref" in schema:
        return str(schema["$ref"]).rsplit("/", 1)[-1]
    for key in ("anyOf", "oneOf"):
        if key in schema:
            return " | ".join(_type(s) for s in schema[key])
    if schema.get("type") == "array":
        return f"array of {_type(schema.get('items', {}))}"
    return str(schema.get("type", "any"))


def _body(op: dict[str, Any]) -> str | None:
    content = op.get("requestBody", {}).get("content", {})
    return next((_type(c.get("schema", {})) for c in content.values()), None)


def operations(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """Every operation, in path order, as the template shows it."""
    out = []
    for path, item in sorted(spec.get("paths", {}).items()):
        for method in METHODS:
            op = item.get(method)
            if op is None:
                continue
            params = [
                {"name": p["name"], "where": p["in"], "required": p.get("required", False),
                 "type": _type(p.get("schema", {}))}
                for p in op.get("parameters", [])
            ]  # fmt: skip
            out.append({
                "method": method.upper(), "path": path, "summary": op.get("summary", ""),
                "description": op.get("description", ""), "params": params, "body": _body(op),
                "responses": sorted(op.get("responses", {})),
                "anchor": f"{method}-{path}".replace("/", "-").replace("{", "").replace("}", ""),
            })  # fmt: skip
    return out


def schemas(spec: dict[str, Any]) -> list[dict[str, Any]]:
    found = spec.get("components", {}).get("schemas", {})
    return [
        {"name": name, "fields": [(f, _type(s)) for f, s in body.get("properties", {}).items()],
         "required": set(body.get("required", []))}
        for name, body in sorted(found.items())
    ]  # fmt: skip


@router.get("/api/docs")
def api_docs(request: Request) -> Response:
    """The API reference page (public: the API's shape, no data)."""
    spec = request.app.openapi()
    return render(
        request,
        "api_docs.html",
        info=spec.get("info", {}),
        operations=operations(spec),
        schemas=schemas(spec),
    )


@router.get("/openapi.json", include_in_schema=False)
def openapi_alias() -> Response:
    """The description where tools look for it first; it lives under ``/api/``."""
    return RedirectResponse("/api/openapi.json", status_code=308)
