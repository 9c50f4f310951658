"""What the lexicon scorer found in one document (reported, and turned into features)."""

from __future__ import annotations

from dataclasses import dataclass, field

from classifiers.lexicon.matcher import Match
from classifiers.lexicon.records import Signal, Term


@dataclass
class Analysis:
    """Everything the detector reports or turns into features for one document."""

    logit: float = 0.0
    score: float = 0.0
    evidence: float = 0.0
    commodity: str | None = None
    per_commodity: dict[str, float] = field(default_factory=dict)
    code_sums: dict[str, float] = field(default_factory=dict)
    cancelled_sums: dict[str, float] = field(default_factory=dict)
    family_sums: dict[str, float] = field(default_factory=dict)
    group_counts: dict[str, int] = field(default_factory=dict)
    intent_sums: dict[str, float] = field(default_factory=dict)
    lead_intent: str | None = None
    negated: bool = False  # an authenticity claim was negated ("not real ivory")
    signal_counts: dict[str, int] = field(default_factory=dict)
    terms: list[tuple[Match, Term, str | None]] = field(default_factory=list)  # (m, t, canceller)
    codes: list[tuple[Match, Term]] = field(default_factory=list)
    rules: list[Match] = field(default_factory=list)
    intents: list[Match] = field(default_factory=list)
    asked: list[Match] = field(default_factory=list)  # sell cues inside a question
    signals: list[tuple[Signal, tuple[int, int], str]] = field(default_factory=list)

    def cue_intent(self, m: Match, written: str) -> str:
        """The intent a matched cue counts for: a sell cue asked about ("anyone have X for
        sale?") is the buyer's (:mod:`classifiers.lexicon.questions`)."""
        return "buy" if any(x is m for x in self.asked) else written
