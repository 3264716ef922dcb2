"""The Battery Pass 1.2 format: official-schema validity, lossless round trip, access, API."""

from __future__ import annotations

import copy
import json
from datetime import datetime

import pytest
from sqlalchemy import func, select

from junkan.passport import formats, service
from junkan.passport.attributes import BY_KEY, Access
from junkan.passport.formats.batterypass import FORMAT
from junkan.passport.models import Passport
from tests.passport_samples import (
    DYNAMIC,
    MEASURED_AT,
    STATIC,
    full_source,
    issue_full_passport,
    site_identifier,
)

GPI, CIRC, MC = "GeneralProductInformation", "Circularity", "MaterialComposition"
TECH = "PerformanceAndDurability.batteryTechicalProperties"
COND = "PerformanceAndDurability.batteryCondition"
URL = "application/problem+json"

# What the official 1.2 schemas require and Junkan cannot honestly fill for the complete sample.
UNFILLABLE = {
    f"{GPI}.manufacturerInformation.postalAddress.addressCountry",
    f"{GPI}.manufacturerInformation.postalAddress.postalCode",
    f"{GPI}.operatorInformation.postalAddress.addressCountry",
    f"{GPI}.operatorInformation.postalAddress.postalCode",
    f"{GPI}.manufacturingPlace.postalCode",
    f"{GPI}.puttingIntoService",  # not mandatory for EV batteries in Junkan, always in the model
    f"{GPI}.warrentyPeriod",  # a gMonth: 96 months do not fit
    f"{MC}.batteryChemistry.clearName",
    f"{MC}.hazardousSubstances.0.hazardousSubstanceConcentration",
    f"{CIRC}.endOfLifeInformation.separateCollection",  # Junkan holds text, the model a URL
    f"{CIRC}.endOfLifeInformation.wastePrevention",
    f"{CIRC}.safetyMeasures.safetyInstructions",
    f"{CIRC}.sparePartSources.0.addressOfSupplier",
    f"{CIRC}.sparePartSources.0.components",
    f"{CIRC}.sparePartSources.0.emailAddressOfSupplier",
    f"{TECH}.initialSelfDischarge",
    f"{TECH}.lifetimeReferenceTest",
    f"{TECH}.powerCapabilityRatio",
    f"{TECH}.temperatureRangeIdleState",
    f"{COND}.currentSelfDischargingRate",
    f"{COND}.negativeEvents",
    f"{COND}.remainingEnergy",
    f"{COND}.remainingPowerCapability.0.remainingPowerCapabilityValue.atSoC",
    f"{COND}.temperatureInformation",
}


def _set(document: dict, path: str, value) -> None:
    *parents, last = path.split(".")
    for part in parents:
        document = document[int(part)] if isinstance(document, list) else document[part]
    document[last] = value


