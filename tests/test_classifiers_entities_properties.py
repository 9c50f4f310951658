"""Property-based tests (hypothesis) of the entity extractor.

* Every span slices the original text to the entity's surface, whatever the text.
* Random strings never yield a wallet or an IBAN, and neither does a valid wallet or IBAN
  with one character changed: a checksum failure is not an entity.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from classifiers.entities import EntityExtractor
from classifiers.entities.checksums import (
    B58_ALPHABET,
    BECH32_CHARSET,
    b58check_encode,
    eip55,
    iban_with_check,
    segwit_encode,
)

CHECKED = {"crypto_btc", "crypto_eth", "crypto_tron", "iban"}
PROPS = settings(
    max_examples=150,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
EX = EntityExtractor()

# Text that looks like listings: digits, separators, currency and unit words, platform
# words, Latin/CJK/Thai/Vietnamese letters, full-width digits and invisible characters.
_PIECES = st.sampled_from(
    ["0903", " ", "555", "-", ".", "(", ")", "+84", "WA", "zalo", "微信", "kg", "元", "Rp",
     "$", "€", "@", "[at]", "dot", "t.me/", "năm", "không", "五", "๕", "０９", "\u200b",
     "order no.", "BCA", "IBAN", "DE89", "0x", "bc1", "T", "1", "3", ",", "\n", "k", "tr"]
)  # fmt: skip
LISTINGISH = st.lists(st.one_of(_PIECES, st.text(max_size=6)), max_size=40).map("".join)


def _check_spans(text: str) -> list[str]:
    types = []
    for ent in EX.extract(text):
        assert 0 <= ent.start < ent.end <= len(text)
        assert text[ent.start : ent.end] == ent.surface
        types.append(ent.type)
    return types


@PROPS
@given(st.text(max_size=300))
def test_spans_slice_the_original_text(text: str) -> None:
    _check_spans(text)


@PROPS
@given(LISTINGISH, st.sampled_from([None, "vi", "zh", "id", "en"]))
def test_spans_slice_listing_like_text(text: str, lang: str | None) -> None:
    for ent in EX.extract(text, lang):
        assert text[ent.start : ent.end] == ent.surface


@PROPS
@given(st.text(max_size=300))
def test_no_wallet_or_iban_from_random_text(text: str) -> None:
    assert CHECKED.isdisjoint(_check_spans(text))


@PROPS
@given(
    st.sampled_from(["1", "3", "T"]),
    st.text(alphabet=B58_ALPHABET, min_size=25, max_size=34),
)
def test_no_wallet_from_random_base58(head: str, body: str) -> None:
    assert CHECKED.isdisjoint(_check_spans(f"pay to {head}{body} today"))


@PROPS
@given(st.text(alphabet=BECH32_CHARSET, min_size=8, max_size=60))
def test_no_wallet_from_random_bech32(body: str) -> None:
    assert CHECKED.isdisjoint(_check_spans(f"BTC bc1{body}"))


@PROPS
@given(
    st.lists(st.sampled_from("0123456789abcdefABCDEF"), min_size=40, max_size=40).filter(
        lambda cs: sum(c.isupper() for c in cs) >= 8 and sum(c.islower() for c in cs) >= 8
    )
)
def test_no_wallet_from_random_mixed_case_hex(chars: list[str]) -> None:
    assert CHECKED.isdisjoint(_check_spans("ETH 0x" + "".join(chars)))


@PROPS
@given(
    st.sampled_from(["DE", "GB", "FR", "ES", "NL"]),
    st.text(alphabet="0123456789", min_size=10, max_size=30),
)
def test_no_iban_from_random_digits(country: str, digits: str) -> None:
    assert CHECKED.isdisjoint(_check_spans(f"IBAN {country}{digits}"))


def _substitute(text: str, index: int, alphabet: str, pick: int) -> str:
    choices = [c for c in alphabet if c != text[index]]
    return text[:index] + choices[pick % len(choices)] + text[index + 1 :]


@PROPS
@given(st.binary(min_size=20, max_size=20), st.integers(1, 33), st.integers(0, 100))
def test_corrupted_tron_address_is_not_an_entity(body: bytes, index: int, pick: int) -> None:
    good = b58check_encode(b"\x41" + body)
    assert "crypto_tron" in _check_spans(f"USDT {good}")
    assert CHECKED.isdisjoint(_check_spans(f"USDT {_substitute(good, index, B58_ALPHABET, pick)}"))


@PROPS
@given(st.binary(min_size=32, max_size=32), st.integers(4, 61), st.integers(0, 100))
def test_corrupted_taproot_address_is_not_an_entity(body: bytes, index: int, pick: int) -> None:
    good = segwit_encode("bc", 1, body)
    assert "crypto_btc" in _check_spans(f"BTC {good}")
    bad = _substitute(good, index, BECH32_CHARSET, pick)
    assert CHECKED.isdisjoint(_check_spans(f"BTC {bad}"))


@PROPS
@given(st.binary(min_size=20, max_size=20), st.integers(0, 39))
def test_eth_address_with_one_case_flipped_is_not_an_entity(body: bytes, index: int) -> None:
    good = eip55("0x" + body.hex())
    letters = [i for i, c in enumerate(good) if i > 1 and c.isalpha()]
    if not letters:
        return
    i = letters[index % len(letters)]
    bad = good[:i] + good[i].swapcase() + good[i + 1 :]
    if bad[2:].lower() == bad[2:] or bad[2:].upper() == bad[2:]:
        return  # all one case now: that form carries no checksum by definition
    assert "crypto_eth" in _check_spans(f"ETH {good}")
    assert CHECKED.isdisjoint(_check_spans(f"ETH {bad}"))


@PROPS
@given(
    st.text(alphabet="0123456789", min_size=18, max_size=18), st.integers(4, 21), st.integers(1, 9)
)
def test_iban_with_one_digit_changed_is_not_an_entity(bban: str, index: int, delta: int) -> None:
    good = iban_with_check("DE", bban)
    assert "iban" in _check_spans(f"IBAN {good}")
    bad = good[:index] + str((int(good[index]) + delta) % 10) + good[index + 1 :]
    assert CHECKED.isdisjoint(_check_spans(f"IBAN {bad}"))
