"""Load and validate the multilingual lexicon shipped as data files in ``lexicon/data/``.

Design
------
The lexicon is data, not code: investigators and translators edit TSV files, and the
loader turns them into typed, validated records (a bad row fails loudly with its file and
line number). Every key is normalised with :func:`classifiers.normalize.normalize_term`,
the same function applied to listings, so "Rhino-Horn" in a file matches "r.h.i.n.o horn"
in a listing. ``Lexicon.version`` is a hash of the data files: stored detections name the
exact lexicon that produced them.

Files (one per kind; see README.md in this package for the columns):
``commodities.tsv``, ``terms.tsv``, ``code_words.tsv``, ``context_words.tsv``,
``context_rules.tsv``, ``intent_cues.tsv``, ``signals.tsv``, ``scoring.json``.
Per-language files with the same names and columns may sit in ``langs/<lang>/`` (the
languages added in the breadth round live there, one folder each, so a translator edits
one folder); they are read after the shared file of the same kind. The species table
(``species.tsv``, ``species_groups.tsv``, ``species_names.tsv``; see
:mod:`classifiers.lexicon.species`) adds a ``species`` term for every matched name.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
from collections.abc import Iterator
from functools import lru_cache
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path

from classifiers._normalize_han import fold_han, han_fold_table
from classifiers.lexicon import fields
from classifiers.lexicon.records import (
    BASE_LANGS,
    BOUNDARIES,
    DATA_FILES,
    INTENTS,
    LANGS,
    NEW_LANGS,
    TERM_TYPES,
    Commodity,
    ContextRule,
    ContextWord,
    IntentCue,
    Lexicon,
    Signal,
    Term,
)
from classifiers.lexicon.species import (
    SCIENTIFIC_LANG,
    SPECIES_FILES,
    SpeciesTable,
    load_species,
    name_target,
    species_files,
)

__all__ = [
    "BASE_LANGS", "BOUNDARIES", "DATA_FILES", "INTENTS", "LANGS", "NEW_LANGS", "TERM_TYPES",
    "Commodity", "ContextRule", "ContextWord", "IntentCue", "Lexicon", "Signal", "Term",
    "default_lexicon", "load_lexicon",
]  # fmt: skip


@lru_cache(maxsize=1)
def default_lexicon() -> Lexicon:
    """The lexicon shipped with the package (loaded once per process)."""
    return load_lexicon(resources.files("classifiers.lexicon") / "data")


def load_lexicon(directory: Traversable | Path) -> Lexicon:
    """Load and validate every data file in ``directory``."""
    digest = hashlib.sha256()
    names = DATA_FILES + (SPECIES_FILES if species_files(directory) else ())
    for name in names:
        digest.update(name.encode() + b"\0" + (directory / name).read_bytes())
    for label, path in _lang_files(directory):
        digest.update(label.encode() + b"\0" + path.read_bytes())
    # Keys and patterns are folded with this table: a new table is a new lexicon.
    digest.update(b"han_fold\0" + repr(sorted(han_fold_table().items())).encode())
    commodities = {
        r["commodity"]: Commodity(
            r["commodity"], r["label"], fields.split(r["species"], ";"), r["cites"]
        )
        for _, r in _rows(directory, "commodities.tsv")
    }
    species = None
    if species_files(directory):
        species = load_species(lambda name: _rows(directory, name), set(commodities))
    terms = list(_terms(directory, commodities))
    if species is not None:
        terms += _species_terms(species, terms)
    return Lexicon(
        species=species,
        commodities=commodities,
        terms=tuple(terms),
        code_words=tuple(_code_words(directory, commodities)),
        context_words=tuple(_context_words(directory)),
        rules=tuple(_rules(directory, commodities)),
        intents=tuple(_intents(directory)),
        signals=tuple(_signals(directory)),
        scoring=json.loads((directory / "scoring.json").read_text("utf-8")),
        version=digest.hexdigest()[:12],
    )


def _lang_files(directory: Traversable | Path) -> list[tuple[str, Traversable | Path]]:
    """Per-language data files, ``langs/<lang>/<kind>``, in a stable order."""
    root = directory / "langs"
    if not root.is_dir():
        return []
    out: list[tuple[str, Traversable | Path]] = []
    for folder in sorted(root.iterdir(), key=lambda p: p.name):
        if folder.is_dir():
            files = [f for f in folder.iterdir() if f.name in DATA_FILES]
            files.sort(key=lambda f: f.name)
            out += [(f"langs/{folder.name}/{f.name}", f) for f in files]
    return out


def _rows(directory: Traversable | Path, name: str) -> Iterator[tuple[str, dict[str, str]]]:
    """Rows of ``name`` and then of every ``langs/<lang>/name`` (same columns)."""
    sources = [(name, directory / name)]
    sources += [(label, path) for label, path in _lang_files(directory) if path.name == name]
    for label, path in sources:
        if not path.is_file():
            continue
        reader = csv.DictReader(
            path.read_text("utf-8").splitlines(), delimiter="\t", quoting=csv.QUOTE_NONE
        )
        for line, row in enumerate(reader, start=2):
            if any(v is None for v in row.values()) or None in row:
                raise ValueError(f"{label}:{line}: wrong number of columns")
            yield f"{label}:{line}", {k: v.strip() for k, v in row.items()}


def _terms(directory: Traversable | Path, commodities: dict[str, Commodity]) -> Iterator[Term]:
    for where, r in _rows(directory, "terms.tsv"):
        com = fields.commodity(where, r["commodity"], commodities)
        if r["type"] not in TERM_TYPES or r["boundary"] not in ("", *BOUNDARIES):
            raise ValueError(f"{where}: bad type or boundary")
        langs, key = fields.langs(where, r["lang"]), fields.key(where, r["term"])
        yield Term(
            term=r["term"],
            key=key,
            langs=langs,
            commodity=com.name,
            species=fields.split(r["species"], ";") or com.species,
            cites=r["cites"] or com.cites,
            weight=fields.weight(where, r["weight"]),
            type=r["type"],
            boundary=fields.boundary(key, langs, r["boundary"]),
        )


def _species_terms(table: SpeciesTable, existing: list[Term]) -> list[Term]:
    """One ``species`` term per matched name of the species table; a key that ``terms.tsv``
    already has for the same commodity keeps its tuned entry, and a key named by several
    taxa of one commodity keeps its strongest name."""
    taken = {(t.commodity, t.key) for t in existing}
    best: dict[tuple[str, str], Term] = {}
    for n in table.names:
        if n.weight <= 0:
            continue
        commodity, species, cites = name_target(table, n)
        where = f"species_names.tsv: {n.taxon} {n.name!r}"
        key = fields.key(where, n.name)
        if (commodity, key) in taken:
            continue
        lang = "en" if n.lang == SCIENTIFIC_LANG else n.lang
        langs = fields.langs(where, lang)
        term = Term(n.name, key, langs, commodity, species, cites, n.weight, "species",
                    fields.boundary(key, langs), origin="species_table")  # fmt: skip
        previous = best.get((commodity, key))
        if previous is not None:  # a taxon's own name names it better than its group's
            own = term if not n.taxon.startswith("@") else previous
            weight = max(term.weight, previous.weight)
            langs = tuple(dict.fromkeys(previous.langs + term.langs))  # "penyu": id and ms
            term = Term(term.term, key, langs, commodity, own.species, own.cites, weight,
                        "species", fields.boundary(key, langs), origin="species_table")  # fmt: skip
        best[(commodity, key)] = term
    return list(best.values())


def _code_words(directory: Traversable | Path, commodities: dict[str, Commodity]) -> Iterator[Term]:
    for where, r in _rows(directory, "code_words.tsv"):
        com = fields.commodity(where, r["commodity"], commodities)
        langs, key = fields.langs(where, r["lang"]), fields.key(where, r["term"])
        yield Term(
            term=r["term"],
            key=key,
            langs=langs,
            commodity=com.name,
            species=com.species,
            cites=com.cites,
            weight=fields.weight(where, r["weight"]),
            type="code_word",
            boundary=fields.boundary(key, langs),
            requires=fields.split(r["requires"]),
            window=int(r["window"]),
        )


def _context_words(directory: Traversable | Path) -> Iterator[ContextWord]:
    for where, r in _rows(directory, "context_words.tsv"):
        langs, key = fields.langs(where, r["lang"]), fields.key(where, r["word"])
        yield ContextWord(r["word"], key, langs, r["group"], fields.boundary(key, langs))


def _rules(
    directory: Traversable | Path, commodities: dict[str, Commodity]
) -> Iterator[ContextRule]:
    for where, r in _rows(directory, "context_rules.tsv"):
        langs, key = fields.langs(where, r["lang"]), fields.key(where, r["pattern"])
        targets = fields.split(r["target"])
        for target in targets:
            if target != "*":
                fields.commodity(where, target, commodities)
        scope = r["scope"]
        if scope != "doc" and not re.fullmatch(r"window:\d+", scope):
            raise ValueError(f"{where}: scope must be 'doc' or 'window:N'")
        weight = fields.weight(where, r["weight"])
        if weight > 0:
            raise ValueError(f"{where}: context rules argue against a hit; weight must be <= 0")
        yield ContextRule(
            pattern=r["pattern"],
            key=key,
            langs=langs,
            family=r["family"],
            weight=weight,
            targets=targets,
            window=None if scope == "doc" else int(scope.split(":")[1]),
            boundary=fields.boundary(key, langs),
        )


def _intents(directory: Traversable | Path) -> Iterator[IntentCue]:
    for where, r in _rows(directory, "intent_cues.tsv"):
        if r["intent"] not in INTENTS:
            raise ValueError(f"{where}: intent must be one of {INTENTS}")
        langs, key = fields.langs(where, r["lang"]), fields.key(where, r["cue"])
        weight = fields.weight(where, r["weight"])
        position = r.get("position", "")  # optional column: "" (anywhere) or "lead"
        if position not in ("", "lead"):
            raise ValueError(f"{where}: position must be empty or 'lead'")
        boundary = fields.boundary(key, langs)
        yield IntentCue(r["cue"], key, langs, r["intent"], weight, boundary, position == "lead")


def _signals(directory: Traversable | Path) -> Iterator[Signal]:
    for where, r in _rows(directory, "signals.tsv"):
        try:
            # Listing text reaches the signals Han-folded (Traditional → Simplified), so
            # the pattern is folded too: 支付寶 and 支付宝 both match (a Han character is
            # never regex syntax, so folding cannot change a pattern's structure).
            regex = re.compile(fold_han(r["regex"]), re.IGNORECASE)
        except re.error as exc:
            raise ValueError(f"{where}: bad regex: {exc}") from None
        yield Signal(r["name"], r["family"], fields.weight(where, r["weight"]), regex)
