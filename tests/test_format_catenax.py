"""Catena-X Battery Pass 6.1.0: the official schema, the round trip, and the API on both DBs."""

from __future__ import annotations

import copy
import json
import re

import pytest
from passport_samples import (
    BATTERY_ID,
    DYNAMIC,
    MEASURED_AT,
    full_source,
    issue_full_passport,
    operator_with_full_passport,
    site_identifier,
)
from sqlalchemy import func, select

from junkan.identity.service import Caller
from junkan.passport import formats
from junkan.passport.attributes import BY_KEY
from junkan.passport.formats import catenax
from junkan.passport.formats.base import schema_errors
from junkan.passport.models import Passport

FORMAT = catenax.FORMAT
NAME = "catenax-battery-pass-6.1.0"
NOT_HELD_MESSAGE = "required; Junkan holds no attribute for it"

# Required by Catena-X and held by no Junkan attribute (list indices dropped).
NOT_HELD = {
    "identification.identification.classification",
    "identification.identification.dataCarrier",
    *(f"materials.active.{m}.{f}" for m in ("nickel", "lithium", "cobalt", "lead")
      for f in ("documentation", "location")),
    *(f"materials.hazardous.{m}.{f}" for m in ("mercury", "cadmium", "lead")
      for f in ("documentation", "location")),
    *(f"materials.composition.{f}" for f in ("documentation", "recycled", "renewable")),
    "materials.hazardous.other.documentation",
    "metadata.backupReference",
    "metadata.expirationDate",
    "performance.dynamic.resistance.increase.cell",
    "performance.rated.lifetime.cycleLifeTesting.appliedChargeRate",
    "safety.usableExtinguishAgent.fireClass",
    "sustainability.carbonFootprint.rulebook",
}  # fmt: skip
# What the sample leaves out although Junkan holds it: its spare-part supplier has no BPNL, its
# electrolyte material and its hazardous substance no critical flag. Field → message part.
SAMPLE_GAPS = {
    "handling.content.producer": "identifier (a BPNL) of data.spare_part_sources",
    "materials.composition.critical": "critical of the electrode materials",
    "materials.hazardous.other.critical": "critical of the substances",
}
SUPPLIER_BPNL = "BPNL00000003CSGV"
LINK = [{"header": "Supplier record", "contentType": "URL", "content": "https://cx.example/doc"}]


def filled_sample_gaps(data: dict) -> dict:
    """`data` with the sample's gaps filled: a BPNL for the supplier, critical flags for all."""
    suppliers = [s | {"identifier": SUPPLIER_BPNL} for s in data["spare_part_sources"]]
    changes = {"spare_part_sources": suppliers}
    for key in ("electrolyte_materials", "hazardous_substances"):
        changes[key] = [{"critical": False} | item for item in data[key]]
    return changes


def unindexed(field: str) -> str:
    return re.sub(r"\.\d+(?=\.|$)", "", field)


def completed(document: dict) -> dict:
    """`document` with what another Catena-X system would add where Junkan holds nothing."""
    doc = copy.deepcopy(document)
    identification = doc["identification"]["identification"]
    identification["classification"] = [
        {"classificationStandard": "GIN 20510-21513", "classificationID": "1004712"}
    ]
    identification["dataCarrier"] = {"carrierType": "QR", "carrierLayout": "top cover"}
    doc["handling"]["content"].setdefault("producer", [{"id": SUPPLIER_BPNL}])
    materials = doc["materials"]
    for metal in ("nickel", "lithium", "cobalt", "lead"):
        materials["active"][metal] |= {"documentation": LINK, "location": "cathode"}
    for metal in ("mercury", "cadmium", "lead"):
        materials["hazardous"][metal] |= {"documentation": LINK, "location": "none"}
    for entry in materials["composition"]:
        entry |= {"documentation": LINK, "recycled": 0.0, "renewable": 0.0}
        entry.setdefault("critical", False)
    for entry in materials["hazardous"]["other"]:
        entry |= {"documentation": LINK}
        entry.setdefault("critical", False)
    doc["metadata"] |= {
        "backupReference": "https://backup.cx.example/p",
        "expirationDate": "2040-01-01",
    }
    rated, dynamic = doc["performance"]["rated"], doc["performance"]["dynamic"]
    rated["lifetime"]["cycleLifeTesting"]["appliedChargeRate"] = 1.0
    time = dynamic["stateOfCharge"]["time"]
    dynamic["resistance"]["increase"]["cell"] = {"value": 3.0, "time": time}
    for agent in doc["safety"]["usableExtinguishAgent"]:
        agent["fireClass"] = "A, B, C"
    for entry in doc["sustainability"]["carbonFootprint"]:
        entry["rulebook"] = LINK
    return doc


