"""The cheap pre-checks in ``classifiers.normalize`` only ever skip work that would have
changed nothing: wherever a pre-check finds nothing, the pattern it guards finds nothing
either. Checked on the generated multilingual corpus (every script, emoji, invisible and
control characters, leetspeak, spaced letters) and on hand-made edge cases; the golden
hash in ``test_classifiers_normalize_state`` pins the outputs themselves."""

from __future__ import annotations

import re

from normalize_corpus import SPECIAL, corpus

from classifiers import normalize as n
from classifiers._normalize_leet import _LEET_WORD, leet_words
from classifiers._normalize_tables import STRIP_ACCENTS
from classifiers.normalize import normalize, normalize_text, strip_accents

EDGES = (
    "a__1 b_@ x$ $y 5_g",  # a letter and a mark joined only by underscores
    "ab$ cd@@ @bc1 $$a1 \u00b2a1 \u0663ab x٣ y\u00b2",  # trailing marks, non-ASCII digits
    "r . h . i . n . o",
    "g-u-a-c-a-m-a-y-o",
    "象 牙 手 镯",
    "象-牙",
    "tab\there",
    "nbsp\u00a0here",
    "two  spaces",
    "ideographic\u3000space",
    "line\u2028sep",
    "✈ 🦏🐘 ☎",
    "\U0001f600 not mapped",
    "Việt Nam ngà voi",
    "ÉLÉPHANT ÇA",
    "ｉｖｏｒｙ",
    "7ig3r b0n3 500g iphone12 r1n0",
    "ＴＩＧＥＲ　ＢＯＮＥ",
)


def _texts() -> list[str]:
    return [*corpus(3000, seed=31), *SPECIAL, *EDGES, "", " ", "\n"]


def _never_misses(pre: re.Pattern[str] | None, full: re.Pattern[str], texts: list[str]) -> int:
    """How many texts the full pattern matches; fails where ``pre`` would have skipped one."""
    hits = 0
    for text in texts:
        if full.search(text):
            hits += 1
            assert pre is None or pre.search(text), (full.pattern[:40], ascii(text))
    return hits


def test_prechecks_find_every_text_their_pattern_matches() -> None:
    texts = _texts()
    lowered = [t.lower() for t in texts]
    assert _never_misses(n._EMOJI_BLOCK, n._EMOJI_START, texts) > 10
    assert _never_misses(n._CJK_THEN_GAP, n._CJK_GAP, texts) > 10
    assert _never_misses(n._LONE_CHAR, n._SPACED, lowered) > 10
    assert _never_misses(n._ACCENTED, re.compile("[" + "".join(STRIP_ACCENTS) + "]"), texts)
    marks = [t for t in texts if n._MARK_ORDER.search(t)]
    assert len(marks) > 10 and all("\u0e4d" in t or "\u0ecd" in t for t in marks)
    spaces = 0
    for text in texts:
        if n._SPACES.search(text):
            spaces += 1
            assert "  " in text or not text.isprintable(), ascii(text)
    assert spaces > 10
    # ... and exhaustively: every whitespace character but " " is unprintable.
    assert not [c for c in map(chr, range(0x110000)) if c.isspace() and c.isprintable()][1:]


def test_leet_words_are_the_leet_pattern_matches() -> None:
    texts = [t.lower() for t in _texts()]
    texts += [t.encode("ascii", "ignore").decode() for t in texts]  # the ASCII patterns
    found = 0
    for text in texts:
        spans = [m.span() for m in _LEET_WORD.finditer(text)]
        assert leet_words(text) == spans, ascii(text)
        found += len(spans)
    assert found > 100


def test_skipped_passes_leave_the_text_as_the_full_passes_would() -> None:
    for text in EDGES:
        full = normalize(text)
        assert normalize_text(text) == (full.text, full.plain)
    assert normalize_text("7ig3r b0n3 500g iphone12") == ("tiger bone 500g iphone12",) * 2
    assert normalize_text("r.h.i.n.o")[0] == "rhino"
    assert normalize_text("象 牙")[0] == "象牙"
    assert normalize_text("two  spaces\tand\u00a0more")[0] == "two spaces and more"
    assert normalize_text("Việt Nam")[1] == "viet nam"
    plain = "already plain ascii"
    assert strip_accents(plain) is plain  # no translation made for nothing
