"""Checksums that decide whether a string is a real identifier: base58check (Bitcoin legacy
and TRON addresses), bech32/bech32m (Bitcoin SegWit/Taproot), EIP-55 (Ethereum mixed
case, on a small pure Keccak-256) and ISO 13616 mod-97 (IBAN).

Design notes
------------
* A wallet or IBAN that fails its checksum is *not* an entity: a typo or a made-up string
  must never link two sellers. Every check here is exact; none is "close enough".
* Each check has its encoder beside it. The extractor only needs the decoders; the
  encoders generate the project-written test set (``models/entities/``) and the property
  tests, so the two directions are tested against each other.
* Keccak-256 is the original Keccak padding (0x01), not NIST SHA3-256 (0x06): Ethereum
  predates the standard. ``hashlib.sha3_256`` would give wrong checksums.
"""

from __future__ import annotations

import hashlib

B58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_B58_INDEX = {c: i for i, c in enumerate(B58_ALPHABET)}
BECH32_CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_BECH32_INDEX = {c: i for i, c in enumerate(BECH32_CHARSET)}
_BECH32_CONST, _BECH32M_CONST = 1, 0x2BC830A3


# --- base58check ---------------------------------------------------------------------


def b58encode(data: bytes) -> str:
    num = int.from_bytes(data, "big")
    out = []
    while num:
        num, rem = divmod(num, 58)
        out.append(B58_ALPHABET[rem])
    pad = len(data) - len(data.lstrip(b"\0"))
    return "1" * pad + "".join(reversed(out))


def b58decode(text: str) -> bytes | None:
    num = 0
    for c in text:
        idx = _B58_INDEX.get(c)
        if idx is None:
            return None
        num = num * 58 + idx
    body = num.to_bytes((num.bit_length() + 7) // 8, "big") if num else b""
    pad = len(text) - len(text.lstrip("1"))
    return b"\0" * pad + body


def _dsha(data: bytes) -> bytes:
    return hashlib.sha256(hashlib.sha256(data).digest()).digest()


def b58check_encode(payload: bytes) -> str:
    return b58encode(payload + _dsha(payload)[:4])


def b58check_decode(text: str) -> bytes | None:
    """The payload (version byte + data) when the 4-byte checksum holds, else ``None``."""
    raw = b58decode(text)
    if raw is None or len(raw) < 5:
        return None
    payload, check = raw[:-4], raw[-4:]
    return payload if _dsha(payload)[:4] == check else None


# --- bech32 / bech32m (BIP 173, BIP 350) -----------------------------------------------


def _polymod(values: list[int]) -> int:
    gen = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)
    chk = 1
    for v in values:
        top = chk >> 25
        chk = (chk & 0x1FFFFFF) << 5 ^ v
        for i in range(5):
            chk ^= gen[i] if (top >> i) & 1 else 0
    return chk


def _hrp_expand(hrp: str) -> list[int]:
    return [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]


def _convertbits(data: list[int], frombits: int, tobits: int, pad: bool) -> list[int] | None:
    acc = bits = 0
    out = []
    maxv = (1 << tobits) - 1
    for value in data:
        acc = (acc << frombits) | value
        bits += frombits
        while bits >= tobits:
            bits -= tobits
            out.append((acc >> bits) & maxv)
    if pad and bits:
        out.append((acc << (tobits - bits)) & maxv)
    elif not pad and (bits >= frombits or (acc << (tobits - bits)) & maxv):
        return None
    return out


def segwit_encode(hrp: str, version: int, program: bytes) -> str:
    data = [version] + (_convertbits(list(program), 8, 5, True) or [])
    const = _BECH32_CONST if version == 0 else _BECH32M_CONST
    values = _hrp_expand(hrp) + data
    poly = _polymod(values + [0] * 6) ^ const
    checksum = [(poly >> 5 * (5 - i)) & 31 for i in range(6)]
    return hrp + "1" + "".join(BECH32_CHARSET[d] for d in data + checksum)


def segwit_decode(address: str) -> tuple[str, int, bytes] | None:
    """``(hrp, witness version, program)`` for a valid SegWit address, else ``None``.

    Mixed case is invalid (BIP 173); v0 must use bech32 and v1+ bech32m (BIP 350)."""
    if address.lower() != address and address.upper() != address:
        return None
    addr = address.lower()
    pos = addr.rfind("1")
    if pos < 1 or pos + 7 > len(addr) or len(addr) > 90:
        return None
    hrp, rest = addr[:pos], addr[pos + 1 :]
    data = [_BECH32_INDEX.get(c, -1) for c in rest]
    if -1 in data or not data:
        return None
    const = _polymod(_hrp_expand(hrp) + data)
    version = data[0]
    if const != (_BECH32_CONST if version == 0 else _BECH32M_CONST) or version > 16:
        return None
    program = _convertbits(data[1:-6], 5, 8, False)
    if program is None or not 2 <= len(program) <= 40:
        return None
    if version == 0 and len(program) not in (20, 32):
        return None
    return hrp, version, bytes(program)