def complete(document: dict) -> dict:
    """The export with what another system would add for the fields Junkan cannot fill."""
    document = copy.deepcopy(document)
    stamp = MEASURED_AT.isoformat()
    address = {"postalCode": "965-0000", "addressCountry": "Japan"}
    for who in ("manufacturerInformation", "operatorInformation"):
        document[GPI][who]["postalAddress"] |= address
    fills = {
        f"{GPI}.manufacturingPlace.postalCode": "965-8501",
        f"{GPI}.puttingIntoService": "2026-05-01T00:00:00Z",
        f"{GPI}.warrentyPeriod": "--12",
        f"{MC}.batteryChemistry.clearName": "Lithium nickel manganese cobalt oxide",
        f"{MC}.hazardousSubstances.0.hazardousSubstanceConcentration": 1.2,
        f"{CIRC}.endOfLifeInformation.separateCollection": "https://aizu.example/collect",
        f"{CIRC}.endOfLifeInformation.wastePrevention": "https://aizu.example/prevent",
        f"{CIRC}.safetyMeasures.safetyInstructions": "https://aizu.example/safety",
        f"{CIRC}.sparePartSources.0.addressOfSupplier": {
            "streetAddress": "1-1 Motomachi",
            "postalCode": "965-0000",
            "addressCountry": "Japan",
        },
        f"{CIRC}.sparePartSources.0.components": [{"partName": "Module", "partNumber": "MOD-A"}],
        f"{CIRC}.sparePartSources.0.emailAddressOfSupplier": "parts@aizu.example",
        f"{TECH}.initialSelfDischarge": 2.0,
        f"{TECH}.lifetimeReferenceTest": "https://aizu.example/iec-62660-1",
        f"{TECH}.powerCapabilityRatio": 3.5,
        f"{TECH}.temperatureRangeIdleState": 25.0,
        f"{COND}.currentSelfDischargingRate": {
            "currentSelfDischargingRateEntity": 2.0,
            "lastUpdate": stamp,
        },
        f"{COND}.negativeEvents": [],
        f"{COND}.remainingEnergy": {"remainingEnergyalue": 72.0, "lastUpdate": stamp},
        f"{COND}.remainingPowerCapability.0.remainingPowerCapabilityValue.atSoC": 80,
        f"{COND}.temperatureInformation": {
            "timeExtremeHighTemp": 300.0,
            "timeExtremeLowTemp": 60.0,
            "timeExtremeHighTempCharging": 90.0,
            "timeExtremeLowTempCharging": 0.0,
            "lastUpdate": stamp,
        },
    }
    for path, value in fills.items():
        _set(document, path, value)
    return document


def fields(errors: list[dict]) -> set[str]:
    return {error["field"] for error in errors}


# --- (1) the official schemas ----------------------------------------------------------------


def test_complete_sample_misses_only_what_junkan_cannot_hold():
    errors = FORMAT.validate(FORMAT.export(full_source()))
    assert fields(errors) == UNFILLABLE
    assert all(e["message"].startswith("required; ") for e in errors)
    by_field = {e["field"]: e["message"] for e in errors}
    assert "data.putting_into_service_date" in by_field[f"{GPI}.puttingIntoService"]
    assert (
        "share_percent" in by_field[f"{MC}.hazardousSubstances.0.hazardousSubstanceConcentration"]
    )
    assert "data.safety_measures" in by_field[f"{CIRC}.safetyMeasures.safetyInstructions"]


def test_completed_export_is_valid_and_the_schemas_do_check():
    document = complete(FORMAT.export(full_source()))
    assert FORMAT.validate(document) == []
    document[GPI]["batteryMass"] = "heavy"
    document[GPI]["batteryCategory"] = "truck"
    del document["Labeling"]
    document["Extra"] = {}
    assert fields(FORMAT.validate(document)) == {
        f"{GPI}.batteryMass",
        f"{GPI}.batteryCategory",
        "Labeling",
        "Extra",
    }
    assert fields(FORMAT.validate([])) == {"(root)"}


