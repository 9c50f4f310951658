"""Traditional → Simplified Chinese character fold used by :mod:`classifiers.normalize`.

Design notes
------------
* Matching only. A listing written in Traditional characters (象牙手鐲, 犀牛角粉, 賣) must
  hit every Chinese lexicon entry, whichever script the entry was written in; folding
  both the text and every lexicon key (``normalize_term`` runs the same passes) makes the
  two scripts one class, so an entry, context rule or intent cue is written once.
* One character for one (``str.translate``): offsets into the original text are
  untouched, so highlights still show what the seller typed. The table is OpenCC's
  character table (``data/han_fold.tsv``, built by ``tools/han_fold_table.py``;
  Apache-2.0), never its phrase tables, so a few characters whose Simplified form depends
  on the word (乾 → 干) take OpenCC's default.
* Simplified characters are never rewritten and the fold is idempotent.
* Japanese kanji fold too (賣/買 → 卖/买): harmless for matching, since Japanese lexicon
  keys fold the same way; language identification reads the original text, never this.
* Loaded once, lazily: text without a Han character never needs the table.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

# CJK Unified Ideographs, Extension A and the compatibility block (NFKC maps the latter
# to unified ideographs before this pass runs; kept for safety).
HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


@cache
def han_fold_table() -> dict[int, str]:
    """``str.translate`` table: Traditional (and Taiwan/Hong Kong variant) → Simplified."""
    text = resources.files("classifiers").joinpath("data/han_fold.tsv").read_text("utf-8")
    table: dict[int, str] = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            source, target = line.split("\t")
            table[ord(source)] = target
    return table


def fold_han(text: str) -> str:
    """``text`` with Traditional characters folded to Simplified (same length)."""
    if text.isascii() or not HAN.search(text):
        return text
    return text.translate(han_fold_table())
