"""Catena-X Battery Pass 6.1.0: the official schema, the round trip, and the API on both DBs."""

from __future__ import annotations

import copy
import re

import pytest
from passport_samples import (
    BATTERY_ID,
    DYNAMIC,
    MEASURED_AT,
    full_source,
    issue_full_passport,
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
    "handling",
    "identification.identification.classification",
    "identification.identification.dataCarrier",
    *(f"materials.active.{m}.{f}" for m in ("nickel", "lithium", "cobalt")
      for f in ("documentation", "location")),
    *(f"materials.{group}.lead.{f}" for group in ("active", "hazardous")
      for f in ("concentration", "documentation", "impactOfSubstances", "location",
                "materialUnit")),
    *(f"materials.composition.{f}" for f in ("critical", "documentation", "recycled",
                                             "renewable")),
    "materials.hazardous.cadmium",
    "materials.hazardous.mercury",
    "materials.hazardous.other.critical",
    "materials.hazardous.other.documentation",
    "metadata.backupReference",
    "metadata.expirationDate",
    "performance.dynamic.energy.remaining",
    "performance.dynamic.resistance.remaining",
    "performance.dynamic.resistance.increase.cell",
    "performance.rated.selfDischargingRate",
    "performance.rated.roundTripEfficiency.depthOfDischarge",
    *(f"performance.rated.lifetime.cycleLifeTesting.{f}" for f in ("appliedChargeRate",
                                                                   "depthOfDischarge",
                                                                   "temperature")),
    "safety.usableExtinguishAgent.fireClass",
    "sustainability.carbonFootprint.rulebook",
}  # fmt: skip
# The sample's hazardous substance has neither share_percent nor mass_kg.
SAMPLE_GAPS = {
    "materials.hazardous.other.concentration",
    "materials.hazardous.other.materialUnit",
}
LINK = [{"header": "Supplier record", "contentType": "URL", "content": "https://cx.example/doc"}]


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
    doc["handling"] = {"applicable": False, "content": {"producer": [], "sparePart": []}}
    materials = doc["materials"]
    for metal in ("nickel", "lithium", "cobalt", "lead"):
        materials["active"][metal] |= {"documentation": LINK, "location": "cathode"}
    lead = {"concentration": 0.0, "materialUnit": "unit:partPerMillion", "impactOfSubstances": LINK}
    materials["active"]["lead"] |= lead
    materials["hazardous"]["lead"] |= lead | {"documentation": LINK, "location": "none"}
    for metal in ("cadmium", "mercury"):
        materials["hazardous"][metal] = lead | {
            "location": "none",
            "critical": False,
            "documentation": LINK,
        }
    for entry in materials["composition"]:
        entry |= {"critical": True, "documentation": LINK, "recycled": 0.0, "renewable": 0.0}
    for entry in materials["hazardous"]["other"]:
        entry |= {"critical": False, "documentation": LINK}
        entry |= {"concentration": 1.2, "materialUnit": "unit:percent"}
    doc["metadata"] |= {
        "backupReference": "https://backup.cx.example/p",
        "expirationDate": "2040-01-01",
    }
    rated, dynamic = doc["performance"]["rated"], doc["performance"]["dynamic"]
    rated["selfDischargingRate"] = 2.0
    rated["roundTripEfficiency"]["depthOfDischarge"] = 100.0
    rated["lifetime"]["cycleLifeTesting"] |= {
        "appliedChargeRate": 1.0,
        "depthOfDischarge": 100.0,
        "temperature": 25.0,
    }
    time = dynamic["stateOfCharge"]["time"]
    dynamic["energy"]["remaining"] = {"value": 73.1, "time": time}
    dynamic["resistance"]["increase"]["cell"] = {"value": 3.0, "time": time}
    dynamic["resistance"]["remaining"] = {
        "cell": {"value": 0.00093, "time": time},
        "pack": {"value": 0.098, "time": time},
    }
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
    assert {unindexed(e["field"]) for e in errors} == NOT_HELD | SAMPLE_GAPS
    for error in errors:
        expected = NOT_HELD_MESSAGE if unindexed(error["field"]) in NOT_HELD else "share_percent"
        assert expected in error["message"], error


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
    rated = document["performance"]["rated"]
    assert rated["resistance"] == {"cell": 0.0009, "pack": 0.095}
    assert rated["lifetime"]["cycleLifeTesting"] == {"cycles": 2000, "appliedDischargeRate": 1.0}
    soc = document["performance"]["dynamic"]["stateOfCharge"]
    assert soc == {"value": 64.0, "time": "2026-11-01T08:30:00+00:00"}
    fade = document["performance"]["dynamic"]["capacity"]["fade"]
    assert fade == {"value": 20.0, "time": "2026-11-01T08:31:00+00:00"}
    footprint = {e["lifecycle"]: e for e in document["sustainability"]["carbonFootprint"]}
    assert footprint["total"]["value"] == 72.4
    assert footprint["total"]["performanceClass"] == "B"
    assert footprint["raw material acquisition and pre-processing"]["value"] == pytest.approx(
        44.164
    )
    assert footprint["distribution"]["manufacturingPlant"] == [{"facility": "BPNA00080001JA5T"}]
    cobalt = document["materials"]["active"]["cobalt"]
    assert cobalt == {"recycled": 16.0, "critical": True}
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
    }
    for key in dynamic:
        assert imported.dynamic[MEASURED_AT][key] == DYNAMIC[key], key
    assert len(static) == 59


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
        ("rated_capacity", "performance.rated.capacity.value"),
        ("minimum_voltage", "performance.rated.voltage.min"),
        ("initial_internal_resistance_pack", "performance.rated.resistance.pack"),
        ("expected_lifetime_years", "performance.rated.lifetime.expectedYears"),
        ("cycle_life_reference_test", "performance.rated.lifetime.report"),
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
    member = make_member(
        "economic_operator",
        name="Aizu Motors Corporation",
        country="JP",
        site="Aizuwakamatsu plant",
    )
    passport_id = issue_full_passport(client, member, site_identifier(session, member, "bpns"))

    response = client.get(f"/passports/{passport_id}/export/{NAME}", headers=member.auth)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    errors = response.json()["errors"]
    assert {unindexed(e["field"]) for e in errors} == NOT_HELD | SAMPLE_GAPS

    # The document the endpoint built, completed as another Catena-X system would, re-imported.
    caller = Caller(participant_id=member.id, roles=frozenset({"economic_operator"}))
    passport = session.get(Passport, passport_id)
    source = formats.source_for(session, passport, caller, "http://testserver")
    exported = FORMAT.export(source)
    bpna = site_identifier(session, member, "bpna")
    assert exported["operation"]["manufacturer"]["facility"] == [{"facility": bpna}]
    assert unindexed_set(FORMAT.validate(exported)) == NOT_HELD | SAMPLE_GAPS
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
    assert all(e["message"].startswith("required;") for e in errors)
    body = response.text
    for secret in ("un38.3", "Isolate the high-voltage", "94.6", "LiNi0.8Mn0.1Co0.1O2"):
        assert secret not in body
