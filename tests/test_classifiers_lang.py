"""Language ID for short, mixed-script listings: script, markers, lexicon evidence and
py3langid together, checked on the corpus languages and on the confusions the issue
named (Japanese kanji-only listings read as Chinese, Indonesian read as Malay)."""

from __future__ import annotations

from collections import Counter

import pytest

from classifiers.base import TextDoc
from classifiers.lang import SUPPORTED, detect_language
from classifiers.text.lexicon_detector import LexiconDetector
from classifiers.train.data import load_corpus, select, to_doc


@pytest.fixture(scope="module")
def lexicon(lexicon_detector: LexiconDetector) -> LexiconDetector:
    return lexicon_detector  # the session's (conftest.py)


def test_every_corpus_language_is_recognised_without_a_hint(lexicon: LexiconDetector) -> None:
    rows = select(load_corpus(), "dev")
    docs = [to_doc({**r, "lang": None}) for r in rows]
    got = [d.lang for d in lexicon.classify(docs)]
    right: Counter[str] = Counter()
    total: Counter[str] = Counter(r["lang"] for r in rows)
    for row, lang in zip(rows, got, strict=True):
        right[row["lang"]] += lang == row["lang"]
    shares = {lang: right[lang] / total[lang] for lang in total}
    assert set(shares) >= set(SUPPORTED) - {"ms"}
    assert min(shares.values()) >= 0.95, shares


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("象牙 印鑑 実印 12mm 15000円 送料込", "ja"),  # no kana: shinjitai and 円
        ("本べっ甲 帯留 価格応談", "ja"),
        ("ｿﾞｳｹﾞ 印材 即決", "ja"),  # half-width katakana
        ("象牙印章 售價面議 私訊", "zh"),
        ("出售象牙手镯 价格私聊 包邮", "zh"),
        ("Jual sisik trenggiling asli, harga Rp 500rb, bisa COD Jakarta", "id"),
        ("Jual sisik tenggiling, harga RM 500, boleh pos laju, berminat PM", "ms"),
        ("Bán vòng ngà voi, giá 5tr, ship toàn quốc", "vi"),
        ("ขายงาช้างแท้ ราคา 5,000 บาท", "th"),
        ("Elfenbein Armreif zu verkaufen, 300 €", "de"),
        ("", None),
        ("12345 !!!", None),
    ],
)
def test_short_listings(text: str, lang: str | None) -> None:
    assert detect_language(text) == lang


def test_lexicon_votes_break_a_han_tie(lexicon: LexiconDetector) -> None:
    """Kanji-only text with no Japanese-only character: the lexicon's Japanese entries
    (印鑑, 本象牙) decide; without them it stays Chinese."""
    assert detect_language("本象牙 印鑑") == "zh"
    assert detect_language("本象牙 印鑑", votes={"ja": 2.0, "zh": 1.0}) == "ja"
    (det,) = lexicon.classify([TextDoc("x", "本象牙 印鑑 極上")])
    assert det.lang == "ja"


def test_hint_wins() -> None:
    assert detect_language("象牙", hint="ja-JP") == "ja"
