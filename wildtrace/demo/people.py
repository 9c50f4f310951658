"""Sellers, trader rings and off-platform contacts for the demo corpus.

Seller networks matter to investigators ("follow the money"): eight trader rings
(``world.json``) post most of the wildlife items, each under its own name on every
source but with the *same* phone/WeChat/Telegram contact, so a system that links
contacts can join them across sites. Other sellers come from per-language pools so
ordinary sellers repeat too, as on real sites. All phone numbers use fictional ranges
(``555``, UK ``07700 900xxx``).
"""

from __future__ import annotations

import random
import unicodedata
import zlib
from dataclasses import dataclass
from typing import Any

from wildtrace.demo.templates import Template, load_world

RING_SHARE = 0.75  # share of planted items posted by a known ring (when one fits)
POOL_SIZE = 10  # ordinary sellers per (source, language)


@dataclass(frozen=True, slots=True)
class Seller:
    id: str
    name: str
    contact: str
    city: str | None  # a ring's home city; None = pick per item
    ring: str | None = None  # the ring's key, for a ring account


def _crc(text: str) -> int:
    return zlib.crc32(text.encode("utf-8"))


def seller_id(source: str, key: str, name: str) -> str:
    """Stable per-source ids: bazaar ``s1a2b3c``, tradepost ``u1234567``, wildfeed handle."""
    if source == "bazaar":
        return f"s{_crc(key) & 0xFFFFFF:06x}"
    if source == "tradepost":
        return f"u{_crc(key) % 10_000_000:07d}"
    return name if name.startswith("@") else handle(name, key)


def handle(name: str, key: str) -> str:
    """An ASCII ``@handle`` derived from a display name (digits when nothing is left)."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    stem = "".join(c for c in folded if c.isalnum())[:14] or "user"
    return f"@{stem}{_crc(key) % 1000}"


def random_contact(lang: str, rng: random.Random) -> str:
    """An off-platform contact in the style usual for the language's market."""
    n4 = f"{rng.randrange(10_000):04d}"
    styles = {
        "en": [
            f"WhatsApp +44 7700 900{n4[:3]}",
            f"Telegram @{rng.choice(['ivy', 'jay', 'mo'])}{n4}",
        ],
        "zh": [f"微信 wx{n4}{rng.choice(['88', '66', '99'])}", f"WeChat: tk{n4}"],
        "vi": [f"Zalo 0903 555 {n4[:3]}", f"zalo 09 7555 {n4}"],
        "th": [f"LINE: shop{n4}", f"ไลน์ id{n4}"],
        "id": [f"WA 0813-5550-{n4}", f"wa.me/6281355{n4}"],
        "es": [f"WhatsApp +52 55 5555 {n4}", f"whats 55 5555 {n4}"],
        "fr": [f"WhatsApp +33 6 55 55 {n4[:2]} {n4[2:]}", f"Telegram @vente{n4}"],
        "pt": [f"zap (11) 95555-{n4}", f"WhatsApp +55 11 95555-{n4}"],
    }
    return rng.choice(styles[lang])


class SellerBook:
    """Hands out sellers for one source: ring members, one-off traders, ordinary pools."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.world: dict[str, Any] = load_world()
        self._pools: dict[str, list[Seller]] = {}

    def for_item(self, tpl: Template, rng: random.Random) -> Seller:
        if tpl.planted:
            rings = [
                r
                for r in self.world["rings"]
                if tpl.lang in r["langs"] and tpl.commodity in r["commodities"]
            ]
            if rings and rng.random() < RING_SHARE:
                return self._ring_seller(rng.choice(rings), rng)
            return self._one_off(tpl.lang, rng)
        return rng.choice(self._pool(tpl.lang))

    def _ring_seller(self, ring: dict[str, Any], rng: random.Random) -> Seller:
        name = ring["names"][self.source]
        return Seller(
            id=seller_id(self.source, "ring:" + ring["key"], name),
            name=name,
            contact=rng.choice(ring["contact"]),
            city=ring["city"],
            ring=ring["key"],
        )

    def _one_off(self, lang: str, rng: random.Random) -> Seller:
        name = self._person_name(lang, rng)
        key = f"oneoff:{lang}:{name}:{rng.randrange(1_000_000)}"
        return Seller(seller_id(self.source, key, name), name, random_contact(lang, rng), None)

    def _pool(self, lang: str) -> list[Seller]:
        if lang not in self._pools:
            rng = random.Random(f"wildtrace-demo:sellers:{self.source}:{lang}")
            pool = []
            for i in range(POOL_SIZE):
                name = self._person_name(lang, rng)
                key = f"pool:{lang}:{i}:{name}"
                pool.append(
                    Seller(seller_id(self.source, key, name), name, random_contact(lang, rng), None)
                )
            self._pools[lang] = pool
        return self._pools[lang]

    def _person_name(self, lang: str, rng: random.Random) -> str:
        parts = self.world["names"][lang]
        first, last = rng.choice(parts["first"]), rng.choice(parts["last"])
        if lang == "zh":
            return str(last + first)
        if lang == "vi":
            return f"{last} {first}"
        return f"{first} {last}"


def city_currency(city: str) -> str:
    """The currency of a city named in ``world.json`` (USD when unknown)."""
    for pairs in load_world()["cities"].values():
        for name, currency in pairs:
            if name == city:
                return str(currency)
    return "USD"
