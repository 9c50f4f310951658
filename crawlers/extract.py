"""From one page/API item/feed item to a record dict that ``Listing.from_dict`` accepts.

Pure functions, no Scrapy: the spider hands in a parsel ``Selector`` (or a JSON object),
the profile's field specs say where each value is, and ``build_item`` normalises them
(clean text, robust price parsing, absolute URLs, ISO dates, language subtags). Fields
the page lacks simply stay empty; only a missing ``listing_id`` rejects a record.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import urljoin, urlsplit

from lxml import etree
from parsel import Selector

from common.clock import utc_now
from crawlers.parsing import (
    html_to_text,
    normalise_lang,
    normalise_ws,
    parse_amount,
    parse_currency,
    parse_datetime,
)
from crawlers.profiles import FieldSpec, Profile
from crawlers.selectors import select_html, select_json, select_xml

Values = dict[str, list[Any]]
MAX_ID_CHARS = 200


def _apply_regex(values: list[Any], spec: FieldSpec) -> list[Any]:
    if spec.regex is None:
        return values
    out = []
    for value in values:
        match = spec.regex.search(str(value))
        if match:
            out.append(match.group(1) if match.groups() else match.group(0))
    return out


def html_values(profile: Profile, page: Selector) -> Values:
    """Field values of one HTML page; the page's ``<html lang>`` is used when no lang field."""
    values = {n: _apply_regex(select_html(page, s.select), s) for n, s in profile.fields.items()}
    if "lang" not in values:
        values["lang"] = select_html(page, "xpath:/html/@lang")
    return values


MARKUP_FIELDS = frozenset({"title", "text", "seller_name", "location", "tags"})


def json_values(profile: Profile, obj: Any) -> Values:
    """Field values of one API object; text-like strings may carry HTML, which is cleaned."""
    values = {n: _apply_regex(select_json(obj, s.select), s) for n, s in profile.fields.items()}
    for name in MARKUP_FIELDS & values.keys():
        values[name] = [html_to_text(v) if isinstance(v, str) else v for v in values[name]]
    return values


def feed_values(profile: Profile, item: Selector) -> Values:
    ns = profile.feed.namespaces
    return {n: _apply_regex(select_xml(item, s.select, ns), s) for n, s in profile.fields.items()}


def canonical_json(obj: Any) -> bytes:
    """One serialisation per JSON value: sorted keys, no spaces, UTF-8."""
    return json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def canonical_xml(item: Selector) -> bytes:
    """Exclusive C14N of one feed item element (byte-stable for equal content)."""
    root = item.root
    if not isinstance(root, etree._Element):
        return str(root).encode()
    return bytes(etree.tostring(root, method="c14n", exclusive=True))


def _first(values: Values, name: str) -> Any:
    found = values.get(name) or []
    return found[0] if found else None


def _text_of(value: Any) -> str | None:
    if value is None or isinstance(value, dict | list):
        return None
    return normalise_ws(str(value)) or None


def _line_of(value: Any) -> str | None:
    """Single-line text (titles, names, places): line breaks become spaces."""
    text = _text_of(value)
    return " ".join(text.split("\n")) if text else None


def _absolute(base: str, href: Any) -> str | None:
    if not isinstance(href, str) or not href.strip():
        return None
    url = urljoin(base, href.strip())
    return url if urlsplit(url).scheme in ("http", "https") else None


def listing_id_from_url(profile: Profile, url: str) -> str | None:
    """The detail regex applied to the URL's path (and query)."""
    parts = urlsplit(url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    match = profile.html.detail_id_regex.search(target)
    if not match:
        return None
    return (match.group(1) if match.groups() else match.group(0))[:MAX_ID_CHARS] or None


def _price(values: Values, lang: str | None) -> tuple[float | None, str | None]:
    shown = _text_of(_first(values, "price"))
    amount = parse_amount(_first(values, "price_amount"))
    if amount is None:
        amount = parse_amount(shown)
    if amount is None:
        return None, None
    currency = parse_currency(_text_of(_first(values, "price_currency")), lang)
    return amount, currency or parse_currency(shown, lang)


def _text(values: Values) -> str:
    body = "\n".join(t for v in values.get("text", []) if (t := _text_of(v)))
    tags = [t for v in values.get("tags", []) if (t := _text_of(v)) and t not in body]
    return f"{body}\n{' '.join(tags)}".strip() if tags else body


def build_item(
    profile: Profile, values: Values, *, url: str, listing_id: str | None = None
) -> dict[str, Any]:
    """A record dict for ``Listing.from_dict``; raises ``ValueError`` without a listing id."""
    found_id = _line_of(_first(values, "listing_id"))
    listing_id = (found_id or listing_id or "")[:MAX_ID_CHARS]
    if not listing_id:
        raise ValueError("no listing id found")
    item_url = _absolute(url, _first(values, "url"))
    if not item_url and profile.kind == "json" and profile.json.url_template:
        item_url = _absolute(
            profile.base_url + "/", _fill(profile.json.url_template, values, listing_id)
        )
    lang = normalise_lang(_text_of(_first(values, "lang"))) or normalise_lang(profile.lang_hint)
    amount, currency = _price(values, lang)
    images = []
    for raw in values.get("images", []):
        absolute = _absolute(item_url or url, raw)
        if absolute and absolute not in images:
            images.append(absolute)
    seller_id = _line_of(_first(values, "seller_id"))
    posted = _first(values, "posted_at")
    return {
        "source": profile.name,
        "listing_id": listing_id,
        "url": item_url or url,
        "title": _line_of(_first(values, "title")) or "",
        "text": _text(values),
        "price": amount,
        "currency": currency,
        "seller_id": seller_id,
        "seller_name": _line_of(_first(values, "seller_name")),
        "seller_url": _absolute(item_url or url, _first(values, "seller_url")),
        "images": images,
        "kind": profile.item_kind,
        "lang_hint": lang,
        "region_hint": profile.region_hint,
        "posted_at": parse_datetime(
            posted if isinstance(posted, int | float) else _text_of(posted)
        ),
        "location": _line_of(_first(values, "location")),
        "fetched_at": utc_now(),
    }


_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


def _fill(template: str, values: Values, listing_id: str) -> str:
    """``/listing/{listing_id}`` with field values (URL-unsafe characters are kept out)."""

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        raw = listing_id if name == "listing_id" else _text_of(_first(values, name)) or ""
        return re.sub(r"[^A-Za-z0-9._~-]", "_", raw)

    return _PLACEHOLDER.sub(value, template)
