"""Ledger API bodies: tree heads, entries with proofs, keys, commitments."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


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
