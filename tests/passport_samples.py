"""A complete passport, as the format tests use it: every attribute the demo fills, plus dynamic
condition data with timestamps, issued by an operator whose plant has a BPNS and a BPNA."""

from __future__ import annotations

from datetime import UTC, datetime

from junkan.passport.demo import COMMON, MODELS

BATTERY_ID = "/01/04934567000042/21/NMC000042"

# The NMC811 EV pack of the demo, complete except for what a pending act will define.
STATIC = (
    COMMON
    | MODELS[0][3]
    | {
        "battery_model": "AZ-NMC811-75",
        "manufacturing_date": "2026-03",
        "manufacturer_trade_name": "Aizu Motors",
        "carbon_footprint_raw_materials": 61.0,
        "carbon_footprint_main_production": 31.5,
        "carbon_footprint_distribution": 1.5,
        "carbon_footprint_end_of_life": 6.0,
        "carbon_footprint_class": "B",
        "carbon_footprint_study": "https://junkan.example/cf-studies/AZ-NMC811-75.pdf",
        "due_diligence_report": "https://junkan.example/dd/AZ-NMC811-75",
        "third_party_assurances": [
            {
                "title": "RMI RMAP refiner audit",
                "url": "https://junkan.example/assurance/rmap.pdf",
                "media_type": "application/pdf",
            }
        ],
        "recycled_cobalt_pre_consumer": 4.0,
        "recycled_cobalt_post_consumer": 12.0,
        "recycled_lithium_pre_consumer": 1.0,
        "recycled_lithium_post_consumer": 5.0,
        "recycled_nickel_pre_consumer": 2.0,
        "recycled_nickel_post_consumer": 4.0,
        "recycled_lead_pre_consumer": 0.0,
        "recycled_lead_post_consumer": 0.0,
    }
)
# manufacturing_facility is the operator's own plant; tests set it from the member's site.
del STATIC["manufacturing_facility"]

MEASURED_AT = datetime(2026, 11, 1, 8, 30, tzinfo=UTC)
DYNAMIC = {
    "state_of_certified_energy": 97.5,
    "state_of_charge": 64.0,
    "full_cycles": 118.0,
    "energy_throughput": 8850.0,
    "capacity_throughput": 24250.0,
    "remaining_capacity": 200.0,
    "remaining_power_capability": 246000.0,
    "remaining_round_trip_efficiency": 94.6,
    "self_discharge_rate": 2.1,
    "time_in_extreme_high_temperatures": 4.5,
    "time_in_extreme_low_temperatures": 1.5,
    "time_charging_in_extreme_high_temperatures": 1.0,
    "time_charging_in_extreme_low_temperatures": 0.5,
    "remaining_energy": 73.1,
    "internal_resistance_cell": 0.95,
    "internal_resistance_pack": 99.0,
    "accidents": ["No accident recorded"],
    "deep_discharge_events": 0,
    "overcharge_events": 0,
    "temperature_information": "Cell temperatures stayed between -12 and 41 °C",
}


def issue_full_passport(client, member, facility: str) -> str:
    """POST the complete passport and its dynamic data as `member`; the new passport's id."""
    response = client.post(
        "/passports",
        headers=member.auth,
        json={"battery_id": BATTERY_ID, "data": STATIC | {"manufacturing_facility": facility}},
    )
    assert response.status_code == 201, response.text
    passport_id = response.json()["id"]
    response = client.post(
        f"/passports/{passport_id}/dynamic",
        headers=member.auth,
        json={"measured_at": MEASURED_AT.isoformat(), "values": DYNAMIC},
    )
    assert response.status_code in (200, 201), response.text
    return passport_id


def site_identifier(session, member, scheme: str) -> str:
    """The member's plant identifier in `scheme` (bpns or bpna)."""
    from junkan.identity.models import Identifier, Site

    return (
        session.query(Identifier.value)
        .join(Site)
        .filter(Site.participant_id == member.id, Identifier.scheme == scheme)
        .scalar()
    )


def full_source(**changes):
    """The complete passport as its own operator sees it, without a database."""
    from junkan.passport.formats.base import Source

    facility = {"bpns": "BPNS00080001JSSM", "bpna": "BPNA00080001JA5T", "gln": "4934567000011"}
    passport = {
        "id": "0b5c3f7e-2d7a-4b8e-9a35-5f1d6c2e8a11",
        "battery_id": BATTERY_ID,
        "operator": {
            "id": "5e0c6f0a-8d0f-4a39-9c1e-3d2b7a9f4e21",
            "name": "Aizu Motors Corporation",
            "identifiers": [
                {"scheme": "bpnl", "value": "BPNL00000008JK7R"},
                {"scheme": "lei", "value": "353800AIZUMOTORS010"},
            ],
        },
        "version": 1,
        "predecessor_id": None,
        "successor_id": None,
        "closed": False,
        "access": ["authorities", "interest_and_authorities", "legitimate_interest", "public"],
        "data": STATIC
        | DYNAMIC
        | {"manufacturing_facility": facility["bpns"], "battery_status": "original"},
        "dynamic_updated_at": dict.fromkeys(DYNAMIC, MEASURED_AT),
        "completeness": None,
    }
    fields = {
        "passport": passport,
        "status": "original",
        "issued_at": datetime(2026, 3, 20, 9, 0, tzinfo=UTC),
        "updated_at": datetime(2026, 11, 1, 8, 31, tzinfo=UTC),
        "sites": [
            {
                "name": "Aizuwakamatsu vehicle plant",
                "country": "JP",
                "identifiers": [{"scheme": k, "value": v} for k, v in facility.items()],
            }
        ],
        "resolver_url": f"https://passports.junkan.example{BATTERY_ID}",
    }
    return Source(**(fields | changes))


def operator_with_full_passport(client, session, make_member):
    """A carmaker with a plant (BPNS and BPNA) that issued the complete passport: (member, id)."""
    member = make_member(
        "economic_operator",
        name="Aizu Motors Corporation",
        country="JP",
        site="Aizuwakamatsu plant",
    )
    passport_id = issue_full_passport(client, member, site_identifier(session, member, "bpns"))
    return member, passport_id
