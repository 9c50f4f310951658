"""The species table: its size and provenance, its loader's checks, and detections whose
``species`` and ``cites_appendix`` come from it (live animals named by species)."""

from __future__ import annotations

import shutil
from collections import Counter
from importlib import resources
from pathlib import Path

import pytest

from classifiers.base import TextDoc
from classifiers.lexicon import LANGS, Lexicon, default_lexicon, load_lexicon
from classifiers.lexicon.species import SpeciesTable, strictest
from classifiers.text.lexicon_detector import LexiconDetector

DATA = Path(str(resources.files("classifiers.lexicon") / "data"))


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    return default_lexicon()


@pytest.fixture(scope="module")
def table(lexicon: Lexicon) -> SpeciesTable:
    assert lexicon.species is not None
    return lexicon.species


@pytest.fixture(scope="module")
def detector() -> LexiconDetector:
    return LexiconDetector()


def test_at_least_400_appendix_i_or_ii_taxa_across_classes(table: SpeciesTable) -> None:
    listed = [t for t in table.taxa.values() if t.cites in ("I", "I/II", "II")]
    assert len(listed) >= 400
    classes = Counter(t.klass for t in listed)
    assert set(classes) == {
        "mammal", "bird", "reptile", "amphibian", "fish", "invertebrate", "plant",
    }  # fmt: skip
    assert min(classes.values()) >= 20
    assert sum(t.live for t in listed) >= 250  # most of the online trade is in live animals
    for wood in ("Aquilaria malaccensis", "Dalbergia cochinchinensis", "Pterocarpus santalinus"):
        assert table.taxa[wood].commodity == "timber"


def test_every_name_has_a_source_and_every_taxon_a_name_in_every_language(
    table: SpeciesTable,
) -> None:
    assert all(n.source for n in table.names)
    langs_by_group: dict[str, set[str]] = {}
    for n in table.names:
        if n.taxon.startswith("@"):
            langs_by_group.setdefault(n.taxon[1:], set()).add(n.lang)
    for taxon in table.taxa.values():
        assert langs_by_group[taxon.group] >= set(LANGS), taxon.name
    scientific = {n.taxon for n in table.names if n.kind == "scientific"}
    assert {t for t in table.taxa if not t.endswith("spp.")} <= scientific
    # Loans and uncertain translations are recorded, never matched.
    assert all(n.weight == 0 for n in table.names if n.kind in ("loan", "uncertain"))


def test_species_named_by_the_lexicon_resolve_in_the_table(
    lexicon: Lexicon, table: SpeciesTable
) -> None:
    names = {s for c in lexicon.commodities.values() for s in c.species}
    names |= {s for t in lexicon.terms for s in t.species}
    unresolved = sorted(n for n in names if table.resolve(n) is None)
    assert unresolved == []


@pytest.mark.parametrize(
    ("text", "commodity", "species", "cites"),
    [
        ("Baby slow loris for sale, WhatsApp +62 812 5550 7788", "live_primate",
         "Nycticebus spp.", "I"),
        ("Asian water monitor juveniles for sale, 80 USD, DM", "live_reptile",
         "Varanus salvator", "II"),
        ("Varanus salvator hatchlings available, shipping ok, WhatsApp +62 812 5550 7788",
         "live_reptile", "Varanus salvator", "II"),
        ("Hill myna chicks for sale, talking, 150 USD", "live_bird", "Gracula religiosa", "II"),
        ("Yellow-crested cockatoo for sale, DM for price", "live_bird", "Cacatua sulphurea", "I"),
        ("Small-clawed otter pup for sale, 900 USD, DM", "live_mammal", "Aonyx cinereus", "I"),
        ("Golden poison frog for sale, pm", "live_amphibian", "Phyllobates terribilis", "II"),
        ("Super red arowana 30cm for sale, price 1500 USD", "fish", "Scleropages formosus", "I"),
        ("Dijual kukang jinak, harga 500rb, WA 0812-5550-7788", "live_primate",
         "Nycticebus spp.", "I"),
        ("Bán cu li con giá rẻ, zalo 0912345678", "live_primate", "Nycticebus spp.", "I"),
        ("Agarwood chips grade A for sale, wholesale price, WhatsApp +60 12 555 7788",
         "timber", "Aquilaria spp.", "II"),
    ],
)  # fmt: skip
def test_live_animals_and_products_named_by_species_carry_the_tables_taxon(
    detector: LexiconDetector, text: str, commodity: str, species: str, cites: str
) -> None:
    det = detector.classify([TextDoc(id="x", text=text)])[0]
    assert det.is_hit, (text, det.score)
    assert det.commodity == commodity
    assert species in det.species
    assert det.cites_appendix == cites