def source_with(data_changes: dict | None = None, removed: str | None = None, **changes):
    source = full_source()
    passport = copy.deepcopy(source.passport)
    passport["data"] |= data_changes or {}
    passport["data"].pop(removed, None)
    passport["dynamic_updated_at"].pop(removed, None)
    return full_source(passport=passport, **changes)


# --- (1) the official schema ---------------------------------------------------------------------


def test_full_sample_lacks_only_what_junkan_cannot_hold():
    errors = FORMAT.validate(FORMAT.export(full_source()))
    assert {unindexed(e["field"]) for e in errors} == NOT_HELD | SAMPLE_GAPS.keys()
    for error in errors:
        field = unindexed(error["field"])
        expected = NOT_HELD_MESSAGE if field in NOT_HELD else SAMPLE_GAPS[field]
        assert expected in error["message"], error


def test_sample_with_its_gaps_filled_lacks_only_what_junkan_cannot_hold():
    source = source_with(filled_sample_gaps(full_source().data))
    document = FORMAT.export(source)
    errors = FORMAT.validate(document)
    assert {unindexed(e["field"]) for e in errors} == NOT_HELD
    assert all(e["message"] == NOT_HELD_MESSAGE for e in errors)
    assert document["handling"]["content"]["producer"] == [{"id": SUPPLIER_BPNL}]
    assert schema_errors(catenax.SCHEMA, completed(document)) == []


def test_export_is_otherwise_valid_against_the_official_schema():
    document = completed(FORMAT.export(full_source()))
    assert schema_errors(catenax.SCHEMA, document) == []
    assert FORMAT.validate(document) == []


