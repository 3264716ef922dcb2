"""The recycler report document, shaped after the calculation rules of Annex XII.

Part B: recycling efficiency = mass of the output fractions accounted for recycling / mass of
the input fraction (the waste batteries entering the recycling process), by weight, per
chemistry class. Part C: material recovery = mass of a metal recovered / mass of that metal
contained in the input, per metal.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

FIRST_YEAR = 2023  # Regulation (EU) 2023/1542 entered into force in August 2023
MASS_TOLERANCE = 1e-9  # relative: rounding in a client's sums is not an excess


class Chemistry(StrEnum):
    """The Annex XII Part B classes."""

    LEAD_ACID = "lead_acid"
    LITHIUM_BASED = "lithium_based"
    NICKEL_CADMIUM = "nickel_cadmium"
    OTHER = "other"


class RecoveredMetal(StrEnum):
    """The metals Annex XII Part C sets recovery targets for."""

    COBALT = "cobalt"
    COPPER = "copper"
    LEAD = "lead"
    LITHIUM = "lithium"
    NICKEL = "nickel"


Kg = Annotated[float, Field(ge=0, allow_inf_nan=False)]
PositiveKg = Annotated[float, Field(gt=0, allow_inf_nan=False)]


def exceeds(part: float, whole: float) -> bool:
    return part > whole * (1 + MASS_TOLERANCE)


class MetalIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    metal: RecoveredMetal
    input_kg: PositiveKg = Field(description="kg of the metal contained in the input fraction")
    recovered_kg: Kg = Field(
        description="kg of the metal recovered in a form usable for its original or other "
        "purposes (not energy recovery or backfilling)"
    )

    @model_validator(mode="after")
    def _recovered_within_input(self) -> MetalIn:
        if exceeds(self.recovered_kg, self.input_kg):
            raise ValueError(
                f"{self.recovered_kg:g} kg {self.metal} recovered out of {self.input_kg:g} kg "
                "in the input"
            )
        return self


class RecyclerReportIn(BaseModel):
    """One reporting year and one chemistry class of one recycler. The masses must fit
    together (output within input, metals within both); the service names what does not."""

    model_config = ConfigDict(extra="forbid")

    year: int = Field(description="the calendar year reported")
    chemistry: Chemistry
    plant: str | None = Field(default=None, min_length=1, max_length=300)
    input_kg: PositiveKg = Field(
        description="mass of the input fraction: waste batteries of this class entering the "
        "recycling process (Annex XII Part B)"
    )
    output_kg: Kg = Field(
        description="mass of the output fractions accounted for recycling (Annex XII Part B)"
    )
    metals: list[MetalIn] = Field(default=[], max_length=len(RecoveredMetal))

    @field_validator("year")
    @classmethod
    def _year_in_range(cls, value: int) -> int:
        last = date.today().year
        if not FIRST_YEAR <= value <= last:
            raise ValueError(f"a reporting year from {FIRST_YEAR} to {last}")
        return value
