"""The lexicon data, its loader and the matcher."""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from classifiers.lexicon import LANGS, Lexicon, default_lexicon, load_lexicon
from classifiers.lexicon.matcher import Match, Matcher
from classifiers.normalize import normalize

REQUIRED_COMMODITIES = {
    "ivory", "rhino_horn", "pangolin", "big_cat", "bear_bile", "hornbill_casque",
    "turtle_shell", "totoaba_maw", "shahtoosh", "live_primate", "live_bird", "live_reptile",
}  # fmt: skip
# Added with the species table (breadth round): named through the table's group names.
TABLE_COMMODITIES = {
    "live_mammal", "live_amphibian", "fish", "invertebrate", "timber", "plant", "wildlife_parts",
}  # fmt: skip
RULE_FAMILIES = {
    "colour_material", "brand_place", "imitation", "legal_animal", "legal_product", "news",
    "awareness",
}  # fmt: skip
DATA = Path(str(resources.files("classifiers.lexicon") / "data"))


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    return default_lexicon()


@pytest.fixture(scope="module")
def matcher(lexicon: Lexicon) -> Matcher:
    return Matcher(lexicon)


def _found(matcher: Matcher, text: str) -> list[tuple[str, str, str]]:
    """(kind, lexicon key, original substring) for every match in ``text``."""
    lex = matcher.lexicon
    tables: dict[str, Any] = {
        "term": lex.terms, "code_word": lex.code_words, "context_word": lex.context_words,
        "rule": lex.rules, "intent": lex.intents,
    }  # fmt: skip
    out = []
    for m in matcher.match(normalize(text)):
        entry = tables[m.kind][m.index]
        out.append((m.kind, entry.key, text[m.span[0] : m.span[1]]))
    return out


def test_every_commodity_in_every_language(lexicon: Lexicon) -> None:
    assert set(lexicon.commodities) == REQUIRED_COMMODITIES | TABLE_COMMODITIES
    assert len(LANGS) == 21  # 20 languages; Chinese in two scripts
    have = {(t.commodity, lang) for t in lexicon.terms + lexicon.code_words for lang in t.langs}
    missing = [(c, lang) for c in REQUIRED_COMMODITIES for lang in LANGS if (c, lang) not in have]
    assert missing == []
    # The table's commodities are matched in every language, or (for a few taxa in a few
    # of the new languages) recorded as loans: traders use the English/scientific name.
    assert lexicon.species is not None
    named = {
        (lexicon.species.groups[n.taxon[1:]].commodity, n.lang)
        for n in lexicon.species.names
        if n.taxon.startswith("@")
    }
    gaps = [(c, lang) for c in TABLE_COMMODITIES for lang in LANGS if (c, lang) not in named]
    assert gaps == []
    matched = {(c, lang) for c, lang in have if c in TABLE_COMMODITIES}
    assert len(matched) >= 0.9 * len(TABLE_COMMODITIES) * len(LANGS)


def test_rules_and_intents_cover_every_language(lexicon: Lexicon) -> None:
    assert set(lexicon.families) == RULE_FAMILIES
    news_langs = {lang for r in lexicon.rules if r.family == "news" for lang in r.langs}
    assert news_langs == set(LANGS)
    for intent in ("sell", "buy"):
        langs = {lang for c in lexicon.intents if c.intent == intent for lang in c.langs}
        assert langs == set(LANGS), intent
    assert all(r.weight <= 0 for r in lexicon.rules)


def test_records_carry_species_cites_and_weights(lexicon: Lexicon) -> None:
    by_key = {t.key: t for t in lexicon.terms}
    assert by_key["rhino horn"].cites == "I"
    assert "Panthera onca" in by_key["jaguar fang"].species
    assert by_key["lion bone"].cites == "II"
    assert by_key["象牙"].boundary == "none" and by_key["ivory"].boundary == "word"
    assert by_key["elfenbein"].boundary == "none"
    assert all(t.weight > 0 and t.species and t.cites for t in lexicon.terms)
    white = next(c for c in lexicon.code_words if c.key == "white")
    assert white.type == "code_word" and white.requires and white.window > 0


def test_version_is_a_hash_of_the_data(tmp_path: Path, lexicon: Lexicon) -> None:
    copy = tmp_path / "data"
    shutil.copytree(DATA, copy)
    assert load_lexicon(copy).version == lexicon.version
    with (copy / "terms.tsv").open("a", encoding="utf-8") as fh:
        fh.write("elephant ivory trinket\ten\tivory\t\t\t3.0\tproduct\t\n")
    changed = load_lexicon(copy)
    assert changed.version != lexicon.version
    assert len(changed.terms) == len(lexicon.terms) + 1