def test_export_maps_values_by_the_stated_rules():
    document = FORMAT.export(full_source())
    assert document["identification"]["idDmc"] == BATTERY_ID
    assert document["identification"]["category"] == "EV"
    assert document["identification"]["identification"]["codes"] == [
        {"key": "GTIN", "value": "04934567000042"}
    ]
    metadata = document["metadata"]
    assert metadata["passportIdentifier"] == "urn:uuid:0b5c3f7e-2d7a-4b8e-9a35-5f1d6c2e8a11"
    assert metadata["predecessor"] == catenax.NIL_UUID
    assert catenax.predecessor_of(document) is None
    assert metadata["economicOperatorId"] == "BPNL00000008JK7R"
    assert (metadata["issueDate"], metadata["lastModification"]) == ("2026-03-20", "2026-11-01")
    manufacturer = document["operation"]["manufacturer"]
    assert manufacturer == {
        "manufacturer": "BPNL00000008JK7R",
        "facility": [{"facility": "BPNA00080001JA5T"}],
        "manufacturingDate": "2026-03-01",
    }
    assert document["characteristics"]["warranty"] == {"lifeValue": 96, "lifeUnit": "unit:month"}
    weight = document["characteristics"]["physicalDimension"]["weight"]
    assert weight == {"value": 452.0, "unit": "unit:kilogram"}
    rated, dynamic = document["performance"]["rated"], document["performance"]["dynamic"]
    assert rated["resistance"] == {"cell": 0.0009, "pack": 0.095}
    assert rated["lifetime"]["cycleLifeTesting"] == {
        "cycles": 2000,
        "appliedDischargeRate": 1.0,
        "temperature": 25.0,
        "depthOfDischarge": 100.0,
    }
    assert rated["roundTripEfficiency"]["depthOfDischarge"] == 100.0
    assert (rated["selfDischargingRate"], dynamic["selfDischargingRate"]) == (2.0, 2.1)
    measured = "2026-11-01T08:30:00+00:00"
    assert dynamic["stateOfCharge"] == {"value": 64.0, "time": measured}
    assert dynamic["capacity"]["fade"] == {"value": 20.0, "time": "2026-11-01T08:31:00+00:00"}
    assert dynamic["energy"]["remaining"] == {"value": 73.1, "time": measured}
    assert dynamic["resistance"]["remaining"] == {
        "cell": {"value": 0.00095, "time": measured},
        "pack": {"value": 0.099, "time": measured},
    }
    events = {e["header"]: (e["contentType"], e["content"]) for e in dynamic["negativeEvents"]}
    assert events["Information on accidents"] == ("text/plain", "No accident recorded")
    assert events["Time spent charging in extreme low temperatures"] == ("text/plain", "0.5 h")
    assert events["Deep discharge events"] == ("text/plain", "0")
    assert dynamic["operatingEnvironment"][0]["header"] == "Temperature information"
    footprint = {e["lifecycle"]: e for e in document["sustainability"]["carbonFootprint"]}
    assert footprint["total"]["value"] == 72.4
    assert footprint["total"]["performanceClass"] == "B"
    assert footprint["raw material acquisition and pre-processing"]["value"] == pytest.approx(
        44.164
    )
    assert footprint["distribution"]["manufacturingPlant"] == [{"facility": "BPNA00080001JA5T"}]
    materials = document["materials"]
    assert materials["active"]["cobalt"] == {"recycled": 16.0, "critical": True}
    impacts = materials["hazardous"]["other"][0]["impactOfSubstances"]
    for metal in ("mercury", "cadmium", "lead"):
        assert materials["hazardous"][metal] == {
            "concentration": 0.0,
            "materialUnit": "unit:partPerMillion",
            "critical": False,
            "impactOfSubstances": impacts,
        } | ({"recycled": 0.0} if metal == "lead" else {})
    assert materials["active"]["lead"] == materials["hazardous"]["lead"]
    assert [e.get("critical") for e in materials["composition"]] == [True, True, None]
    assert materials["composition"][0]["unit"] == "unit:percent"
    assert document["handling"] == {
        "applicable": True,
        "content": {
            "sparePart": [
                {"manufacturerPartId": part, "nameAtManufacturer": part}
                for part in ("MOD-A-12", "BMS-7", "HVJ-2")
            ]
        },
    }
    sources = {s["header"]: s for s in document["sources"]}
    address = sources["Manufacturer postal address"]
    assert (address["type"], address["category"]) == (
        "application/json",
        "Manufacturer Information",
    )
    assert json.loads(address["content"]) == full_source().data["manufacturer_address"]
    suppliers = sources["Sources of spare parts"]
    assert (suppliers["type"], suppliers["category"]) == (
        "application/json",
        "Repair and Installation",
    )
    assert document["sustainability"]["status"] == "original"


def test_predecessor_and_stationary_category():
    passport = copy.deepcopy(full_source().passport)
    passport["predecessor_id"] = "7d9f1a3e-1c2b-4d5e-8f90-a1b2c3d4e5f6"
    passport["data"]["battery_category"] = "stationary"
    document = FORMAT.export(full_source(passport=passport))
    assert document["metadata"]["predecessor"] == "urn:uuid:7d9f1a3e-1c2b-4d5e-8f90-a1b2c3d4e5f6"
    assert catenax.predecessor_of(document) == "7d9f1a3e-1c2b-4d5e-8f90-a1b2c3d4e5f6"
    assert document["identification"]["category"] == "industrial"
    assert "purpose" not in document["commercial"]
    assert FORMAT.read(document).data["battery_category"] == "industrial"
    assert "battery_category" not in FORMAT.carries


