"""Participants (legal entities), their identifiers, sites, roles and API credentials."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from junkan.db import Base, UTCDateTime, utcnow


class Role(StrEnum):
    """What a participant does in the battery's life; access rules are written against these."""

    ECONOMIC_OPERATOR = "economic_operator"  # manufacturer or importer placing batteries on market
    SUPPLIER = "supplier"
    REPAIRER = "repairer"
    REMANUFACTURER = "remanufacturer"
    SECOND_LIFE_OPERATOR = "second_life_operator"
    RECYCLER = "recycler"
    NOTIFIED_BODY = "notified_body"
    MARKET_SURVEILLANCE = "market_surveillance"
    EUROPEAN_COMMISSION = "european_commission"
    PLATFORM_OPERATOR = "platform_operator"  # runs this node and onboards participants


def new_id() -> str:
    return str(uuid.uuid4())


class Participant(Base):
    __tablename__ = "participants"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(200))
    country: Mapped[str | None] = mapped_column(String(2))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    roles: Mapped[list[ParticipantRole]] = relationship(
        back_populates="participant", cascade="all, delete-orphan", lazy="selectin"
    )
    identifiers: Mapped[list[Identifier]] = relationship(
        back_populates="participant",
        cascade="all, delete-orphan",
        lazy="selectin",
        order_by="Identifier.id",
    )
    sites: Mapped[list[Site]] = relationship(
        back_populates="participant",
        cascade="all, delete-orphan",
        lazy="selectin",
        order_by="Site.created_at",
    )

    @property
    def role_names(self) -> list[str]:
        return sorted(r.role for r in self.roles)


class ParticipantRole(Base):
    __tablename__ = "participant_roles"

    participant_id: Mapped[str] = mapped_column(
        ForeignKey("participants.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[str] = mapped_column(String(40), primary_key=True)

    participant: Mapped[Participant] = relationship(back_populates="roles")


class Site(Base):
    """A plant or other location of a participant; the country drives origin rules."""

    __tablename__ = "sites"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    participant_id: Mapped[str] = mapped_column(
        ForeignKey("participants.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    country: Mapped[str] = mapped_column(String(2))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    participant: Mapped[Participant] = relationship(back_populates="sites")
    identifiers: Mapped[list[Identifier]] = relationship(
        back_populates="site", lazy="selectin", order_by="Identifier.id"
    )


class Identifier(Base):
    """One external identifier; (scheme, value) names exactly one participant or site."""

    __tablename__ = "identifiers"
    __table_args__ = (UniqueConstraint("scheme", "value"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scheme: Mapped[str] = mapped_column(String(40))
    value: Mapped[str] = mapped_column(String(255), index=True)
    participant_id: Mapped[str] = mapped_column(
        ForeignKey("participants.id", ondelete="CASCADE"), index=True
    )
    site_id: Mapped[str | None] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"))

    participant: Mapped[Participant] = relationship(back_populates="identifiers")
    site: Mapped[Site | None] = relationship(back_populates="identifiers")


class ApiClient(Base):
    """An OAuth2 client credential of a participant; only a hash of its secret is kept."""

    __tablename__ = "api_clients"

    client_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    participant_id: Mapped[str] = mapped_column(
        ForeignKey("participants.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    secret_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class AccessToken(Base):
    """An issued bearer token, stored as its SHA-256 so a database leak yields no tokens."""

    __tablename__ = "access_tokens"
    __table_args__ = (Index("ix_access_tokens_expires_at", "expires_at"),)

    token_sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    client_id: Mapped[str] = mapped_column(
        ForeignKey("api_clients.client_id", ondelete="CASCADE"), index=True
    )
    participant_id: Mapped[str] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
