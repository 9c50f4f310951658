"""Round-six training rows (issues 12 and 15, second pass): train and dev only.

Why: the breadth round added ~110 offers per base language in new posting styles
(listings, livestream captions, chat replies, WTB questions) but ordinary goods in those
styles only in the nine new languages (40 each), so the retrained model learnt again
that the sales style itself — a price, a contact, "raw", "natural", "unfiltered" — means
wildlife: a hand-written forest-honey listing scored 0.41 from the model alone (round
four had it at 0.02). The class, not the string, is fixed here:

* **Ordinary goods in every posting style, every language (21 tags).** Ordinary products
  (``corpus_data/ordinary/<tag>.json`` for the eleven base tags, the breadth file's
  ``generic`` list for the others, plus ``corpus_data/round6/<tag>.json``'s ``ordinary``
  list, weighted to words traders also use — raw, wild, natural, pure, handmade, old,
  antique, genuine) written through the **same** style templates as the breadth offers,
  and through round six's extra templates, which wildlife offers use too (so no template
  is evidence on its own).
* **New vocabulary for the new languages** (``offers`` in the round-six file): local,
  trade and dialect names the breadth round lacked (also added to the lexicon, so the
  lexicon features and the rows agree), in the same styles.

Written by the project from language knowledge and domain.md; no native-speaker review;
no row of the held-out sets (challenge, challenge 2, newlang) was read — their aggregate
figures named the weak languages only. Ids ``<tag>-z<n>``, one seeded ``random.Random``
per language; rows repeating any earlier row are dropped; 90/10 train/dev, no test rows,
so both pinned test splits are unchanged.
"""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from classifiers.train.corpus import DATA_DIR, OUT_DIR, load_specs, tag
from classifiers.train.corpus_breadth import BREADTH_DIR, _Lang
from classifiers.train.corpus_ordinary import load_ordinary

ROUND6_DIR = DATA_DIR / "round6"
SEED = 20261230
DEV_SHARE = 0.10
STYLES = ("listing", "listing", "livestream", "chat_sell", "chat_buy", "wtb", "buy", "extra")
BUY_STYLES = ("chat_buy", "wtb", "buy")
N_ORDINARY = 110  # per language: about the breadth offers' count in a base language
N_OFFERS = 70  # per language with new vocabulary