# --- (2) the round trip --------------------------------------------------------------------------

EXTRA = {
    "putting_into_service_date": "2026-06-15",
    "cadmium_lead_symbols": "No Cd or Pb symbol required",
    "carbon_footprint_label": "https://junkan.example/labels/cf-B.svg",
}


def test_round_trip_is_lossless_over_carries():
    source = source_with(EXTRA)
    imported = FORMAT.read(FORMAT.export(source))
    assert imported.battery_id == BATTERY_ID
    static = {k for k in FORMAT.carries if not BY_KEY[k].dynamic}
    dynamic = FORMAT.carries - static
    assert static <= source.data.keys()
    for key in sorted(static):
        assert imported.data.get(key) == source.data[key], key
    assert not {k for k in imported.data if BY_KEY[k].dynamic}
    assert list(imported.dynamic) == [MEASURED_AT]
    assert dynamic == {
        "state_of_certified_energy",
        "state_of_charge",
        "full_cycles",
        "energy_throughput",
        "capacity_throughput",
        "remaining_capacity",
        "remaining_power_capability",
        "remaining_round_trip_efficiency",
        "remaining_energy",
        "internal_resistance_cell",
        "internal_resistance_pack",
    }
    assert {
        "manufacturer_address",
        "spare_part_sources",
        "substance_impacts",
        "cycle_life_test_temperature",
        "cycle_life_test_depth_of_discharge",
        "initial_self_discharge_rate",
        "mercury_content",
        "cadmium_content",
        "lead_content",
    } <= static
    # Undated values (documents and the current self-discharge rate) come at the newest time.
    assert imported.dynamic[MEASURED_AT] == DYNAMIC
    assert len(static) == 67


def test_documents_keep_title_and_media_type():
    imported = FORMAT.read(FORMAT.export(full_source()))
    assert imported.data["test_reports"] == [
        {
            "title": "UN 38.3 transport test summary",
            "url": "https://junkan.example/reports/un38.3.pdf",
            "media_type": "application/pdf",
        }
    ]
    assert imported.data["collection_points_information"] == (
        "https://junkan.example/collection-points"
    )


def test_substances_keep_their_critical_flag():
    changes = filled_sample_gaps(full_source().data)
    imported = FORMAT.read(FORMAT.export(source_with(changes)))
    flags = {
        key: [item["critical"] for item in imported.data[key]]
        for key in ("cathode_materials", "anode_materials", "electrolyte_materials")
    }
    assert flags == {
        "cathode_materials": [True],
        "anode_materials": [True],
        "electrolyte_materials": [False],
    }
    assert [i["critical"] for i in imported.data["hazardous_substances"]] == [False]


def test_import_converts_concentrations_and_skips_what_it_cannot_read():
    document = completed(FORMAT.export(full_source()))
    mercury = document["materials"]["hazardous"]["mercury"]
    mercury |= {"concentration": 0.0004, "materialUnit": "unit:percent"}
    document["materials"]["hazardous"]["cadmium"]["materialUnit"] = "unit:percentVolume"
    document["materials"]["hazardous"]["lead"]["concentration"] = 2.5
    for item in document["sources"]:
        if item["header"] == "Manufacturer postal address":
            item |= {"type": "text/plain", "content": "1-1 Motomachi, Aizuwakamatsu, Japan"}
    assert FORMAT.validate(document) == []
    data = FORMAT.read(document).data
    assert (data["mercury_content"], data["lead_content"]) == (4.0, 2.5)
    assert "cadmium_content" not in data
    assert "manufacturer_address" not in data


# --- (3) a missing source attribute is named -----------------------------------------------------


