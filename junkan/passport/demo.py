"""Demo passports: an NMC811 EV pack, an LFP EV pack and an LFP stationary battery."""

from __future__ import annotations

import random

import stdnum.ean
from sqlalchemy import select
from sqlalchemy.orm import Session

from junkan.identity.service import Caller
from junkan.passport import service
from junkan.passport.models import Passport

CF_STUDY = "https://junkan.example/cf-studies/"
COMMON = {
    "manufacturer_address": {
        "street": "1-1 Motomachi",
        "postal_code": "965-0000",
        "city": "Aizuwakamatsu",
        "country": "JP",
    },
    "manufacturer_web": "https://aizu-motors.example",
    "manufacturer_email": "battery-passport@aizu-motors.example",
    "warranty_period": 96,
    "separate_collection_symbol": "https://junkan.example/symbols/crossed-out-bin.svg",
    "extinguishing_agent": "Water in large quantities; class D agents are not suitable",
    "symbols_meaning": "Crossed-out wheeled bin: collect separately, do not dispose of as "
    "household waste",
    "declaration_of_conformity": "https://junkan.example/doc/eu-doc-2026.pdf",
    "test_reports": [
        {
            "title": "UN 38.3 transport test summary",
            "url": "https://junkan.example/reports/un38.3.pdf",
            "media_type": "application/pdf",
        }
    ],
    "critical_raw_materials": ["lithium", "natural graphite"],
    "hazardous_substances": [
        {
            "name": "lithium hexafluorophosphate",
            "cas": "21324-40-3",
            "location": "electrolyte",
            "share_percent": 1.2,
            "hazard_classes": ["Acute Tox. 3", "Skin Corr. 1A", "STOT RE 1"],
        }
    ],
    "substance_impacts": "Electrolyte salts are toxic if released; handle damaged packs as "
    "hazardous waste",
    "dismantling_information": [
        {
            "title": "Dismantling and removal manual",
            "url": "https://junkan.example/manuals/dismantling.pdf",
            "media_type": "application/pdf",
        }
    ],
    "safety_measures": "https://junkan.example/manuals/safety-measures.pdf",
    "renewable_content": 2.0,
    "waste_prevention_information": "https://junkan.example/end-users/waste-prevention",
    "separate_collection_information": "https://junkan.example/end-users/separate-collection",
    "collection_points_information": "https://junkan.example/collection-points",
    "cycle_life_reference_test": "IEC 62660-1, 25 °C, 1C/1C, 100 % DoD",
    "component_part_numbers": [
        "MOD-A-12 (module)",
        "BMS-7 (battery management unit)",
        "HVJ-2 (high-voltage junction box)",
    ],
    "spare_part_sources": [
        {
            "name": "Aizu Motors Parts",
            "address": {
                "street": "3-2 Kita-machi",
                "postal_code": "965-0001",
                "city": "Aizuwakamatsu",
                "country": "JP",
            },
            "email": "parts@aizu-motors.example",
            "web": "https://parts.aizu-motors.example",
            "components": ["MOD-A-12", "BMS-7", "HVJ-2"],
        }
    ],
    # Art. 10 values, expected at the end of the stated lifetime
    "capacity_fade": 20.0,
    "power_fade": 25.0,
    "round_trip_efficiency_fade": 5.0,
    "internal_resistance_increase": 40.0,
    "expected_lifetime_years": 12.0,
    "initial_self_discharge_rate": 2.0,
    "cycle_life_test_temperature": 25.0,
    "cycle_life_test_depth_of_discharge": 100.0,
    "mercury_content": 0.0,
    "cadmium_content": 0.0,
    "lead_content": 0.0,
    "idle_temperature_lower": -30.0,
    "idle_temperature_upper": 55.0,
}
MODELS = (
    # (key, operator key, share of passports, attributes)
    (
        "AZ-NMC811-75",
        "carmaker",
        0.45,
        {
            "battery_category": "ev",
            "battery_chemistry": "NMC811 / graphite",
            "manufacturer_name": "Aizu Motors Corporation",
            "manufacturing_place": "Aizuwakamatsu vehicle plant, JP",
            "manufacturing_facility": "BPNS00080001JSSM",
            "battery_mass": 452.0,
            "battery_length": 2250.0,
            "battery_width": 1500.0,
            "battery_height": 150.0,
            "rated_energy": 75.0,
            "rated_capacity": 205.0,
            "minimum_voltage": 288.0,
            "nominal_voltage": 365.0,
            "maximum_voltage": 403.0,
            "original_power_capability_80": 250000.0,
            "original_power_capability_20": 180000.0,
            "maximum_permitted_power": 260000.0,
            "initial_round_trip_efficiency": 95.0,
            "round_trip_efficiency_at_50_percent": 93.0,
            "initial_internal_resistance_cell": 0.9,
            "initial_internal_resistance_pack": 95.0,
            "expected_lifetime_cycles": 2000,
            "c_rate": 1.0,
            "capacity_threshold_for_exhaustion": 70.0,
            "carbon_footprint": 72.4,
            "critical_raw_materials": ["cobalt", "lithium", "nickel", "natural graphite"],
            "cathode_materials": [
                {
                    "name": "LiNi0.8Mn0.1Co0.1O2",
                    "cas": "193214-24-3",
                    "mass_kg": 96.0,
                    "critical": True,
                }
            ],
            "anode_materials": [
                {"name": "graphite", "cas": "7782-42-5", "mass_kg": 61.0, "critical": True}
            ],
            "electrolyte_materials": [
                {"name": "ethylene carbonate", "cas": "96-49-1", "mass_kg": 18.0}
            ],
        },
    ),
    (
        "AZ-LFP-60",
        "carmaker",
        0.35,
        {
            "battery_category": "ev",
            "battery_chemistry": "LFP / graphite",
            "manufacturer_name": "Aizu Motors Corporation",
            "manufacturing_place": "Aizuwakamatsu vehicle plant, JP",
            "manufacturing_facility": "BPNS00080001JSSM",
            "battery_mass": 398.0,
            "battery_length": 2100.0,
            "battery_width": 1450.0,
            "battery_height": 140.0,
            "rated_energy": 60.0,
            "rated_capacity": 180.0,
            "minimum_voltage": 260.0,
            "nominal_voltage": 333.0,
            "maximum_voltage": 380.0,
            "original_power_capability_80": 180000.0,
            "original_power_capability_20": 140000.0,
            "maximum_permitted_power": 190000.0,
            "initial_round_trip_efficiency": 96.0,
            "round_trip_efficiency_at_50_percent": 95.0,
            "initial_internal_resistance_cell": 0.5,
            "initial_internal_resistance_pack": 80.0,
            "expected_lifetime_cycles": 4000,
            "c_rate": 1.0,
            "capacity_threshold_for_exhaustion": 70.0,
            "carbon_footprint": 58.1,
            "cathode_materials": [{"name": "LiFePO4", "cas": "15365-14-7", "mass_kg": 118.0}],
            "anode_materials": [{"name": "graphite", "cas": "7782-42-5", "mass_kg": 55.0}],
            "electrolyte_materials": [
                {"name": "ethylene carbonate", "cas": "96-49-1", "mass_kg": 17.0}
            ],
        },
    ),
    (
        "SBS-LFP-100",
        "pack_maker",
        0.20,
        {
            "battery_category": "stationary",
            "battery_chemistry": "LFP / graphite",
            "manufacturer_name": "Sachsen Battery Systems GmbH",
            "manufacturing_place": "Leipzig pack plant, DE",
            "manufacturing_facility": "BPNS00070001JS57",
            "battery_mass": 720.0,
            "battery_length": 1200.0,
            "battery_width": 800.0,
            "battery_height": 1000.0,
            "rated_energy": 100.0,
            "rated_capacity": 280.0,
            "minimum_voltage": 300.0,
            "nominal_voltage": 358.0,
            "maximum_voltage": 408.0,
            "original_power_capability_80": 100000.0,
            "original_power_capability_20": 80000.0,
            "maximum_permitted_power": 110000.0,
            "initial_round_trip_efficiency": 94.0,
            "round_trip_efficiency_at_50_percent": 92.0,
            "initial_internal_resistance_cell": 0.3,
            "initial_internal_resistance_pack": 60.0,
            "expected_lifetime_cycles": 6000,
            "c_rate": 0.5,
            "carbon_footprint": 61.0,
            "putting_into_service_date": "2026-10-01",
            "cathode_materials": [{"name": "LiFePO4", "cas": "15365-14-7", "mass_kg": 205.0}],
            "anode_materials": [{"name": "graphite", "cas": "7782-42-5", "mass_kg": 96.0}],
            "electrolyte_materials": [
                {"name": "ethylene carbonate", "cas": "96-49-1", "mass_kg": 30.0}
            ],
        },
    ),
)
GTIN_PREFIX = {
    "AZ-NMC811-75": "0493456700001",
    "AZ-LFP-60": "0493456700002",
    "SBS-LFP-100": "0401234500003",
}


