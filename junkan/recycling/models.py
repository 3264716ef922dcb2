"""A recycler's yearly report for one battery chemistry class, with what the platform computed
from it; one per recycler, year and chemistry."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Float, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from junkan.db import Base, UTCDateTime, utcnow
from junkan.identity.models import new_id


class RecyclerReport(Base):
    __tablename__ = "recycler_reports"
    __table_args__ = (UniqueConstraint("recycler_id", "year", "chemistry"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    recycler_id: Mapped[str] = mapped_column(ForeignKey("participants.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    chemistry: Mapped[str] = mapped_column(String(20))  # lead_acid, lithium_based, ...
    plant: Mapped[str | None] = mapped_column(String(300))
    input_kg: Mapped[float] = mapped_column(Float)  # waste batteries entering the process
    output_kg: Mapped[float] = mapped_column(Float)  # output fractions counted as recycling
    metals: Mapped[list] = mapped_column(JSON)  # [{metal, input_kg, recovered_kg}]
    result: Mapped[dict] = mapped_column(JSON)  # efficiency and recovery with target checks
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
