"""Due-diligence API bodies: a supply-map document, assessments, mitigation actions."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated

import pycountry
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    HttpUrl,
    field_validator,
    model_validator,
)

from junkan.identity.schemas import CountryCode


class Stage(StrEnum):
    """Where a site sits in the chain; FEOC and CRMA read the stage."""

    MINE = "mine"
    REFINER = "refiner"  # smelter or refiner: processing
    PRECURSOR = "precursor"
    CATHODE = "cathode"
    ANODE = "anode"
    CELL = "cell"
    MODULE = "module"
    PACK = "pack"
    RECYCLER = "recycler"


#: IRA: extraction, processing and recycling make critical minerals; the rest are components.
MINERAL_STAGES = frozenset({Stage.MINE, Stage.REFINER, Stage.RECYCLER})
#: CRMA Art. 5(1)(d) stages of a strategic raw material's supply.
CRMA_STAGES = {Stage.MINE: "extraction", Stage.REFINER: "processing", Stage.RECYCLER: "recycling"}
#: Annex XIII / Art. 48: the raw materials due diligence covers.
DD_MATERIALS = ("cobalt", "lithium", "nickel", "natural_graphite")


class Origin(StrEnum):
    PRIMARY = "primary"
    PRE_CONSUMER = "pre_consumer"  # recovered from manufacturing waste
    POST_CONSUMER = "post_consumer"  # recovered from waste batteries


class ChainOfCustody(StrEnum):
    SEGREGATED = "segregated"
    MASS_BALANCE = "mass_balance"


class AuditOutcome(StrEnum):
    CONFORMANT = "conformant"
    CONDITIONAL = "conditional"
    NONCONFORMANT = "nonconformant"


class ActionState(StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    CANCELLED = "cancelled"


def _material(value: str) -> str:
    name = value.strip().lower().replace(" ", "_").replace("-", "_")
    if not name.replace("_", "").isalpha():
        raise ValueError("a material name in letters, e.g. cobalt or natural_graphite")
    return name


def _region(value: str) -> str:
    code = value.strip().upper()
    if pycountry.subdivisions.get(code=code) is None:
        raise ValueError(f"{value!r} is not an ISO 3166-2 subdivision code")
    return code


Material = Annotated[str, Field(min_length=2, max_length=40), AfterValidator(_material)]
Region = Annotated[str, AfterValidator(_region)]
Key = Annotated[str, Field(min_length=1, max_length=200, pattern=r"\S")]
Kg = Annotated[float, Field(gt=0, allow_inf_nan=False)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class HoldingIn(Strict):
    owner: Key = Field(description="key of an entity in this document, or a stored entity id")
    share_percent: float = Field(gt=0, allow_inf_nan=False)
    control: bool = False

    @field_validator("share_percent")
    @classmethod
    def _at_most_whole(cls, value: float) -> float:
        if value > 100:
            raise ValueError("a holding is at most 100 %")
        return value


class EntityIn(Strict):
    key: Key
    name: Key
    jurisdiction: CountryCode
    participant: str | None = Field(default=None, description="a member's id, if it is one")
    owners: list[HoldingIn] = []


class CertificationIn(Strict):
    scheme: Key = Field(description="e.g. IRMA, RMI RMAP, ResponsibleSteel")
    reference: str | None = Field(default=None, max_length=200)
    valid_from: date
    valid_until: date

    @model_validator(mode="after")
    def _ordered(self) -> CertificationIn:
        if self.valid_until < self.valid_from:
            raise ValueError("valid_until is before valid_from")
        return self


class AuditIn(Strict):
    auditor: Key
    audited_on: date
    standard: Key
    outcome: AuditOutcome
    report_url: HttpUrl | None = None


class SiteIn(Strict):
    key: Key
    name: Key
    stage: Stage
    country: CountryCode
    region: Region | None = None
    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)
    operator: str | None = Field(default=None, description="entity key or id")
    artisanal: bool = False
    method: str | None = Field(default=None, max_length=100)
    certifications: list[CertificationIn] = []
    audits: list[AuditIn] = []

    @model_validator(mode="after")
    def _region_in_country(self) -> SiteIn:
        if self.region and not self.region.startswith(f"{self.country}-"):
            raise ValueError(f"region {self.region} is not in country {self.country}")
        return self


class InputIn(Strict):
    lot: Key = Field(description="key of a lot in this document, or a stored lot id")
    mass_kg: Kg
    chain_of_custody: ChainOfCustody = ChainOfCustody.SEGREGATED


class LotIn(Strict):
    key: Key = Field(description="your lot number; unique among your lots")
    site: Key = Field(description="key of a site in this document, or a stored site id")
    material: Material
    form: str | None = Field(default=None, max_length=200)
    mass_kg: Kg = Field(description="kg of the material's content")
    origin: Origin = Origin.PRIMARY
    produced_on: date
    battery_model: str | None = Field(default=None, min_length=1, max_length=200)
    inputs: list[InputIn] = []


class SupplyMapIn(Strict):
    """A batch of map records, all stored or none; records refer to each other by key."""

    entities: list[EntityIn] = []
    sites: list[SiteIn] = []
    lots: list[LotIn] = []


class AssessmentIn(Strict):
    battery_model: str = Field(min_length=1, max_length=200)
    period_start: date
    period_end: date
    publish: bool = Field(
        default=False,
        description="write the report link and supply-chain indices into the live passports "
        "of the model that you operate",
    )

    @model_validator(mode="after")
    def _ordered(self) -> AssessmentIn:
        if self.period_end < self.period_start:
            raise ValueError("period_end is before period_start")
        return self


class ActionIn(Strict):
    description: str = Field(min_length=1, max_length=4000)
    responsible: Key
    due_on: date
    state: ActionState = ActionState.PLANNED


class ActionUpdate(Strict):
    description: str | None = Field(default=None, min_length=1, max_length=4000)
    responsible: Key | None = None
    due_on: date | None = None
    state: ActionState | None = None
