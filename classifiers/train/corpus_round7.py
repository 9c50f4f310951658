"""Round-seven training rows (issues 12 and 15, third pass): train and dev only.

Why, from the held-out sets' *aggregate* figures only (no held-out row was read):
live-animal recall was 0.871 on challenge 2 and 0.750 on newlang (0.960 on our own test
split), so pets sold by species name — not by commodity group — were under-represented;
Russian, Traditional Chinese, Korean, Hindi and Lao were the weakest languages; and the
zh-Hans test split's hard-negative FPR (0.190) came from one class, Chinese news written
without the reporting words the lexicon had. The classes, not strings, are written here
(``corpus_data/round7/<tag>.json``):

* **Live pets by species name, every language (21 tags).** Pet-sale and pet-wanted
  templates in the way pet posts are written (hand-fed, tame, with cage/enclosure,
  rehoming, shipping), filled with the lexicon's live-animal common names for the
  language (``pet_names``, frozen into the data file so later lexicon edits do not move
  these rows; weight ≥ 0.8, generic words like "parrot"/"turtle" and commonly
  captive-bred pets — ball python, iguana, axolotl — left out) and sometimes the
  scientific name; written run-together in a share of rows for scripts with spaces, and
  with a trader obfuscation (leetspeak, spaced or dotted letters, look-alike letters,
  zero-width characters, CJK spacing) in another share where the script has them.
  Beside them, **legal pets** (budgies, cockatiels, hamsters, leopard geckos with
  papers…) through the same templates as ``lookalike_animal`` hard negatives, so the pet
  style is not evidence on its own.
* **News without reporting words** (``plain_news``, 15 languages): explainers, myths
  debunked, inheritance questions, "man caught selling X" — narrative sentences naming a
  product with none of the lexicon's news/awareness words. Probes written for this round
  (not rows of any split) showed the lexicon-only first stage scoring such a sentence
  0.9–1.0 from the product term alone ("网传熊胆可以治病？专家辟谣" 0.96), so the cascade
  never asked the encoder; the class is common in every language. Templates with a
  sell/buy verb ("man caught selling X") were dropped after the first retrain with them
  lowered intent accuracy: their intent is ``other`` while the verb says sell. They are
  marked ``intent_train: false`` and teach the label head only: with no framing word,
  what the intent head reads in them is a cue-less offer's wording, and learning "other"
  from it turned missed offers' intent to "other" (first challenge set, aggregate intent
  0.977 → 0.947 with them in the intent head).
* **Product offers in every language** (30 each, the language's own product phrases
  through the sales styles, some run together or obfuscated): the clean rows above name
  products too, and the first retrain with them alone lost recall on cue-less offers.
* **Six weak languages** (ru, zh-Hans, zh-Hant, ko, hi, lo): new offer vocabulary
  (inflected forms, trade names), news written in new shapes (policy, bans, market
  prices, auctions, platform take-downs, border police, research reports), awareness
  posts, and ordinary-sense negatives (imitations, colours, legal products of other
  species).

Written by the project from language knowledge and domain.md; no native-speaker review.
Ids ``<tag>-r<n>``, one seeded ``random.Random`` per language; rows repeating any earlier
row are dropped; 90/10 train/dev, no test rows, so every pinned test split is unchanged.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

from classifiers.train.corpus import DATA_DIR, OUT_DIR, tag
from classifiers.train.corpus_breadth import SCRIPTLESS, _Lang, _restyle
from classifiers.train.corpus_round6 import STYLES, _spec, finish_rows, generate_round, write_round
from classifiers.train.obfuscate import obfuscate

ROUND7_DIR = DATA_DIR / "round7"
SEED = 20261201
N_PETS = 45  # live-pet offers per language
N_LEGAL = 15  # legal-pet negatives per language
N_OFFERS = 45  # new-vocabulary offers per weak language
N_NEWS, N_AWARE, N_CLEAN = 40, 15, 24  # hard negatives per weak language
N_PLAIN = 12  # news without reporting words, per language that has templates for it
N_COMMODITY = 30  # product offers per language, so the new clean rows do not tilt the prior
RUN_TOGETHER = 0.2  # share of offers written without spaces, where the script has them
SCIENTIFIC = 0.15  # share of pet offers naming the species scientifically
OBFUSCATE = 0.15  # share of offers with a trader obfuscation (leet, spacing, look-alikes…)
# Scripts whose obfuscations classifiers.train.obfuscate knows (Latin, CJK, Thai).
OBFUSCATED = ("en", "de", "fr", "es", "pt", "id", "ms", "vi", "tl", "sw", "zh", "ja", "th")
CLEAN_KIND = {
    "faux": "faux",
    "colour_material": "colour_material",
    "legal_product": "other_species",
}


def _writer(path: Path, bases: dict[str, dict[str, Any]]) -> tuple[_Lang, dict[str, Any]]:
    spec, _ = _spec(path, bases)
    data = json.loads((ROUND7_DIR / path.name).read_text(encoding="utf-8"))
    styles = dict(spec["styles"])
    for key in ("pet_sell", "pet_buy", "news", "awareness", "plain_news"):
        if data.get(key):
            styles[f"r7_{key}"] = list(data[key])
    spec = {**spec, "styles": styles}
    rng = random.Random(f"{SEED}:{tag(spec)}")
    return _Lang(spec, bases.get(tag(spec)), rng, {}), data


def _offer(w: _Lang, style: str, phrase: str, com: str) -> None:
    obfuscation = None
    if w.spec["lang"] not in SCRIPTLESS and " " in phrase and w.rng.random() < RUN_TOGETHER:
        phrase, obfuscation = _restyle(phrase, "runtogether", w.rng), "run_together"
    elif w.spec["lang"] in OBFUSCATED and w.rng.random() < OBFUSCATE:
        phrase, obfuscation = obfuscate(phrase, w.spec["lang"], None, w.rng)
    intent = "buy" if style in ("chat_buy", "wtb", "buy", "r7_pet_buy") else "sell"
    w._add(style, phrase, label="wildlife", commodity=com, intent=intent, negative_kind=None)
    w.rows[-1]["obfuscation"] = obfuscation


def _pets(w: _Lang, data: dict[str, Any]) -> None:
    names: dict[str, list[str]] = data["pet_names"]
    coms = sorted(c for c, v in names.items() if v)
    for k in range(N_PETS):
        com = coms[k % len(coms)]
        pool = names[com]
        if w.rng.random() < SCIENTIFIC and data["scientific"].get(com):
            pool = data["scientific"][com]
        style = "r7_pet_buy" if w.rng.random() < 0.25 else "r7_pet_sell"
        _offer(w, style, w.rng.choice(pool), com)
    for _ in range(N_LEGAL):
        style = "r7_pet_buy" if w.rng.random() < 0.25 else "r7_pet_sell"
        w._add(style, w.rng.choice(data["legal_pets"]), label="clean", commodity=None,
               intent="buy" if style == "r7_pet_buy" else "sell",
               negative_kind="lookalike_animal")  # fmt: skip


def _weak(w: _Lang, data: dict[str, Any]) -> None:
    offers: dict[str, list[str]] = data.get("offers", {})
    coms = sorted(c for c, v in offers.items() if v)
    for k in range(N_OFFERS if coms else 0):
        com = coms[k % len(coms)]
        style = "r7_pet_sell" if com.startswith("live_") else w.rng.choice(STYLES)
        _offer(w, style, w.rng.choice(offers[com]), com)
    products = sorted({p for v in offers.values() for p in v} | {
        p for v in w.products.values() for p in v})  # fmt: skip
    for kind, n in (("news", N_NEWS), ("awareness", N_AWARE), ("plain_news", N_PLAIN)):
        for _ in range(n if data.get(kind) else 0):
            w._add(f"r7_{kind}", w.rng.choice(products), label="clean", commodity=None,
                   intent="other", negative_kind=kind.replace("plain_", ""))  # fmt: skip
            if kind == "plain_news":  # no framing words: their words are a cue-less offer's
                w.rows[-1]["intent_train"] = False
    clean: dict[str, list[str]] = data.get("clean", {})
    kinds = sorted(k for k, v in clean.items() if v)
    for k in range(N_CLEAN if kinds else 0):
        kind = kinds[k % len(kinds)]
        w._add(w.rng.choice(("listing", "extra", "chat_sell")), w.rng.choice(clean[kind]),
               label="clean", commodity=None, intent="sell",
               negative_kind=CLEAN_KIND[kind])  # fmt: skip


def _commodities(w: _Lang) -> None:
    """Offers of the language's own product phrases in the sales styles (with the same
    run-together and obfuscation shares): this round adds ~600 clean rows that name
    products (news, imitations), and offers keep the balance of what a product name means."""
    coms = sorted(w.products)
    for k in range(N_COMMODITY if coms else 0):
        com = coms[k % len(coms)]
        _offer(w, w.rng.choice(STYLES), w.rng.choice(w.products[com]), com)


def _rows(path: Path, bases: dict[str, dict[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
    w, data = _writer(path, bases)
    _pets(w, data)
    _weak(w, data)
    _commodities(w)
    return finish_rows(w, "r")


def generate(taken: set[tuple[str, str]]) -> list[dict[str, Any]]:
    """Round-seven rows of every language; repeats of ``taken`` (title, text) dropped."""
    return generate_round(ROUND7_DIR, _rows, taken, "r")


def write(rows: list[dict[str, Any]], out_dir: Path = OUT_DIR) -> Path:
    return write_round(rows, out_dir, "round7", SEED)


def earlier() -> set[tuple[str, str]]:
    """(title, text) of every earlier corpus's rows."""
    from classifiers.train.data import BREADTH_PATH, CORPUS_PATH, ROUND6_PATH, texts_of

    paths = (CORPUS_PATH, BREADTH_PATH, ROUND6_PATH)
    return texts_of(paths)


def main() -> None:
    print(f"wrote {write(generate(earlier()))}")


if __name__ == "__main__":
    main()