def test_export_converts_units_exactly_and_states_its_derivations():
    source = full_source()
    document = FORMAT.export(source)
    materials = document[MC]["batteryMaterials"]
    assert [(m["batteryMaterialName"], m["batteryMaterialMass"]) for m in materials] == [
        ("LiNi0.8Mn0.1Co0.1O2", 96000.0),  # kg -> g
        ("graphite", 61000.0),
        ("ethylene carbonate", 18000.0),
    ]
    # graphite is "natural graphite" in the critical raw materials; the cathode oxide is not
    assert [m["isCriticalRawMaterial"] for m in materials] == [False, True, False]
    technical = document["PerformanceAndDurability"]["batteryTechicalProperties"]
    assert technical["ratedMaximumPower"] == 260.0  # W -> kW
    assert technical["initialInternalResistance"] == [
        {"batteryComponent": "cell", "ohmicResistance": 0.0009},  # mΩ -> Ω
        {"batteryComponent": "pack", "ohmicResistance": 0.095},
    ]
    stages = document["CarbonFootprintForBatteries"]["carbonFootprintPerLifecycleStage"]
    assert {s["lifecycleStage"]: s["carbonFootprint"] for s in stages} == {
        "RawMaterialExtraction": 44.164,  # 61 % of 72.4 kgCO2e/kWh
        "MainProduction": 22.806,
        "Distribution": 1.086,
        "Recycling": 4.344,
    }
    general = document[GPI]
    assert general["batteryPassportIdentifier"] == "urn:junkan:0b5c3f7e2d7a4b8e9a355f1d6c2e8a11"
    assert general["manufacturingDate"] == "2026-03-01T00:00:00Z"
    assert general["manufacturingPlace"]["addressCountry"] == "JP"  # the facility's site
    assert general["manufacturerInformation"]["identifier"] == "BPNL00000008JK7R"
    assert general["batteryStatus"] == "Original"
    hazard = document[MC]["hazardousSubstances"][0]
    assert hazard["hazardousSubstanceClass"] == "AcuteToxicity"
    assert hazard["hazardousSubstanceImpact"] == ["Acute Tox. 3", "Skin Corr. 1A", "STOT RE 1"]
    condition = document["PerformanceAndDurability"]["batteryCondition"]
    assert condition["stateOfCertifiedEnergy"] == {
        "stateOfCertifiedEnergyValue": 97.5,
        "lastUpdate": MEASURED_AT.isoformat(),
    }
    assert document["Junkan"] == {"batteryModel": "AZ-NMC811-75"}
    absolute = full_source().data | {"absolute_carbon_footprint": 12.345}
    passport = source.passport | {"data": absolute}
    exported = FORMAT.export(full_source(passport=passport))
    assert exported["CarbonFootprintForBatteries"]["absoluteCarbonFootprint"] == 12345.0


# --- (2) the round trip ----------------------------------------------------------------------


def test_round_trip_is_lossless_for_everything_carried():
    source = full_source()
    imported = FORMAT.read(FORMAT.export(source))
    assert imported.battery_id == source.passport["battery_id"]
    assert {
        "battery_model",
        "carbon_footprint_raw_materials",
        "cathode_materials",
        "hazardous_substances",
        "maximum_permitted_power",
        "remaining_power_capability",
    } <= FORMAT.carries
    for key in FORMAT.carries:
        if BY_KEY[key].dynamic:
            got = {at: values[key] for at, values in imported.dynamic.items() if key in values}
            assert got == {source.measured_at(key): source.data[key]}, key
        elif key in source.data:
            assert imported.data[key] == source.data[key], key
        else:
            assert key not in imported.data, key
    assert set(imported.dynamic) == {MEASURED_AT}
    not_held = {"manufacturer_trade_name", "manufacturer_email", "battery_length", "battery_status"}
    assert not_held.isdisjoint(FORMAT.carries)
    assert not_held.isdisjoint(imported.data)


# --- (3) a missing source attribute is named -------------------------------------------------


def source_without(key: str):
    source = full_source()
    passport = source.passport | {
        "data": {k: v for k, v in source.data.items() if k != key},
        "dynamic_updated_at": {
            k: v for k, v in source.passport["dynamic_updated_at"].items() if k != key
        },
    }
    return full_source(passport=passport)


