"""Turn lexicon matches into evidence: weights per commodity, context, intent, signals.

Design
------
The score is a logistic squashing of a weighted sum, with every weight in the data files
(``scoring.json`` for the global ones), so it stays monotone and explainable:

    logit = bias + evidence + bonuses + context

* ``evidence``: per commodity, the sum of the distinct terms' weights plus the code words
  whose required context (``product_form``/``provenance`` words, or ``trade``: an intent
  cue or contact/price/payment signal) is present within their window; capped per
  commodity. The dominant commodity counts fully, the others by ``other_commodity_factor``.
* ``bonuses`` (only as strong as the evidence, scaled by ``evidence / min_evidence`` up
  to 1, so a sell cue alone never makes a hit): product-form and provenance words, the
  winning intent's cue weights, contact/price/payment signals.
* ``context`` (≤ 0): context rules, summed per family and capped. A rule with a window
  also *cancels* its target commodities' terms within that window ("ivory" near "dress");
  a phrase rule swallows the term inside it by containment in the matcher ("Tiger Balm").
  Window rules count only when they cancelled something or contain a target term; doc
  rules with specific targets count only when one of those commodities has evidence.
  An ``authentic`` term ("real shell", "genuine ivory") is an explicit claim that the
  material is real: window rules ("acetate", "resin") cancel nothing of its commodity.
* A *negated* claim ("not real ivory", "kein echtes Elfenbein", 不是真象牙, "本物の象牙では
  ありません") is the opposite: a ``negation`` context word just before the claim (or a
  ``negation_after`` word just after it, for Japanese) turns it into an imitation cue. It
  protects nothing, its commodity's evidence within ``negated_claim_window`` is cancelled
  and the imitation family gets ``negated_claim_weight`` (once per document).
* Reporting mutes bonuses: news and awareness cues (summed) scale the bonuses down by
  ``1 - |sum| / news_mute``, because prices, payment methods and contacts quoted in a
  report or a campaign are not an offer; the news cap can then outweigh strong evidence.
* ``lead_intent``: the intent of a cue opening the post or a line ("WTB …", "收购 …");
  a sell cue inside a question counts as buy (``questions``: "X for sale?").
"""

from __future__ import annotations

import math
import re
from collections import defaultdict

from classifiers.lexicon.analysis import Analysis
from classifiers.lexicon.loader import Lexicon, Term
from classifiers.lexicon.matcher import Match
from classifiers.lexicon.questions import asked, opens_line
from classifiers.lexicon.signals import merged_signals

__all__ = ["Analysis", "Scorer"]

MAX_SIGNAL_HITS = 20
_DIGIT = re.compile(r"\d")
_NEWS_FAMILIES = ("news", "awareness")
_NEGATION_GROUPS = ("negation", "negation_after")
# Punctuation or a new line ends a negation's reach; so does a Chinese copula that opens
# the contrasting clause ("不是猛犸 是真象牙": "not mammoth, (it) is real ivory").
_CLAUSE_BREAK = re.compile(r"[^\w\s]|\n|(?<![不非])是|而是")


