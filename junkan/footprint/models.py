"""Emission factors, products with their inventories and bills of materials, and computed
footprints with the lineage of every contribution."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from junkan.db import Base, UTCDateTime, utcnow
from junkan.identity.models import new_id


class EmissionFactor(Base):
    """kgCO2e per unit of an activity, from a cited source; a change is a new version."""

    __tablename__ = "emission_factors"
    __table_args__ = (UniqueConstraint("owner_id", "name", "region", "year", "version"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    owner_id: Mapped[str | None] = mapped_column(ForeignKey("participants.id"))  # None: shared
    name: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str] = mapped_column(String(40))  # the activity unit, e.g. kWh, kg, t*km
    kgco2e: Mapped[float] = mapped_column(Float)
    biogenic_share: Mapped[float | None] = mapped_column(Float)  # 0..1 of kgco2e, if known
    region: Mapped[str] = mapped_column(String(10))  # ISO 3166-1 alpha-2, or GLO
    year: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(500))
    licence: Mapped[str] = mapped_column(String(200))
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Product(Base):
    """A part number at a plant, per declared unit: what a footprint is about."""

    __tablename__ = "footprint_products"
    __table_args__ = (UniqueConstraint("owner_id", "part_number", "plant"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    owner_id: Mapped[str] = mapped_column(ForeignKey("participants.id"), index=True)
    part_number: Mapped[str] = mapped_column(String(120))
    plant: Mapped[str] = mapped_column(String(120))  # site identifier or name
    name: Mapped[str] = mapped_column(String(300))
    declared_unit: Mapped[str] = mapped_column(String(40))
    country: Mapped[str | None] = mapped_column(String(2))
    # What footprint exchange formats ask of a product: description, UN CPC code, mass per
    # declared unit (kg), fossil and biogenic carbon content (kgC per declared unit).
    details: Mapped[dict | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ActivityLine(Base):
    """One input of the product's own process per declared unit, times a factor (or already
    in kgCO2e for direct process emissions), assigned to an EU life-cycle stage."""

    __tablename__ = "footprint_activities"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    product_id: Mapped[str] = mapped_column(ForeignKey("footprint_products.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # material | energy | transport | process
    stage: Mapped[str] = mapped_column(String(20))
    description: Mapped[str] = mapped_column(String(300))
    quantity: Mapped[float] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(40))
    factor_id: Mapped[str | None] = mapped_column(ForeignKey("emission_factors.id"))
    primary: Mapped[bool] = mapped_column(Boolean, default=True)  # measured, not estimated
    quality: Mapped[dict | None] = mapped_column(JSON)  # technological/geographical/temporal


class Component(Base):
    """A bill-of-materials line: so much of a component per declared unit, supplied by one of
    our own products, a supplier's footprint, or a secondary emission factor."""

    __tablename__ = "footprint_components"
    __table_args__ = (Index("ix_footprint_components_child", "component_product_id"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    product_id: Mapped[str] = mapped_column(ForeignKey("footprint_products.id"), index=True)
    description: Mapped[str] = mapped_column(String(300))
    quantity: Mapped[float] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(40))
    component_product_id: Mapped[str | None] = mapped_column(ForeignKey("footprint_products.id"))
    supplier_footprint_id: Mapped[str | None] = mapped_column(ForeignKey("footprints.id"))
    factor_id: Mapped[str | None] = mapped_column(ForeignKey("emission_factors.id"))
    stage: Mapped[str] = mapped_column(String(20), default="raw_materials")  # factor lines only


class Footprint(Base):
    """A computed footprint per declared unit: immutable; a recomputation is a new version."""

    __tablename__ = "footprints"
    __table_args__ = (UniqueConstraint("product_id", "version"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    product_id: Mapped[str | None] = mapped_column(ForeignKey("footprint_products.id"))
    owner_id: Mapped[str] = mapped_column(ForeignKey("participants.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(12), default="Active")  # Active | Deprecated
    declared_unit: Mapped[str] = mapped_column(String(40))
    total: Mapped[float] = mapped_column(Float)  # kgCO2e per declared unit
    stages: Mapped[dict] = mapped_column(JSON)  # stage -> kgCO2e
    biogenic: Mapped[float] = mapped_column(Float, default=0.0)
    primary_data_share: Mapped[float] = mapped_column(Float)  # percent of total
    quality: Mapped[dict] = mapped_column(JSON)  # emission-weighted ratings
    preceding_id: Mapped[str | None] = mapped_column(String(36))
    provenance: Mapped[dict | None] = mapped_column(JSON)  # e.g. pulled from a PACT host
    reference_period_start: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reference_period_end: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Contribution(Base):
    """One line of a footprint's lineage: what produced how much of it."""

    __tablename__ = "footprint_contributions"

    id: Mapped[int] = mapped_column(primary_key=True)
    footprint_id: Mapped[str] = mapped_column(ForeignKey("footprints.id"), index=True)
    source: Mapped[str] = mapped_column(String(20))  # activity | component
    source_id: Mapped[str] = mapped_column(String(36))  # activity line or component line
    via: Mapped[dict] = mapped_column(JSON)  # factor or footprint {id, version}
    stages: Mapped[dict] = mapped_column(JSON)  # stage -> kgCO2e per declared unit


class FootprintRequest(Base):
    """A PACT footprint request: received from a customer's host and queued for the owner, or
    sent by one of our participants to a supplier's host and awaiting its answer."""

    __tablename__ = "footprint_requests"
    __table_args__ = (UniqueConstraint("direction", "counterpart", "event_id"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    direction: Mapped[str] = mapped_column(String(10))  # received | sent
    event_id: Mapped[str] = mapped_column(String(200))
    spec_version: Mapped[int] = mapped_column(Integer)
    # received: who asked (as authenticated here); sent: who asks
    participant_id: Mapped[str] = mapped_column(ForeignKey("participants.id"), index=True)
    # received: the product owner who answers; sent: None
    owner_id: Mapped[str | None] = mapped_column(ForeignKey("participants.id"), index=True)
    # received: the requester's events URL (the reply goes there); sent: the supplier's host
    counterpart: Mapped[str] = mapped_column(String(500))
    criteria: Mapped[dict] = mapped_column(JSON)  # productIds etc., as the event gave them
    comment: Mapped[str | None] = mapped_column(String(2000))
    status: Mapped[str] = mapped_column(String(12), default="pending")  # fulfilled | rejected
    answer: Mapped[dict | None] = mapped_column(JSON)  # footprint ids, or the error
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class PartnerHost(Base):
    """Credentials one of our participants holds at another PACT host, sealed at rest."""

    __tablename__ = "pact_partners"
    __table_args__ = (UniqueConstraint("participant_id", "base_url"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    participant_id: Mapped[str] = mapped_column(ForeignKey("participants.id"))
    base_url: Mapped[str] = mapped_column(String(500))
    client_id: Mapped[str] = mapped_column(String(200))
    secret_sealed: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class OutboundEvent(Base):
    """A CloudEvent to POST to another host, retried with backoff until it is accepted."""

    __tablename__ = "pact_outbox"
    __table_args__ = (Index("ix_pact_outbox_due", "delivered_at", "next_attempt_at"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    participant_id: Mapped[str] = mapped_column(ForeignKey("participants.id"))
    base_url: Mapped[str] = mapped_column(String(500))  # where to authenticate
    url: Mapped[str] = mapped_column(String(500))  # the events endpoint
    body: Mapped[dict] = mapped_column(JSON)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(String(1000))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
