"""Round-five training rows for the weak classes, in new styles (train and dev only).

Why: the model card and the first challenge set's *aggregate* slices named the weak
classes — Indonesian and simplified-Chinese recall, live birds, turtle shell, code-word
offers with trade context, words run together or split by punctuation, negation scope
("not mammoth — real ivory" is an offer, "not real ivory" is not) and species names in
science / software / news contexts. No challenge row was read. The rows here are written
in styles the earlier rounds lacked: social posts with emoji and hashtags, replies to
comments, livestream captions, abbreviated classifieds (``corpus_data/round5/<tag>.json``).

* Each language draws from its own ``random.Random`` (``SEED`` + tag), so every earlier
  row keeps its id, text and split; ids are ``<tag>-y<n>``, appended after all others.
* Train/dev only: the last template of each kind is dev-only, the rest 90/10. The test
  split stays byte-identical (pinned by a hash test).
* Product phrases are, with some probability, run together ("ivorybangle") or split by
  punctuation ("i.v.o.r.y", "玳/瑁") — how people dodge keyword filters.
* Indonesian and simplified Chinese get twice the rows (``WEIGHT``).
"""

from __future__ import annotations

import json
import random
from typing import Any

from classifiers.train.corpus import DATA_DIR, tag
from classifiers.train.corpus_extra import _Styler, load_extra

ROUND5_DIR = DATA_DIR / "round5"
SEED = 20261202
DEV_SHARE = 0.10
PLAN = {"sell": 40, "buy": 10, "code": 10, "negated_pos": 8, "negated_neg": 20, "science": 50}
WEIGHT = {"id": 2, "zh-Hans": 2}
FOCUS = ("live_bird", "turtle_shell")  # half the offers are of the weakest commodities
_CJK = ("zh", "ja", "th")


def load_round5(spec: dict[str, Any]) -> dict[str, Any] | None:
    path = ROUND5_DIR / f"{tag(spec)}.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def split_word(phrase: str, rng: random.Random, lang: str) -> tuple[str, str | None]:
    """Run a phrase together or split it by punctuation (or leave it), with its label."""
    roll = rng.random()
    if roll < 0.12 and " " in phrase:
        return phrase.replace(" ", ""), "run_together"
    if roll < 0.24:
        if lang in _CJK:
            return rng.choice("/·.").join(phrase.replace(" ", "")[:6]), "punct_split"
        head, _, rest = phrase.partition(" ")
        mark = rng.choice((".", "-", "*"))
        return (mark.join(head) + (" " + rest if rest else "")), "punct_split"
    return phrase, None


def _pick(data: dict[str, Any], kind: str, rng: random.Random) -> tuple[str, str | None, str]:
    """A (phrase, commodity, template-kind key) for one row of ``kind``."""
    products: dict[str, list[str]] = data["products"]
    if kind == "code":
        com = rng.choice(sorted(data["code"]))
        return rng.choice(data["code"][com]), com, "sell"
    if kind == "science":
        return rng.choice(data["species"]), None, "science"
    com = rng.choice(FOCUS) if rng.random() < 0.5 else rng.choice(sorted(products))
    return rng.choice(products[com]), com, kind


def _row(spec: dict[str, Any], kind: str, i: int, last: bool, **fields: Any) -> dict[str, Any]:
    return {
        "title": "",
        "lang": spec["lang"],
        "script": spec.get("script"),
        "template": f"{tag(spec)}:y-{kind}:{i}",
        "held_out": "dev" if last else None,
        **fields,
    }


def language_rows(spec: dict[str, Any]) -> list[dict[str, Any]]:
    data, extra = load_round5(spec), load_extra(spec)
    if data is None or extra is None:
        return []
    rng = random.Random(f"{SEED}:{tag(spec)}")
    styler = _Styler(spec, extra, rng)
    rows: list[dict[str, Any]] = []
    for kind, n in PLAN.items():
        for _ in range(n * WEIGHT.get(tag(spec), 1)):
            phrase, com, key = _pick(data, kind, rng)
            key = key if kind != "code" else rng.choice(("sell", "sell", "buy"))
            templates = data[key]
            i = rng.randrange(len(templates))
            obf = None
            if kind in ("sell", "buy"):
                phrase, obf = split_word(phrase, rng, spec["lang"])
            tags = " ".join(rng.sample(extra.get("hashtags") or [""], 2))
            template = templates[i].replace("{tags}", tags).replace("{s}", "{p}")
            text = styler.fill(template, phrase)
            text = styler.restyle(text, listing=kind != "science")
            wildlife = kind in ("sell", "buy", "code", "negated_pos")
            intent = "buy" if templates is data.get("buy") else "sell"
            negative = {"negated_neg": "faux", "science": "news"}.get(kind)
            last = i == len(templates) - 1 and len(templates) >= 3
            rows.append(_row(
                spec, f"{kind}-{key}", i, last, text=text,
                label="wildlife" if wildlife else "clean",
                commodity=com if wildlife else None,
                intent=intent if kind != "science" else "other",
                negative_kind=negative, obfuscation=obf,
                split="dev" if last or rng.random() < DEV_SHARE else "train",
            ))  # fmt: skip
    return rows


def round5_rows(specs: list[dict[str, Any]], taken: set[tuple[str, str]]) -> list[dict[str, Any]]:
    """Round-five rows of every language with a data file; repeats of earlier rows dropped."""
    out: list[dict[str, Any]] = []
    for spec in specs:
        n = 0
        for row in language_rows(spec):
            key = (row["title"], row["text"])
            if key in taken:
                continue
            taken.add(key)
            n += 1
            out.append({"id": f"{tag(spec)}-y{n:04d}", **row})
    return out
