"""Cryptocurrency wallets: ``crypto_btc`` (base58check P2PKH/P2SH, bech32 v0 and bech32m
v1+), ``crypto_eth`` (0x + 40 hex digits, EIP-55 when mixed case) and ``crypto_tron``
(base58check, version byte 0x41, the usual USDT-TRC20 address).

Design notes
------------
* Candidates are cheap regex shapes; the checksum decides. A string that fails its
  checksum (a typo, a made-up "address", a hash in a URL) is not an entity.
* Values: Bitcoin legacy and TRON addresses are case-sensitive and kept as written;
  bech32 and Ethereum addresses are case-insensitive and stored lower-case, so the same
  wallet written in two cases is one identifier. ``network`` says which chain or test
  network the address belongs to.
"""

from __future__ import annotations

import re

from classifiers.entities.base import CRYPTO_BTC, CRYPTO_ETH, CRYPTO_TRON
from classifiers.entities.checksums import b58check_decode, eth_address_ok, segwit_decode
from classifiers.entities.context import Context

_B58 = "1-9A-HJ-NP-Za-km-z"
_EDGE_L = r"(?<![0-9A-Za-z])"
_EDGE_R = r"(?![0-9A-Za-z])"
_BTC_LEGACY = re.compile(f"{_EDGE_L}[13][{_B58}]{{25,34}}{_EDGE_R}")
_BTC_SEGWIT = re.compile(f"{_EDGE_L}(?:bc|tb|BC|TB)1[02-9ac-hj-np-zAC-HJ-NP-Z]{{6,87}}{_EDGE_R}")
_ETH = re.compile(f"{_EDGE_L}0[xX][0-9a-fA-F]{{40}}{_EDGE_R}")
_TRON = re.compile(f"{_EDGE_L}T[{_B58}]{{33}}{_EDGE_R}")
_LEGACY_VERSIONS = {0x00: "p2pkh", 0x05: "p2sh"}


def find_crypto(ctx: Context) -> None:
    text = ctx.text
    for m in _BTC_SEGWIT.finditer(text):
        decoded = segwit_decode(m.group())
        if decoded:
            hrp, version, _ = decoded
            net = "bitcoin" if hrp == "bc" else "bitcoin-testnet"
            ctx.add(CRYPTO_BTC, m.group().lower(), *m.span(), network=net, witness=version)
    for m in _BTC_LEGACY.finditer(text):
        payload = b58check_decode(m.group())
        if payload and len(payload) == 21 and payload[0] in _LEGACY_VERSIONS:
            kind = _LEGACY_VERSIONS[payload[0]]
            ctx.add(CRYPTO_BTC, m.group(), *m.span(), network="bitcoin", kind=kind)
    for m in _TRON.finditer(text):
        payload = b58check_decode(m.group())
        if payload and len(payload) == 21 and payload[0] == 0x41:
            ctx.add(CRYPTO_TRON, m.group(), *m.span(), network="tron")
    for m in _ETH.finditer(text):
        addr = "0x" + m.group()[2:]
        if eth_address_ok(addr):
            mixed = addr[2:].lower() != addr[2:] and addr[2:].upper() != addr[2:]
            ctx.add(CRYPTO_ETH, addr.lower(), *m.span(), network="ethereum", checksummed=mixed)
