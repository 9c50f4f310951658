"""The lexicon's typed records and the languages, term types and files it is made of.

Split from :mod:`classifiers.lexicon.loader` so readers of the records (matcher, scorer,
probes) need not import the TSV parsing; the loader re-exports every name here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from classifiers.lexicon.species import SpeciesTable

BASE_LANGS = ("en", "zh-hans", "zh-hant", "vi", "th", "id", "ms", "es", "pt", "fr", "ja", "de")
# Breadth round: Arabic, Korean, Swahili, Russian, Hindi, Burmese, Khmer, Lao, Tagalog.
NEW_LANGS = ("ar", "ko", "sw", "ru", "hi", "my", "km", "lo", "tl")
LANGS = BASE_LANGS + NEW_LANGS
_LANG_ALIASES = {"zh": ("zh-hans", "zh-hant")}
TERM_TYPES = ("product", "species", "code_word", "packaging", "authentic")
INTENTS = ("sell", "buy")
BOUNDARIES = ("word", "start", "none")
DATA_FILES = (
    "commodities.tsv",
    "terms.tsv",
    "code_words.tsv",
    "context_words.tsv",
    "context_rules.tsv",
    "intent_cues.tsv",
    "signals.tsv",
    "scoring.json",
)


@dataclass(frozen=True, slots=True)
class Commodity:
    name: str
    label: str
    species: tuple[str, ...]
    cites: str


@dataclass(frozen=True, slots=True)
class Term:
    """A product/species name; also used for code words (``type == "code_word"``)."""

    term: str
    key: str
    langs: tuple[str, ...]
    commodity: str
    species: tuple[str, ...]
    cites: str
    weight: float
    type: str
    boundary: str
    requires: tuple[str, ...] = ()  # code words: context groups, any of which must be near
    window: int = 0  # code words: how near (normalised characters)
    origin: str = "terms"  # "species_table" for the terms the species table adds


@dataclass(frozen=True, slots=True)
class ContextWord:
    word: str
    key: str
    langs: tuple[str, ...]
    group: str
    boundary: str


@dataclass(frozen=True, slots=True)
class ContextRule:
    """A "not an offer" cue. ``window`` None means the whole document."""

    pattern: str
    key: str
    langs: tuple[str, ...]
    family: str
    weight: float
    targets: tuple[str, ...]  # commodities it argues against; ("*",) = all
    window: int | None
    boundary: str


@dataclass(frozen=True, slots=True)
class IntentCue:
    cue: str
    key: str
    langs: tuple[str, ...]
    intent: str
    weight: float
    boundary: str
    # Counts only where it opens the post or a line (``position`` column "lead"): one
    # character such as 求 or 征 is a request verb there ("求 象牙手镯") and part of other
    # words elsewhere (需求, 要求).
    lead_only: bool = False


@dataclass(frozen=True, slots=True)
class Signal:
    name: str
    family: str
    weight: float
    regex: re.Pattern[str]


@dataclass(frozen=True, slots=True)
class Lexicon:
    commodities: dict[str, Commodity]
    terms: tuple[Term, ...]
    code_words: tuple[Term, ...]
    context_words: tuple[ContextWord, ...]
    rules: tuple[ContextRule, ...]
    intents: tuple[IntentCue, ...]
    signals: tuple[Signal, ...]
    scoring: dict[str, Any]
    version: str
    species: SpeciesTable | None = None

    @property
    def families(self) -> tuple[str, ...]:
        return tuple(sorted({r.family for r in self.rules}))

    @property
    def groups(self) -> tuple[str, ...]:
        return tuple(sorted({w.group for w in self.context_words}))
