"""Battery telemetry: readings from battery management systems, their daily aggregates, and the
signed upload batches they arrived in."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    Float,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from junkan.db import Base, UTCDateTime, utcnow


class Reading(Base):
    """One BMS reading. (passport, time) is unique: a repeated reading is stored once."""

    __tablename__ = "telemetry_readings"
    __table_args__ = (UniqueConstraint("passport_id", "measured_at"),)

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    passport_id: Mapped[str] = mapped_column(ForeignKey("passports.id"))
    measured_at: Mapped[datetime] = mapped_column(UTCDateTime())
    soce: Mapped[float | None] = mapped_column(Float)  # % of certified usable energy
    soc: Mapped[float | None] = mapped_column(Float)  # %
    voltage: Mapped[float | None] = mapped_column(Float)  # V
    current: Mapped[float | None] = mapped_column(Float)  # A, discharge positive
    cell_temp_min: Mapped[float | None] = mapped_column(Float)  # °C
    cell_temp_max: Mapped[float | None] = mapped_column(Float)  # °C
    full_cycles: Mapped[float | None] = mapped_column(Float)  # cumulative equivalent cycles
    energy_throughput: Mapped[float | None] = mapped_column(Float)  # kWh, cumulative
    events: Mapped[list | None] = mapped_column(JSON)  # deep_discharge, over_temperature, …
    batch_id: Mapped[str] = mapped_column(ForeignKey("telemetry_batches.id"))


class DailyAggregate(Base):
    """What charts and the health model need, one row per battery and day."""

    __tablename__ = "telemetry_daily"

    passport_id: Mapped[str] = mapped_column(ForeignKey("passports.id"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    readings: Mapped[int] = mapped_column(Integer)
    soce_last: Mapped[float | None] = mapped_column(Float)
    soce_min: Mapped[float | None] = mapped_column(Float)
    full_cycles_last: Mapped[float | None] = mapped_column(Float)
    energy_throughput_last: Mapped[float | None] = mapped_column(Float)
    cell_temp_min: Mapped[float | None] = mapped_column(Float)
    cell_temp_max: Mapped[float | None] = mapped_column(Float)
    events: Mapped[dict] = mapped_column(JSON)  # kind -> count that day


class Batch(Base):
    """One accepted upload, vouched for by one ledger entry over the digest of what was sent:
    a million readings cost one signature, and the sender can prove what it delivered."""

    __tablename__ = "telemetry_batches"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    participant_id: Mapped[str] = mapped_column(ForeignKey("participants.id"))
    channel: Mapped[str] = mapped_column(String(20))  # api | mqtt
    received: Mapped[int] = mapped_column(Integer)
    stored: Mapped[int] = mapped_column(Integer)  # the rest were repeats
    digest: Mapped[str] = mapped_column(String(64))  # SHA-256 of the upload as received
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