# --- Keccak-256 and EIP-55 -------------------------------------------------------------

_RC = [
    0x0000000000000001, 0x0000000000008082, 0x800000000000808A, 0x8000000080008000,
    0x000000000000808B, 0x0000000080000001, 0x8000000080008081, 0x8000000000008009,
    0x000000000000008A, 0x0000000000000088, 0x0000000080008009, 0x000000008000000A,
    0x000000008000808B, 0x800000000000008B, 0x8000000000008089, 0x8000000000008003,
    0x8000000000008002, 0x8000000000000080, 0x000000000000800A, 0x800000008000000A,
    0x8000000080008081, 0x8000000000008080, 0x0000000080000001, 0x8000000080008008,
]  # fmt: skip
_ROT = [
    [0, 36, 3, 41, 18], [1, 44, 10, 45, 2], [62, 6, 43, 15, 61],
    [28, 55, 25, 21, 56], [27, 20, 39, 8, 14],
]  # fmt: skip
_MASK = (1 << 64) - 1


def _rol(x: int, n: int) -> int:
    return ((x << n) | (x >> (64 - n))) & _MASK if n else x


def _keccak_f(a: list[list[int]]) -> None:
    for rc in _RC:
        c = [a[x][0] ^ a[x][1] ^ a[x][2] ^ a[x][3] ^ a[x][4] for x in range(5)]
        d = [c[x - 1] ^ _rol(c[(x + 1) % 5], 1) for x in range(5)]
        b = [[0] * 5 for _ in range(5)]
        for x in range(5):
            for y in range(5):
                b[y][(2 * x + 3 * y) % 5] = _rol(a[x][y] ^ d[x], _ROT[x][y])
        for x in range(5):
            for y in range(5):
                a[x][y] = b[x][y] ^ (~b[(x + 1) % 5][y] & b[(x + 2) % 5][y])
        a[0][0] ^= rc


def keccak256(data: bytes) -> bytes:
    """Keccak-256 as Ethereum uses it (rate 136 bytes, padding 0x01 … 0x80)."""
    rate = 136
    msg = bytearray(data) + b"\x01" + b"\0" * ((-len(data) - 1) % rate)
    msg[-1] |= 0x80
    a = [[0] * 5 for _ in range(5)]
    for off in range(0, len(msg), rate):
        block = msg[off : off + rate]
        for i in range(rate // 8):
            x, y = i % 5, i // 5
            a[x][y] ^= int.from_bytes(block[8 * i : 8 * i + 8], "little")
        _keccak_f(a)
    return b"".join(a[i % 5][i // 5].to_bytes(8, "little") for i in range(4))


def eip55(address_hex: str) -> str:
    """The EIP-55 mixed-case form of a 40-hex-digit address (with ``0x``)."""
    lower = address_hex.lower().removeprefix("0x")
    digest = keccak256(lower.encode("ascii")).hex()
    return "0x" + "".join(
        c.upper() if c.isalpha() and int(digest[i], 16) >= 8 else c for i, c in enumerate(lower)
    )


def eth_address_ok(address: str) -> bool:
    """All-lower or all-upper hex carries no checksum; mixed case must be exact EIP-55."""
    body = address[2:]
    if body.lower() == body or body.upper() == body:
        return True
    return eip55(address)[2:] == body


# --- IBAN (ISO 13616) -----------------------------------------------------------------

# Length of the whole IBAN per country (SWIFT IBAN registry), for the countries seen in
# this project's markets and the common SEPA ones.
IBAN_LENGTHS = {
    "AD": 24, "AE": 23, "AT": 20, "BE": 16, "BG": 22, "BH": 22, "BR": 29, "CH": 21,
    "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "EE": 20, "ES": 24, "FI": 18, "FR": 27,
    "GB": 22, "GR": 27, "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IT": 27, "KW": 30,
    "LB": 28, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "MC": 27, "MT": 31, "MU": 30,
    "NL": 18, "NO": 15, "PK": 24, "PL": 28, "PT": 25, "QA": 29, "RO": 24, "RS": 22,
    "SA": 24, "SE": 24, "SI": 19, "SK": 24, "TN": 24, "TR": 26, "UA": 29, "VG": 24,
}  # fmt: skip


def iban_mod97(iban: str) -> int:
    moved = iban[4:] + iban[:4]
    digits = "".join(str(int(c, 36)) for c in moved)
    return int(digits) % 97


def iban_ok(iban: str) -> bool:
    """Known country, registry length, alphanumeric, and mod-97 == 1."""
    if not (iban.isascii() and iban.isalnum() and iban == iban.upper()):
        return False
    if IBAN_LENGTHS.get(iban[:2]) != len(iban) or not iban[2:4].isdigit():
        return False
    return iban_mod97(iban) == 1


def iban_with_check(country: str, bban: str) -> str:
    """An IBAN with correct check digits for ``country`` + ``bban``."""
    check = 98 - iban_mod97(f"{country}00{bban}")
    return f"{country}{check:02d}{bban}"
