"""Round-eleven training rows (issue 15, fifth pass): live animals sold as pets, and the
ordinary senses that still raised false hits, in the nine new languages; train and dev
only.

Why, from aggregate figures only (no held-out row was read): on the hand-written newlang
set recall was 0.788 (live animals 0.803, live birds 0.76, live reptiles 0.75; bear bile
0.64 and rhino horn 0.60 across the nine languages) and the hard-negative FPR of Khmer,
Korean and Burmese was 0.17, 0.11 and 0.08; on challenge 2, live-animal recall was
0.855. Probe listings written for this round (not held-out rows) showed the classes:
a pet offer names the animal by a local species or trade name and sells it the way pets
are sold — its age, "tame", "hand-fed", "talks", "with cage", "alive", delivery — and
the learned model had few such rows in these languages; and the ordinary senses that
scored high were ivory-/tortoiseshell-*colour* goods and eyewear, brand and company
names, idioms ("ivory tower"), imitations and toys, liver supplements sold on the bear-
bile name. The classes, not strings, are written here (``corpus_data/round11/<tag>.json``):

* **Pet offers** (``pets``: commodity → phrases naming the animal, often with its age or
  "baby"/"chick"), through pet-sale templates (``templates``: style → templates with
  ``{p}``, ``{price}``, ``{contact}``, ``{place}``) and the language's round-nine sale
  and request templates; plus **products by other names** (``offers``: bear bile, rhino
  horn, ivory phrasings the earlier rounds lacked).
* **Legal pets through the same pet templates** (``lookalike``: kind → phrases):
  captive-bred budgies and cockatiels, hamsters, goldfish, cats and dogs, toys and
  figurines of the animal — so "tame, with cage, delivery" is not evidence on its own.
* **Ordinary senses through the sale templates** (``ordinary``: kind → phrases) and
  **whole texts** (``clean_text``: kind → texts; idioms, news, awareness).
* **Thai** too (``th.json``, its own sale templates since round nine has none): the
  first retrain with the pet rows moved two of the 35 Thai test-split hard negatives
  over the threshold (FPR 0.057; a legal Bengal kitten, a collectable) — the pet-sale
  style had become evidence there — so Thai legal pets, toys and ordinary goods go
  through the same pet and sale templates, beside a few Thai pet offers. Clean rows
  outnumber offers in every language for the same reason.

Written by the project from language knowledge and ``shared/domain.md``; **no
native-speaker review**. Ids ``<tag>-p<n>``, one seeded ``random.Random`` per language;
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
from classifiers.train.corpus_round9 import ROUND9_DIR, _clean_text, _through_styles

ROUND11_DIR = DATA_DIR / "round11"
SEED = 20261211
N_PETS = 55  # pet offers per language
N_OFFERS = 15  # other products by new names, per language
N_LOOKALIKE = 50  # legal pets and toys through the pet templates
N_ORDINARY = 45  # ordinary senses through the sale templates
BUY_STYLES = ("r9_buy", "r9_chat_buy", "r11_pet_buy")
PET_STYLES = ("r11_pet_sell", "r11_pet_sell", "r11_pet_chat", "r9_sell", "r9_hashtag",
              "r9_comment", "r11_pet_buy", "r9_chat_buy")  # fmt: skip
OFFER_STYLES = ("r9_sell", "r9_chat_sell", "r9_comment", "r9_buy", "r9_chat_buy")
LOOK_STYLES = ("r11_pet_sell", "r11_pet_sell", "r11_pet_chat", "r9_hashtag", "r11_pet_buy")
ORDINARY_STYLES = ("r9_sell", "r9_sell", "r9_chat_sell", "r9_hashtag", "r9_chat_buy",
                   "r11_sell", "r11_hashtag", "r11_chat_buy")  # fmt: skip


def _writer(path: Path, bases: dict[str, dict[str, Any]]) -> tuple[_Lang, dict[str, Any]]:
    """The breadth spec with round nine's and round eleven's templates merged in."""
    spec = json.loads(path.read_text(encoding="utf-8"))
    data = json.loads((ROUND11_DIR / path.name).read_text(encoding="utf-8"))
    styles = dict(spec.get("styles", {}))
    nine = ROUND9_DIR / path.name
    if nine.exists():
        for style, templates in json.loads(nine.read_text("utf-8"))["templates"].items():
            styles[f"r9_{style}"] = list(templates)
    for style, templates in data["templates"].items():
        styles[f"r11_{style}"] = list(templates)
    spec = {**spec, "styles": styles}
    rng = random.Random(f"{SEED}:{tag(spec)}")
    return _Lang(spec, bases.get(tag(spec)), rng, {}), data


def _rows(path: Path, bases: dict[str, dict[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
    w, data = _writer(path, bases)
    # Round nine's helpers label by style name; ours add the pet request style.
    _through_styles(w, data.get("pets", {}), PET_STYLES, N_PETS, wildlife=True)
    _through_styles(w, data.get("offers", {}), OFFER_STYLES, N_OFFERS, wildlife=True)
    _through_styles(w, data.get("lookalike", {}), LOOK_STYLES, N_LOOKALIKE, wildlife=False)
    _through_styles(w, data.get("ordinary", {}), ORDINARY_STYLES, N_ORDINARY, wildlife=False)
    _clean_text(w, data)
    for row in w.rows:
        row["style"] = row["style"].replace("r9_", "r11_", 1) if row["style"] else row["style"]
        if row["style"] in ("r11_pet_buy", "r11_chat_buy", "r11_buy"):
            row["intent"] = "buy"
    return finish_rows(w, "p")


def generate(taken: set[tuple[str, str]]) -> list[dict[str, Any]]:
    """Round-eleven rows of every language with a data file; repeats of ``taken`` dropped."""
    return generate_round(ROUND11_DIR, _rows, taken, "p")


def write(rows: list[dict[str, Any]], out_dir: Path = OUT_DIR) -> Path:
    return write_round(rows, out_dir, "round11", SEED)


def earlier() -> set[tuple[str, str]]:
    """(title, text) of the rows of the shipped corpora this round was written after."""
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
