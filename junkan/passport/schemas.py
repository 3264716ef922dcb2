"""Passport API bodies. Attribute values are checked against the attribute table, not here."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from junkan.ledger.schemas import EntryWithProof


class PassportIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    battery_id: str = Field(
        min_length=3, max_length=255, description="URN, or GS1 Digital Link /01/{gtin}/21/{serial}"
    )
    data: dict[str, Any] = Field(description="Attribute values by key (GET /passports/attributes)")


class PassportPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    data: dict[str, Any] = Field(description="Changed attributes; null removes one")


class DynamicIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    measured_at: datetime
    values: dict[str, Any] = Field(min_length=1, max_length=100)


class OperatorOut(BaseModel):
    id: str
    name: str
    identifiers: list[dict[str, str]]


class PassportOut(BaseModel):
    id: str = Field(description="Passport identifier (one battery may have several over its life)")
    battery_id: str
    operator: OperatorOut
    version: int
    predecessor_id: str | None
    successor_id: str | None
    closed: bool
    access: list[str] = Field(description="The access groups this answer was filtered for")
    data: dict[str, Any]
    dynamic_updated_at: dict[str, datetime] = Field(default_factory=dict)
    completeness: dict[str, Any] | None = Field(
        default=None, description="For the operator and authorities: what is still missing"
    )
    ledger: EntryWithProof | None = Field(default=None, description="With ?proof=true")


class PassportList(BaseModel):
    data: list[PassportOut]


class VersionOut(BaseModel):
    version: int
    change: str
    actor: str
    created_at: datetime
    data: dict[str, Any]


class VersionList(BaseModel):
    data: list[VersionOut]


class AttributeOut(BaseModel):
    key: str
    group: str
    label: str
    kind: str
    unit: str | None
    access: str
    dynamic: bool
    mandatory: list[str]
    choices: list[str]
    due_from: str | None
    annex: str


class AttributeList(BaseModel):
    data: list[AttributeOut]


class LifecycleIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    battery_id: str | None = Field(
        default=None,
        max_length=255,
        description="repurpose/remanufacture: a new battery identifier",
    )
    data: dict[str, Any] | None = Field(default=None, description="Attributes that change")
    responsible: str | None = Field(
        default=None, max_length=255, description="waste: the recycler or producer now responsible"
    )
    note: str | None = Field(default=None, max_length=200)


class ImportOut(BaseModel):
    created: int
    passport_ids: list[str]
    errors: list[dict[str, Any]] = Field(description="Rows skipped (only with partial=true)")
