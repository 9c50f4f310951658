"""Negated imitation ("not fake, real") in the new languages: the negated imitation word
is a provenance claim, not an imitation rule (round thirteen). Probes showed such offers
scoring ≈ 0."""

from __future__ import annotations

import pytest

from classifiers.base import TextDoc
from classifiers.text.lexicon_detector import LexiconDetector

OFFERS = [
    ("سوار عاج مو تقليد أصلي 100%", "ivory"),
    ("웅담 가짜 아님 진짜", "bear_bile"),
    ("браслет из слоновой кости, не подделка, натуральный", "ivory"),
    ("pembe ya ndovu si feki, halisi kabisa", "ivory"),
    ("sungay ng rhino hindi peke, orig", "rhino_horn"),
    ("ស្នែងរមាស មិនមែនក្លែងក្លាយ ពិតប្រាកដ", "rhino_horn"),
    ("ဆင်စွယ် အတု မဟုတ်ပါ အစစ်", "ivory"),
    ("ນໍແຮດ ບໍ່ແມ່ນຂອງປອມ ແທ້ 100%", "rhino_horn"),
    ("गैंडे का सींग, कोई नकली माल नहीं, 100% असली", "rhino_horn"),
    ("हाथी दांत की चूड़ी, नकली नहीं असली है, ₹9000", "ivory"),
]


@pytest.fixture(scope="module")
def detector() -> LexiconDetector:
    return LexiconDetector()


@pytest.mark.parametrize(("text", "commodity"), OFFERS)
def test_not_fake_is_an_offer(detector: LexiconDetector, text: str, commodity: str) -> None:
    (det,) = detector.classify([TextDoc("x", text)])
    assert det.is_hit and det.commodity == commodity, (text, det.score)


@pytest.mark.parametrize(
    "text",
    [
        "웅담 모양 레진 모형이에요, 진품 아님",  # a replica that says so stays clean
        "हाथी दांत की चूड़ी जैसी दिखती है पर रेजिन की प्रतिकृति है",
        "браслет под слоновую кость, имитация из смолы",
    ],
)
def test_a_replica_that_says_so_is_still_clean(detector: LexiconDetector, text: str) -> None:
    (det,) = detector.classify([TextDoc("x", text)])
    assert not det.is_hit, (text, det.score)


def test_korean_shaped_goods_are_clean_but_shape_intact_is_an_offer(
    detector: LexiconDetector,
) -> None:
    jelly, whole = detector.classify(
        [
            TextDoc("j", "곰 발바닥 모양 젤리 판매"),
            TextDoc("w", "코뿔소 뿔 모양 그대로 원형 팝니다"),
        ]
    )
    assert not jelly.is_hit, jelly.score  # bear-paw *shaped* jelly
    assert whole.is_hit and whole.commodity == "rhino_horn"  # "shape intact" is a claim


def test_hindi_caught_for_sale_is_not_a_news_report(detector: LexiconDetector) -> None:
    # "पकड़ा हुआ" (caught, of an animal for sale) must not fire the news rule "पकड़ा"
    # ("was caught", of a trafficker), which stays for the report.
    sale, news = detector.analyse(
        [TextDoc("s", "जाल से पकड़े हुए मुनिया के जोड़े ₹500"), TextDoc("n", "तोता तस्कर पकड़ा गया")]
    )
    assert "news" not in sale.family_sums and "live_bird" in sale.per_commodity
    assert "news" in news.family_sums
