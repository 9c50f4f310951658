"""A sell cue inside a buyer's question counts as buy; a seller's own sentence keeps it."""

from __future__ import annotations

import pytest

from classifiers.base import TextDoc
from classifiers.lexicon.questions import asked, opens_line
from classifiers.text.lexicon_detector import LexiconDetector


@pytest.fixture(scope="module")
def det() -> LexiconDetector:
    return LexiconDetector()


def _span(text: str, cue: str) -> tuple[int, int]:
    start = text.index(cue)
    return start, start + len(cue)


def test_clause_rules() -> None:
    text = "Anyone have ivory for sale? DM me"
    assert asked(text, *_span(text, "for sale"))
    text = "Ivory bangle for sale, anyone interested?"
    assert not asked(text, *_span(text, "for sale"))  # the question is another clause
    text = "Selling ivory? yes"
    assert not asked(text, *_span(text, "Selling"))  # the cue opens the clause
    text = "Price for the bangle?"
    assert asked(text, *_span(text, "Price"), weak=True)
    assert not asked("Price? DM", 0, 5, weak=True)  # the sellers' "price? message me"
    text = "有人出售象牙吗，私聊"
    assert asked(text, *_span(text, "出售"))  # a question particle ends the clause
    assert opens_line("x\n  WTB ivory", 4) and not opens_line("x WTB", 2)


@pytest.mark.parametrize(
    "text",
    [
        "Anyone have ivory bangles for sale? DM me",
        "Ada orang jual gading gajah? PM",
        "有人出售象牙吗？私聊",
        "Preis für den Elfenbein-Armreif? Versand nach Wien möglich?",
    ],
)
def test_a_sell_verb_asked_about_gives_buy(det: LexiconDetector, text: str) -> None:
    got = det.classify([TextDoc(id="q", text=text)])[0]
    assert got.commodity == "ivory" and got.intent == "buy"
    assert any("(asked)" in r.detail for r in got.reasons)


@pytest.mark.parametrize(
    "text",
    [
        "Ivory bangle for sale, anyone interested? DM",
        "Harga? PM je, gading gajah asli",
        "Selling ivory bangle? yes, DM",
        "出售象牙手镯，有意者私聊",
    ],
)
def test_a_sellers_own_sentence_keeps_sell(det: LexiconDetector, text: str) -> None:
    got = det.classify([TextDoc(id="s", text=text)])[0]
    assert got.commodity == "ivory" and got.intent == "sell"
    assert not any("(asked)" in r.detail for r in got.reasons)
