"""Round-ten training rows (issue 12, fourth pass): requests written with buyer words the
earlier rounds lacked, and offers named only by trade code words; the twelve base
language tags; train and dev only.

Why, from aggregate figures only (no held-out row was read): on the second challenge set
18 of the intent errors were requests read as offers (``buy → sell``: the lexicon found
no buyer word, so the fusion rule "buying needs buyer's words" kept ``sell``), and
offers that name the product only by a code word ("white plastic", 白料, "hàng trắng",
"buche") were its weakest style. The classes, not strings, are written here
(``corpus_data/round10/<tag>.json``), from knowledge of how people post:

* **Requests with new buyer phrasings** (``templates.buy``): "trying to find", "hit me
  up if you got", 谁家有, 哪位老板有, "bác nào có", "đang kiếm", ขอซื้อ, "pengen beli",
  "sesiapa ada", "dónde consigo", "tô atrás de", "je voudrais acheter", 譲っていただける方,
  "wo bekomme ich" …, filled with the language's product phrases and the code-word
  phrases below. The same phrasings were added to the lexicon's buy cues
  (``lexicon/data/langs/<tag>/intent_cues.tsv``), explicit (≥ 1.0) where they can only
  mean buying, weak (0.8) where they may open other sentences.
* **Code-word-only offers** (``offers``: commodity → phrases; ``templates.sell``): the
  product named by its trade code word (white/yellow/African material, black material,
  red material, gold coin maw, 甲片, "vảy tt", ของขาว, "barang putih", buche, "matière
  blanche", 本甲, "weißes Material") with a price or a contact, as dealers post them.
* **Look-alikes through the same templates** (``lookalike``: negative kind → phrases):
  white plastic chairs, ivory-coloured dresses, captive-bred pets with papers, resin
  figures, buffalo-horn combs — asked for or offered in the same words, so neither the
  buyer phrasing nor the colour word is evidence on its own.

Written by the project from language knowledge and ``shared/domain.md``; no
native-speaker review. Ids ``<tag>-t<n>``, one seeded ``random.Random`` per language;
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

ROUND10_DIR = DATA_DIR / "round10"
SEED = 20261203
N_BUY = 36  # requests with the new buyer phrasings, per language
N_CODE = 30  # code-word-only offers, per language
N_LOOKALIKE = 24  # look-alikes through the request and offer templates, per language
BUY, SELL = "r10_buy", "r10_sell"


def _writer(path: Path, bases: dict[str, dict[str, Any]]) -> tuple[_Lang, dict[str, Any]]:
    spec = json.loads(path.read_text(encoding="utf-8"))
    data = json.loads((ROUND10_DIR / path.name).read_text(encoding="utf-8"))
    styles = dict(spec.get("styles", {}))
    styles[BUY], styles[SELL] = list(data["templates"]["buy"]), list(data["templates"]["sell"])
    spec = {**spec, "styles": styles}
    rng = random.Random(f"{SEED}:{tag(spec)}")
    return _Lang(spec, bases.get(tag(spec)), rng, {}), data


def _cycle(
    w: _Lang, phrases: dict[str, list[str]], styles: tuple[str, ...], n: int, *, wildlife: bool
) -> None:
    """``n`` rows cycling through ``phrases``' keys (commodities, or kinds of look-alike),
    each through a random template of a random style of ``styles``."""
    keys = sorted(k for k, v in phrases.items() if v)
    for k in range(n if keys else 0):
        key = keys[k % len(keys)]
        style = w.rng.choice(styles)
        w._add(style, w.rng.choice(phrases[key]), label="wildlife" if wildlife else "clean",
               commodity=key if wildlife else None, intent="buy" if style == BUY else "sell",
               negative_kind=None if wildlife else key)  # fmt: skip


def _rows(path: Path, bases: dict[str, dict[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
    w, data = _writer(path, bases)
    codes: dict[str, list[str]] = data["offers"]
    wanted = {c: [*w.products.get(c, []), *codes.get(c, [])] for c in {*w.products, *codes}}
    _cycle(w, wanted, (BUY,), N_BUY, wildlife=True)
    _cycle(w, codes, (SELL, SELL, BUY), N_CODE, wildlife=True)
    _cycle(w, data["lookalike"], (SELL, BUY), N_LOOKALIKE, wildlife=False)
    return finish_rows(w, "t")


def generate(taken: set[tuple[str, str]]) -> list[dict[str, Any]]:
    """Round-ten rows of every language with a data file; repeats of ``taken`` dropped."""
    return generate_round(ROUND10_DIR, _rows, taken, "t")


def write(rows: list[dict[str, Any]], out_dir: Path = OUT_DIR) -> Path:
    return write_round(rows, out_dir, "round10", SEED)


def earlier() -> set[tuple[str, str]]:
    """(title, text) of every earlier shipped corpus's rows (named one by one: a later
    round's rows must not make this round's disappear)."""
    from classifiers.train.data import (
        BREADTH_PATH,
        CORPUS_PATH,
        ROUND6_PATH,
        ROUND7_PATH,
        ROUND9_PATH,
        texts_of,
    )

    paths = (CORPUS_PATH, BREADTH_PATH, ROUND6_PATH, ROUND7_PATH, ROUND9_PATH)
    return texts_of(paths)


def main() -> None:
    print(f"wrote {write(generate(earlier()))}")


if __name__ == "__main__":
    main()
