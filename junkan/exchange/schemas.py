"""Grant API bodies."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class GrantIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    grantee: str = Field(
        min_length=1,
        max_length=255,
        description="The partner: participant id or any of its identifiers",
    )
    subject: str = Field(
        min_length=3,
        max_length=200,
        pattern=r"^[a-z-]+:(\*|[A-Za-z0-9_.:-]+)$",
        description='One record ("commitment:<id>") or a class ("commitment:*")',
    )
    purpose: str = Field(min_length=3, max_length=500, pattern=r"\S")
    valid_until: datetime


class GrantOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    owner_id: str
    grantee_id: str
    subject: str
    purpose: str
    valid_until: datetime
    created_at: datetime
    revoked_at: datetime | None


class GrantList(BaseModel):
    data: list[GrantOut]


class ReadOut(BaseModel):
    seq: int
    time: datetime
    reader: str
    subject: str


class ReadList(BaseModel):
    data: list[ReadOut]


class OpeningIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    value: Any
    salt: str | None = None
    blinding: str | None = None


class OpeningRead(BaseModel):
    commitment_id: str
    scheme: str
    commitment: str
    value: Any
    salt: str | None = None
    blinding: str | None = None
