"""Request and response bodies of the identity API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import pycountry
from pydantic import (
    AfterValidator,
    AliasChoices,
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
)

from junkan.identity.identifiers import PARTICIPANT_SCHEMES, SITE_SCHEMES, Scheme, normalize
from junkan.identity.models import Role
from junkan.ledger.schemas import EntryWithProof


def _country(value: str) -> str:
    code = value.strip().upper()
    if len(code) != 2 or pycountry.countries.get(alpha_2=code) is None:
        raise ValueError(f"{value!r} is not an ISO 3166-1 alpha-2 country code")
    return code


CountryCode = Annotated[str, AfterValidator(_country)]
Name = Annotated[str, Field(min_length=1, max_length=200, pattern=r"\S")]


class IdentifierIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    scheme: Scheme
    value: str = Field(min_length=1, max_length=255)

    @field_validator("value")
    @classmethod
    def _check(cls, value: str, info: ValidationInfo) -> str:
        scheme = info.data.get("scheme")
        return normalize(scheme, value) if scheme else value


def _only_schemes(
    identifiers: list[IdentifierIn], allowed: frozenset[Scheme], owner: str
) -> list[IdentifierIn]:
    for identifier in identifiers:
        if identifier.scheme not in allowed:
            names = ", ".join(sorted(s.value for s in allowed))
            raise ValueError(
                f"a {identifier.scheme.value} identifier cannot name {owner}; use one of {names}"
            )
    return identifiers


class IdentifierOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    scheme: str
    value: str
    site_id: str | None = None


class SiteIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name
    country: CountryCode
    identifiers: list[IdentifierIn] = Field(default_factory=list, max_length=20)

    @field_validator("identifiers")
    @classmethod
    def _site_schemes(cls, value: list[IdentifierIn]) -> list[IdentifierIn]:
        return _only_schemes(value, SITE_SCHEMES, "a site")


class SiteOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    participant_id: str
    name: str
    country: str
    identifiers: list[IdentifierOut]


class ParticipantIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name
    country: CountryCode | None = None
    roles: list[Role] = Field(min_length=1, max_length=len(Role))
    identifiers: list[IdentifierIn] = Field(default_factory=list, max_length=20)
    sites: list[SiteIn] = Field(default_factory=list, max_length=200)

    @field_validator("identifiers")
    @classmethod
    def _participant_schemes(cls, value: list[IdentifierIn]) -> list[IdentifierIn]:
        return _only_schemes(value, PARTICIPANT_SCHEMES, "a participant")

    @field_validator("roles")
    @classmethod
    def _distinct_roles(cls, value: list[Role]) -> list[Role]:
        return sorted(set(value))


class ParticipantOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    name: str
    country: str | None
    roles: list[str] = Field(validation_alias=AliasChoices("role_names", "roles"))
    identifiers: list[IdentifierOut]
    sites: list[SiteOut]
    created_at: datetime
    ledger: EntryWithProof | None = Field(
        default=None, description="With ?proof=true: the record's ledger entry and proof"
    )


class ParticipantList(BaseModel):
    data: list[ParticipantOut]


class LookupResult(BaseModel):
    scheme: str
    value: str
    participant: ParticipantOut
    site: SiteOut | None = None


class LookupList(BaseModel):
    data: list[LookupResult]


class ClientIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name = "default"


class ClientOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    client_id: str
    participant_id: str
    name: str
    created_at: datetime
    revoked_at: datetime | None = None


class ClientCreated(ClientOut):
    client_secret: str = Field(description="Shown once; only a hash of it is stored.")


class ClientList(BaseModel):
    data: list[ClientOut]


class TokenOut(BaseModel):
    access_token: str
    token_type: str = "bearer"  # noqa: S105 (a token type, not a secret)
    expires_in: int


class CallerOut(BaseModel):
    participant_id: str | None
    name: str | None
    roles: list[str]
    client_id: str | None
    anonymous: bool
