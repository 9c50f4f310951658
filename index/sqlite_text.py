"""The SQLite store's searchable text: ``listing_text`` and the FTS5 indexes over it.

Design notes
------------
* ``listing_text`` holds each listing's folded forms (``query_terms.fold_fields``) and a
  ``cjk`` flag (text in a script without word spaces). Three FTS5 indexes read them:
  ``listings_fold`` (words), ``listings_foldtri`` (trigrams, ``cjk`` rows only) and, since
  schema v9, ``listings_cjkgram`` (``cjk`` rows only: see below).
* Since v9 this module writes the indexes itself, in the same transaction and in batches
  (``executemany``), instead of the v3 sync triggers: FTS5 flushes its pending terms at
  every statement a trigger runs, so indexing through a trigger cost four times the
  tokenising itself (at 1M listings, a third of the ingest time). Every write to
  ``listing_text`` goes through ``insert``/``replace`` here; an update first removes the
  row's old terms (external content: the old values are read from the row itself).
* ``listings_cjkgram``: a query item of one or two characters in a script without spaces
  (象牙) cannot use trigrams; before v9 it was an ``instr`` scan of every ``cjk`` row
  (0.4 s at 1M). Now each ``cjk`` row's folded forms are indexed as the characters and
  character pairs such an item can be — every single no-space-script character and every
  adjacent pair holding one, both letters, marks or digits (a query item is trimmed of
  anything else) — each a token of the ``ascii`` tokenizer (every non-ASCII character is
  a token character; the pairs are written apart by spaces). An item is found where its
  token is, which is exactly where ``instr`` found it. The ``plain`` column holds the
  pairs of ``plain`` (when set): an accent-free item looks in ``{folded plain}``, as in
  the word index. Contentless (``content=''``, ``detail=column``): a replaced row's old
  tokens are made again from its stored text to remove them.
"""

from __future__ import annotations

import operator
import re
import sqlite3
import unicodedata
from collections.abc import Sequence

from index.query_terms import NO_SPACE_SCRIPT

# (id, cjk, folded, plain) — ``plain`` is '' where it would repeat ``folded``.
TextRow = tuple[int, bool, str, str]

_INSERT_TEXT = (
    "INSERT INTO listing_text(id, cjk, title, text, seller, folded, plain) "
    "VALUES (?, ?, '', '', '', ?, ?)"
)
_UPDATE_TEXT = "UPDATE listing_text SET cjk = ?2, folded = ?3, plain = ?4 WHERE id = ?1"
_FOLD = "INSERT INTO listings_fold(rowid, folded, plain) VALUES (?, ?, ?)"
_TRI = "INSERT INTO listings_foldtri(rowid, folded, plain) VALUES (?, ?, ?)"
_GRAM = "INSERT INTO listings_cjkgram(rowid, folded, plain) VALUES (?, ?, ?)"
_DELETE = {
    "listings_fold": "INSERT INTO listings_fold(listings_fold, rowid, folded, plain) "
    "VALUES ('delete', ?, ?, ?)",
    "listings_foldtri": "INSERT INTO listings_foldtri(listings_foldtri, rowid, folded, plain) "
    "VALUES ('delete', ?, ?, ?)",
    "listings_cjkgram": "INSERT INTO listings_cjkgram(listings_cjkgram, rowid, folded, plain) "
    "VALUES ('delete', ?, ?, ?)",
}

# Schema v9 (``index.sqlite_schema``): the batched writes above replace the insert and
# update triggers; the delete triggers stay (nothing deletes text today, but a delete
# must not leave terms behind).
SCHEMA_V9: tuple[str, ...] = (
    *(
        f"DROP TRIGGER {t}_{op}"
        for t in ("listings_fold", "listings_foldtri")
        for op in ("ai", "au")
    ),
    "CREATE VIRTUAL TABLE listings_cjkgram USING fts5(folded, plain, content='', "
    "tokenize='ascii', detail='column', columnsize=0)",
    # Read only by the ``detections_need_version`` check, which the primary key
    # (key, version) answers as well (a listing has a few versions); one index fewer
    # to update at random places for every version stored.
    "DROP INDEX listing_versions_hash",
)


def fill_grams(conn: sqlite3.Connection) -> None:
    """Schema v9's data step: index the grams of every ``cjk`` row already stored."""
    rows = conn.execute("SELECT id, folded, plain FROM listing_text WHERE cjk").fetchall()
    conn.executemany(_GRAM, ((i, *grams(f, p)) for i, f, p in rows))


