"""Normalisation: every obfuscation the traders use, and offsets that point back exactly."""

from __future__ import annotations

import re

import pytest

from classifiers.normalize import normalize, normalize_term, strip_accents


def _words(original: str) -> dict[str, str]:
    """Each normalised word → the original substring it maps back to."""
    norm = normalize(original)
    out = {}
    for m in re.finditer(r"\w+", norm.text):
        start, end = norm.to_original(*m.span())
        out[m.group()] = original[start:end]
    return out


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ＩＶＯＲＹ Bangle", "ivory bangle"),  # full-width
        ("іvоry", "ivory"),  # Cyrillic і and о
        ("ТІGЕR claw", "tiger claw"),  # upper-case Cyrillic look-alikes
        ("iv\u200bo\u200dry", "ivory"),  # zero-width space and joiner
        ("r.h.i.n.o h0rn", "rhino horn"),  # dotted letters + leetspeak
        ("i v o r y carving", "ivory carving"),
        ("p-a-n-g-o-l-i-n scales", "pangolin scales"),
        ("t_i_g_e_r bone", "tiger bone"),
        ("p4ng0l1n", "pangolin"),
        ("pango1in", "pangoiin"),  # 1 → i (the lexicon indexes l→i variants)
        ("象 牙 手镯", "象牙手镯"),
        ("ง า ช้ า ง", "งาช้าง"),
        ("rhino-horn", "rhino horn"),
        ("Ivory\n\n  carving", "ivory carving"),
    ],
)
def test_obfuscations_are_undone(raw: str, expected: str) -> None:
    assert normalize(raw).text.strip() == expected


def test_emoji_become_concept_words() -> None:
    assert normalize("🐘🦷 bangle DM").text.split() == ["elephant", "tooth", "bangle", "dm"]
    assert normalize("🦏 horn").text.split() == ["rhino", "horn"]
    assert "tiger" in normalize("🐅🐯").text
    assert normalize("Sừng tê ✈️ giá tốt").text == "sừng tê bán giá tốt"


def test_leetspeak_spares_numbers_and_units() -> None:
    text = normalize("500g pack, usdt trc20, iphone12, 2024").text
    assert text == "500g pack, usdt trc20, iphone12, 2024"


def test_leetspeak_inside_mixed_words() -> None:
    assert normalize("s3ll1ng 1v0ry").text == "selling ivory"
    assert normalize("iv@ry").text == "ivary"


def test_homoglyphs_leave_real_cyrillic_and_greek_alone() -> None:
    assert normalize("Слоновая кость").text == "слоновая кость"
    assert normalize("ελέφαντας").text == "ελέφαντας"


def test_russian_word_with_latin_twins_folds_towards_cyrillic_in_russian_text() -> None:
    # "кocть" has Latin o and c; к, т, ь all have Latin twins, so only the Cyrillic
    # word beside it says the word is Russian.
    assert normalize("Продам слоновую кocть").text == "продам слоновую кость"
    assert normalize("слон0вая к0сть").text == "слоновая кость"
    # a Latin word disguised with Cyrillic letters stays Latin inside Russian text
    assert normalize("Продам іvоrу браслет").text == "продам ivory браслет"
    assert normalize("Vendo рараgаіо").text == "vendo papagaio"


def test_plain_is_accent_stripped_and_aligned() -> None:
    norm = normalize("Vảy tê tê, ngà voi — marfil auténtico, Côte d'Ivoire")
    assert norm.plain == "vay te te, nga voi — marfil autentico, cote d'ivoire"
    assert len(norm.plain) == len(norm.text)
    assert strip_accents("đồi mồi") == "doi moi"


def test_spans_map_back_to_original_substrings() -> None:
    words = _words("Genuine R.h.i.n.o h0rn & ｉｖｏｒｙ 🐘, іvоry, 象 牙!")
    assert words["rhino"] == "R.h.i.n.o"
    assert words["horn"] == "h0rn"
    assert words["ivory"] in {"ｉｖｏｒｙ", "іvоry"}
    assert words["elephant"] == "🐘"
    assert words["象牙"] == "象 牙"
    assert words["genuine"] == "Genuine"


def test_offsets_cover_every_character() -> None:
    raw = "A\u200bB ｃ 🐘 x.y.z ﬁne İx"
    norm = normalize(raw)
    assert len(norm.starts) == len(norm.ends) == len(norm.text)
    for i in range(len(norm.text)):
        start, end = norm.to_original(i, i + 1)
        assert 0 <= start < end <= len(raw)


def test_empty_and_odd_input() -> None:
    assert normalize("").text == ""
    assert normalize("\u200b\u200b").text == ""
    assert normalize("").to_original(0, 0) == (0, 0)
    huge = "x" * 100_000
    assert normalize(huge).text == huge


def test_normalize_term_matches_text_form() -> None:
    assert normalize_term("Rhino-Horn") == "rhino horn"
    assert normalize_term("象牙") == "象牙"


def test_half_width_voiced_kana_fold_like_typed_kana() -> None:
    """Half-width "ｿﾞ" is two spacing characters; folded apart it became "ソ" plus a combining mark
    and a half-width listing never matched a typed "ゾウゲ" (or the other way round)."""
    assert normalize_term("ｿﾞｳｹﾞ ﾊﾟﾝｺﾞﾘﾝ") == normalize_term("ゾウゲ パンゴリン") == "ゾウゲパンゴリン"
    norm = normalize("売 ｿﾞｳｹﾞ 即決")
    start = norm.text.index("ゾウゲ")
    assert norm.original[slice(*norm.to_original(start, start + 3))] == "ｿﾞｳｹﾞ"
    assert normalize("ﾞ ｿ").text == normalize("\u3099 ソ").text  # a mark with no kana stays alone
