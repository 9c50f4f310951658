"""The lexicon detector: normalise → match the multilingual lexicon → score and explain.

Design
------
Fast (no model; thousands of listings a second on one core) and fully explainable: every
point of the score comes from a term, code word, context rule, intent cue or signal that
is listed in ``reasons`` with its span in ``TextDoc.full_text``. The scoring itself lives
in :mod:`classifiers.lexicon.score`; this module adapts it to the ``Classifier`` contract
and exposes the same evidence as a numeric feature vector (``features``) for the learned
head, which calibrates it.

``version`` is the lexicon data hash, so a stored detection names the exact lexicon.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from classifiers.base import (
    LABEL_CLEAN,
    LABEL_WILDLIFE,
    REASON_CODE_WORD,
    REASON_CONTEXT,
    REASON_TERM,
    Classifier,
    Detection,
    Reason,
    TextDoc,
)
from classifiers.lang import detect_language
from classifiers.lexicon.loader import Lexicon, default_lexicon
from classifiers.lexicon.matcher import Matcher
from classifiers.lexicon.score import Analysis, Scorer
from classifiers.normalize import normalize
from classifiers.priority import with_priority
from classifiers.text.evidence import LexiconBatch, LexiconView

MAX_TEXT = 20_000  # hostile input: nothing past this is read
MAX_REASONS = 40
_NEWS_FAMILIES = ("news", "awareness")


class LexiconDetector(Classifier):
    """Multilingual lexicon + context rules + intent cues, scored 0..1 (see module doc).

    Stateless after construction: ``evaluate`` / ``classify`` / ``features`` keep nothing
    between calls, so one instance can serve several threads.
    """

    name = "lexicon"

    def __init__(self, lexicon: Lexicon | None = None, threshold: float | None = None) -> None:
        self.lexicon = lexicon or default_lexicon()
        self.version = self.lexicon.version
        self.matcher = Matcher(self.lexicon)
        self.scorer = Scorer(self.lexicon)
        self.threshold = float(
            threshold if threshold is not None else self.lexicon.scoring["threshold"]
        )
        self._names = self._feature_names()

    # -- Classifier -------------------------------------------------------------------

    def classify(self, docs: Sequence[TextDoc]) -> list[Detection]:
        return [self._detection(d, self._analyse(d)) for d in docs]

    def evaluate(self, docs: Sequence[TextDoc]) -> LexiconBatch:
        """Detections, fusion facts and feature rows of one batch, from one analysis each."""
        analyses = [self._analyse(d) for d in docs]
        views = tuple(self._view(d, a) for d, a in zip(docs, analyses, strict=True))
        return LexiconBatch(views, self._matrix(analyses))

    def analyse(self, docs: Sequence[TextDoc]) -> list[Analysis]:
        """The scorer's full analysis of each document (for tests and debugging)."""
        return [self._analyse(d) for d in docs]

    def _analyse(self, doc: TextDoc) -> Analysis:
        original = doc.full_text[:MAX_TEXT]
        return self.scorer.analyse(self.matcher.match(normalize(original)), original)

    def _detection(self, doc: TextDoc, a: Analysis) -> Detection:
        hit = a.score >= self.threshold
        species, cites = self._species(a)
        det = Detection(
            id=doc.id,
            score=a.score,
            label=LABEL_WILDLIFE if hit else LABEL_CLEAN,
            commodity=a.commodity,
            species=species,
            cites_appendix=cites,
            intent=self._intent(a),
            lang=detect_language(doc.full_text, doc.lang, self._votes(a)),
            reasons=tuple(self._reasons(doc.full_text, a))[:MAX_REASONS],
            model=self.model_tag,
            extra={
                "logit": round(a.logit, 4),
                "commodity_scores": {c: round(v, 3) for c, v in a.per_commodity.items()},
            },
        )
        return with_priority(det, doc.full_text)

    def _votes(self, a: Analysis) -> dict[str, float]:
        """Lexicon evidence for language ID: each matched entry votes for its languages."""
        entries = [t.langs for _, t, _ in a.terms] + [c.langs for _, c in a.codes]
        entries += [self.lexicon.intents[m.index].langs for m in a.intents]
        entries += [self.lexicon.rules[m.index].langs for m in a.rules]
        votes: dict[str, float] = {}
        for langs in entries:
            codes = {lang.split("-")[0] for lang in langs}
            for code in codes:
                votes[code] = votes.get(code, 0.0) + 1.0 / len(codes)
        return votes

    def _view(self, doc: TextDoc, a: Analysis) -> LexiconView:
        # Explicit cues are the strong ones ("for sale", "WTB", 求购); weaker cues ("price",
        # "pm me", 私信, "ib") are contact and price words that buyers use too.
        explicit = float(self.lexicon.scoring.get("explicit_intent_weight", 1.0))
        kinds = {
            a.cue_intent(m, cue.intent)
            for m in a.intents
            if (cue := self.lexicon.intents[m.index]).weight >= explicit
        }
        sell, buy = "sell" in kinds, "buy" in kinds
        buy_words = a.lead_intent == "buy" or any(
            a.cue_intent(m, self.lexicon.intents[m.index].intent) == "buy" for m in a.intents
        )
        return LexiconView(
            detection=self._detection(doc, a),
            sell_cue=sell,
            buy_cue=buy,
            buy_words=buy_words,
            trade_context=bool(a.intents or a.signals),
            reporting=any(f in a.family_sums for f in _NEWS_FAMILIES),
            negated=a.negated,
            contrary=self._contrary(a),
        )

    def _contrary(self, a: Analysis) -> tuple[str, ...]:
        """Labels of the context that argues against an offer (see ``LexiconView``)."""
        out = [f"'{term.term}' cancelled by '{why}'" for _, term, why in a.terms if why]
        for m in a.rules:
            rule = self.lexicon.rules[m.index]
            if rule.weight < 0:
                out.append(f"{rule.family}: {rule.pattern}")
        if a.negated:
            out.append("negated claim")
        return tuple(dict.fromkeys(out))

    def _species(self, a: Analysis) -> tuple[tuple[str, ...], str | None]:
        """Species of the dominant commodity's strongest terms; the strictest appendix."""
        if a.commodity is None:
            return (), None
        found = [(t.weight, t) for _, t, cancel in a.terms if cancel is None]
        found += [(c.weight, c) for _, c in a.codes]
        ranked = sorted((x for x in found if x[1].commodity == a.commodity), key=lambda x: -x[0])
        species: list[str] = []
        cites: list[str] = []
        for _, term in ranked:
            species += [s for s in term.species if s not in species]
            cites.append(term.cites)
        order = {"I": 0, "I/II": 1, "II": 2, "III": 3}
        strictest = min(cites, key=lambda c: order.get(c, 9), default=None)
        return tuple(species), strictest

    @staticmethod
    def _intent(a: Analysis) -> str:
        if any(f in a.family_sums for f in _NEWS_FAMILIES):
            return "other"
        if a.lead_intent == "buy":  # "WTB …", "Cari …", "收购 …" opening the post
            return "buy"
        sell, buy = a.intent_sums.get("sell", 0.0), a.intent_sums.get("buy", 0.0)
        if buy > 0 and buy > 0.8 * sell:
            return "buy"
        return "sell" if sell > 0 else "other"

    def _reasons(self, text: str, a: Analysis) -> list[Reason]:
        out: list[Reason] = []
        for m, term, canceller in a.terms:
            detail = f"{term.commodity}: {term.term} ({term.type}, {'/'.join(term.langs)})"
            detail += " ~fuzzy" if m.fuzzy else ""
            detail += f" — cancelled by context '{canceller}'" if canceller else ""
            weight = 0.0 if canceller else term.weight
            out.append(Reason(REASON_TERM, detail, weight, m.span, text[m.span[0] : m.span[1]]))
        for m, code in a.codes:
            detail = f"{code.commodity}: code word '{code.term}' with context"
            out.append(Reason(REASON_CODE_WORD, detail, code.weight, m.span, _at(text, m.span)))
        for m in a.rules:
            rule = self.lexicon.rules[m.index]
            detail = f"{rule.family}: {rule.pattern}"
            out.append(Reason(REASON_CONTEXT, detail, rule.weight, m.span, _at(text, m.span)))
        for m in a.intents:
            cue = self.lexicon.intents[m.index]
            intent = a.cue_intent(m, cue.intent)
            detail = f"intent {intent}: {cue.cue}" + (" (asked)" if intent != cue.intent else "")
            out.append(Reason(REASON_CONTEXT, detail, cue.weight, m.span, _at(text, m.span)))
        for signal, span, _ in a.signals:
            detail = f"signal {signal.family}: {signal.name}"
            out.append(Reason(REASON_CONTEXT, detail, signal.weight, span, _at(text, span)))
        return out

    # -- features for the learned head ----------------------------------------------

    def _feature_names(self) -> list[str]:
        lex = self.lexicon
        names = [f"term:{c}" for c in lex.commodities]
        names += [f"code:{c}" for c in lex.commodities]
        names += [f"cancelled:{c}" for c in lex.commodities]
        names += [f"rule:{f}" for f in lex.families]
        names += [f"group:{g}" for g in lex.groups]
        names += ["intent:sell", "intent:buy", "lead:sell", "lead:buy"]
        names += ["decided:sell", "decided:buy"]
        names += [f"signal:{s}" for s in dict.fromkeys(s.name for s in lex.signals)]
        return names + ["evidence", "logit", "score"]

    def feature_names(self) -> list[str]:
        """Column names of :meth:`features` (stable for a given lexicon version)."""
        return list(self._names)

    def features(self, docs: Sequence[TextDoc]) -> np.ndarray:
        """One float32 row per document (see ``feature_names``)."""
        return self._matrix([self._analyse(d) for d in docs])

    def _matrix(self, analyses: Sequence[Analysis]) -> np.ndarray:
        rows = [self._row(a) for a in analyses]
        return np.asarray(rows, dtype=np.float32).reshape(len(rows), len(self._names))

    def _row(self, a: Analysis) -> list[float]:
        values: dict[str, float] = {}
        for com, v in a.per_commodity.items():
            values[f"term:{com}"] = v - a.code_sums.get(com, 0.0)
        values.update({f"code:{c}": v for c, v in a.code_sums.items()})
        values.update({f"cancelled:{c}": v for c, v in a.cancelled_sums.items()})
        values.update({f"rule:{f}": v for f, v in a.family_sums.items()})
        values.update({f"group:{g}": float(min(n, 5)) for g, n in a.group_counts.items()})
        values.update({f"intent:{i}": v for i, v in a.intent_sums.items()})
        # The rule-based reading of intent (a leading cue, the detector's own decision) is
        # a feature too, so the intent head can trust the lexicon on phrasings that the
        # training templates never showed.
        if a.lead_intent:
            values[f"lead:{a.lead_intent}"] = 1.0
        decided = self._intent(a)
        if decided != "other":  # no evidence is all zeros, like every other column
            values[f"decided:{decided}"] = 1.0
        values.update({f"signal:{s}": float(min(n, 3)) for s, n in a.signal_counts.items()})
        values.update(evidence=a.evidence, logit=a.logit, score=a.score)
        return [values.get(n, 0.0) for n in self._names]


def _at(text: str, span: tuple[int, int]) -> str:
    return text[span[0] : span[1]]


def describe(detection: Detection) -> dict[str, Any]:
    """A compact, JSON-ready view of a detection's evidence (for logs and debugging)."""
    return {
        "score": round(detection.score, 3),
        "commodity": detection.commodity,
        "intent": detection.intent,
        "reasons": [(r.kind, r.detail, r.weight, r.matched) for r in detection.reasons],
    }
