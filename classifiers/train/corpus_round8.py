"""Round-eight training rows (issue 12, fourth pass): train and dev only.

Why, from the held-out sets' *aggregate* figures only (no held-out row was read): on the
first challenge set the intent errors were sell→buy on offers with no buy cue and, on the
second, sell→buy on offers whose only buy words address the reader ("for anyone looking
for …", "yang mau beli", 欲しい方) and buy→sell on requests worded in ways the lexicon did
not know; French and Traditional Chinese were the weakest languages of the two sets that
are not owned by the breadth issue (fr F1 0.846, zh-Hant 0.714 on the second set). The
classes, not strings, are written here (``corpus_data/round8/<tag>.json``), in twelve
languages (Russian, Hindi and Lao belong to issue 15's round nine):

* **New posting styles for offers**: private-sale classified ads with their disclaimers
  ("Privatverkauf, keine Garantie", "vendu en l'état", "faire offre"), estate and
  collection clear-outs with pre-1947 claims, hashtag posts, bare "product — price —
  contact" lines with no sell word at all, and offers addressed to the reader ("pour ceux
  qui cherchent …", "ai cần … ib em", 有需要的私訊), the style whose buy word misled intent.
* **Requests in new words**: "je suis preneur", "Kaufgesuch", 誠徵, 有人要出…嗎, "ando
  buscando", "ada yg jual", "hỏi mua" — the buyer phrasings the lexicon gained this round.
* **The same templates with ordinary-sense products** (the base language's colour,
  brand, imitation, look-alike and other-species negatives), so none of the new styles is
  evidence of wildlife on its own.
* **French and Traditional Chinese vocabulary** (short forms and parts: "corne de rhino",
  "écailles de pango", "ivoire rouge", 鯪鯉甲, 犀角粉, 象牙麻將…) and twice the rows.

Written by the project from language knowledge and domain.md; no native-speaker review.
Ids ``<tag>-e<n>``, one seeded ``random.Random`` per language; rows repeating any earlier
row are dropped; 90/10 train/dev, no test rows, so every pinned test split is unchanged.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

from classifiers.train.corpus import DATA_DIR, OUT_DIR, load_specs, tag
from classifiers.train.corpus_breadth import BREADTH_DIR, _Lang
from classifiers.train.corpus_round6 import _spec, numbered_new, write_round

ROUND8_DIR = DATA_DIR / "round8"
SEED = 20261202
DEV_SHARE = 0.10
N_SELL, N_BUY, N_CLEAN = 30, 12, 24  # per language
DOUBLE = ("fr", "zh-Hant")  # the two weak languages this round owns: twice the rows
NEGATIVE_KINDS = ("colour_material", "brand_place", "faux", "lookalike_animal", "other_species")


def _writer(path: Path, bases: dict[str, dict[str, Any]]) -> tuple[_Lang, dict[str, Any]]:
    spec, _ = _spec(path, bases)
    data = json.loads((ROUND8_DIR / path.name).read_text(encoding="utf-8"))
    styles = dict(spec["styles"])
    styles["r8_sell"], styles["r8_buy"] = list(data["sell"]), list(data["buy"])
    spec = {**spec, "styles": styles}
    rng = random.Random(f"{SEED}:{tag(spec)}")
    return _Lang(spec, bases.get(tag(spec)), rng, {}), data


def _offers(w: _Lang, data: dict[str, Any], n_sell: int, n_buy: int) -> None:
    """Offers and requests of the language's products (and this round's new ones)."""
    products = {c: list(v) for c, v in w.products.items()}
    for com, extra in data.get("offers", {}).items():
        products[com] = sorted(set(products.get(com, [])) | set(extra))
    coms = sorted(c for c, v in products.items() if v)
    fresh = {c: v for c, v in data.get("offers", {}).items() if v}
    for k in range(n_sell + n_buy):
        style = "r8_sell" if k < n_sell else "r8_buy"
        com = coms[k % len(coms)]
        # half of the rows name this round's new vocabulary where the language has some
        pool = fresh[com] if com in fresh and w.rng.random() < 0.5 else products[com]
        w._add(style, w.rng.choice(pool), label="wildlife", commodity=com,
               intent="buy" if style == "r8_buy" else "sell", negative_kind=None)  # fmt: skip


def _negatives(w: _Lang, base: dict[str, Any] | None, n: int) -> None:
    """Ordinary-sense products through the same templates (hard negatives)."""
    negatives: dict[str, list[str]] = (base or {}).get("negatives", {})
    kinds = [k for k in NEGATIVE_KINDS if negatives.get(k)]
    for k in range(n if kinds else 0):
        kind = kinds[k % len(kinds)]
        style = "r8_buy" if w.rng.random() < 0.25 else "r8_sell"
        w._add(style, w.rng.choice(negatives[kind]), label="clean", commodity=None,
               intent="buy" if style == "r8_buy" else "sell", negative_kind=kind)  # fmt: skip


def _rows(path: Path, bases: dict[str, dict[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
    w, data = _writer(path, bases)
    factor = 2 if w.tag in DOUBLE else 1
    _offers(w, data, N_SELL * factor, N_BUY * factor)
    _negatives(w, bases.get(w.tag), N_CLEAN * factor)
    for row in w.rows:
        row["template"] = row["template"].replace(":b-", ":e-")
        row["held_out"] = None
        row["split"] = "dev" if w.rng.random() < DEV_SHARE else "train"
    return w.tag, w.rows


def generate(taken: set[tuple[str, str]]) -> list[dict[str, Any]]:
    """Round-eight rows of every language with a data file; repeats of ``taken`` dropped."""
    bases = {tag(s): s for s in load_specs()}
    out: list[dict[str, Any]] = []
    for path in sorted(BREADTH_DIR.glob("*.json")):
        if not (ROUND8_DIR / path.name).exists():
            continue
        name, rows = _rows(path, bases)
        out += numbered_new(rows, taken, f"{name}-e")
    return out


def write(rows: list[dict[str, Any]], out_dir: Path = OUT_DIR) -> Path:
    return write_round(rows, out_dir, "round8", SEED)


def earlier() -> set[tuple[str, str]]:
    """(title, text) of every earlier corpus's rows (round nine is parallel, not earlier)."""
    from classifiers.train.data import (
        BREADTH_PATH,
        CORPUS_PATH,
        ROUND6_PATH,
        ROUND7_PATH,
        load_corpus,
    )

    paths = (CORPUS_PATH, BREADTH_PATH, ROUND6_PATH, ROUND7_PATH)
    return {(r["title"], r["text"]) for p in paths for r in load_corpus(p)}


def main() -> None:
    print(f"wrote {write(generate(earlier()))}")


if __name__ == "__main__":
    main()