@pytest.mark.parametrize(
    ("key", "field"),
    [
        ("battery_category", "identification.category"),
        ("battery_chemistry", "identification.chemistry"),
        ("battery_model", "identification.identification.type.manufacturerPartId"),
        ("manufacturing_facility", "operation.manufacturer.facility"),
        ("battery_mass", "characteristics.physicalDimension.weight"),
        ("warranty_period", "characteristics.warranty"),
        ("battery_status", "sustainability.status"),
        ("carbon_footprint", "sustainability.carbonFootprint"),
        ("carbon_footprint_study", "sustainability.carbonFootprint.0.declaration"),
        ("waste_prevention_information", "sustainability.documents.wastePrevention"),
        ("recycled_nickel_post_consumer", "materials.active.nickel.recycled"),
        ("critical_raw_materials", "materials.active.cobalt.critical"),
        ("critical_raw_materials", "materials.hazardous.mercury.critical"),
        ("mercury_content", "materials.hazardous.mercury.concentration"),
        ("cadmium_content", "materials.hazardous.cadmium.materialUnit"),
        ("lead_content", "materials.active.lead.concentration"),
        ("lead_content", "materials.hazardous.lead.concentration"),
        ("substance_impacts", "materials.hazardous.lead.impactOfSubstances"),
        ("spare_part_sources", "handling"),
        ("rated_capacity", "performance.rated.capacity.value"),
        ("minimum_voltage", "performance.rated.voltage.min"),
        ("initial_internal_resistance_pack", "performance.rated.resistance.pack"),
        ("expected_lifetime_years", "performance.rated.lifetime.expectedYears"),
        ("cycle_life_reference_test", "performance.rated.lifetime.report"),
        ("cycle_life_test_temperature", "performance.rated.lifetime.cycleLifeTesting.temperature"),
        (
            "cycle_life_test_depth_of_discharge",
            "performance.rated.lifetime.cycleLifeTesting.depthOfDischarge",
        ),
        (
            "cycle_life_test_depth_of_discharge",
            "performance.rated.roundTripEfficiency.depthOfDischarge",
        ),
        ("initial_self_discharge_rate", "performance.rated.selfDischargingRate"),
        ("remaining_energy", "performance.dynamic.energy.remaining"),
        ("internal_resistance_cell", "performance.dynamic.resistance.remaining.cell"),
        ("internal_resistance_pack", "performance.dynamic.resistance.remaining.pack"),
        ("state_of_charge", "performance.dynamic.stateOfCharge"),
        ("state_of_certified_energy", "performance.dynamic.energy.soce"),
        ("capacity_fade", "performance.dynamic.capacity.fade"),
        ("self_discharge_rate", "performance.dynamic.selfDischargingRate"),
        ("declaration_of_conformity", "conformity.declarationOfConformity"),
        ("test_reports", "conformity.resultOfTestReport"),
        ("third_party_assurances", "conformity.thirdPartyAssurance"),
        ("due_diligence_report", "conformity.dueDiligencePolicy"),
        ("extinguishing_agent", "safety.usableExtinguishAgent"),
        ("safety_measures", "safety.safetyMeasures"),
        ("symbols_meaning", "safety.meaningOfLabels"),
        ("dismantling_information", "safety.dismantling"),
    ],
)
def test_missing_attribute_is_named(key, field):
    assert not any(e["field"] == field for e in FORMAT.validate(FORMAT.export(full_source())))
    errors = FORMAT.validate(FORMAT.export(source_with(removed=key)))
    named = [e for e in errors if e["field"] == field]
    assert named, errors
    assert f"data.{key}" in named[0]["message"]


def test_other_violations_keep_their_path():
    document = completed(FORMAT.export(full_source()))
    document["identification"]["category"] = "truck"
    document["metadata"]["economicOperatorId"] = "ACME"
    fields = {e["field"] for e in FORMAT.validate(document)}
    assert fields == {"identification.category", "metadata.economicOperatorId"}


