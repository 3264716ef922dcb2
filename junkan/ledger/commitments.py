"""Commitments: publish that a value exists and is fixed, without publishing the value.

Two schemes:

* salted SHA-256 — `SHA-256("junkan-commitment-v1\\n" || salt || RFC 8785 JSON of value)`; the
  owner hands value and salt to a grantee, who recomputes the hash and finds it in the ledger.
* Pedersen over ristretto255 — `C = v·G + r·H` with G the ristretto255 base point and H a
  point hashed from a fixed label (nobody knows log_G H). Commitments add up: anyone holding
  the public quantities q_i checks `C_total == Σ q_i·C_i + S·C_own` without learning any v_i.

Values are fixed-point integers (VALUE_DECIMALS places; quantities QUANTITY_DECIMALS places),
so a roll-up is exact and S = 10**QUANTITY_DECIMALS. See docs/commitments.md for the limits.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

import rbcl

from junkan.errors import NotFound
from junkan.ledger.keys import b64url, from_b64url
from junkan.ledger.models import Commitment
from junkan.ledger.service import canonical_json, register_record_type, write

SALT_CONTEXT = b"junkan-commitment-v1\n"
H_LABEL = b"junkan-pedersen-v1 generator H"
VALUE_DECIMALS = 6  # kgCO2e to the milligram
QUANTITY_DECIMALS = 6
ORDER = 2**252 + 27742317777372353535851937790883648493  # ristretto255 group order L


class CommitmentError(ValueError):
    """A malformed commitment, value, blinding factor or quantity."""


# --- Salted SHA-256 ---


def salted_commitment(value: Any, salt: bytes) -> str:
    if len(salt) < 16:
        raise CommitmentError("a salt needs at least 16 bytes")
    return hashlib.sha256(SALT_CONTEXT + salt + canonical_json(value)).hexdigest()


def new_salted_commitment(value: Any) -> tuple[str, str]:
    salt = secrets.token_bytes(32)
    return salted_commitment(value, salt), b64url(salt)


def check_salted(commitment: str, value: Any, salt: str) -> bool:
    try:
        return secrets.compare_digest(salted_commitment(value, from_b64url(salt)), commitment)
    except (ValueError, TypeError) as exc:
        raise CommitmentError(f"cannot read the salt: {exc}") from exc


# --- Fixed-point values ------------------------------------------------------------------


def fixed_point(value: str | int | Decimal, decimals: int, what: str = "value") -> int:
    """An exact integer at 10**-decimals units; extra decimals are an error, never rounded."""
    try:
        number = Decimal(str(value))
    except InvalidOperation as exc:
        raise CommitmentError(f"{what} {value!r} is not a number") from exc
    if not number.is_finite():
        raise CommitmentError(f"{what} {value!r} is not finite")
    scaled = number.scaleb(decimals)
    if scaled != scaled.to_integral_value():
        raise CommitmentError(f"{what} {value!r} has more than {decimals} decimal places")
    return int(scaled)


def _scalar(number: int) -> bytes:
    return (number % ORDER).to_bytes(32, "little")


def _point(encoded: str | bytes, what: str = "commitment") -> bytes:
    raw = from_b64url(encoded) if isinstance(encoded, str) else encoded
    if len(raw) != 32 or not rbcl.crypto_core_ristretto255_is_valid_point(raw):
        raise CommitmentError(f"the {what} is not a ristretto255 point")
    return raw


# --- Pedersen ---

G_IDENTITY = bytes(32)
H = rbcl.crypto_core_ristretto255_from_hash(hashlib.sha512(H_LABEL).digest())


def _mul(scalar: int, point: bytes) -> bytes:
    return rbcl.crypto_scalarmult_ristretto255_allow_scalar_zero(_scalar(scalar), point)


def _add(a: bytes, b: bytes) -> bytes:
    if a == G_IDENTITY:
        return b
    if b == G_IDENTITY:
        return a
    return rbcl.crypto_core_ristretto255_add(a, b)


def pedersen(value: int, blinding: int) -> bytes:
    """v·G + r·H for integer v (fixed-point) and blinding r."""
    v_g = rbcl.crypto_scalarmult_ristretto255_base_allow_scalar_zero(_scalar(value))
    return _add(v_g, _mul(blinding, H))


def new_blinding() -> int:
    return int.from_bytes(rbcl.crypto_core_ristretto255_scalar_random(), "little")


@dataclass(frozen=True)
class Opening:
    """What the owner keeps (or hands to a grantee) to open a Pedersen commitment."""

    commitment: str  # base64url point
    value: int  # fixed-point
    blinding: int


def commit_value(value: str | int | Decimal, decimals: int = VALUE_DECIMALS) -> Opening:
    number = fixed_point(value, decimals)
    blinding = new_blinding()
    return Opening(b64url(pedersen(number, blinding)), number, blinding)


def check_opening(commitment: str, value: int, blinding: int) -> bool:
    return secrets.compare_digest(pedersen(value, blinding), _point(commitment))


def weighted_sum(terms: list[tuple[int, str]]) -> bytes:
    """Σ q_i·C_i for integer weights q_i and commitments C_i (base64url)."""
    total = G_IDENTITY
    for weight, commitment in terms:
        total = _add(total, _mul(weight, _point(commitment)))
    return total


def check_rollup(
    total: str,
    inputs: list[tuple[int, str]],
    own: str | None,
    quantity_decimals: int = QUANTITY_DECIMALS,
) -> bool:
    """Whether C_total == Σ q_i·C_i + 10**quantity_decimals · C_own.

    Quantities are fixed-point at `quantity_decimals`, so the total is at value decimals plus
    quantity decimals; own emissions are scaled to match.
    """
    terms = list(inputs)
    if own is not None:
        terms.append((10**quantity_decimals, own))
    return secrets.compare_digest(weighted_sum(terms), _point(total, "total commitment"))


def rollup_opening(
    inputs: list[tuple[int, Opening]],
    own: Opening | None,
    quantity_decimals: int = QUANTITY_DECIMALS,
) -> Opening:
    """The opening of the total, for the company that knows its inputs' openings."""
    scale = 10**quantity_decimals
    value = sum(q * o.value for q, o in inputs) + (scale * own.value if own else 0)
    blinding = sum(q * o.blinding for q, o in inputs) + (scale * own.blinding if own else 0)
    blinding %= ORDER
    return Opening(b64url(pedersen(value, blinding)), value, blinding)


