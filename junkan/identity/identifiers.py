"""External identifiers of companies and sites, each checked by its published rule.

Check digits catch typing errors before they become wrong links between companies, so an
identifier is stored only in its canonical form and only when its check passes.
"""

from __future__ import annotations

import re
from enum import StrEnum

import base58
import stdnum.ean
import stdnum.jp.cn
import stdnum.lei
from stdnum.exceptions import InvalidChecksum, ValidationError
from stdnum.iso7064 import mod_97_10

ALPHANUMERIC = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


class InvalidIdentifier(ValueError):
    """An identifier that fails its scheme's format or check rule."""


class Scheme(StrEnum):
    BPNL = "bpnl"
    BPNS = "bpns"
    BPNA = "bpna"
    JP_CORPORATE_NUMBER = "jp-corporate-number"
    LEI = "lei"
    GLN = "gln"
    DID = "did"


PARTICIPANT_SCHEMES = frozenset(
    {Scheme.BPNL, Scheme.BPNA, Scheme.JP_CORPORATE_NUMBER, Scheme.LEI, Scheme.GLN, Scheme.DID}
)
SITE_SCHEMES = frozenset({Scheme.BPNS, Scheme.BPNA, Scheme.GLN})


# --- ISO/IEC 7064 MOD 1271-36, the Catena-X BPN check (CX-0010) -------------------------


