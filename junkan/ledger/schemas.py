"""Ledger API bodies: tree heads, entries with proofs, keys, commitments."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator


class TreeHeadOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    tree_size: int
    root_hash: str = Field(description="hex SHA-256 (RFC 9162 Merkle tree hash)")
    timestamp: datetime
    key_id: str
    signature: str = Field(description="Ed25519 over the canonical JSON of size, root, time")


class EntryOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    seq: int
    time: datetime
    actor: str
    kind: str
    subject: str
    payload_sha256: str
    key_id: str
    signer: str
    signature: str
    signed_from: int
    signed_count: int
    request_sha256: str | None = None


class InclusionProof(BaseModel):
    leaf_index: int
    tree_size: int
    leaf_hash: str
    hashes: list[str]
    root_hash: str
    tree_head: TreeHeadOut | None = Field(
        description="The signed head for this size, when one was signed at exactly this size."
    )


class EntryWithProof(BaseModel):
    entry: EntryOut
    statement: str = Field(description="The canonical JSON the signature covers")
    leaf_data: str = Field(description="The canonical JSON the Merkle leaf hashes")
    proof: InclusionProof


class ConsistencyProof(BaseModel):
    first: int
    second: int
    first_root: str
    second_root: str
    hashes: list[str]


class KeyOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    key_id: str
    participant_id: str | None
    custody: str
    public_key: str = Field(description="raw Ed25519 public key, base64url")
    created_at: datetime
    retired_at: datetime | None
    revoked_at: datetime | None


class KeyList(BaseModel):
    data: list[KeyOut]


class KeyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    public_key: str = Field(min_length=43, max_length=44, description="base64url, 32 bytes")


class CommitmentIn(BaseModel):
    """Either a commitment computed client-side (the value never leaves you), or a value."""

    model_config = ConfigDict(extra="forbid")

    scheme: Literal["sha256", "pedersen"]
    commitment: str | None = Field(default=None, min_length=43, max_length=64)
    value: Any = Field(default=None, description="pedersen: a decimal number; sha256: any JSON")
    label: str | None = Field(default=None, max_length=200)

    @model_validator(mode="after")
    def _one_of(self) -> CommitmentIn:
        if (self.commitment is None) == (self.value is None):
            raise ValueError("give exactly one of commitment or value")
        return self


class OpeningOut(BaseModel):
    salt: str | None = None
    value: str | None = Field(default=None, description="pedersen: the fixed-point integer")
    blinding: str | None = Field(default=None, description="base64url little-endian scalar")


class CommitmentOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    participant_id: str
    scheme: str
    commitment: str
    label: str | None
    created_at: datetime
    ledger_seq: int | None = None
    opening: OpeningOut | None = Field(
        default=None, description="Only in the answer to the request that created it; not stored."
    )
    ledger: EntryWithProof | None = Field(default=None, description="With ?proof=true")


class OpeningCheckIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    scheme: Literal["sha256", "pedersen"]
    commitment: str
    value: Any
    salt: str | None = None
    blinding: str | None = None


class RollupTerm(BaseModel):
    model_config = ConfigDict(extra="forbid")

    commitment: str = Field(description="base64url ristretto255 point, or a commitment id")
    quantity: Decimal = Field(description="per unit of the product, up to 6 decimals")


class RollupCheckIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    total: str = Field(description="commitment to the total (point or id)")
    inputs: list[RollupTerm] = Field(max_length=10_000)
    own: str | None = Field(default=None, description="commitment to own emissions")
    total_value: Decimal | None = Field(default=None, description="the published total")
    total_blinding: str | None = None


class CheckOut(BaseModel):
    valid: bool
    detail: str
