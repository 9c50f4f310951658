"""Checksums against published test vectors, and each encoder against its decoder."""

from __future__ import annotations

from classifiers.entities.checksums import (
    b58check_decode,
    b58check_encode,
    eip55,
    eth_address_ok,
    iban_ok,
    iban_with_check,
    keccak256,
    segwit_decode,
    segwit_encode,
)


def test_keccak256_is_ethereum_keccak_not_sha3() -> None:
    assert keccak256(b"").hex() == (
        "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"
    )
    assert keccak256(b"abc").hex() == (
        "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45"
    )


def test_eip55_vectors_from_the_eip() -> None:
    for addr in (
        "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
        "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
        "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
        "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
    ):
        assert eip55(addr.lower()) == addr
        assert eth_address_ok(addr)
    assert eth_address_ok("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed")  # no checksum given
    assert not eth_address_ok("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD")


def test_bitcoin_addresses() -> None:
    assert b58check_decode("1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2") is not None
    assert b58check_decode("3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy") is not None
    assert b58check_decode("1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN3") is None
    assert segwit_decode("BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4") is not None
    taproot = "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0"
    assert segwit_decode(taproot) == segwit_decode(taproot.upper())
    # BIP 350: a v1 program with a bech32 (not bech32m) checksum is invalid.
    assert (
        segwit_decode("bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7k7grplx")
        is None
    )
    assert segwit_decode("bc1qw508d6qejxtdg4y5r3zarvaRy0c5xw7kv8f3t4") is None  # mixed case


def test_tron_address() -> None:
    payload = b58check_decode("TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t")
    assert payload is not None and payload[0] == 0x41 and len(payload) == 21


def test_encoders_round_trip() -> None:
    payload = b"\x41" + bytes(range(20))
    assert b58check_decode(b58check_encode(payload)) == payload
    program = bytes(range(32))
    assert segwit_decode(segwit_encode("bc", 1, program)) == ("bc", 1, program)
    assert segwit_decode(segwit_encode("bc", 0, program[:20])) == ("bc", 0, program[:20])


def test_iban() -> None:
    assert iban_ok("DE89370400440532013000")
    assert iban_ok("GB82WEST12345698765432")
    assert iban_ok("FR7630006000011234567890189")
    assert not iban_ok("GB82WEST12345698765433")  # check digits wrong
    assert not iban_ok("DE8937040044053201300")  # one character short for DE
    assert not iban_ok("XX89370400440532013000")  # no such country
    assert iban_ok(iban_with_check("NL", "ABNA0417164300"))
