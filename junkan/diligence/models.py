"""The supply map (sites, material lots and the links between them), ownership of the
companies that operate sites, and due-diligence assessments with their findings and actions."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from junkan.db import Base, UTCDateTime, utcnow
from junkan.identity.models import new_id


class Entity(Base):
    """A company or state body in an ownership chain; its jurisdiction drives FEOC checks."""

    __tablename__ = "dd_entities"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    recorded_by: Mapped[str] = mapped_column(ForeignKey("participants.id"), index=True)
    name: Mapped[str] = mapped_column(String(300))
    jurisdiction: Mapped[str] = mapped_column(String(2))  # ISO 3166-1 alpha-2
    participant_id: Mapped[str | None] = mapped_column(ForeignKey("participants.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Ownership(Base):
    """`owner` holds `share_percent` of `owned`; `control` marks control without a majority
    (board seats, voting agreements, licensing) that the rules treat like full ownership."""

    __tablename__ = "dd_ownerships"
    __table_args__ = (UniqueConstraint("owned_id", "owner_id"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    owned_id: Mapped[str] = mapped_column(ForeignKey("dd_entities.id"), index=True)
    owner_id: Mapped[str] = mapped_column(ForeignKey("dd_entities.id"), index=True)
    share_percent: Mapped[float] = mapped_column(Float)
    control: Mapped[bool] = mapped_column(Boolean, default=False)
    recorded_by: Mapped[str] = mapped_column(ForeignKey("participants.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class SupplySite(Base):
    """A place in the supply chain, from mine to recycler; members or not."""

    __tablename__ = "dd_sites"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    recorded_by: Mapped[str] = mapped_column(ForeignKey("participants.id"), index=True)
    name: Mapped[str] = mapped_column(String(300))
    stage: Mapped[str] = mapped_column(String(20))  # see junkan.diligence.schemas.Stage
    country: Mapped[str] = mapped_column(String(2))
    region: Mapped[str | None] = mapped_column(String(10))  # ISO 3166-2 subdivision
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    operator_id: Mapped[str | None] = mapped_column(ForeignKey("dd_entities.id"))
    artisanal: Mapped[bool] = mapped_column(Boolean, default=False)  # artisanal/small-scale
    method: Mapped[str | None] = mapped_column(String(100))  # e.g. HPAL, brine, spodumene
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Certification(Base):
    """A site's standing under a scheme (IRMA, RMI RMAP, ...) for a period."""

    __tablename__ = "dd_certifications"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    site_id: Mapped[str] = mapped_column(ForeignKey("dd_sites.id"), index=True)
    scheme: Mapped[str] = mapped_column(String(100))
    reference: Mapped[str | None] = mapped_column(String(200))
    valid_from: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date] = mapped_column(Date)
    recorded_by: Mapped[str] = mapped_column(ForeignKey("participants.id"))


class Audit(Base):
    """A site audit: who, when, against what, with which outcome."""

    __tablename__ = "dd_audits"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    site_id: Mapped[str] = mapped_column(ForeignKey("dd_sites.id"), index=True)
    auditor: Mapped[str] = mapped_column(String(200))
    audited_on: Mapped[date] = mapped_column(Date)
    standard: Mapped[str] = mapped_column(String(200))
    outcome: Mapped[str] = mapped_column(String(20))  # conformant, conditional, nonconformant
    report_url: Mapped[str | None] = mapped_column(String(500))
    recorded_by: Mapped[str] = mapped_column(ForeignKey("participants.id"))


class Lot(Base):
    """A quantity of one material's content (kg of cobalt, not of cobalt hydroxide) made at
    a site. A lot with a battery model is what went into that model's batteries."""

    __tablename__ = "dd_lots"
    __table_args__ = (
        UniqueConstraint("owner_id", "reference"),
        Index("ix_dd_lots_model", "owner_id", "battery_model"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    owner_id: Mapped[str] = mapped_column(ForeignKey("participants.id"), index=True)
    reference: Mapped[str] = mapped_column(String(200))  # the owner's own lot number
    site_id: Mapped[str] = mapped_column(ForeignKey("dd_sites.id"), index=True)
    material: Mapped[str] = mapped_column(String(40))
    form: Mapped[str | None] = mapped_column(String(200))  # e.g. cobalt sulfate, NMC811 CAM
    mass_kg: Mapped[float] = mapped_column(Float)
    origin: Mapped[str] = mapped_column(String(30))  # primary, pre_consumer, post_consumer
    produced_on: Mapped[date] = mapped_column(Date)
    battery_model: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class LotInput(Base):
    """`mass_kg` of the input lot went into the output lot, under a chain-of-custody model."""

    __tablename__ = "dd_lot_inputs"
    __table_args__ = (UniqueConstraint("output_id", "input_id"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    output_id: Mapped[str] = mapped_column(ForeignKey("dd_lots.id"), index=True)
    input_id: Mapped[str] = mapped_column(ForeignKey("dd_lots.id"), index=True)
    mass_kg: Mapped[float] = mapped_column(Float)
    chain_of_custody: Mapped[str] = mapped_column(String(20))  # segregated, mass_balance
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Assessment(Base):
    """One run of tracing and rules over a battery model's lots; immutable, signed."""

    __tablename__ = "dd_assessments"
    __table_args__ = (Index("ix_dd_assessments_model", "owner_id", "battery_model"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    owner_id: Mapped[str] = mapped_column(ForeignKey("participants.id"))
    battery_model: Mapped[str] = mapped_column(String(200))
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    result: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Finding(Base):
    """A risk a rule found for a battery model, kept across assessments so that actions on
    it persist; it is resolved when an assessment no longer finds it."""

    __tablename__ = "dd_findings"
    __table_args__ = (UniqueConstraint("owner_id", "battery_model", "rule", "subject"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    owner_id: Mapped[str] = mapped_column(ForeignKey("participants.id"), index=True)
    battery_model: Mapped[str] = mapped_column(String(200))
    rule: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str] = mapped_column(String(200))  # what it is about, e.g. site:<id>
    severity: Mapped[str] = mapped_column(String(10))
    oecd_step: Mapped[int] = mapped_column()
    summary: Mapped[str] = mapped_column(Text)
    evidence: Mapped[dict] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(10), default="open")  # open, resolved
    assessment_id: Mapped[str] = mapped_column(ForeignKey("dd_assessments.id"))
    first_found_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class MitigationAction(Base):
    """OECD step 3: who does what about a finding, by when, and how far it got."""

    __tablename__ = "dd_actions"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    finding_id: Mapped[str] = mapped_column(ForeignKey("dd_findings.id"), index=True)
    description: Mapped[str] = mapped_column(Text)
    responsible: Mapped[str] = mapped_column(String(200))
    due_on: Mapped[date] = mapped_column(Date)
    state: Mapped[str] = mapped_column(String(20), default="planned")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
