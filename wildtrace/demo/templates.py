"""Load and check the demo's hand-written templates (``wildtrace/demo/data/*.json``).

Four kinds, one file each: ``planted`` (wildlife offers and buy requests),
``hard`` (hard negatives: look-alike words, brands, legal species), ``news`` (seizure,
arrest and awareness posts, plus books and films about the trade) and ``plain``
(ordinary goods and chatter). The JSON keys are short because the files are mostly
text: ``k`` key, ``t`` titles, ``d`` descriptions, ``src`` the sources allowed
(``b``azaar, ``t``radepost, ``w``ildfeed), ``usd`` a price range in US dollars, ``img``
the picture kind, ``io`` image-only, ``pin`` used in the first pass (so the
corpus always shows that obfuscation or case). These templates are demo data only; classifier
training data lives elsewhere and shares none of them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from wildtrace.demo.model import CATEGORIES, COMMODITIES, INTENTS, LANGS

KINDS = {
    "planted": "planted.json",
    "hard": "hard_negatives.json",
    "news": "news.json",
    "plain": "ordinary.json",
}
SOURCE_LETTER = {"bazaar": "b", "tradepost": "t", "wildfeed": "w"}


@dataclass(frozen=True, slots=True)
class Template:
    key: str
    kind: str
    lang: str
    commodity: str | None
    intent: str
    category: str | None
    sources: str
    image: str
    usd: tuple[float, float] | None
    titles: tuple[str, ...]
    texts: tuple[str, ...]
    tags: tuple[str, ...]
    image_only: bool
    pinned: bool

    @property
    def planted(self) -> bool:
        return self.kind == "planted"

    @property
    def hard_negative(self) -> bool:
        return self.kind in ("hard", "news")

    def allows(self, source: str) -> bool:
        return SOURCE_LETTER[source] in self.sources


class TemplateError(ValueError):
    """A data file breaks the template rules (says which template and why)."""


def _read(name: str) -> Any:
    data = (
        resources.files("wildtrace.demo")
        .joinpath("data")
        .joinpath(name)
        .read_text(encoding="utf-8")
    )
    return json.loads(data)


def _build(kind: str, raw: dict[str, Any]) -> Template:
    default_intent = "sell" if kind in ("planted", "hard", "plain") else "other"
    usd = raw.get("usd")
    tpl = Template(
        key=raw["k"],
        kind=kind,
        lang=raw["lang"],
        commodity=raw.get("com"),
        intent=raw.get("intent", default_intent),
        category=raw.get("cat"),
        sources=raw["src"],
        image=raw["img"],
        usd=(float(usd[0]), float(usd[1])) if usd else None,
        titles=tuple(raw["t"]),
        texts=tuple(raw["d"]),
        tags=tuple(raw.get("tags", ())),
        image_only=bool(raw.get("io", False)),
        pinned=bool(raw.get("pin", False)),
    )
    _check(tpl)
    return tpl


def _check(tpl: Template) -> None:
    problems = []
    if tpl.lang not in LANGS:
        problems.append(f"language {tpl.lang!r}")
    if tpl.intent not in INTENTS:
        problems.append(f"intent {tpl.intent!r}")
    if tpl.planted != (tpl.commodity in COMMODITIES):
        problems.append(f"commodity {tpl.commodity!r} for kind {tpl.kind}")
    if ("b" in tpl.sources or "t" in tpl.sources) and (tpl.usd is None or tpl.category is None):
        problems.append("marketplace template without price range or category")
    if tpl.category is not None and tpl.category not in CATEGORIES:
        problems.append(f"category {tpl.category!r}")
    if not tpl.titles or not tpl.texts or not set(tpl.sources) <= set("btw") or not tpl.sources:
        problems.append("needs titles, texts and sources")
    if problems:
        raise TemplateError(f"template {tpl.key}: " + "; ".join(problems))


@lru_cache(maxsize=1)
def load_templates() -> dict[str, tuple[Template, ...]]:
    """All templates by kind; raises ``TemplateError`` on a malformed entry."""
    out = {kind: tuple(_build(kind, raw) for raw in _read(name)) for kind, name in KINDS.items()}
    keys = [t.key for group in out.values() for t in group]
    if len(keys) != len(set(keys)):
        raise TemplateError("duplicate template keys")
    return out


@lru_cache(maxsize=1)
def load_world() -> dict[str, Any]:
    """Cities (with currency), exchange rates, name parts and trader rings."""
    world: dict[str, Any] = _read("world.json")
    return world