def _spec(path: Path, bases: dict[str, dict[str, Any]]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The breadth spec of one language with round six's templates merged in, and the
    round-six data itself."""
    spec = json.loads(path.read_text(encoding="utf-8"))
    extra_path = ROUND6_DIR / path.name
    data = json.loads(extra_path.read_text("utf-8")) if extra_path.exists() else {}
    styles = {k: list(v) for k, v in spec.get("styles", {}).items()}
    styles["extra"] = list(data.get("templates", [])) or list(styles.get("listing", []))
    if "buy" not in styles:
        styles["buy"] = list(styles.get("wtb", []))
    spec = {**spec, "styles": styles}
    base = bases.get(tag(spec))
    pool = list(data.get("ordinary", [])) + list(spec.get("generic", []))
    ordinary = load_ordinary(base) if base else None
    pool += list((ordinary or {}).get("products", []))
    return spec, {**data, "pool": sorted(set(pool))}


def _rows(
    spec: dict[str, Any], data: dict[str, Any], base: dict[str, Any] | None
) -> list[dict[str, Any]]:
    rng = random.Random(f"{SEED}:{tag(spec)}")
    writer = _Lang(spec, base, rng, {})
    for _ in range(N_ORDINARY):
        style = rng.choice(STYLES)
        intent = "buy" if style in BUY_STYLES else "sell"
        writer._add(style, rng.choice(data["pool"]), label="clean", commodity=None,
                    intent=intent, negative_kind="generic")  # fmt: skip
    offers: dict[str, list[str]] = data.get("offers", {})
    coms = sorted(c for c, v in offers.items() if v)
    for k in range(N_OFFERS if coms else 0):
        style = rng.choice(STYLES)
        com = coms[k % len(coms)]
        phrase = rng.choice(offers[com])
        intent = "buy" if style in BUY_STYLES else "sell"
        writer._add(style, phrase, label="wildlife", commodity=com, intent=intent,
                    negative_kind=None)  # fmt: skip
    for row in writer.rows:
        row["template"] = row["template"].replace(":b-", ":z-")
        row["held_out"] = None
        row["split"] = "dev" if rng.random() < DEV_SHARE else "train"
    return writer.rows


def generate(taken: set[tuple[str, str]]) -> list[dict[str, Any]]:
    """Round-six rows of every breadth language; repeats of ``taken`` (title, text) dropped."""
    bases = {tag(s): s for s in load_specs()}
    out: list[dict[str, Any]] = []
    for path in sorted(BREADTH_DIR.glob("*.json")):
        if path.name == "species_phrases.json":
            continue
        spec, data = _spec(path, bases)
        out += numbered_new(_rows(spec, data, bases.get(tag(spec))), taken, f"{tag(spec)}-z")
    return out


def numbered_new(
    rows: Iterable[dict[str, Any]], taken: set[tuple[str, str]], prefix: str
) -> list[dict[str, Any]]:
    """``rows`` whose (title, text) is not in ``taken`` (which they join), with ids
    ``{prefix}0001``, ``{prefix}0002``, … in order."""
    out: list[dict[str, Any]] = []
    for row in rows:
        key = (row["title"], row["text"])
        if key in taken:
            continue
        taken.add(key)
        out.append({"id": f"{prefix}{len(out) + 1:04d}", **row})
    return out


# A round's row maker: (breadth data file, base specs by tag) -> (language tag, rows).
RoundRows = Callable[[Path, dict[str, dict[str, Any]]], tuple[str, list[dict[str, Any]]]]


def generate_round(
    round_dir: Path, rows_of: RoundRows, taken: set[tuple[str, str]], suffix: str
) -> list[dict[str, Any]]:
    """Rows of every breadth language with a data file in ``round_dir``, numbered
    ``{tag}-{suffix}…``; repeats of ``taken`` (title, text) dropped."""
    bases = {tag(s): s for s in load_specs()}
    out: list[dict[str, Any]] = []
    for path in sorted(BREADTH_DIR.glob("*.json")):
        if not (round_dir / path.name).exists():
            continue
        name, rows = rows_of(path, bases)
        out += numbered_new(rows, taken, f"{name}-{suffix}")
    return out


def finish_rows(w: _Lang, marker: str) -> tuple[str, list[dict[str, Any]]]:
    """A later round's rows: its template marker, no held-out flag, a seeded train/dev
    split (train and dev only: the test split stays pinned)."""
    for row in w.rows:
        row["template"] = row["template"].replace(":b-", f":{marker}-")
        row["held_out"] = None
        row["split"] = "dev" if w.rng.random() < DEV_SHARE else "train"
    return w.tag, w.rows


def write(rows: list[dict[str, Any]], out_dir: Path = OUT_DIR) -> Path:
    return write_round(rows, out_dir, "round6", SEED)


def write_round(rows: list[dict[str, Any]], out_dir: Path, stem: str, seed: int) -> Path:
    """A round's rows as ``{stem}_corpus.jsonl`` and its seed, hash and size as
    ``{stem}_meta.json``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"{stem}_corpus.jsonl"
    body = "".join(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n" for r in rows)
    path.write_text(body, encoding="utf-8")
    meta = {"seed": seed, "sha256": hashlib.sha256(body.encode()).hexdigest(), "rows": len(rows)}
    (out_dir / f"{stem}_meta.json").write_text(json.dumps(meta, indent=1) + "\n", "utf-8")
    return path


def main() -> None:
    from classifiers.train.data import BREADTH_PATH, CORPUS_PATH, load_corpus

    taken = {(r["title"], r["text"]) for p in (CORPUS_PATH, BREADTH_PATH) for r in load_corpus(p)}
    print(f"wrote {write(generate(taken))}")


if __name__ == "__main__":
    main()
