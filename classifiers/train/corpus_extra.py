"""Extra training rows in real-world styles (round three), for train and dev only.

Why a second generator: the base corpus (``corpus.py``) is template-generated and narrow
in style, and its test split must stay byte-identical so test figures remain comparable
across rounds. Extra rows therefore come from their own data
(``corpus_data/extra/<tag>.json``: more sell/buy/news/awareness templates, code-word-only
offers for every commodity, more products and hard negatives, books and media for sale)
and their own seeded ``random.Random``, and they never enter ``test``. They are appended
after the base rows, with ids ``<tag>-x<n>``.

Style is varied by small, language-agnostic rewrites of the filled text, the way people
write on marketplaces and social media: ALL CAPS, emoji, line breaks, hashtags, a typo,
and the base corpus's obfuscations of the product phrase.

Split: the last template of each kind in each language is dev-only (so dev still rewards
generalisation to unseen phrasings); the rest goes 90/10 to train/dev.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

from classifiers.train.corpus import DATA_DIR, _contact, legacy_sorted, tag
from classifiers.train.corpus_ordinary import ordinary_rows
from classifiers.train.obfuscate import obfuscate

EXTRA_DIR = DATA_DIR / "extra"
SEED = 20261130
PLAN = {"sell": 130, "buy": 50, "code": 50, "sale_negative": 140, "news": 70, "awareness": 25}
NEG_KINDS = ("colour_material", "brand_place", "faux", "lookalike_animal", "other_species")
DEV_SHARE = 0.10
IVORY_EXTRA = 3  # extra ivory slots in the cycle of commodities for offers
EMOJI = ("🔥", "✅", "💯", "📦", "⭐", "‼️", "👉", "💰", "🚚", "😍")
CASELESS = ("zh", "ja", "th")


def load_extra(spec: dict[str, Any], extra_dir: Path = EXTRA_DIR) -> dict[str, Any] | None:
    path = extra_dir / f"{tag(spec)}.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


class _Styler:
    """Fills templates and restyles the result, one language at a time."""

    def __init__(self, spec: dict[str, Any], extra: dict[str, Any], rng: random.Random):
        self.spec, self.extra, self.rng = spec, extra, rng

    def fill(self, template: str, phrase: str) -> str:
        rng = self.rng
        n = rng.choice((15, 35, 60, 99, 150, 280, 450, 800, 1200, 2500, 5000))
        price = rng.choice(self.extra.get("prices") or [self.spec["currency"]]).format(n=n)
        return template.format(
            p=phrase,
            price=price,
            contact=_contact(rng, bare=False),
            place=rng.choice(self.spec["places"]),
            qty=rng.choice((3, 7, 20, 60, 300)),
        )

    def restyle(self, text: str, listing: bool) -> str:
        rng = self.rng
        if listing and rng.random() < 0.3:
            text = text.replace(", ", "\n", rng.randint(1, 3))
        if rng.random() < 0.15 and self.spec["lang"] not in CASELESS:
            text = _typo(text, rng)  # CJK/Thai have no spaces: a "word" is a whole clause
        if listing and rng.random() < 0.12 and self.spec["lang"] not in CASELESS:
            text = text.upper()
        if listing and rng.random() < 0.3:
            marks = "".join(rng.sample(EMOJI, rng.randint(1, 3)))
            text = f"{marks} {text}" if rng.random() < 0.5 else f"{text} {marks}"
        if rng.random() < 0.2 and self.extra.get("hashtags"):
            text += "\n" + " ".join(rng.sample(self.extra["hashtags"], 2))
        return text


def _typo(text: str, rng: random.Random) -> str:
    """Swap two adjacent letters inside one word of five letters or more."""
    words = [i for i, w in enumerate(text.split(" ")) if len(w) >= 5 and w.isalpha()]
    if not words:
        return text
    parts = text.split(" ")
    i = rng.choice(words)
    w = parts[i]
    j = rng.randrange(1, len(w) - 2)
    parts[i] = w[:j] + w[j + 1] + w[j] + w[j + 2 :]
    return " ".join(parts)


class _Rows:
    """The rows of one language, each drawn through the one shared ``rng`` (order matters)."""

    def __init__(self, spec: dict[str, Any], extra: dict[str, Any], rng: random.Random) -> None:
        self.spec, self.extra, self.rng = spec, extra, rng
        self.styler = _Styler(spec, extra, rng)
        self.rows: list[dict[str, Any]] = []

    def add(self, kind: str, phrase: str, label: str, com: str | None, intent: str,
            neg: str | None, p_obf: float = 0.0, code: bool = False) -> None:  # fmt: skip
        spec, rng = self.spec, self.rng
        obf = None
        if rng.random() < p_obf:
            emoji = spec.get("emoji", {}).get(com) if com else None
            phrase, obf = obfuscate(phrase, spec["lang"], emoji, rng)
        templates = self.extra[kind]
        i = rng.randrange(len(templates))
        listing = kind in ("sell", "buy")
        text = self.styler.restyle(self.styler.fill(templates[i], phrase), listing)
        self.rows.append(
            {
                "text": text,
                "title": phrase if listing and rng.random() < 0.3 else "",
                "lang": spec["lang"],
                "script": spec.get("script"),
                "label": label,
                "commodity": com,
                "intent": intent,
                "negative_kind": neg,
                "template": f"{tag(spec)}:x-{kind}{'-code' if code else ''}:{i}",
                "held_out": "dev" if i == len(templates) - 1 else None,
                "obfuscation": obf,
            }
        )


def _language_rows(
    spec: dict[str, Any], extra: dict[str, Any], rng: random.Random
) -> list[dict[str, Any]]:
    out = _Rows(spec, extra, rng)
    products = {c: spec["products"][c] + extra["products"].get(c, []) for c in spec["products"]}
    commodities = legacy_sorted(products)
    # Ivory is the largest trade and its word is also the commonest colour word: without
    # extra ivory offers, the bare word ("Elfenbein", "marfil") is mostly seen in clean rows.
    offers = commodities + ["ivory"] * IVORY_EXTRA
    for intent in ("sell", "buy"):
        for i in range(PLAN[intent]):
            com = offers[i % len(offers)]
            out.add(intent, rng.choice(products[com]), "wildlife", com, intent, None, 0.25)
    codes = extra.get("code_offers", {})
    for i in range(PLAN["code"] if codes else 0):
        com = legacy_sorted(codes)[i % len(codes)]
        intent = "sell" if rng.random() < 0.8 else "buy"
        out.add(intent, rng.choice(codes[com]), "wildlife", com, intent, None, code=True)
    for i in range(PLAN["sale_negative"]):
        kind = NEG_KINDS[i % len(NEG_KINDS)]
        pool = spec["negatives"][kind] + extra["negatives"].get(kind, [])
        intent = "sell" if rng.random() < 0.75 else "buy"
        out.add(intent, rng.choice(pool), "clean", None, intent, kind)
    for kind in ("news", "awareness"):
        for i in range(PLAN[kind]):
            com = commodities[(i * 5) % len(commodities)]
            out.add(kind, rng.choice(products[com]), "clean", None, "other", kind, 0.05)
    rows = out.rows + [_media_row(spec, text) for text in extra.get("media", [])]
    # Own rng inside, so the rows above (and later languages' draws) do not move.
    return rows + ordinary_rows(spec, extra, _Styler(spec, extra, rng))


def _media_row(spec: dict[str, Any], text: str) -> dict[str, Any]:
    """A book, documentary, toy or poster for sale: every keyword, no wildlife product."""
    return {
        "text": text,
        "title": "",
        "lang": spec["lang"],
        "script": spec.get("script"),
        "label": "clean",
        "commodity": None,
        "intent": "sell",
        "negative_kind": "news",
        "template": f"{tag(spec)}:x-media",
        "held_out": None,
        "obfuscation": None,
    }


def extra_rows(specs: list[dict[str, Any]], taken: set[tuple[str, str]]) -> list[dict[str, Any]]:
    """Extra rows for every language with an extra file, ids and splits assigned; rows
    whose (title, text) is in ``taken`` (the base corpus) or repeated are dropped."""
    rng = random.Random(SEED)
    out: list[dict[str, Any]] = []
    for spec in specs:
        extra = load_extra(spec)
        if extra is None:
            continue
        n = 0
        for row in _language_rows(spec, extra, rng):
            key = (row["title"], row["text"])
            if key in taken:
                continue
            taken.add(key)
            n += 1
            # Ordinary rows bring their split (own rng), so the shared draws do not move.
            split = (
                row["held_out"]
                or row.get("split")
                or ("dev" if rng.random() < DEV_SHARE else "train")
            )
            out.append({"id": f"{tag(spec)}-x{n:04d}", **row, "split": split})
    return out