class Scorer:
    """Scores matched documents against one lexicon."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lex = lexicon
        self.cfg = lexicon.scoring
        target_keys: dict[str, list[str]] = defaultdict(list)
        for term in lexicon.terms:
            target_keys[term.commodity].append(term.key)
        self._signal_list, self._lower_regexes, self._gates = merged_signals(lexicon.signals)
        self._rule_contains_target = [
            any(
                key in rule.key
                for com in (lexicon.commodities if "*" in rule.targets else rule.targets)
                for key in target_keys[com]
            )
            for rule in lexicon.rules
        ]

    def analyse(self, matches: list[Match], original: str) -> Analysis:
        a = Analysis()
        by_kind: dict[str, list[Match]] = defaultdict(list)
        for m in matches:
            by_kind[m.kind].append(m)
        self._signals(a, original)
        negated = self._negated_claims(by_kind, original)
        cancelled, fired = self._cancel(by_kind, negated)
        self._negate(a, by_kind, negated, cancelled)
        self._terms(a, by_kind["term"], cancelled)
        self._code_words(a, by_kind, cancelled)
        self._groups(a, by_kind["context_word"])
        self._intents(a, by_kind["intent"], original)
        self._rules(a, by_kind["rule"], fired)
        self._combine(a)
        return a

    def _signals(self, a: Analysis, original: str) -> None:
        # Case-insensitive Unicode regexes are ~3x slower than matching lower-cased text;
        # lower() keeps offsets whenever it keeps the length (all but a few scripts).
        lowered = original.lower()
        fast = len(lowered) == len(original)
        has_digit = _DIGIT.search(lowered) is not None
        for signal, lower_regex, gate in zip(
            self._signal_list, self._lower_regexes, self._gates, strict=True
        ):
            if gate == "digit" and not has_digit:
                continue
            if isinstance(gate, tuple) and fast and not any(n in lowered for n in gate):
                continue
            hits = lower_regex.finditer(lowered) if fast else signal.regex.finditer(original)
            for hit in hits:
                if len(a.signals) >= MAX_SIGNAL_HITS:
                    return
                a.signals.append((signal, hit.span(), original[hit.start() : hit.end()]))
                a.signal_counts[signal.name] = a.signal_counts.get(signal.name, 0) + 1

    def _negated_claims(self, by_kind: dict[str, list[Match]], original: str) -> dict[int, str]:
        """Authentic-claim matches negated by a nearby negation: id(match) → the negation.
        Negations are ``negation``/``negation_after`` context words and imitation rules
        that open just before the claim or overlap its start ("not real" in "not real ivory")."""
        cues: list[tuple[Match, str, bool]] = [
            (c, w.word, w.group == "negation")
            for c in by_kind["context_word"]
            if (w := self.lex.context_words[c.index]).group in _NEGATION_GROUPS
        ]
        cues += [
            (r, rule.pattern, True)
            for r in by_kind["rule"]
            if (rule := self.lex.rules[r.index]).family == "imitation"
        ]
        if not cues:
            return {}
        max_gap = int(self.cfg.get("negation_gap", 5))
        negated: dict[int, str] = {}
        for m in by_kind["term"]:
            if self.lex.terms[m.index].type != "authentic":
                continue
            for c, name, before in cues:
                if before and c.span[0] < m.span[0] < c.span[1]:
                    negated[id(m)] = name  # overlaps the claim's start
                    break
                lo, hi = (c.span[1], m.span[0]) if before else (m.span[1], c.span[0])
                gap = original[lo:hi]
                if lo <= hi and len(gap) <= max_gap and not _CLAUSE_BREAK.search(gap):
                    negated[id(m)] = name
                    break
        return negated

    def _negate(
        self,
        a: Analysis,
        by_kind: dict[str, list[Match]],
        negated: dict[int, str],
        cancelled: dict[int, str],
    ) -> None:
        """A negated claim cancels its commodity's evidence nearby and counts as imitation."""
        if not negated:
            return
        a.negated = True
        window = int(self.cfg.get("negated_claim_window", 60))
        claims = [m for m in by_kind["term"] if id(m) in negated]
        for m in by_kind["term"] + by_kind["code_word"]:
            for claim in claims:
                same = self._entry(m).commodity == self.lex.terms[claim.index].commodity
                if same and max(m.start - claim.end, claim.start - m.end, 0) <= window:
                    cancelled.setdefault(id(m), negated[id(claim)])
        weight = float(self.cfg.get("negated_claim_weight", -3.0))
        a.family_sums["imitation"] = a.family_sums.get("imitation", 0.0) + weight

    def _cancel(
        self, by_kind: dict[str, list[Match]], negated: dict[int, str]
    ) -> tuple[dict[int, str], set[int]]:
        """Terms/code words cancelled by window rules (id(match) → rule), rules that did.
        A commodity with an un-negated authentic claim is protected from window rules."""
        cancelled: dict[int, str] = {}
        fired: set[int] = set()
        evidence = by_kind["term"] + by_kind["code_word"]
        claimed = {
            self.lex.terms[m.index].commodity
            for m in by_kind["term"]
            if self.lex.terms[m.index].type == "authentic" and id(m) not in negated
        }
        for r in by_kind["rule"]:
            rule = self.lex.rules[r.index]
            if rule.window is None:
                continue
            for m in evidence:
                com = self._entry(m).commodity
                if com in claimed:
                    continue
                if "*" not in rule.targets and com not in rule.targets:
                    continue
                if max(m.start - r.end, r.start - m.end, 0) <= rule.window:
                    cancelled[id(m)] = rule.pattern
                    fired.add(id(r))
        return cancelled, fired

    def _entry(self, m: Match) -> Term:
        return self.lex.terms[m.index] if m.kind == "term" else self.lex.code_words[m.index]

    def _terms(self, a: Analysis, terms: list[Match], cancelled: dict[int, str]) -> None:
        best: dict[tuple[str, str], float] = {}
        for m in terms:
            term = self.lex.terms[m.index]
            weight = term.weight * (float(self.cfg["fuzzy_factor"]) if m.fuzzy else 1.0)
            canceller = cancelled.get(id(m))
            a.terms.append((m, term, canceller))
            if canceller is not None:
                a.cancelled_sums[term.commodity] = a.cancelled_sums.get(term.commodity, 0) + weight
                continue
            key = (term.commodity, term.key)
            best[key] = max(best.get(key, 0.0), weight)
        for (com, _), weight in best.items():
            a.per_commodity[com] = a.per_commodity.get(com, 0.0) + weight

    def _code_words(
        self, a: Analysis, by_kind: dict[str, list[Match]], cancelled: dict[int, str]
    ) -> None:
        seen: set[tuple[str, str]] = set()
        for m in by_kind["code_word"]:
            code = self.lex.code_words[m.index]
            if id(m) in cancelled or not self._has_context(m, code, by_kind, a):
                continue
            if (code.commodity, code.key) in seen:
                continue
            seen.add((code.commodity, code.key))
            a.codes.append((m, code))
            a.code_sums[code.commodity] = a.code_sums.get(code.commodity, 0.0) + code.weight
            a.per_commodity[code.commodity] = a.per_commodity.get(code.commodity, 0) + code.weight

    def _has_context(
        self, m: Match, code: Term, by_kind: dict[str, list[Match]], a: Analysis
    ) -> bool:
        def near(other: Match) -> bool:
            return max(other.start - m.end, m.start - other.end, 0) <= code.window

        for c in by_kind["context_word"]:
            if self.lex.context_words[c.index].group in code.requires and near(c):
                return True
        if "trade" in code.requires:
            return any(near(i) for i in by_kind["intent"]) or bool(a.signals)
        return False

    def _groups(self, a: Analysis, words: list[Match]) -> None:
        for m in words:
            group = self.lex.context_words[m.index].group
            a.group_counts[group] = a.group_counts.get(group, 0) + 1

    def _intents(self, a: Analysis, cues: list[Match], original: str) -> None:
        seen: set[str] = set()
        for m in cues:
            cue = self.lex.intents[m.index]
            if (leads := opens_line(original, m.span[0])) is False and cue.lead_only:
                continue
            a.intents.append(m)
            weak = cue.weight < float(self.cfg.get("explicit_intent_weight", 1.0))
            if cue.intent == "sell" and (weak or not leads) and asked(original, *m.span, weak=weak):
                a.asked.append(m)
            if a.lead_intent is None and leads:
                a.lead_intent = a.cue_intent(m, cue.intent)
            if cue.key not in seen:
                seen.add(cue.key)
                intent = a.cue_intent(m, cue.intent)
                a.intent_sums[intent] = a.intent_sums.get(intent, 0.0) + cue.weight

    def _rules(self, a: Analysis, rules: list[Match], fired: set[int]) -> None:
        seen: set[str] = set()
        for m in rules:
            rule = self.lex.rules[m.index]
            if rule.window is not None:
                counts = id(m) in fired or self._rule_contains_target[m.index]
            else:
                counts = "*" in rule.targets or any(
                    a.per_commodity.get(t, 0) + a.cancelled_sums.get(t, 0) > 0 for t in rule.targets
                )
            if not counts or rule.key in seen:
                continue
            seen.add(rule.key)
            a.rules.append(m)
            a.family_sums[rule.family] = a.family_sums.get(rule.family, 0.0) + rule.weight

    def _combine(self, a: Analysis) -> None:
        cfg = self.cfg
        cap = float(cfg["commodity_cap"])
        sums = {c: min(cap, v) for c, v in a.per_commodity.items() if v > 0}
        if sums:
            a.commodity = max(sums, key=lambda c: sums[c])
            others = sum(sums.values()) - sums[a.commodity]
            a.evidence = min(cap, sums[a.commodity] + float(cfg["other_commodity_factor"]) * others)
        strength = min(1.0, a.evidence / float(cfg["min_evidence"]))
        bonus = sum(float(w) for g, w in cfg["group_bonus"].items() if a.group_counts.get(g))
        bonus += min(float(cfg["intent_cap"]), max(a.intent_sums.values(), default=0.0))
        signal_weights = {s.name: s.weight for s, _, _ in a.signals}
        bonus += min(float(cfg["signal_cap"]), sum(signal_weights.values()))
        caps = {f: float(cfg["family_caps"].get(f, -4.0)) for f in a.family_sums}
        capped = {f: max(caps[f], v) for f, v in a.family_sums.items()}
        reporting = -sum(capped.get(f, 0.0) for f in _NEWS_FAMILIES)
        mute = max(0.0, 1.0 - reporting / float(cfg["news_mute"]))
        a.logit = float(cfg["bias"]) + a.evidence + strength * mute * bonus + sum(capped.values())
        a.score = 1.0 / (1.0 + math.exp(-a.logit))