def battery_id(model: str, serial: int) -> str:
    body = GTIN_PREFIX[model]
    gtin = body + stdnum.ean.calc_check_digit(body)
    return f"/01/{gtin}/21/{model.split('-')[1]}{serial:06d}"


def seed_passports(session: Session, operators: dict[str, Caller], count: int = 1000) -> int:
    """Issue `count` passports (idempotent: existing battery identifiers are skipped)."""
    rng = random.Random(2026)  # noqa: S311 (deterministic demo data, not cryptography)
    existing = set(session.scalars(select(Passport.battery_id)))
    created = 0
    for model, operator_key, share, attributes in MODELS:
        batch = []
        for serial in range(1, round(count * share) + 1):
            identifier = battery_id(model, serial)
            if identifier in existing:
                continue
            month = f"2026-{rng.randint(1, 10):02d}"
            data = (
                COMMON
                | attributes
                | {
                    "battery_model": model,
                    "manufacturing_date": month,
                    "battery_mass": round(
                        attributes["battery_mass"] * rng.uniform(0.995, 1.005), 1
                    ),
                    "carbon_footprint_study": f"{CF_STUDY}{model}.pdf",
                }
            )
            batch.append(service.prepare(identifier, data))
        created += len(service.issue_passports(session, operators[operator_key], batch))
        session.commit()
    return created
