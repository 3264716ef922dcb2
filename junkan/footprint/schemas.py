"""Footprint API bodies."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from junkan.footprint.formats import REGIONS


class Stage(StrEnum):
    """The EU battery carbon-footprint life-cycle stages (use stage excluded by the rules)."""

    RAW_MATERIALS = "raw_materials"  # raw material acquisition and pre-processing
    MAIN_PRODUCTION = "main_production"
    DISTRIBUTION = "distribution"
    END_OF_LIFE = "end_of_life"  # end of life and recycling


class ActivityKind(StrEnum):
    MATERIAL = "material"
    ENERGY = "energy"
    TRANSPORT = "transport"
    PROCESS = "process"


class Quality(BaseModel):
    """PACT data-quality ratings: 1 (good) to 3 (fair)."""

    model_config = ConfigDict(extra="forbid")
    technological: int = Field(ge=1, le=3)
    geographical: int = Field(ge=1, le=3)
    temporal: int = Field(ge=1, le=3)


class ProductDetails(BaseModel):
    """What footprint exchange formats (PACT, Catena-X) ask of a product beyond its name."""

    model_config = ConfigDict(extra="forbid")
    description: str | None = Field(default=None, max_length=2000)
    cpc_code: str | None = Field(default=None, pattern=r"^\d{1,5}$", description="UN CPC")
    mass_per_declared_unit_kg: float | None = Field(default=None, ge=0, allow_inf_nan=False)
    fossil_carbon_content_kgc: float | None = Field(default=None, ge=0, allow_inf_nan=False)
    biogenic_carbon_content_kgc: float | None = Field(default=None, ge=0, allow_inf_nan=False)
    un_region: str | None = Field(
        default=None, description="UN M49 region or subregion, e.g. Eastern Asia (Catena-X)"
    )

    @field_validator("un_region")
    @classmethod
    def _region(cls, value: str | None) -> str | None:
        if value is not None and value not in REGIONS:
            raise ValueError(f"one of the UN M49 regions: {', '.join(REGIONS)}")
        return value


class ProductIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    part_number: str = Field(min_length=1, max_length=120)
    plant: str = Field(min_length=1, max_length=120, description="site identifier or name")
    name: str = Field(min_length=1, max_length=300)
    declared_unit: str = Field(min_length=1, max_length=40, examples=["kg", "piece", "kWh"])
    country: str | None = Field(default=None, pattern=r"^[A-Z]{2}$")
    details: ProductDetails | None = None


class ActivityIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: ActivityKind
    stage: Stage
    description: str = Field(min_length=1, max_length=300)
    quantity: float = Field(ge=0, allow_inf_nan=False, description="per declared unit")
    unit: str = Field(min_length=1, max_length=40)
    factor_id: str | None = Field(
        default=None, description="omit for direct emissions given in kgCO2e"
    )
    primary: bool = True
    quality: Quality | None = None


class ComponentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    description: str = Field(min_length=1, max_length=300)
    quantity: float = Field(ge=0, allow_inf_nan=False, description="per declared unit")
    unit: str = Field(min_length=1, max_length=40)
    component_product_id: str | None = None
    supplier_footprint_id: str | None = None
    factor_id: str | None = None
    stage: Stage = Stage.RAW_MATERIALS

    @model_validator(mode="after")
    def _one_source(self):
        sources = [self.component_product_id, self.supplier_footprint_id, self.factor_id]
        if sum(s is not None for s in sources) != 1:
            raise ValueError(
                "give exactly one of component_product_id, supplier_footprint_id, factor_id"
            )
        return self


class FactorOut(BaseModel):
    id: str
    name: str
    unit: str
    kgco2e: float
    biogenic_share: float | None
    region: str
    year: int
    source: str
    licence: str
    version: int


class FootprintOut(BaseModel):
    id: str
    product_id: str | None
    owner_id: str
    version: int
    status: str
    declared_unit: str
    total: float
    stages: dict[str, float]
    biogenic: float
    primary_data_share: float
    quality: dict[str, float | None]
    preceding_id: str | None
    provenance: dict[str, Any] | None = None
    created_at: datetime


class ContributionOut(BaseModel):
    source: str
    source_id: str
    description: str
    via: dict[str, Any]
    stages: dict[str, float]
    total: float


class LineageOut(BaseModel):
    footprint: FootprintOut
    contributions: list[ContributionOut]


class BatteryDeclarationIn(BaseModel):
    """Which passports to declare into, and the functional unit's inputs (defaults: cycles per
    year from the vehicle category, usable energy and service years from the passports)."""

    model_config = ConfigDict(extra="forbid")
    battery_model: str = Field(min_length=1, max_length=200)
    vehicle_category: str = Field(default="M1", examples=["M1", "N1", "L", "M3"])
    study_url: str = Field(pattern=r"^https?://\S+$", description="the public CF study")
    usable_energy_kwh: float | None = Field(default=None, gt=0, allow_inf_nan=False)
    cycles_per_year: float | None = Field(default=None, gt=0, allow_inf_nan=False)
    service_years: float | None = Field(default=None, gt=0, le=50, allow_inf_nan=False)