@pytest.mark.parametrize(
    ("key", "field"),
    [
        ("battery_category", f"{GPI}.batteryCategory"),
        ("battery_mass", f"{GPI}.batteryMass"),
        ("manufacturer_name", f"{GPI}.manufacturerInformation.contactName"),
        ("manufacturer_address", f"{GPI}.manufacturerInformation.postalAddress"),
        ("manufacturing_date", f"{GPI}.manufacturingDate"),
        ("manufacturing_place", f"{GPI}.manufacturingPlace.streetAddress"),
        ("manufacturing_facility", f"{GPI}.manufacturingPlace.addressCountry"),
        ("battery_status", f"{GPI}.batteryStatus"),
        ("declaration_of_conformity", "Labeling.declarationOfConformity"),
        ("test_reports", "Labeling.resultOfTestReport"),
        ("separate_collection_symbol", "Labeling.labels"),
        ("symbols_meaning", "Labeling.labels.0.labelingMeaning"),
        ("carbon_footprint", "CarbonFootprintForBatteries.batteryCarbonFootprint"),
        ("carbon_footprint_class", "CarbonFootprintForBatteries.carbonFootprintPerformanceClass"),
        ("carbon_footprint_study", "CarbonFootprintForBatteries.carbonFootprintStudy"),
        ("due_diligence_report", "SupplyChainDueDiligence.supplyChainDueDiligenceReport"),
        ("battery_chemistry", f"{MC}.batteryChemistry.shortName"),
        ("critical_raw_materials", f"{MC}.batteryMaterials.0.isCriticalRawMaterial"),
        ("hazardous_substances", f"{MC}.hazardousSubstances"),
        ("dismantling_information", f"{CIRC}.dismantlingAndRemovalInformation"),
        ("spare_part_sources", f"{CIRC}.sparePartSources"),
        ("recycled_nickel_pre_consumer", f"{CIRC}.recycledContent.2.preConsumerShare"),
        ("extinguishing_agent", f"{CIRC}.safetyMeasures.extinguishingAgent"),
        ("renewable_content", f"{CIRC}.renewableContent"),
        ("rated_capacity", f"{TECH}.ratedCapacity"),
        ("maximum_permitted_power", f"{TECH}.ratedMaximumPower"),
        ("expected_lifetime_cycles", f"{TECH}.expectedNumberOfCycles"),
        ("c_rate", f"{TECH}.cRateLifeCycleTest"),
        ("capacity_fade", f"{COND}.capacityFade"),
        ("power_fade", f"{COND}.powerFade"),
        ("internal_resistance_increase", f"{COND}.internalResistanceIncrease"),
        ("state_of_certified_energy", f"{COND}.stateOfCertifiedEnergy"),
        ("state_of_charge", f"{COND}.stateOfCharge"),
        ("full_cycles", f"{COND}.numberOfFullCycles"),
        ("energy_throughput", f"{COND}.energyThroughput"),
        ("self_discharge_rate", f"{COND}.evolutionOfSelfDischarge"),
        ("remaining_power_capability", f"{COND}.remainingPowerCapability"),
    ],
)
def test_a_missing_attribute_is_named_where_the_model_requires_it(key, field):
    errors = FORMAT.validate(FORMAT.export(source_without(key)))
    messages = {e["field"]: e["message"] for e in errors}
    assert field in messages, sorted(fields(errors) - UNFILLABLE)
    assert f"data.{key}" in messages[field]


def test_a_missing_item_field_names_its_list():
    source = full_source()
    anode = [{"name": "graphite", "cas": "7782-42-5"}]  # no mass
    passport = source.passport | {"data": source.data | {"anode_materials": anode}}
    errors = FORMAT.validate(FORMAT.export(full_source(passport=passport)))
    mass = f"{MC}.batteryMaterials.1.batteryMaterialMass"
    assert {e["field"]: e["message"] for e in errors if e["field"] not in UNFILLABLE} == {
        mass: "required; fill mass_kg in data.anode_materials"
    }


# --- (4) the API, on every database ----------------------------------------------------------

NAME = "batterypass-1.2"


def count_passports(session) -> int:
    session.rollback()
    return session.scalar(select(func.count()).select_from(Passport))


def issue(client, session, make_member):
    from junkan.identity.service import Caller

    member = make_member(
        "economic_operator",
        name="Aizu Motors Corporation",
        country="JP",
        site="Aizuwakamatsu plant",
    )
    passport_id = issue_full_passport(client, member, site_identifier(session, member, "bpns"))
    caller = Caller(participant_id=member.id, roles=frozenset({"economic_operator"}))
    return member, passport_id, caller


def exported_by(session, passport_id: str, caller) -> dict:
    """What the export endpoint builds before it validates, for the caller."""
    session.rollback()
    passport = service.get_passport(session, passport_id)
    return FORMAT.export(formats.source_for(session, passport, caller, "http://testserver"))


def test_api_export_names_exactly_the_unfillable_fields(client, session, make_member):
    member, passport_id, caller = issue(client, session, make_member)
    response = client.get(f"/passports/{passport_id}/export/{NAME}", headers=member.auth)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == URL
    assert fields(response.json()["errors"]) == UNFILLABLE
    document = exported_by(session, passport_id, caller)
    assert fields(FORMAT.validate(document)) == UNFILLABLE
    assert FORMAT.validate(complete(document)) == []