# Schema v12: the ``cjk`` flag is read from the folded text (``sqlite_listings._text``).
# Rows whose folded text holds such a script though the original did not (half-width
# katakana, which fold widens) are flagged and indexed here: a ``GLOB`` with the same
# character class finds them in C (seconds at 1M rows), the regular expression confirms.
_NO_SPACE_GLOB = f"*{NO_SPACE_SCRIPT.pattern}*"


def flag_folded_cjk(conn: sqlite3.Connection) -> None:
    """Schema v12's data step (see above)."""
    found = conn.execute(
        "SELECT id, folded, plain FROM listing_text WHERE NOT cjk AND folded GLOB ?",
        (_NO_SPACE_GLOB,),
    ).fetchall()
    rows = [(i, f, p) for i, f, p in found if NO_SPACE_SCRIPT.search(f)]
    conn.executemany("UPDATE listing_text SET cjk = 1 WHERE id = ?", [(r[0],) for r in rows])
    conn.executemany(_TRI, rows)
    conn.executemany(_GRAM, [(i, *grams(f, p)) for i, f, p in rows])


def insert(conn: sqlite3.Connection, rows: Sequence[TextRow]) -> None:
    """New ``listing_text`` rows and their terms in every index."""
    conn.executemany(_INSERT_TEXT, rows)
    _index(conn, rows)


def replace(conn: sqlite3.Connection, rows: Sequence[TextRow]) -> None:
    """New text for existing rows: their old terms out, the new text and terms in. A row
    whose text is unchanged (a new version that changed the price, not the words) is
    left as it is: no FTS5 work."""
    old: list[TextRow] = []
    changed: list[TextRow] = []
    for row in rows:
        found = conn.execute(
            "SELECT id, cjk, folded, plain FROM listing_text WHERE id = ?", (row[0],)
        ).fetchone()
        stored = None if found is None else (found[0], bool(found[1]), found[2], found[3])
        if stored != (row[0], bool(row[1]), row[2], row[3]):
            changed.append(row)
            if stored is not None:
                old.append(stored)
    rows = changed
    conn.executemany(_DELETE["listings_fold"], [(i, f, p) for i, _, f, p in old])
    conn.executemany(_DELETE["listings_foldtri"], [(i, f, p) for i, cjk, f, p in old if cjk])
    conn.executemany(_DELETE["listings_cjkgram"], [(i, *grams(f, p)) for i, c, f, p in old if c])
    conn.executemany(_UPDATE_TEXT, rows)
    _index(conn, rows)


def _index(conn: sqlite3.Connection, rows: Sequence[TextRow]) -> None:
    conn.executemany(_FOLD, [(i, f, p) for i, _, f, p in rows])
    cjk = [(i, f, p) for i, is_cjk, f, p in rows if is_cjk]
    if cjk:
        conn.executemany(_TRI, cjk)
        conn.executemany(_GRAM, [(i, *grams(f, p)) for i, f, p in cjk])


class _Classes(dict[int, str]):
    """``str.translate`` table, filled on first sight of each character: ``c`` for a
    letter/mark/digit of a script without spaces, ``w`` for any other letter, mark or
    digit (what a trimmed query item may hold), a space for everything else."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        if unicodedata.category(ch)[0] not in "LMN":
            kind = " "
        else:
            kind = "c" if NO_SPACE_SCRIPT.match(ch) else "w"
        self[code] = kind
        return kind


_CLASSES = _Classes()
_RUN = re.compile("[cw]+")


def _grams(text: str) -> list[str]:
    """Every single ``c`` character and every adjacent pair holding one (duplicates
    left in: the index keeps each token once per row)."""
    out: list[str] = []
    kinds_of = text.translate(_CLASSES)
    for m in _RUN.finditer(kinds_of):
        kinds = m.group()
        if "c" not in kinds:
            continue
        run = text[m.start() : m.end()]
        if "w" in kinds:  # mixed with other letters or digits ("iphone12象牙"): rare
            out += [ch for ch, k in zip(run, kinds, strict=True) if k == "c"]
            out += [run[i : i + 2] for i in range(len(run) - 1) if "c" in kinds[i : i + 2]]
        else:
            out += run
            out += map(operator.add, run[:-1], run[1:])
    return out


def grams(folded: str, plain: str) -> tuple[str, str]:
    """The ``listings_cjkgram`` columns of a ``cjk`` row (see the module notes)."""
    return " ".join(_grams(folded)), " ".join(_grams(plain)) if plain else ""
