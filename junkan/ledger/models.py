"""The ledger: one signed, append-only entry per write, under an RFC 9162 Merkle tree.

Rows are never updated or deleted (database triggers refuse it). `seq` has no gaps and leaf
number `seq - 1` of the tree is the entry, so proofs need no renumbering.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, LargeBinary, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from junkan.db import Base, UTCDateTime, utcnow

# BIGINT on PostgreSQL; SQLite's rowid alias needs exactly INTEGER to autoincrement.
SeqType = BigInteger().with_variant(Integer(), "sqlite")


class SigningKey(Base):
    """An Ed25519 key that signs entries: the platform's, a custodial one, or a participant's."""

    __tablename__ = "signing_keys"

    key_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    participant_id: Mapped[str | None] = mapped_column(
        ForeignKey("participants.id", ondelete="RESTRICT"), index=True
    )
    custody: Mapped[str] = mapped_column(String(12))  # platform | custodial | participant
    public_key: Mapped[str] = mapped_column(String(64))  # raw 32 bytes, base64url
    private_key: Mapped[bytes | None] = mapped_column(LargeBinary)  # AES-GCM under master key
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # rotated out
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # compromised


class LedgerEntry(Base):
    __tablename__ = "ledger_entries"
    __table_args__ = (
        Index("ix_ledger_entries_subject", "subject"),
        {"sqlite_autoincrement": True},
    )

    seq: Mapped[int] = mapped_column(SeqType, primary_key=True, autoincrement=True)
    time: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    actor: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(80))
    subject: Mapped[str] = mapped_column(String(200))
    payload_sha256: Mapped[str] = mapped_column(String(64))
    key_id: Mapped[str] = mapped_column(ForeignKey("signing_keys.key_id"))
    signer: Mapped[str] = mapped_column(String(12))  # platform | custodial | participant
    signature: Mapped[str] = mapped_column(String(88))  # base64url Ed25519
    signed_from: Mapped[int] = mapped_column(SeqType)  # first seq the signature covers
    signed_count: Mapped[int] = mapped_column(Integer)
    request_sha256: Mapped[str | None] = mapped_column(String(64))  # participant-signed body


class LedgerNode(Base):
    """Hash of the perfect subtree (level, index); level 0 holds the leaf hashes."""

    __tablename__ = "ledger_nodes"
    __table_args__ = {"sqlite_with_rowid": False}  # the key is the row: one B-tree, not two

    level: Mapped[int] = mapped_column(SmallInteger, primary_key=True, autoincrement=False)
    index: Mapped[int] = mapped_column(SeqType, primary_key=True, autoincrement=False)
    hash: Mapped[bytes] = mapped_column(LargeBinary(32))


class TreeHead(Base):
    """A signed tree head (STH): the platform's commitment to the first `tree_size` entries."""

    __tablename__ = "ledger_tree_heads"

    tree_size: Mapped[int] = mapped_column(SeqType, primary_key=True, autoincrement=False)
    root_hash: Mapped[str] = mapped_column(String(64))  # hex
    timestamp: Mapped[datetime] = mapped_column(UTCDateTime())
    key_id: Mapped[str] = mapped_column(ForeignKey("signing_keys.key_id"))
    signature: Mapped[str] = mapped_column(String(88))


class Commitment(Base):
    """A published commitment: the value stays with its owner, the commitment is in the log."""

    __tablename__ = "commitments"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    participant_id: Mapped[str] = mapped_column(
        ForeignKey("participants.id", ondelete="RESTRICT"), index=True
    )
    scheme: Mapped[str] = mapped_column(String(12))  # sha256 | pedersen
    commitment: Mapped[str] = mapped_column(String(64))
    label: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
