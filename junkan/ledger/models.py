"""The write record: one append-only row per write, in the same transaction as the write.

Rows are never updated or deleted (database triggers refuse it). `seq` has no gaps, so the
entries can later be chained, signed and put under a Merkle tree without renumbering.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from junkan.db import Base, UTCDateTime, utcnow

# BIGINT on PostgreSQL; SQLite's rowid alias needs exactly INTEGER to autoincrement.
SeqType = BigInteger().with_variant(Integer(), "sqlite")


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
