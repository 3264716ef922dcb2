"""The EU battery carbon-footprint declaration (Regulation 2023/1542 Art. 7): kgCO2e per kWh
of the energy a battery delivers over its service life, per life-cycle stage, with a
performance class, written into the passports of the battery model.

Functional unit, after the draft delegated act (Ares(2024)3131389, not adopted): total energy
= usable energy at beginning of life (kWh) x full equivalent cycles per year x service years.
Cycles per year by vehicle category: M1/N1 60, L 20, M2/M3/N2/N3 250. Service years default to
the passport's commercial warranty period. Every default can be overridden and is reported.
"""

from __future__ import annotations

import math
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from junkan.errors import Conflict, InvalidInput
from junkan.footprint import units
from junkan.footprint.service import STAGES, readable_footprint
from junkan.identity.service import Caller
from junkan.passport import service as passports
from junkan.passport.models import Passport

CYCLES_PER_YEAR = {"M1": 60, "N1": 60, "L": 20, "M2": 250, "M3": 250, "N2": 250, "N3": 250}
PASSPORT_STAGE_KEYS = {
    "raw_materials": "carbon_footprint_raw_materials",
    "main_production": "carbon_footprint_main_production",
    "distribution": "carbon_footprint_distribution",
    "end_of_life": "carbon_footprint_end_of_life",
}


def performance_class(value: float, boundaries: dict[str, float | None]) -> str:
    """The first class whose upper bound (None: unbounded) the value does not exceed."""
    ordered = sorted(boundaries.items(), key=lambda item: math.inf if item[1] is None else item[1])
    for name, upper in ordered:
        if upper is None or value <= upper:
            return name
    raise InvalidInput(f"{value:.1f} kgCO2e/kWh is above every configured class boundary")


def declare(
    session: Session,
    caller: Caller,
    footprint_id: str,
    battery_model: str,
    vehicle_category: str,
    study_url: str,
    boundaries: dict[str, float | None],
    usable_energy_kwh: float | None = None,
    cycles_per_year: float | None = None,
    service_years: float | None = None,
) -> dict[str, Any]:
    """Compute the declaration from a footprint per battery and write it into every live
    passport of the model that the caller operates, as one new version each, all or none."""
    footprint = readable_footprint(session, caller, footprint_id)
    if not caller.acts_for(footprint.owner_id):
        raise InvalidInput("declare with your own footprint of the battery", field="footprint")
    try:
        per_battery = units.conversion(footprint.declared_unit, "piece")
    except ValueError:
        raise InvalidInput(
            f"the footprint is per {footprint.declared_unit}; the declaration needs one per "
            "battery (declared unit: piece)"
        ) from None
    live = list(
        session.scalars(
            select(Passport).where(
                Passport.operator_id == caller.participant_id,
                Passport.battery_model == battery_model,
                Passport.superseded_by.is_(None),
                Passport.closed_at.is_(None),
            )
        )
    )
    if not live:
        raise Conflict(f"you operate no live passport of battery model {battery_model}")
    sample = live[0].data
    errors = []
    if vehicle_category not in CYCLES_PER_YEAR and cycles_per_year is None:
        errors.append(
            {
                "field": "vehicle_category",
                "message": f"one of {', '.join(CYCLES_PER_YEAR)}, or give cycles_per_year",
            }
        )
    energy = usable_energy_kwh if usable_energy_kwh is not None else sample.get("rated_energy")
    if not energy:
        errors.append(
            {"field": "usable_energy_kwh", "message": "give it, or set rated_energy in passports"}
        )
    years = service_years
    if years is None and sample.get("warranty_period"):
        years = sample["warranty_period"] / 12
    if not years:
        errors.append(
            {"field": "service_years", "message": "give it, or set warranty_period in passports"}
        )
    if errors:
        raise InvalidInput(errors[0]["message"], errors=errors)
    cycles = cycles_per_year if cycles_per_year is not None else CYCLES_PER_YEAR[vehicle_category]
    lifetime_energy = energy * cycles * years
    kg_per_battery = footprint.total / per_battery
    per_kwh = kg_per_battery / lifetime_energy
    klass = performance_class(per_kwh, boundaries)
    shares = {
        s: (100 * footprint.stages.get(s, 0.0) / footprint.total if footprint.total else 0.0)
        for s in STAGES
    }
    changes = {
        "carbon_footprint": round(per_kwh, 4),
        "carbon_footprint_class": klass,
        "carbon_footprint_study": study_url,
        "absolute_carbon_footprint": round(kg_per_battery / 1000, 4),
        **{PASSPORT_STAGE_KEYS[s]: round(v, 2) for s, v in shares.items()},
    }
    for passport in live:
        passports.update_passport(session, caller, passport.id, changes, commit=False)
    session.commit()
    return {
        "footprint": {"id": footprint.id, "version": footprint.version},
        "battery_model": battery_model,
        "functional_unit": {
            "usable_energy_kwh": energy,
            "cycles_per_year": cycles,
            "service_years": years,
            "lifetime_energy_kwh": lifetime_energy,
        },
        "kgco2e_per_battery": kg_per_battery,
        "kgco2e_per_kwh": per_kwh,
        "stages_kgco2e_per_kwh": {
            s: footprint.stages.get(s, 0.0) / per_battery / lifetime_energy for s in STAGES
        },
        "performance_class": klass,
        "class_boundaries": boundaries,
        "class_boundaries_note": "provisional: the delegated act fixing the classes is not "
        "adopted; these boundaries are this node's configuration",
        "passports_updated": len(live),
    }