def mod_1271_36(data: str) -> str:
    """Two check characters of the pure ISO/IEC 7064 MOD 1271-36 system."""
    remainder = 0
    for char in data:
        remainder = ((remainder + ALPHANUMERIC.index(char)) * 36) % 1271
    remainder = (remainder * 36) % 1271
    check = (1271 + 1 - remainder) % 1271
    return ALPHANUMERIC[check // 36] + ALPHANUMERIC[check % 36]


_BPN = re.compile(r"BPN([LSA])([A-Z0-9]{10})([A-Z0-9]{2})")


def bpn_with_check(kind: str, body: str) -> str:
    """A BPN of kind L, S or A around a ten-character body; the check covers the body."""
    return f"BPN{kind}{body}{mod_1271_36(body)}"


def normalize_bpn(value: str, kind: str) -> str:
    candidate = value.strip().upper()
    match = _BPN.fullmatch(candidate)
    if not match:
        raise InvalidIdentifier(
            f"{value!r} is not a BPN{kind}: expected 'BPN{kind}' followed by 12 letters or digits"
        )
    if match.group(1) != kind:
        raise InvalidIdentifier(f"{value!r} is a BPN{match.group(1)}, not a BPN{kind}")
    expected = mod_1271_36(match.group(2))
    if match.group(3) != expected:
        raise InvalidIdentifier(
            f"{value!r} fails the ISO/IEC 7064 MOD 1271-36 check: "
            f"the last two characters should be {expected!r}"
        )
    return candidate


# --- Checks delegated to python-stdnum ------------------------------------------------------


def _stdnum(module, value: str, label: str, rule: str) -> str:
    try:
        return module.validate(value)
    except InvalidChecksum as exc:
        raise InvalidIdentifier(f"{value!r} fails the {label} check ({rule})") from exc
    except ValidationError as exc:
        raise InvalidIdentifier(f"{value!r} is not a {label}: {exc}") from exc


def normalize_jp_corporate_number(value: str) -> str:
    compact = value.strip().replace("-", "").replace(" ", "")
    if not re.fullmatch(r"\d{13}", compact):
        raise InvalidIdentifier(f"{value!r} is not a Japanese corporate number: expected 13 digits")
    return _stdnum(stdnum.jp.cn, compact, "Japanese corporate number", "leading check digit")


def normalize_lei(value: str) -> str:
    compact = value.strip().replace(" ", "").upper()
    if not re.fullmatch(r"[0-9A-Z]{18}[0-9]{2}", compact):
        raise InvalidIdentifier(
            f"{value!r} is not an LEI: expected 18 letters or digits and 2 check digits"
        )
    return _stdnum(stdnum.lei, compact, "LEI", "ISO 17442, ISO/IEC 7064 MOD 97-10")


def normalize_gln(value: str) -> str:
    compact = value.strip().replace(" ", "")
    if not re.fullmatch(r"\d{13}", compact):
        raise InvalidIdentifier(f"{value!r} is not a GLN: expected 13 digits")
    return _stdnum(stdnum.ean, compact, "GLN", "GS1 mod 10 check digit")


def lei_with_check(body: str) -> str:
    return body + mod_97_10.calc_check_digits(body)


def jp_corporate_number_with_check(body: str) -> str:
    return stdnum.jp.cn.calc_check_digit(body) + body


def gln_with_check(body: str) -> str:
    return body + stdnum.ean.calc_check_digit(body)


# --- Decentralised identifiers ---------------------------------------------------------------

_DNS_LABEL = r"(?!-)[A-Za-z0-9-]{1,63}(?<!-)"
_DID_WEB = re.compile(
    rf"did:web:(?P<host>{_DNS_LABEL}(?:\.{_DNS_LABEL})+|localhost)(?:%3A(?P<port>\d{{1,5}}))?"
    r"(?P<path>(?::(?:[A-Za-z0-9._~-]|%[0-9A-Fa-f]{2})+)*)"
)

# multicodec code -> (key type, raw public key length)
_DID_KEY_CODECS = {
    0xED: ("Ed25519", 32),
    0xEC: ("X25519", 32),
    0xE7: ("secp256k1", 33),
    0x1200: ("P-256", 33),
    0x1201: ("P-384", 49),
}


def _read_varint(data: bytes) -> tuple[int, int]:
    value = shift = 0
    for index, byte in enumerate(data[:3]):
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return value, index + 1
        shift += 7
    raise InvalidIdentifier("did:key has a malformed multicodec prefix")


def normalize_did(value: str) -> str:
    candidate = value.strip()
    if candidate.startswith("did:web:"):
        match = _DID_WEB.fullmatch(candidate)
        if not match or (match.group("port") and not 0 < int(match.group("port")) < 65536):
            raise InvalidIdentifier(
                f"{value!r} is not a did:web: expected did:web:<domain>[%3A<port>][:<path>...]"
            )
        return "did:web:" + candidate[len("did:web:") :].replace(
            match.group("host"), match.group("host").lower(), 1
        )
    if candidate.startswith("did:key:"):
        encoded = candidate[len("did:key:") :]
        if not encoded.startswith("z"):
            raise InvalidIdentifier(f"{value!r}: a did:key must be base58btc, starting with 'z'")
        try:
            raw = base58.b58decode(encoded[1:])
        except ValueError as exc:
            raise InvalidIdentifier(f"{value!r}: did:key is not valid base58btc") from exc
        codec, used = _read_varint(raw)
        if codec not in _DID_KEY_CODECS:
            raise InvalidIdentifier(f"{value!r}: unsupported did:key key type 0x{codec:x}")
        key_type, length = _DID_KEY_CODECS[codec]
        if len(raw) - used != length:
            raise InvalidIdentifier(
                f"{value!r}: a {key_type} did:key holds {length} key bytes, not {len(raw) - used}"
            )
        return candidate
    raise InvalidIdentifier(f"{value!r} is not a supported DID: use did:web or did:key")


_NORMALIZERS = {
    Scheme.BPNL: lambda v: normalize_bpn(v, "L"),
    Scheme.BPNS: lambda v: normalize_bpn(v, "S"),
    Scheme.BPNA: lambda v: normalize_bpn(v, "A"),
    Scheme.JP_CORPORATE_NUMBER: normalize_jp_corporate_number,
    Scheme.LEI: normalize_lei,
    Scheme.GLN: normalize_gln,
    Scheme.DID: normalize_did,
}


def normalize(scheme: Scheme | str, value: str) -> str:
    """The canonical form of `value` under `scheme`, or InvalidIdentifier saying why not."""
    try:
        scheme = Scheme(scheme)
    except ValueError as exc:
        known = ", ".join(s.value for s in Scheme)
        raise InvalidIdentifier(f"unknown identifier scheme {scheme!r}; known: {known}") from exc
    if not isinstance(value, str) or not value.strip():
        raise InvalidIdentifier(f"a {scheme.value} identifier cannot be empty")
    return _NORMALIZERS[scheme](value)


def candidate_schemes(value: str) -> list[tuple[Scheme, str]]:
    """Every scheme under which `value` is valid, with its canonical form (for lookups)."""
    found = []
    for scheme in Scheme:
        try:
            found.append((scheme, normalize(scheme, value)))
        except InvalidIdentifier:
            continue
    return found