@pytest.mark.parametrize(
    ("file", "row", "message"),
    [
        ("terms.tsv", "x\ten\tunicorn\t\t\t1.0\tproduct\t\n", "unknown commodity"),
        ("terms.tsv", "x\tklingon\tivory\t\t\t1.0\tproduct\t\n", "unknown language"),
        ("terms.tsv", "x\ten\tivory\t\t\theavy\tproduct\t\n", "not a number"),
        ("context_rules.tsv", "x\ten\tnews\t1.0\t*\tdoc\n", "weight must be <= 0"),
        ("context_rules.tsv", "x\ten\tnews\t-1.0\t*\tsomewhere\n", "scope"),
        ("signals.tsv", "x\tcontact\t0.1\t(unclosed\n", "bad regex"),
    ],
)
def test_bad_rows_fail_with_file_and_line(
    tmp_path: Path, file: str, row: str, message: str
) -> None:
    copy = tmp_path / "data"
    shutil.copytree(DATA, copy)
    lines = (copy / file).read_text(encoding="utf-8").count("\n")
    with (copy / file).open("a", encoding="utf-8") as fh:
        fh.write(row)
    with pytest.raises(ValueError, match=message) as err:
        load_lexicon(copy)
    assert f"{file}:{lines + 1}" in str(err.value)


def test_obfuscated_terms_match_with_original_spans(matcher: Matcher) -> None:
    text = "R.h.i.n.o h0rn, іvоry, ｉｖｏｒｙ, 象 牙 手镯, p-a-n-g-o-l-i-n scales, 🦏 horn"
    found = _found(matcher, text)
    assert ("term", "rhino horn", "R.h.i.n.o h0rn") in found
    assert ("term", "ivory", "іvоry") in found
    assert ("term", "ivory", "ｉｖｏｒｙ") in found
    assert ("term", "象牙", "象 牙") in found
    assert ("term", "pangolin scales", "p-a-n-g-o-l-i-n scales") in found
    assert ("term", "rhino horn", "🦏 horn") in found


def test_word_boundaries_plurals_and_compounds(matcher: Matcher) -> None:
    keys = [k for _, k, _ in _found(matcher, "Ivorydale tigers elephantine tusks")]
    assert "ivory" not in keys and "elephant" not in keys
    assert "tiger" in keys and "tusk" in keys  # English plurals
    found = _found(matcher, "Elfenbeinschnitzerei, 犀牛角杯")
    assert ("term", "elfenbein", "Elfenbein") in found  # German compound, no end boundary
    assert ("term", "犀牛角", "犀牛角") in found  # CJK: no boundaries at all


def test_accents_optional_only_for_long_keys(matcher: Matcher) -> None:
    found = _found(matcher, "vay te te, sung te giac, nga voi")
    keys = {k for _, k, _ in found}
    assert {"vảy tê tê", "sừng tê giác", "ngà voi"} <= keys
    # "ngà" (ivory) is too short to match without its accent: "nga" is another word.
    assert "ngà" not in {k for _, k, _ in _found(matcher, "nga")}
    assert "ngà" in {k for _, k, _ in _found(matcher, "ngà")}


def test_longer_matches_swallow_contained_ones(matcher: Matcher) -> None:
    found = _found(matcher, "Tiger Balm, white plastic, vegetable ivory, 犀牛角")
    kinds = {(kind, key) for kind, key, _ in found}
    assert ("rule", "tiger balm") in kinds and ("term", "tiger") not in kinds
    assert ("code_word", "white plastic") in kinds and ("rule", "plastic") not in kinds
    assert ("rule", "vegetable ivory") in kinds and ("term", "ivory") not in kinds
    assert ("term", "犀牛角") in kinds and ("rule", "牛角") not in kinds


def test_fuzzy_matches_strong_terms_only(matcher: Matcher) -> None:
    norm = normalize("pangolinn shatoosh ribbon elegant")
    matches: list[Match] = matcher.match(norm)
    fuzzy = {matcher.lexicon.terms[m.index].key for m in matches if m.fuzzy}
    assert "pangolin" in fuzzy
    assert "gibbon" not in fuzzy and "elefant" not in fuzzy  # weak terms: no fuzzy
    exact = {matcher.lexicon.terms[m.index].key for m in matches if m.kind == "term"}
    assert "shatoosh" in exact


def test_leet_one_reads_as_l_too(matcher: Matcher) -> None:
    assert ("term", "pangolin", "pango1in") in _found(matcher, "pango1in")