# --- Publishing in the ledger --------------------------------------------------------------------


def publish(
    session, participant_id: str, scheme: str, commitment: str | None, value: Any, label: str | None
) -> tuple[Any, int, dict | None]:
    """Store and log a commitment; with a value, make it here and return its opening once."""
    opening = None
    if commitment is None:
        if scheme == "sha256":
            commitment, salt = new_salted_commitment(value)
            opening = {"salt": salt}
        else:
            made = commit_value(value)
            commitment = made.commitment
            opening = {"value": str(made.value), "blinding": blinding_text(made.blinding)}
    elif scheme == "sha256":
        if len(commitment) != 64 or any(c not in "0123456789abcdef" for c in commitment):
            raise CommitmentError("a sha256 commitment is 64 lowercase hex digits")
    else:
        _point(commitment)
    row = Commitment(
        id=str(uuid.uuid4()),
        participant_id=participant_id,
        scheme=scheme,
        commitment=commitment,
        label=label,
    )
    entry = write(session, row, actor=participant_id, kind="commitment.published")
    return row, entry.seq, opening


def get_commitment(session, commitment_id: str) -> Commitment:
    row = session.get(Commitment, commitment_id)
    if row is None:
        raise NotFound(f"no commitment {commitment_id}")
    return row


def resolve(session, reference: str) -> str:
    """A commitment given inline (base64url point) or by the id it was published under."""
    if len(reference) == 36:
        try:
            return get_commitment(session, reference).commitment
        except NotFound as exc:
            raise CommitmentError(exc.detail) from exc
    return reference


def blinding_text(blinding: int) -> str:
    """A blinding factor as it travels: base64url of the 32-byte little-endian scalar."""
    return b64url(_scalar(blinding))


def blinding_from(text: str) -> int:
    try:
        raw = from_b64url(text)
    except ValueError as exc:
        raise CommitmentError("the blinding factor is not base64url") from exc
    if len(raw) != 32:
        raise CommitmentError("the blinding factor is a 32-byte scalar")
    return int.from_bytes(raw, "little")


register_record_type("commitment", Commitment, owner_column=Commitment.participant_id)
