"""The species table: CITES-listed taxa seen in online trade, their names, and the terms
the lexicon builds from them.

Design
------
Three data files in ``lexicon/data/`` (columns in this package's README):

* ``species.tsv`` — one row per taxon (species, or ``Genus spp.`` where traders cannot
  tell species apart): scientific name, synonyms, class, name group, commodity, CITES
  appendix, traded live or not, commonly captive-bred or not, product forms, provenance.
* ``species_groups.tsv`` — the name groups ("monitor", "macaw", "agarwood"): the level at
  which most languages actually name these animals and plants. A group carries its own
  taxon label ("Varanus spp.;Lanthanotus borneensis"), appendix and default weight.
* ``species_names.tsv`` — every name, with its language, kind (``scientific``,
  ``synonym``, ``common``, ``group``, ``loan``, ``uncertain``), weight and provenance.
  ``taxon`` is a scientific name from ``species.tsv`` or ``@group``.

Names with weight 0 are *recorded, not matched*: loans (no name known in that language;
traders use the English or scientific one, which the ``en`` entry already matches),
uncertain translations kept for a reviewer, and everyday words that would flood the queue
("panda", Thai "ลิง" inside "ลิงก์", Arabic "فهد", a common given name).

Every other name becomes a lexicon :class:`~classifiers.lexicon.loader.Term` of type
``species`` whose ``species`` and ``cites`` come from the table, so a detection's
``species`` and ``cites_appendix`` name the taxon that matched. A key that ``terms.tsv``
already has for the same commodity is left to ``terms.tsv`` (its weights were tuned on the
hand-written examples); the table adds only what the lexicon lacked.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib.abc import Traversable
from pathlib import Path

SPECIES_FILES = ("species.tsv", "species_groups.tsv", "species_names.tsv")
NAME_KINDS = ("scientific", "synonym", "common", "group", "loan", "uncertain")
CLASSES = ("mammal", "bird", "reptile", "amphibian", "fish", "invertebrate", "plant")
APPENDICES = ("I", "I/II", "II", "III")
SCIENTIFIC_LANG = "la"  # scientific names are matched like the English ones
_STRICTNESS = {a: i for i, a in enumerate(APPENDICES)}
_BINOMIAL = re.compile(r"[A-Z][a-z]+ [a-z]+(?: [a-z]+)?")

Rows = Callable[[str], Iterator[tuple[str, dict[str, str]]]]


@dataclass(frozen=True, slots=True)
class Taxon:
    name: str
    synonyms: tuple[str, ...]
    klass: str
    group: str
    commodity: str
    cites: str
    live: bool
    captive_common: bool
    products: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SpeciesGroup:
    key: str
    commodity: str
    taxa: tuple[str, ...]
    cites: str
    weight: float


@dataclass(frozen=True, slots=True)
class SpeciesName:
    taxon: str  # scientific name, or "@group"
    lang: str
    name: str
    kind: str
    weight: float
    source: str


@dataclass(frozen=True, slots=True)
class SpeciesTable:
    taxa: dict[str, Taxon]
    groups: dict[str, SpeciesGroup]
    names: tuple[SpeciesName, ...]

    def resolve(self, name: str) -> Taxon | SpeciesGroup | None:
        """The taxon (by scientific name or synonym) or group (by label) called ``name``."""
        if name in self.taxa:
            return self.taxa[name]
        for taxon in self.taxa.values():
            if name in taxon.synonyms:
                return taxon
        bare = name.removesuffix(" spp.")
        for group in self.groups.values():
            if name in group.taxa or bare in {t.removesuffix(" spp.") for t in group.taxa}:
                return group
        genus = name[: -len(" spp.")] if name.endswith(" spp.") else None
        if " " not in name:  # a bare genus ("Cacatua")
            genus = name
        if genus:
            for taxon in self.taxa.values():
                if taxon.name.split(" ")[0] == genus:
                    return taxon
        return None

    def live_taxa(self) -> list[Taxon]:
        return [t for t in self.taxa.values() if t.live]


def strictest(appendices: list[str]) -> str | None:
    """The most protective CITES appendix among ``appendices`` (I before I/II before II)."""
    known = [a for a in appendices if a in _STRICTNESS]
    return min(known, key=lambda a: _STRICTNESS[a], default=None)


def _split(value: str, sep: str = ";") -> tuple[str, ...]:
    return tuple(v.strip() for v in value.split(sep) if v.strip())


def _number(where: str, value: str) -> float:
    try:
        return float(value)
    except ValueError:
        raise ValueError(f"{where}: weight {value!r} is not a number") from None


def _choice(where: str, column: str, value: str, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise ValueError(f"{where}: {column} {value!r} is not one of {', '.join(allowed)}")
    return value


def load_species(rows: Rows, commodities: set[str]) -> SpeciesTable:
    """Read the three species files through ``rows`` (the lexicon's TSV reader)."""
    groups: dict[str, SpeciesGroup] = {}
    for where, r in rows("species_groups.tsv"):
        if r["commodity"] not in commodities:
            raise ValueError(f"{where}: unknown commodity {r['commodity']!r}")
        cites = _choice(where, "cites", r["cites"], APPENDICES)
        labels = _split(r["taxa"])
        groups[r["group"]] = SpeciesGroup(
            r["group"], r["commodity"], labels, cites, _number(where, r["weight"])
        )
    taxa: dict[str, Taxon] = {}
    for where, r in rows("species.tsv"):
        if r["group"] not in groups or r["commodity"] not in commodities:
            raise ValueError(f"{where}: unknown group or commodity")
        if r["taxon"] in taxa:
            raise ValueError(f"{where}: taxon {r['taxon']!r} listed twice")
        taxa[r["taxon"]] = Taxon(
            name=r["taxon"],
            synonyms=_split(r["synonyms"]),
            klass=_choice(where, "class", r["class"], CLASSES),
            group=r["group"],
            commodity=r["commodity"],
            cites=_choice(where, "cites", r["cites"], APPENDICES),
            live=r["live"] == "y",
            captive_common=r["captive_common"] == "y",
            products=_split(r["products"]),
        )
    return SpeciesTable(taxa, groups, tuple(_names(rows, taxa, groups)))


def _names(
    rows: Rows, taxa: dict[str, Taxon], groups: dict[str, SpeciesGroup]
) -> Iterator[SpeciesName]:
    for where, r in rows("species_names.tsv"):
        taxon = r["taxon"]
        known = taxon[1:] in groups if taxon.startswith("@") else taxon in taxa
        if not known:
            raise ValueError(f"{where}: unknown taxon or group {taxon!r}")
        kind = _choice(where, "kind", r["kind"], NAME_KINDS)
        weight = _number(where, r["weight"])
        if kind in ("loan", "uncertain") and weight != 0:
            raise ValueError(f"{where}: {kind} names are recorded, not matched: weight must be 0")
        if not r["name"] or not r["source"]:
            raise ValueError(f"{where}: every name needs its text and its source")
        yield SpeciesName(taxon, r["lang"], r["name"], kind, weight, r["source"])


def name_target(table: SpeciesTable, name: SpeciesName) -> tuple[str, tuple[str, ...], str]:
    """(commodity, species, cites) a matched name stands for."""
    if name.taxon.startswith("@"):
        group = table.groups[name.taxon[1:]]
        return group.commodity, group.taxa, group.cites
    taxon = table.taxa[name.taxon]
    return taxon.commodity, (taxon.name,), taxon.cites


def is_binomial(name: str) -> bool:
    return _BINOMIAL.fullmatch(name) is not None


def species_files(directory: Traversable | Path) -> bool:
    """True when ``directory`` ships a species table (a custom lexicon may not)."""
    return all((directory / name).is_file() for name in SPECIES_FILES)
