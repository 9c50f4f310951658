"""Negated authenticity claims: "not real ivory", "kein echtes Elfenbein", 不是真象牙 …
are imitation cues, not claims that the material is real. Hand-written examples in nine
languages; the un-negated claims beside them must still alert."""

from __future__ import annotations

import pytest

from classifiers.base import TextDoc
from classifiers.text.lexicon_detector import LexiconDetector

NEGATED = [
    "Carved bangle, not real ivory of course, 20 USD, ships tomorrow",
    "Faux ivory finish, not real ivory. Resin hair comb 12 USD",
    "Pulsera tallada, no es marfil real, es resina. 15 €",
    "Bracelet sculpté, pas du vrai ivoire, résine, 12 €",
    "Armreif mit Schnitzerei, kein echtes Elfenbein, Kunstharz, 10 €",
    "Gelang ukir, bukan gading asli ya kak, bahan resin, 50rb",
    "Vòng tay khắc, không phải ngà thật, chất liệu nhựa, 100k",
    "雕花手镯 不是真象牙 树脂材质 50元包邮",
    "本物の象牙ではありません。樹脂製のかんざし 2000円",
    "กำไลแกะสลัก ไม่ใช่งาช้างแท้ เรซิ่น 200 บาท",
]

CLAIMED = [
    "Real ivory bangle for sale, old stock no papers, WhatsApp +1 555 0147",
    "Genuine ivory, not resin! 300 USD, DM me",
    "Verkaufe echtes Elfenbein Armreif, keine Kopie, 500 €",
    "Jual gading asli, bukan resin, 5jt, WA 0812 5550 1234",
    "出售真象牙手镯 不是树脂 微信 lucky88",
]


@pytest.fixture(scope="module")
def detector(lexicon_detector: LexiconDetector) -> LexiconDetector:
    return lexicon_detector  # the session's (conftest.py)


@pytest.mark.parametrize("text", NEGATED)
def test_a_negated_claim_is_imitation(detector: LexiconDetector, text: str) -> None:
    det = detector.classify([TextDoc(id="n", text=text)])[0]
    assert det.label == "clean", (text, det.score)
    assert det.score < 0.2


@pytest.mark.parametrize("text", CLAIMED)
def test_an_unnegated_claim_still_alerts(detector: LexiconDetector, text: str) -> None:
    det = detector.classify([TextDoc(id="c", text=text)])[0]
    assert det.label == "wildlife", (text, det.score)
    assert det.commodity == "ivory"


def test_the_negation_is_named_in_the_reasons(detector: LexiconDetector) -> None:
    det = detector.classify([TextDoc(id="r", text="Armreif, kein echtes Elfenbein, 10 €")])[0]
    details = " ".join(r.detail for r in det.reasons)
    assert "cancelled by context 'kein'" in details


def test_negation_does_not_reach_across_a_clause(detector: LexiconDetector) -> None:
    # "no papers" then a new clause: the claim stands.
    det = detector.classify([TextDoc(id="p", text="No. Real ivory bangle, 300 USD, DM")])[0]
    assert det.label == "wildlife"


@pytest.mark.parametrize(
    "text",
    [
        "不是猛犸 是真象牙手镯，2800元，微信 lucky88",
        "不是猛獁 是真玳瑁梳，HK$900，私訊",
        "这个不是仿的 是真象牙，私聊",
    ],
)
def test_a_contrasting_chinese_clause_ends_the_negation(
    detector: LexiconDetector, text: str
) -> None:
    """ "不是 A 是 B" negates A only: the claim after the second 是 stands."""
    det = detector.classify([TextDoc(id="z", text=text)])[0]
    assert det.label == "wildlife", (text, det.score)
    assert "negated claim" not in " ".join(r.detail for r in det.reasons)
