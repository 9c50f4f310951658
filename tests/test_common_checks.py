"""``common.checks.check_value``: the one value checker of settings, crawl options and
site profiles."""

from __future__ import annotations

from typing import Any

import pytest

from common.checks import check_value


@pytest.mark.parametrize(
    ("value", "typ", "expected"),
    [
        (True, bool, True),
        (3, int, 3),
        (3, float, 3.0),
        (2.5, float, 2.5),
        ("x", str, "x"),
        (["a", "b"], list[str], ["a", "b"]),
        (2, (int, float), 2),
        (2.5, (int, float), 2.5),
    ],
)
def test_values_of_the_declared_type_pass(value: Any, typ: Any, expected: Any) -> None:
    found = check_value(value, typ)
    assert found == expected
    assert type(found) is type(expected)


@pytest.mark.parametrize(
    ("value", "typ"),
    [
        (True, int),
        (False, float),
        ("3", int),
        ("yes", bool),
        (2.5, int),
        (["a", 1], list[str]),
        ("a,b", list[str]),
        (None, str),
    ],
)
def test_other_values_are_refused_with_what_was_expected(value: Any, typ: Any) -> None:
    with pytest.raises(ValueError, match="expected"):
        check_value(value, typ)


@pytest.mark.parametrize(
    ("text", "typ", "expected"),
    [
        ("8080", int, 8080),
        ("0.5", float, 0.5),
        ("off", bool, False),
        ("a, b,", list[str], ["a", "b"]),
    ],
)
def test_environment_text_is_read_when_asked(text: str, typ: Any, expected: Any) -> None:
    assert check_value(text, typ, from_text=True) == expected


def test_text_that_is_not_a_number_is_still_refused() -> None:
    with pytest.raises(ValueError, match="expected int, got 'eighty'"):
        check_value("eighty", int, from_text=True)


def test_a_minimum_bounds_numbers() -> None:
    assert check_value(0, int, minimum=0) == 0
    with pytest.raises(ValueError, match=">= 0"):
        check_value(-1, float, minimum=0)