@pytest.mark.parametrize(
    "text",
    [
        "Python course for beginners: learn Python programming in 30 days",
        "Ball python enclosure 120x60, glass, used",
        "Coral dress, size M, worn once",
        "Rosewood finish sideboard, flat-packed, for sale",
        "Tiger barb fish x10 for sale, 2 USD each",
        "Otterbox phone case for iPhone 14, for sale",
        "Silver arowana juvenile 10cm for sale",
        "Panda silver coin 2023 30g for sale",
    ],
)
def test_ordinary_senses_of_species_names_are_not_hits(
    detector: LexiconDetector, text: str
) -> None:
    det = detector.classify([TextDoc(id="x", text=text)])[0]
    assert not det.is_hit, (text, det.score, det.reasons)


def test_strictest_appendix() -> None:
    assert strictest(["II", "I/II", "I"]) == "I"
    assert strictest(["III", "II"]) == "II"
    assert strictest([]) is None


@pytest.mark.parametrize(
    ("file", "row", "message"),
    [
        ("species_names.tsv", "Nonexistus fakus\ten\tfake\tcommon\t1.0\ten-common\n",
         "unknown taxon"),
        ("species_names.tsv", "@monitor\tsw\tkenge\tloan\t1.0\tloan\n", "weight must be 0"),
        ("species.tsv", "Varanus salvator\t\treptile\tmonitor\tlive_reptile\tII\ty\tn\tlive\tx\n",
         "listed twice"),
        ("species_groups.tsv", "dragon\tunicorn\tDraco spp.\tI\t1.0\n", "unknown commodity"),
        ("species.tsv", "Draco volans\t\treptile\tmonitor\tlive_reptile\tV\ty\tn\tlive\tx\n",
         "cites"),
    ],
)  # fmt: skip
def test_bad_species_rows_fail_with_file_and_line(
    tmp_path: Path, file: str, row: str, message: str
) -> None:
    copy = tmp_path / "data"
    shutil.copytree(DATA, copy)
    with open(copy / file, "a", encoding="utf-8") as fh:
        fh.write(row)
    with pytest.raises(ValueError, match=f"{file}:\\d+: .*{message}"):
        load_lexicon(copy)


def test_terms_file_keeps_its_tuned_entries(lexicon: Lexicon) -> None:
    """A key that terms.tsv has for the same commodity is not duplicated by the table."""
    table = Counter((t.commodity, t.key) for t in lexicon.terms if t.origin == "species_table")
    tuned = {(t.commodity, t.key) for t in lexicon.terms if t.origin == "terms"}
    assert max(table.values()) == 1
    assert not set(table) & tuned
    tiger = [t for t in lexicon.terms if t.key == "tiger" and t.commodity == "big_cat"]
    assert len(tiger) == 1 and tiger[0].type == "species" and tiger[0].weight == 0.6
    # ... and a taxon's own name beats its group's list: species and appendix are the taxon's.
    frog = next(t for t in lexicon.terms if t.key == "golden poison frog")
    assert frog.species == ("Phyllobates terribilis",) and frog.cites == "II"