def test_api_anonymous_export_holds_no_restricted_value(client, session, make_member):
    from junkan.identity.service import ANONYMOUS

    _, passport_id, _ = issue(client, session, make_member)
    response = client.get(f"/passports/{passport_id}/export/{NAME}")
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == URL
    messages = {e["field"]: e["message"] for e in response.json()["errors"]}
    assert UNFILLABLE - messages.keys() == {  # items the public cannot see are not there at all
        f"{CIRC}.sparePartSources.0.addressOfSupplier",
        f"{CIRC}.sparePartSources.0.components",
        f"{CIRC}.sparePartSources.0.emailAddressOfSupplier",
        f"{COND}.remainingPowerCapability.0.remainingPowerCapabilityValue.atSoC",
    }
    assert (
        messages[f"{COND}.stateOfCertifiedEnergy"]
        == "required; fill data.state_of_certified_energy"
    )
    assert messages[f"{GPI}.batteryStatus"].startswith("required; fill data.battery_status")
    assert messages["Labeling.resultOfTestReport"] == "required; fill data.test_reports"
    assert messages[f"{MC}.batteryMaterials"].startswith("required; fill data.cathode_materials")
    # the document behind that answer carries public values only
    document = exported_by(session, passport_id, ANONYMOUS)
    imported = FORMAT.read(document)
    assert imported.dynamic == {}
    assert {BY_KEY[key].access for key in imported.data} == {Access.PUBLIC}
    assert imported.data["battery_mass"] == STATIC["battery_mass"]
    text = json.dumps(document)
    restricted = [
        value
        for key, value in (STATIC | DYNAMIC).items()
        if BY_KEY[key].access != Access.PUBLIC and isinstance(value, str | list)
    ]
    assert restricted, "the sample must hold restricted values for this test to mean anything"
    for value in restricted:
        for leaf in value if isinstance(value, list) else [value]:
            assert json.dumps(leaf)[1:-1] not in text, leaf


def test_api_import_round_trip_and_broken_documents(client, session, make_member):
    member, passport_id, caller = issue(client, session, make_member)
    original = client.get(f"/passports/{passport_id}", headers=member.auth).json()
    document = complete(exported_by(session, passport_id, caller))
    document[GPI]["productIdentifier"] = "urn:junkan:battery:BP12-IMPORT-1"
    before = count_passports(session)

    broken = copy.deepcopy(document)
    broken[GPI]["batteryMass"] = "heavy"
    del broken["Labeling"]["declarationOfConformity"]
    response = client.post(f"/passports/import/{NAME}", headers=member.auth, json=broken)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == URL
    assert {
        f"{GPI}.batteryMass",
        "Labeling.declarationOfConformity",
    } <= fields(response.json()["errors"])
    assert count_passports(session) == before

    response = client.post(f"/passports/import/{NAME}", headers=member.auth, json=document)
    assert response.status_code == 201, response.text
    assert count_passports(session) == before + 1
    created = response.json()
    assert created["battery_id"] == "urn:junkan:battery:BP12-IMPORT-1"
    assert created["id"] != passport_id
    data = original["data"]
    expected = data | {  # what the other system added, by the rules in the module docstring
        "manufacturing_place": data["manufacturing_place"] + ", 965-8501",
        "hazardous_substances": [data["hazardous_substances"][0] | {"share_percent": 1.2}],
        "putting_into_service_date": "2026-05-01",
    }
    for key in FORMAT.carries:
        assert created["data"].get(key) == expected.get(key), key
    for key in FORMAT.carries & DYNAMIC.keys():
        assert datetime.fromisoformat(created["dynamic_updated_at"][key]) == MEASURED_AT, key

    document[GPI]["productIdentifier"] = "urn:junkan:battery:BP12-IMPORT-2"
    del document["Junkan"]  # a document from elsewhere has no battery model
    response = client.post(f"/passports/import/{NAME}", headers=member.auth, json=document)
    assert response.status_code == 422, response.text
    assert "data.battery_model" in fields(response.json()["errors"])
    assert count_passports(session) == before + 1
