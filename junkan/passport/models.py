"""Battery passports, their versions, and dynamic condition data."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from junkan.db import Base, UTCDateTime, utcnow


class Passport(Base):
    """The current state of one passport; every change is also a PassportVersion row."""

    __tablename__ = "passports"
    __table_args__ = (
        # One live passport per battery; superseded and closed passports stay retrievable.
        Index(
            "uq_passports_live_battery",
            "battery_id",
            unique=True,
            sqlite_where=text("superseded_by IS NULL"),
            postgresql_where=text("superseded_by IS NULL"),
        ),
        Index("ix_passports_operator_model", "operator_id", "battery_model"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    battery_id: Mapped[str] = mapped_column(String(255), index=True)
    operator_id: Mapped[str] = mapped_column(ForeignKey("participants.id"), index=True)
    category: Mapped[str] = mapped_column(String(12))
    battery_model: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16), default="original")
    version: Mapped[int] = mapped_column(Integer, default=1)
    data: Mapped[dict] = mapped_column(JSON)
    predecessor_id: Mapped[str | None] = mapped_column(ForeignKey("passports.id"))
    superseded_by: Mapped[str | None] = mapped_column(String(36))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class PassportVersion(Base):
    __tablename__ = "passport_versions"

    passport_id: Mapped[str] = mapped_column(ForeignKey("passports.id"), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    data: Mapped[dict] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16))
    actor: Mapped[str] = mapped_column(String(80))
    change: Mapped[str] = mapped_column(String(300))  # created | updated | lifecycle action
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class DynamicValue(Base):
    """A timestamped reading of a dynamic attribute; the passport shows the latest."""

    __tablename__ = "passport_dynamic_values"
    __table_args__ = (Index("ix_dynamic_latest", "passport_id", "attribute", "measured_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    passport_id: Mapped[str] = mapped_column(ForeignKey("passports.id"))
    attribute: Mapped[str] = mapped_column(String(80))
    value: Mapped[object] = mapped_column(JSON)
    measured_at: Mapped[datetime] = mapped_column(UTCDateTime())
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
