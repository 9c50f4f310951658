"""Charset detection from bytes and depth-bounded JSON."""

from __future__ import annotations

import json

import pytest

from crawlers.decoding import MAX_DEPTH, detect_encoding, loads_bounded

GB = "出售象牙手镯，犀牛角，穿山甲鳞片，价格面议".encode("gb18030")


@pytest.mark.parametrize("declared", ["utf-8", "shift_jis", "iso-8859-1", None])
def test_gb18030_bytes_are_recognised_whatever_was_declared(declared: str | None) -> None:
    found = detect_encoding(GB, declared)
    assert found is not None and GB.decode(found).startswith("出售象牙")


@pytest.mark.parametrize(
    ("body", "declared"),
    [("象牙 ngà voi".encode(), "utf-8"), (b"plain ascii", "shift_jis"),
     ("日本の象牙の印鑑を販売しています".encode("shift_jis"), "shift_jis")],
)  # fmt: skip
def test_a_declaration_that_fits_is_kept(body: bytes, declared: str) -> None:
    assert detect_encoding(body, declared) is None


def test_deep_json_is_cut_below_the_limit_and_the_rest_kept() -> None:
    deep = '{"d":' * 5000 + '"x"' + "}" * 5000
    value, cuts = loads_bounded(f'{{"items": [{{"id": 1}}, {deep}, {{"id": "a\\"[{{"}}]}}')
    assert cuts == 1 and value["items"][0] == {"id": 1} and value["items"][2] == {"id": 'a"[{'}
    node, depth = value["items"][1], 1
    while isinstance(node, dict):
        node, depth = node["d"], depth + 1
    assert node is None and depth <= MAX_DEPTH + 1


def test_ordinary_json_is_untouched_and_bad_json_still_fails() -> None:
    assert loads_bounded(b'{"a": [1, 2]}') == ({"a": [1, 2]}, 0)
    with pytest.raises(json.JSONDecodeError):
        loads_bounded("{not json")
