"""Ordinary-goods negatives in the cue-less sales style (round four), train and dev only.

Why: round three added many cue-less sell offers ("<product> / <price> / DM") but kept
only eight ordinary products per language as negatives, so the model learnt that the
sales style itself (a price, a contact, "ready stock", "100% pure") means wildlife. Here
ordinary marketplace goods of many categories (jewellery without animal products, food
and drink, cosmetics, clothes, electronics, furniture, tools, toys, books, pet supplies,
plants, handicrafts, antiques, car parts, services) are written through the **same**
sell/buy templates as the wildlife offers of ``corpus_extra`` and through their own
ordinary-listing templates (``corpus_data/ordinary/<tag>.json``).

Each language draws from its own seeded ``random.Random`` so the base and round-three
extra rows (and their ids and splits) do not move; the rows are appended after a
language's extra rows. The last ordinary-listing template of each language is dev-only.
"""

from __future__ import annotations

import json
import random
from typing import Any

from classifiers.train.corpus import DATA_DIR, tag

ORDINARY_DIR = DATA_DIR / "ordinary"
SEED = 20261201
DEV_SHARE = 0.10
PLAN = {"sell": 75, "buy": 10, "listing": 75}  # keeps hard negatives ≥ 40 %


def load_ordinary(spec: dict[str, Any]) -> dict[str, Any] | None:
    path = ORDINARY_DIR / f"{tag(spec)}.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def ordinary_rows(spec: dict[str, Any], extra: dict[str, Any], styler: Any) -> list[dict[str, Any]]:
    """Clean rows (``negative_kind`` ``generic``) for one language; ``styler`` is a
    ``corpus_extra._Styler`` whose rng this function reseeds for its own draws."""
    data = load_ordinary(spec)
    if data is None:
        return []
    rng = random.Random(f"{SEED}:{tag(spec)}")
    styler.rng = rng
    rows: list[dict[str, Any]] = []
    for kind, n in PLAN.items():
        templates = data["listings"] if kind == "listing" else extra[kind]
        for _ in range(n):
            i = rng.randrange(len(templates))
            phrase = rng.choice(data["products"])
            text = styler.restyle(styler.fill(templates[i], phrase), listing=True)
            last = i == len(templates) - 1
            rows.append(
                {
                    "text": text,
                    "title": phrase if rng.random() < 0.3 else "",
                    "lang": spec["lang"],
                    "script": spec.get("script"),
                    "label": "clean",
                    "commodity": None,
                    "intent": "buy" if kind == "buy" else "sell",
                    "negative_kind": "generic",
                    "template": f"{tag(spec)}:x-ordinary-{kind}:{i}",
                    "held_out": "dev" if last else None,
                    "obfuscation": None,
                    "split": "dev" if last or rng.random() < DEV_SHARE else "train",
                }
            )
    return rows
