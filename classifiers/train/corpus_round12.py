"""Round-twelve training rows (issue 12, sixth pass): Russian word forms and Taiwan/Hong
Kong phrasing in classified, heirloom and comment styles, and buyer replies in comment
threads in fourteen language tags; train and dev only.

Why, from aggregate figures only (no held-out row was read): on challenge 2, Russian F1 fell
to 0.816 (6 of 26 offers missed, half of them ivory, in classified-abbreviation and heirloom
posts; 3 false hits: a colour sense, a news comment, an ordinary chat) and Traditional
Chinese to 0.800 (a classified offer and a request missed; an other-species product
flagged); 18 requests came out ``sell``, most in the ``comment_reply`` and ``chat_message``
styles across nine languages; and 9 of the 20 false hits were news or awareness posts, 5 of
them comment replies and 2 forum posts. Probe listings written for this round (not held-out
rows) showed the classes: Russian offers name the product in an oblique case or with a
fleeting vowel ("2 бивня", "кость слона", "слон. кость") and in abbreviated ads ("прод.",
"ц. дог.", "самовыв.") or estate posts ("от деда", "рассмотрю предложения"); Taiwan/Hong
Kong posts open with one character (售/出/賣; 徵) and use Cantonese requests
(邊度有得買, 有冇人出); and a buyer's reply under a sale post ("I'll take it",
"Ich nehme", "Возьму", "幫我留", "จองค่ะ") names the product, often a price, and no
request word the earlier rounds knew; a reaction under a news post ("who still buys X?",
"customs seized X") names the product as plainly as an offer does. The lexicon gained the
same cues (``classifiers/lexicon/data``).

``corpus_data/round12/<tag>.json``: ``templates`` (``sell``/``buy`` for ru and zh-Hant,
``comment_buy`` for every tag: a buyer's reply naming ``{p}``; ``comment_news``: a reaction
under a news or awareness post naming the product, clean), ``offers`` (commodity →
phrases; the language's breadth products when absent), ``lookalike`` (kind → phrases
through the same templates: colour senses, imitations, other species, legal pets and
ordinary goods, so a template is never evidence on its own) and ``clean_text`` (whole
clean texts: news comments, awareness). Clean rows outnumber offers in every language.

Written by the project from language knowledge and ``shared/domain.md``; **no
native-speaker review**. Ids ``<tag>-q<n>``, one seeded ``random.Random`` per language;
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

ROUND12_DIR = DATA_DIR / "round12"
SEED = 20261212
N_OFFERS = 48  # ru/zh-Hant offers and requests through the new templates
N_LOOKALIKE = 60  # ru/zh-Hant look-alikes through the same templates
N_COMMENT_OFFERS = 10  # buyer replies naming a wildlife product, every tag
N_COMMENT_CLEAN = 24  # buyer replies naming ordinary goods, every tag
N_NEWS_COMMENTS = 15  # reactions to news and awareness posts naming a product, every tag
SELL, BUY, COMMENT, NEWS = "r12_sell", "r12_buy", "r12_comment_buy", "r12_comment_news"
BUYING = (BUY, COMMENT)


def _writer(path: Path, bases: dict[str, dict[str, Any]]) -> tuple[_Lang, dict[str, Any]]:
    spec = json.loads(path.read_text(encoding="utf-8"))
    data = json.loads((ROUND12_DIR / path.name).read_text(encoding="utf-8"))
    styles = dict(spec.get("styles", {}))
    for style, templates in data["templates"].items():
        styles[f"r12_{style}"] = list(templates)
    spec = {**spec, "styles": styles}
    rng = random.Random(f"{SEED}:{tag(spec)}")
    return _Lang(spec, bases.get(tag(spec)), rng, {}), data


def _cycle(
    w: _Lang, phrases: dict[str, list[str]], styles: tuple[str, ...], n: int, *, wildlife: bool
) -> None:
    """``n`` rows cycling through ``phrases``' keys (commodities or look-alike kinds), each
    through a random template of a random style of ``styles``."""
    keys = sorted(k for k, v in phrases.items() if v)
    for k in range(n if keys else 0):
        key = keys[k % len(keys)]
        style = w.rng.choice(styles)
        w._add(style, w.rng.choice(phrases[key]), label="wildlife" if wildlife else "clean",
               commodity=key if wildlife else None,
               intent="buy" if style in BUYING else "sell",
               negative_kind=None if wildlife else key)  # fmt: skip


def _clean_texts(w: _Lang, data: dict[str, Any]) -> None:
    for kind, texts in sorted(data.get("clean_text", {}).items()):
        for i, text in enumerate(texts):
            w.rows.append({"text": text, "title": "", "lang": w.lang,
                           "script": w.spec.get("script"), "template": f"{w.tag}:b-text:{i}",
                           "held_out": None, "style": "r12_text", "obfuscation": None,
                           "species": None, "label": "clean", "commodity": None,
                           "intent": "other", "negative_kind": kind})  # fmt: skip


def _rows(path: Path, bases: dict[str, dict[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
    w, data = _writer(path, bases)
    offers: dict[str, list[str]] = data.get("offers") or w.products
    if SELL in w.spec["styles"]:  # the two languages with their own sale and request styles
        _cycle(w, offers, (SELL, SELL, SELL, SELL, BUY, COMMENT), N_OFFERS, wildlife=True)
        _cycle(w, data["lookalike"], (SELL, SELL, BUY, COMMENT), N_LOOKALIKE, wildlife=False)
    _cycle(w, offers, (COMMENT,), N_COMMENT_OFFERS, wildlife=True)
    _cycle(w, data["lookalike"], (COMMENT,), N_COMMENT_CLEAN, wildlife=False)
    _news_comments(w, offers)
    _clean_texts(w, data)
    return finish_rows(w, "q")


def _news_comments(w: _Lang, offers: dict[str, list[str]]) -> None:
    """Reactions under news and awareness posts ("who still buys X?", "customs seized X"):
    clean, although they name the product and sometimes a buying verb."""
    keys = sorted(k for k, v in offers.items() if v)
    for k in range(N_NEWS_COMMENTS if keys else 0):
        phrase = w.rng.choice(offers[keys[k % len(keys)]])
        w._add(NEWS, phrase, label="clean", commodity=None, intent="other",
               negative_kind="news")  # fmt: skip


def generate(taken: set[tuple[str, str]]) -> list[dict[str, Any]]:
    """Round-twelve rows of every language with a data file; repeats of ``taken`` dropped."""
    return generate_round(ROUND12_DIR, _rows, taken, "q")


def write(rows: list[dict[str, Any]], out_dir: Path = OUT_DIR) -> Path:
    return write_round(rows, out_dir, "round12", SEED)


def earlier() -> set[tuple[str, str]]:
    """(title, text) of the rows of the shipped corpora this round was written after."""
    from classifiers.train.data import (
        BREADTH_PATH,
        CORPUS_PATH,
        ROUND6_PATH,
        ROUND7_PATH,
        ROUND9_PATH,
        ROUND10_PATH,
        ROUND11_PATH,
        texts_of,
    )

    paths = (CORPUS_PATH, BREADTH_PATH, ROUND6_PATH, ROUND7_PATH, ROUND9_PATH, ROUND10_PATH,
             ROUND11_PATH)  # fmt: skip
    return texts_of(paths)


def main() -> None:
    print(f"wrote {write(generate(earlier()))}")


if __name__ == "__main__":
    main()
