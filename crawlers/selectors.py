"""Selector syntax of profiles, checked at load time and applied at crawl time.

Three dialects, one per profile kind:

* ``html``: CSS (parsel, with ``::text`` / ``::attr(name)``), or XPath prefixed ``xpath:``;
* ``json``: dotted paths (``price.amount``, ``images``, ``images.0``); lists are flattened;
* ``feed``: XPath relative to the feed item (``guid/text()``, ``enclosure/@url``),
  ``xpath:`` prefix optional, namespace prefixes from the profile.

Every ``select_*`` returns a list of strings (or JSON scalars for ``json``). A match that is
an element, not text or an attribute, is turned into clean text, so ``div.description``
yields readable paragraphs rather than markup.
"""

from __future__ import annotations

from typing import Any

from cssselect import SelectorError
from lxml import etree
from parsel import Selector
from parsel.csstranslator import HTMLTranslator

from crawlers.parsing import element_text, html_to_text, normalise_ws

XPATH_PREFIX = "xpath:"
_TRANSLATOR = HTMLTranslator()


def _xpath_problem(expr: str, namespaces: dict[str, str] | None = None) -> str | None:
    try:
        etree.XPath(expr, namespaces=namespaces or {})
    except etree.XPathSyntaxError as exc:
        return f"bad XPath {expr!r}: {exc}"
    return None


def check_selector(
    kind: str, selector: str, namespaces: dict[str, str] | None = None
) -> str | None:
    """``None`` when ``selector`` is valid for profile ``kind``, else a readable problem."""
    if not selector.strip():
        return "empty selector"
    if kind == "json":
        if selector.startswith(".") or selector.endswith(".") or ".." in selector:
            return f"bad dotted path {selector!r}"
        return None
    if kind == "feed":
        return _xpath_problem(selector.removeprefix(XPATH_PREFIX), namespaces)
    if selector.startswith(XPATH_PREFIX):
        return _xpath_problem(selector[len(XPATH_PREFIX) :])
    try:
        _TRANSLATOR.css_to_xpath(selector)
    except SelectorError as exc:
        return f"bad CSS selector {selector!r}: {exc}"
    return None


def _values(matches: list[Selector]) -> list[str]:
    out = []
    for match in matches:
        root = match.root
        if isinstance(root, str):
            value = normalise_ws(root)
        elif isinstance(root, etree._Element):
            value = element_text(root)
        else:  # booleans/numbers from XPath functions such as count()
            value = str(root)
        if value:
            out.append(value)
    return out


def select_html(page: Selector, selector: str) -> list[str]:
    """Apply a CSS (or ``xpath:``) selector to an HTML page or element."""
    if selector.startswith(XPATH_PREFIX):
        return _values(page.xpath(selector[len(XPATH_PREFIX) :]))
    return _values(page.css(selector))


def select_xml(item: Selector, xpath: str, namespaces: dict[str, str]) -> list[str]:
    """Apply an XPath to one feed item. Text that carries escaped HTML is cleaned."""
    for prefix, uri in namespaces.items():
        item.register_namespace(prefix, uri)
    values = []
    for match in item.xpath(xpath.removeprefix(XPATH_PREFIX)):
        root = match.root
        if isinstance(root, str):
            values.append(html_to_text(root) if "<" in root or "&" in root else normalise_ws(root))
        elif isinstance(root, etree._Element):
            values.append(html_to_text("".join(root.itertext())))
    return [v for v in values if v]


def select_json(obj: Any, path: str) -> list[Any]:
    """Follow a dotted path through dicts and lists; lists along the way are flattened."""
    current: list[Any] = [obj]
    for part in path.split("."):
        nxt: list[Any] = []
        for value in current:
            if isinstance(value, dict) and part in value:
                nxt.append(value[part])
            elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
                nxt.append(value[int(part)])
            elif isinstance(value, list):
                nxt.extend(v[part] for v in value if isinstance(v, dict) and part in v)
        current = nxt
    flat: list[Any] = []
    for value in current:
        flat.extend(value if isinstance(value, list) else [value])
    return [v for v in flat if v is not None and v != ""]
