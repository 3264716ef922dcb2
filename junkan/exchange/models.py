"""Disclosure grants: the owner of a record lets one named partner read it, for a purpose,
until a date. Reads under a grant are ledger entries, so the owner can audit them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from junkan.db import Base, UTCDateTime, utcnow


class Grant(Base):
    __tablename__ = "grants"
    __table_args__ = (Index("ix_grants_grantee_subject", "grantee_id", "subject"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    owner_id: Mapped[str] = mapped_column(ForeignKey("participants.id"), index=True)
    grantee_id: Mapped[str] = mapped_column(ForeignKey("participants.id"))
    subject: Mapped[str] = mapped_column(String(200))  # "commitment:<id>" or "commitment:*"
    purpose: Mapped[str] = mapped_column(String(500))
    valid_until: Mapped[datetime] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class SealedOpening(Base):
    """A commitment's opening deposited by its owner for grantees, sealed at rest."""

    __tablename__ = "commitment_openings"

    commitment_id: Mapped[str] = mapped_column(
        ForeignKey("commitments.id", ondelete="RESTRICT"), primary_key=True
    )
    sealed: Mapped[bytes] = mapped_column(LargeBinary)  # AES-GCM under the node's master key
    digest: Mapped[str] = mapped_column(Text)  # SHA-256 of the canonical opening
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
