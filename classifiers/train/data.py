"""Labelled examples: the shipped corpus (``models/data/text_corpus.jsonl``) as plain dicts.

Rows keep the corpus's field names (id, text, title, lang, script, label, commodity,
intent, negative_kind, split, …). Feedback examples (``classifiers.train.feedback``) use the
same shape, so training does not care where an example came from.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from classifiers.base import TextDoc

MODELS_DIR = Path(__file__).resolve().parents[2] / "models"
CORPUS_PATH = MODELS_DIR / "data" / "text_corpus.jsonl"
# The breadth round's rows (new languages, posting styles, species, ordinary senses) with
# their own pinned splits; see classifiers/train/corpus_breadth.py.
BREADTH_PATH = MODELS_DIR / "data" / "breadth_corpus.jsonl"
# Round six: ordinary goods in every posting style and language, new-language vocabulary;
# train/dev only (classifiers/train/corpus_round6.py).
ROUND6_PATH = MODELS_DIR / "data" / "round6_corpus.jsonl"
# Round seven: live pets by species name in every language, weak-language news and
# vocabulary; train/dev only (classifiers/train/corpus_round7.py).
ROUND7_PATH = MODELS_DIR / "data" / "round7_corpus.jsonl"
# Round nine: the new languages' look-alikes (coins, legal pets, tortoiseshell-look
# eyewear), names and chat/comment/hashtag styles; train/dev only
# (classifiers/train/corpus_round9.py).
ROUND9_PATH = MODELS_DIR / "data" / "round9_corpus.jsonl"
# Round ten: requests with new buyer phrasings and code-word-only offers in the twelve
# base tags; train/dev only (classifiers/train/corpus_round10.py).
ROUND10_PATH = MODELS_DIR / "data" / "round10_corpus.jsonl"
# Round eleven: live pets by species name sold the way pets are sold, legal pets and
# ordinary senses through the same templates, in the new languages; train/dev only
# (classifiers/train/corpus_round11.py).
ROUND11_PATH = MODELS_DIR / "data" / "round11_corpus.jsonl"
# Round twelve: Russian word forms and Taiwan/Hong Kong phrasing in classified, heirloom
# and comment styles, buyer replies in comment threads in fourteen tags; train/dev only
# (classifiers/train/corpus_round12.py).
ROUND12_PATH = MODELS_DIR / "data" / "round12_corpus.jsonl"
# Round thirteen: romanised Hindi, pets, bear bile and rhino horn in the new languages,
# Korean/Khmer/Burmese ordinary senses; train/dev only (classifiers/train/corpus_round13.py).
ROUND13_PATH = MODELS_DIR / "data" / "round13_corpus.jsonl"

Row = dict[str, Any]


def load_corpus(path: str | Path = CORPUS_PATH) -> list[Row]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def load_corpora(
    paths: Sequence[str | Path] = (
        CORPUS_PATH,
        BREADTH_PATH,
        ROUND6_PATH,
        ROUND7_PATH,
        ROUND9_PATH,
        ROUND10_PATH,
        ROUND11_PATH,
        ROUND12_PATH,
        ROUND13_PATH,
    ),
) -> list[Row]:
    """Every shipped corpus, in order (what ``train-text`` and ``eval-text`` read)."""
    return [row for path in paths for row in load_corpus(path)]


def texts_of(paths: Iterable[str | Path]) -> set[tuple[str, str]]:
    """``(title, text)`` of every row of the corpora at ``paths`` (a later corpus round
    drops rows repeating any of them)."""
    return {(r["title"], r["text"]) for path in paths for r in load_corpus(path)}


def select(rows: Iterable[Row], split: str) -> list[Row]:
    return [r for r in rows if r.get("split") == split]


def lang_tag(row: Row) -> str:
    """``zh-Hans``/``zh-Hant`` for Chinese, the ISO code otherwise, ``und`` if unknown."""
    lang = row.get("lang") or "und"
    return f"{lang}-{row['script']}" if row.get("script") else str(lang)


def to_doc(row: Row) -> TextDoc:
    return TextDoc(
        id=str(row["id"]),
        text=str(row.get("text") or ""),
        title=str(row.get("title") or ""),
        lang=row.get("lang"),
        source=row.get("source"),
    )


def to_docs(rows: Sequence[Row]) -> list[TextDoc]:
    return [to_doc(r) for r in rows]


def rows_hash(rows: Sequence[Row]) -> str:
    """SHA-256 over the training-relevant fields, recorded in the model's meta.json."""
    h = hashlib.sha256()
    for r in rows:
        key = [r.get(k) for k in ("id", "title", "text", "label", "commodity", "intent")]
        h.update(json.dumps(key, ensure_ascii=False).encode())
    return h.hexdigest()
