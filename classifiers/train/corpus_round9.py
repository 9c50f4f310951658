"""Round-nine training rows (issue 15, fourth pass): the new languages' precision and
recall; train and dev only.

Why, from aggregate figures only (no held-out row was read): on our own test split the
Russian and Hindi hard-negative FPR (0.111, 0.050) came from three classes the breadth
round had two phrases each for — coins and prints showing an animal, legal captive-bred
pets offered like any pet, tortoiseshell-*look* eyewear; on the hand-written newlang set
Hindi and Lao recall was 0.65 and 0.63, live animals 0.78, and recall per posting style
was lowest on chat messages, comment replies and hashtags, the styles the breadth round
wrote fewest templates for in the new languages. The classes, not strings, are written
here (``corpus_data/round9/<tag>.json``):

* **Offers** (``offers``: commodity → phrases; without it, the language's breadth
  product phrases): species and trade names the earlier
  rounds lacked in the language (Hindi native birds protected by Indian law — munias,
  parakeets, owls —, red sand boa, monitor lizards; Lao spellings with ໂຕ/ຕົວ and
  ລີ່ນ/ລິ່ນ; Russian case forms), written through the language's own sale and
  request templates, including new chat, comment and hashtag templates
  (``templates``: style → templates with ``{p}``, ``{price}``, ``{contact}``, ``{place}``).
* **Look-alikes through the same templates** (``lookalike``: negative kind → phrases):
  coins, stamps, prints and toys showing the animal, legal captive-bred pets (budgies,
  cockatiels, corn snakes, pedigree cats) and eyewear/combs with a tortoiseshell look —
  so the offer style is not evidence on its own.
* **Whole hard negatives** (``clean_text``: negative kind → texts, ``{price}`` and
  ``{contact}`` allowed): mythology, colour names, fish varieties, awareness posts.

Written by the project from language knowledge and ``shared/domain.md``; no
native-speaker review. Ids ``<tag>-n<n>``, one seeded ``random.Random`` per language;
rows repeating any earlier row are dropped; 90/10 train/dev, no test rows, so every
pinned test split is unchanged.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

from classifiers.train.corpus import DATA_DIR, OUT_DIR, tag
from classifiers.train.corpus_breadth import _Lang
from classifiers.train.corpus_round6 import finish_rows, generate_round, write_round

ROUND9_DIR = DATA_DIR / "round9"
SEED = 20261202
N_OFFERS = 60  # offers per language with new vocabulary
N_RESTYLED = 40  # offers per language without: fewer, its file has few or no look-alikes
N_LOOKALIKE = 30  # look-alikes through the offer templates, per language
BUY_STYLES = ("r9_buy", "r9_chat_buy")
OFFER_STYLES = ("r9_sell", "r9_sell", "r9_chat_sell", "r9_comment", "r9_hashtag", *BUY_STYLES)
LOOK_STYLES = ("r9_sell", "r9_sell", "r9_chat_sell", "r9_hashtag", "r9_chat_buy")


def _writer(path: Path, bases: dict[str, dict[str, Any]]) -> tuple[_Lang, dict[str, Any]]:
    spec = json.loads(path.read_text(encoding="utf-8"))
    data = json.loads((ROUND9_DIR / path.name).read_text(encoding="utf-8"))
    styles = dict(spec.get("styles", {}))
    for style, templates in data["templates"].items():
        styles[f"r9_{style}"] = list(templates)
    spec = {**spec, "styles": styles}
    rng = random.Random(f"{SEED}:{tag(spec)}")
    return _Lang(spec, bases.get(tag(spec)), rng, {}), data


def _styles(w: _Lang, pool: tuple[str, ...]) -> list[str]:
    return [s for s in pool if w.spec["styles"].get(s)]


def _offers(w: _Lang, data: dict[str, Any]) -> None:
    # Languages without new vocabulary: their breadth products through the new styles.
    offers: dict[str, list[str]] = data.get("offers") or w.products
    n = N_OFFERS if data.get("offers") else N_RESTYLED
    _through_styles(w, offers, OFFER_STYLES, n, wildlife=True)


def _lookalikes(w: _Lang, data: dict[str, Any]) -> None:
    _through_styles(w, data.get("lookalike", {}), LOOK_STYLES, N_LOOKALIKE, wildlife=False)


def _through_styles(
    w: _Lang, phrases: dict[str, list[str]], pool: tuple[str, ...], n: int, *, wildlife: bool
) -> None:
    """``n`` rows cycling through ``phrases``' keys (commodities of offers, or kinds of
    look-alikes), each in a random style of ``pool`` the language has."""
    keys = sorted(k for k, v in phrases.items() if v)
    styles = _styles(w, pool)
    for k in range(n if keys and styles else 0):
        key = keys[k % len(keys)]
        style = w.rng.choice(styles)
        intent = "buy" if style in BUY_STYLES else "sell"
        w._add(style, w.rng.choice(phrases[key]), label="wildlife" if wildlife else "clean",
               commodity=key if wildlife else None, intent=intent,
               negative_kind=None if wildlife else key)  # fmt: skip


def _clean_text(w: _Lang, data: dict[str, Any]) -> None:
    """Each whole text once, its price and contact filled in."""
    intents = {"news": "other", "awareness": "other"}
    for kind, texts in sorted(data.get("clean_text", {}).items()):
        for i, text in enumerate(texts):
            w.rows.append({
                "text": w._fill(text, ""), "title": "", "lang": w.lang,
                "script": w.spec.get("script"), "template": f"{w.tag}:n-{kind}:{i}",
                "held_out": None, "style": f"r9_{kind}", "obfuscation": None, "species": None,
                "label": "clean", "commodity": None, "intent": intents.get(kind, "sell"),
                "negative_kind": kind,
            })  # fmt: skip


def _rows(path: Path, bases: dict[str, dict[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
    w, data = _writer(path, bases)
    _offers(w, data)
    _lookalikes(w, data)
    _clean_text(w, data)
    return finish_rows(w, "n")


def generate(taken: set[tuple[str, str]]) -> list[dict[str, Any]]:
    """Round-nine rows of every language with a data file; repeats of ``taken`` dropped."""
    return generate_round(ROUND9_DIR, _rows, taken, "n")


def write(rows: list[dict[str, Any]], out_dir: Path = OUT_DIR) -> Path:
    return write_round(rows, out_dir, "round9", SEED)


def earlier() -> set[tuple[str, str]]:
    """(title, text) of every earlier shipped corpus's rows."""
    from classifiers.train.data import (
        BREADTH_PATH,
        CORPUS_PATH,
        ROUND6_PATH,
        ROUND7_PATH,
        texts_of,
    )

    paths = (CORPUS_PATH, BREADTH_PATH, ROUND6_PATH, ROUND7_PATH)
    return texts_of(paths)


def main() -> None:
    print(f"wrote {write(generate(earlier()))}")


if __name__ == "__main__":
    main()
