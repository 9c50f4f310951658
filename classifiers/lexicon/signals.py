"""Signal regexes merged per signal, each behind a cheap literal or digit pre-check.

Split from :mod:`classifiers.lexicon.score`: the scorer runs one merged regex per signal
("price" in 21 currencies is one pass), and only when its gate says it can match.
"""

from __future__ import annotations

import re

from classifiers.lexicon.records import Signal

# A branch's leading literal: letters with their combining marks (Devanagari, Thai, Lao,
# Burmese, Khmer vowel signs are marks, not \w).
_LITERAL = re.compile(
    r"(?:\\b)?((?:[^\W_]|[\u0300-\u036f\u0900-\u0dff\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff])+)"
)
_QUANTIFIER = re.compile(r"[?*{]")


def gate(pattern: str) -> tuple[str, ...] | str | None:
    """A cheap pre-check for a signal regex: literal needles one of which must occur
    (every top-level branch starts with a literal of >= 2 letters), "digit" (every branch
    needs a digit), or None (always run the regex)."""
    branches, depth, start = [], 0, 0
    for i, char in enumerate(pattern):
        depth += {"(": 1, ")": -1}.get(char, 0) if pattern[i - 1 : i] != "\\" else 0
        if char == "|" and depth == 0 and pattern[i - 1 : i] != "\\":
            branches.append(pattern[start:i])
            start = i + 1
    branches.append(pattern[start:])
    needles = []
    for branch in branches:
        m = _LITERAL.match(branch)
        literal = m.group(1) if m else ""
        if m and _QUANTIFIER.match(branch, m.end()):
            literal = literal[:-1]
        if len(literal) < 2:
            return "digit" if all("\\d" in b for b in branches) else None
        needles.append(literal)
    return tuple(needles)


def merged_signals(
    signals: tuple[Signal, ...],
) -> tuple[list[Signal], list[re.Pattern[str]], list[tuple[str, ...] | str | None]]:
    """One regex per signal (name, family, weight): the per-language rows of a signal
    ("price" in 21 currencies) are one pass over the text, not one pass each. The merged
    gate is the union of the rows' needles; any ungated row ungates the merged one."""
    groups: dict[tuple[str, str, float], list[Signal]] = {}
    for sig in signals:
        groups.setdefault((sig.name, sig.family, sig.weight), []).append(sig)
    out: tuple[list[Signal], list[re.Pattern[str]], list[tuple[str, ...] | str | None]]
    out = ([], [], [])
    for members in groups.values():
        gates = [gate(m.regex.pattern) for m in members]
        merged: tuple[str, ...] | str | None
        if all(g == "digit" for g in gates):
            merged = "digit"
        elif all(isinstance(g, tuple) for g in gates):
            merged = tuple(n for g in gates if isinstance(g, tuple) for n in g)
        else:
            merged = None
        pattern = "|".join(f"(?:{m.regex.pattern})" for m in members)
        out[0].append(members[0])
        out[1].append(re.compile(pattern))
        out[2].append(merged)
    return out
