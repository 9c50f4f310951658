"""Hash bank storage, matching conventions and CSV import/export."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest

from classifiers.image.bank import BankEntry, HashBank
from classifiers.image.bank_csv import read_bank_csv, write_bank_csv

A = "f" * 64
B = "0" * 64
NEAR_A = "0f" + "f" * 62  # 4 bits from A


@pytest.fixture
def bank(tmp_path: Path) -> Iterator[HashBank]:
    b = HashBank(tmp_path / "bank.sqlite")
    yield b
    b.close()


def test_add_dedupes_per_source_and_refuses_low_quality(bank: HashBank) -> None:
    result = bank.add(
        [
            BankEntry("x1", A, 90, ("ivory",), "ivory", "ngo"),
            BankEntry("x2", A, 90, ("ivory",), "ivory", "ngo"),  # same hash, same source
            BankEntry("x3", A, 80, (), None, "partner"),  # same hash, other source
            BankEntry("x4", B, 10, (), None, "ngo"),  # quality below 50
        ]
    )
    assert (result.added, result.duplicates, len(result.refused)) == (2, 1, 1)
    assert len(bank) == 2 and "quality 10" in result.refused[0]


def test_match_follows_distance_and_quality(bank: HashBank) -> None:
    bank.add([BankEntry("a", A, 100, ("tiger", "skin"), "big_cat", "ngo")])
    (hit,) = bank.match(NEAR_A, 80)
    assert (hit.entry_id, hit.distance, hit.labels, hit.commodity) == (
        "a",
        4,
        ("tiger", "skin"),
        "big_cat",
    )
    assert bank.match(NEAR_A, 49) == []  # the query's hash is too weak to trust
    assert bank.match(B, 100) == []


def test_bank_persists_and_index_refreshes(tmp_path: Path) -> None:
    path = tmp_path / "b.sqlite"
    first = HashBank(path)
    first.add([BankEntry("a", A, 100)])
    assert first.match(A, 100)[0].entry_id == "a"
    first.add([BankEntry("b", NEAR_A, 100)])
    assert [m.entry_id for m in first.match(A, 100)] == ["a", "b"]
    first.close()
    again = HashBank(path)
    assert [e.id for e in again.entries()] == ["a", "b"]
    again.close()


def test_entry_validation() -> None:
    with pytest.raises(ValueError):
        BankEntry("a", "xyz", 90)
    with pytest.raises(ValueError):
        BankEntry("a", A, 101)
    assert BankEntry("a", A.upper(), 90).pdq == A


def test_csv_import_reports_bad_rows_and_keeps_good_ones() -> None:
    text = (
        "hash,quality,tags,commodity,source\n"
        f"{A},100,ivory;carving,ivory,tx-share\n"
        "nothex,100,,,\n"
        f"{B},,,,\n"
        f"{NEAR_A},abc,,,\n"
        "\n"
        f"{B.replace('0', '1')},77,tiger skin,big_cat,\n"
    )
    entries, errors = read_bank_csv(io.StringIO(text), "share.csv")
    assert [e.pdq[:2] for e in entries] == ["ff", "11"]
    assert entries[0].labels == ("ivory", "carving") and entries[0].source == "tx-share"
    assert entries[1].labels == ("tiger", "skin") and entries[1].source == "share.csv"
    assert [str(e).split(":")[:2] for e in errors] == [
        ["share.csv", "3"],
        ["share.csv", "4"],
        ["share.csv", "5"],
    ]
    assert entries[0].id == read_bank_csv(io.StringIO(text), "share.csv")[0][0].id  # stable


def test_csv_without_hash_column_is_one_clear_error() -> None:
    entries, errors = read_bank_csv(io.StringIO("a,b\n1,2\n"), "x.csv")
    assert entries == [] and "no pdq/hash column" in str(errors[0])
    assert "empty file" in str(read_bank_csv(io.StringIO(""), "e.csv")[1][0])


def test_csv_round_trip_is_formula_safe() -> None:
    entries = [
        BankEntry("e1", A, 100, ("=HYPERLINK(1)", "ivory"), "ivory", "+partner", note="@x"),
        BankEntry("e2", B.replace("0", "a"), 60, (), None, "ngo"),
    ]
    out = io.StringIO()
    assert write_bank_csv(entries, out) == 2
    text = out.getvalue()
    assert text.splitlines()[0] == "pdq,quality,labels,commodity,source,id,added_at,note"
    assert ",=" not in text and ",+" not in text and ",@" not in text
    again, errors = read_bank_csv(io.StringIO(text), "round.csv")
    assert errors == [] and again == entries
