"""Audiences for demand-reduction campaigners: counts of wildlife-labelled listings by
intent (``buy`` = buyer demand, ``sell`` = supply) × commodity × language × region ×
source × ISO week, with small-cell suppression, and the keywords that matched.

Design notes
------------
* Nothing about a person leaves this module: cells are counts; keywords are lexicon
  matches (term / code-word reasons only, never contact or context matches) that look like
  words (no digits, ``@``, ``/``, ``:``) and occur in at least ``k`` listings of the
  segment. No text, URL, seller or listing id is read into the output.
* Published figures: every cell, every *group* total (intent × commodity × week, summed
  over language, region and source) and every intent total. Cells under ``k`` are hidden
  (primary suppression); then complementary suppression, repeated until nothing changes:
  a group with exactly one hidden cell hides its smallest other cell; a group total
  under ``k`` is hidden; an intent with exactly one hidden group total hides its next
  smallest group total; an intent whose hidden groups hold exactly one hidden cell hides
  one more cell there. Finally ``determined`` audits the result exactly (rational
  Gaussian elimination over the published equations): any hidden cell still recoverable
  hides the whole intent. The property tests check the same with their own algebra.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction

from classifiers.base import REASON_CODE_WORD, REASON_TERM, Detection
from index.base import StoredListing

INTENTS = ("buy", "sell")
DIMENSIONS = ("intent", "commodity", "lang", "region", "source", "week")
Key = tuple[str, str, str, str, str, str]
GroupKey = tuple[str, str, str]  # intent, commodity, week
MAX_KEYWORDS = 20
_WORDLIKE = re.compile(r"^[^\d@/:\\<>\"'`=+]{2,40}$")


def group_of(key: Key) -> GroupKey:
    return (key[0], key[1], key[5])


def iso_week(timestamp: str) -> str:
    day = date.fromisoformat(timestamp[:10])
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def cell_key(stored: StoredListing, detection: Detection) -> Key | None:
    """The cell a wildlife-labelled buy/sell listing counts in, else ``None``."""
    if not detection.is_hit or detection.intent not in INTENTS:
        return None
    item = stored.listing
    return (
        detection.intent,
        detection.commodity or "unknown",
        (detection.lang or item.lang_hint or "und")[:12],
        (item.region_hint or "unknown")[:40],
        item.source,
        iso_week(stored.first_seen_at),
    )


@dataclass
class AudienceTable:
    k: int
    cells: dict[Key, int]
    hidden: set[Key] = field(default_factory=set)
    hidden_groups: set[GroupKey] = field(default_factory=set)
    hidden_intents: set[str] = field(default_factory=set)
    keywords: dict[tuple[str, str, str], list[tuple[str, int]]] = field(default_factory=dict)

    def group_totals(self) -> dict[GroupKey, int]:
        totals: Counter[GroupKey] = Counter()
        for key, n in self.cells.items():
            totals[group_of(key)] += n
        return dict(totals)

    def intent_totals(self) -> dict[str, int]:
        totals: Counter[str] = Counter()
        for key, n in self.cells.items():
            totals[key[0]] += n
        return dict(totals)

    def published(self) -> dict[str, list[tuple[tuple[str, ...], int | None]]]:
        """What a campaigner gets: each figure, or ``None`` where it is suppressed."""
        return {
            "cells": [(k, None if k in self.hidden else n) for k, n in sorted(self.cells.items())],
            "groups": [
                (g, None if g in self.hidden_groups else n)
                for g, n in sorted(self.group_totals().items())
            ],
            "intents": [
                ((i,), None if i in self.hidden_intents else n)
                for i, n in sorted(self.intent_totals().items())
            ],
        }


def _smallest(cells: dict[Key, int], candidates: Iterable[Key]) -> Key | None:
    options = sorted(candidates, key=lambda c: (cells[c], c))
    return options[0] if options else None


def _pass(table: AudienceTable) -> bool:
    """One round of complementary suppression; whether anything changed."""
    changed = False
    by_group: dict[GroupKey, list[Key]] = defaultdict(list)
    for key in table.cells:
        by_group[group_of(key)].append(key)
    totals = table.group_totals()
    for g, keys in by_group.items():
        if g in table.hidden_groups:
            continue
        if totals[g] < table.k:
            table.hidden_groups.add(g)
            changed = True
            continue
        hidden = [c for c in keys if c in table.hidden]
        if len(hidden) == 1:
            extra = _smallest(table.cells, (c for c in keys if c not in table.hidden))
            if extra is None:
                table.hidden_groups.add(g)
            else:
                table.hidden.add(extra)
            changed = True
    for intent, n in table.intent_totals().items():
        if intent in table.hidden_intents:
            continue
        if n < table.k:
            table.hidden_intents.add(intent)
            changed = True
            continue
        groups = [g for g in by_group if g[0] == intent]
        hidden_groups = [g for g in groups if g in table.hidden_groups]
        if len(hidden_groups) == 1:
            visible = [g for g in groups if g not in table.hidden_groups]
            if visible:
                table.hidden_groups.add(min(visible, key=lambda g: (totals[g], g)))
            else:
                table.hidden_intents.add(intent)
            changed = True
            continue
        inner = [c for g in hidden_groups for c in by_group[g]]
        if sum(c in table.hidden for c in inner) == 1:
            extra = _smallest(table.cells, (c for c in inner if c not in table.hidden))
            if extra is None:
                table.hidden_intents.add(intent)
            else:
                table.hidden.add(extra)
            changed = True
    return changed


def equations(table: AudienceTable) -> tuple[list[Key], list[list[int]]]:
    """The hidden cells (unknowns) and, per published total, which of them it sums."""
    unknowns = sorted(table.hidden)
    index = {c: i for i, c in enumerate(unknowns)}
    rows: list[list[int]] = []
    for g in sorted(table.group_totals()):
        if g not in table.hidden_groups:
            rows.append([int(c in index and group_of(c) == g) for c in unknowns])
    for intent in sorted(table.intent_totals()):
        if intent not in table.hidden_intents:
            rows.append([int(c[0] == intent) for c in unknowns])
    return unknowns, [r for r in rows if any(r)]


def determined(rows: list[list[int]], n: int) -> set[int]:
    """Unknowns fixed by the equations: pivots of the reduced row echelon form whose row
    has no free column."""
    m = [[Fraction(v) for v in row] for row in rows]
    pivots: list[tuple[int, int]] = []
    r = 0
    for col in range(n):
        found = next((i for i in range(r, len(m)) if m[i][col] != 0), None)
        if found is None:
            continue
        m[r], m[found] = m[found], m[r]
        m[r] = [v / m[r][col] for v in m[r]]
        for i in range(len(m)):
            if i != r and m[i][col] != 0:
                factor = m[i][col]
                m[i] = [a - factor * b for a, b in zip(m[i], m[r], strict=True)]
        pivots.append((r, col))
        r += 1
    pivot_cols = {c for _, c in pivots}
    free = [c for c in range(n) if c not in pivot_cols]
    return {c for row, c in pivots if all(m[row][f] == 0 for f in free)}


def suppress(cells: dict[Key, int], k: int) -> AudienceTable:
    """Primary and complementary suppression, then the exact audit (module notes)."""
    table = AudienceTable(k, dict(cells), {c for c, n in cells.items() if n < k})
    while _pass(table):
        pass
    unknowns, rows = equations(table)
    for i in determined(rows, len(unknowns)):
        intent = unknowns[i][0]
        table.hidden_intents.add(intent)
        table.hidden |= {c for c in table.cells if c[0] == intent}
        table.hidden_groups |= {group_of(c) for c in table.cells if c[0] == intent}
    return table


def keyword_of(text: str | None) -> str | None:
    word = " ".join((text or "").lower().split())
    return word if _WORDLIKE.match(word) else None


def build(pairs: Iterable[tuple[StoredListing, Detection]], k: int) -> AudienceTable:
    """Count, suppress, and list per segment the keywords seen in at least ``k`` listings."""
    cells: Counter[Key] = Counter()
    words: dict[tuple[str, str, str], Counter[str]] = defaultdict(Counter)
    for stored, detection in pairs:
        key = cell_key(stored, detection)
        if key is None:
            continue
        cells[key] += 1
        found = {
            keyword_of(r.matched)
            for r in detection.reasons
            if r.kind in (REASON_TERM, REASON_CODE_WORD) and r.weight > 0
        }
        words[(key[0], key[1], key[2])].update(w for w in found if w)
    table = suppress(dict(cells), k)
    for segment, counter in words.items():
        if segment[0] in table.hidden_intents:
            continue
        kept = [(w, n) for w, n in counter.most_common() if n >= k][:MAX_KEYWORDS]
        if kept:
            table.keywords[segment] = kept
    return table