# --- (4) the API, on SQLite and PostgreSQL -------------------------------------------------------


def count_passports(session) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(Passport))


def test_api_export_and_import(client, session, make_member):
    member, passport_id = operator_with_full_passport(client, session, make_member)

    response = client.get(f"/passports/{passport_id}/export/{NAME}", headers=member.auth)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    errors = response.json()["errors"]
    assert {unindexed(e["field"]) for e in errors} == NOT_HELD | SAMPLE_GAPS.keys()

    # The document the endpoint built, completed as another Catena-X system would, re-imported.
    caller = Caller(participant_id=member.id, roles=frozenset({"economic_operator"}))
    passport = session.get(Passport, passport_id)
    source = formats.source_for(session, passport, caller, "http://testserver")
    exported = FORMAT.export(source)
    bpna = site_identifier(session, member, "bpna")
    assert exported["operation"]["manufacturer"]["facility"] == [{"facility": bpna}]
    assert unindexed_set(FORMAT.validate(exported)) == NOT_HELD | SAMPLE_GAPS.keys()
    document = completed(exported)
    document["identification"]["idDmc"] = "urn:junkan:battery:catenax-import-1"
    before = count_passports(session)
    response = client.post(f"/passports/import/{NAME}", headers=member.auth, json=document)
    assert response.status_code == 201, response.text
    assert count_passports(session) == before + 1
    imported = response.json()
    original = client.get(f"/passports/{passport_id}", headers=member.auth).json()
    assert imported["battery_id"] == "urn:junkan:battery:catenax-import-1"
    assert FORMAT.carries - original["data"].keys() == EXTRA.keys()
    for key in sorted(FORMAT.carries & original["data"].keys()):
        assert imported["data"].get(key) == original["data"][key], key
        if BY_KEY[key].dynamic:
            assert imported["dynamic_updated_at"][key] == original["dynamic_updated_at"][key]

    broken = copy.deepcopy(document)
    broken["identification"]["idDmc"] = "urn:junkan:battery:catenax-import-2"
    broken["identification"]["category"] = "truck"
    del broken["metadata"]
    before = count_passports(session)
    response = client.post(f"/passports/import/{NAME}", headers=member.auth, json=broken)
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert {e["field"] for e in response.json()["errors"]} == {
        "identification.category",
        "metadata",
    }
    assert count_passports(session) == before


def unindexed_set(errors: list[dict]) -> set[str]:
    return {unindexed(e["field"]) for e in errors}


def test_api_anonymous_export_shows_nothing_beyond_public(client, session, make_member):
    member = make_member("economic_operator", country="JP", site="Aizuwakamatsu plant")
    passport_id = issue_full_passport(client, member, site_identifier(session, member, "bpns"))
    response = client.get(f"/passports/{passport_id}/export/{NAME}")
    # The public view lacks what Catena-X requires: a 422 naming the fields, never the values.
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    errors = response.json()["errors"]
    fields = {e["field"]: e["message"] for e in errors}
    assert "data.battery_status" in fields["sustainability.status"]
    assert "data.state_of_charge" in fields["performance.dynamic.stateOfCharge"]
    assert "data.test_reports" in fields["conformity.resultOfTestReport"]
    assert "data.dismantling_information" in fields["safety.dismantling"]
    assert "data.cathode_materials" in fields["materials.composition"]
    assert "data.spare_part_sources" in fields["handling"]
    assert "data.internal_resistance_cell" in fields["performance.dynamic.resistance"]
    assert all(e["message"].startswith("required;") for e in errors)
    body = response.text
    secrets = ("un38.3", "safety-measures.pdf", "94.6", "LiNi0.8Mn0.1Co0.1O2", "MOD-A-12")
    for secret in (*secrets, "Aizu Motors Parts", "No accident recorded", "0.00095", "73.1"):
        assert secret not in body
