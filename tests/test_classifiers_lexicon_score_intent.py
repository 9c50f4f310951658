"""Intent cues of round twelve, through the real lexicon: Taiwan/Hong Kong sale and
request phrasing (one-character lead cues, Cantonese requests) and a buyer's reply under
a sale post, in every language that got reply cues."""

from __future__ import annotations

import pytest

from classifiers.base import TextDoc
from classifiers.text.lexicon_detector import LexiconDetector


@pytest.fixture(scope="module")
def det() -> LexiconDetector:
    return LexiconDetector()


def _intents(det: LexiconDetector, texts: tuple[str, ...]) -> list[str]:
    return [d.intent for d in det.classify([TextDoc(id=str(i), text=t) for i, t in
                                             enumerate(texts)])]  # fmt: skip


def test_traditional_chinese_lead_characters_give_sell(det: LexiconDetector) -> None:
    texts = ("售 老象牙手鐲 一隻 台北面交", "賣 犀角杯 清代 NT$30000", "出 穿山甲片 老貨 私聊")
    assert _intents(det, texts) == ["sell"] * 3


def test_a_lead_character_inside_a_sentence_is_not_a_cue(det: LexiconDetector) -> None:
    # 出 opens no line here: 出生/出口 are not offers, so no sell cue is read from them
    got = det.classify([TextDoc(id="n", text="新聞：海關查獲出口象牙")])[0]
    assert got.intent != "sell"


def test_traditional_and_cantonese_requests_give_buy(det: LexiconDetector) -> None:
    texts = (
        "邊度有得買犀角？",
        "有冇人出象牙筷子？",
        "誠收 老虎骨 有貨的聯絡",
        "象牙印章幫我留，留給我",
    )
    assert _intents(det, texts) == ["buy"] * 4


@pytest.mark.parametrize(
    "text",
    [
        "@seller I'll take the ivory bangle, how much shipped?",
        "Ich nehme den Elfenbein-Armreif, was willst du dafür?",
        "Je le prends ! bracelet en ivoire toujours là ?",
        "Me lo llevo, colmillo de marfil, ¿cuánto pides?",
        "Fico com ele, chifre de rinoceronte, quanto você quer?",
        "Saya mau sisik trenggiling kak, berapa?",
        "Saya nak gading gajah, berapa harga?",
        "Em lấy 1 vòng ngà voi, chốt cho em",
        "จองครับ งาช้าง 1 ชิ้น",
        "帮我留一个象牙手镯，明天转账",
        "象牙の根付、購入希望です！",
        "상아 도장 살게요! 얼마에 파세요?",
    ],
)
def test_a_buyers_reply_under_a_sale_post_gives_buy(det: LexiconDetector, text: str) -> None:
    got = det.classify([TextDoc(id="r", text=text)])[0]
    assert got.intent == "buy" and got.commodity is not None
