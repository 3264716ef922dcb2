"""IDTA 02035 (AAS v3) passports: official schemas, lossless round trip, access, import."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime

import pytest
from passport_samples import DYNAMIC, MEASURED_AT, full_source, issue_full_passport, site_identifier

from junkan.identity.service import ANONYMOUS, Caller
from junkan.passport import formats
from junkan.passport.attributes import BY_KEY, Access
from junkan.passport.formats import idta
from junkan.passport.models import Passport

# What the sample lacks but Junkan can hold: with these, only the unfillable fields remain.
FILLABLE = {
    "putting_into_service_date": "2026-04-15",
    "carbon_footprint_label": "https://junkan.example/labels/carbon-footprint-class-b.png",
    "third_party_assurances": [
        {
            "title": "RMI RMAP refiner audit",
            "url": "https://junkan.example/assurance/rmap",
            "media_type": "text/html",
        }
    ],
    "safety_measures": "https://junkan.example/manuals/safety.pdf",
    "waste_prevention_information": "https://junkan.example/eol/waste-prevention",
    "separate_collection_information": "https://junkan.example/eol/separate-collection",
    "spare_part_sources": [
        {
            "supplier": "Aizu Motors Parts",
            "web": "https://parts.example",
            "email": "parts@aizu-motors.example",
            "country": "JP",
            "postal_code": "965-0000",
            "street": "1-1 Motomachi",
        }
    ],
}
ACCIDENTS = {"accidents": ["No accident recorded"]}
# Required by the templates, with no Junkan attribute that could honestly fill them.
UNFILLABLE = {
    "Nameplate.AddressInformation.CityTown",
    "Nameplate.AddressInformation.NationalCode",
    "Nameplate.AddressInformation.Street",
    "Nameplate.AddressInformation.ZipCode",
    "TechnicalData.TechnicalPropertyAreas.PowerCapability.RatioNominalBatteryPowerAndBatteryEnergy",
    "MaterialComposition.BatteryMaterials.0.IsCriticalRawMaterial",
    "MaterialComposition.BatteryMaterials.1.IsCriticalRawMaterial",
    "MaterialComposition.BatteryMaterials.2.IsCriticalRawMaterial",
    "ProductCondition.TemperatureInformation",
}
# What the plain sample lacks on top, each with the Junkan attribute that would fill it.
SAMPLE_GAPS = {
    "Circularity.EndOfLifeInformation.SeparateCollection": "data.separate_collection_information",
    "Circularity.EndOfLifeInformation.WastePrevention": "data.waste_prevention_information",
    "Circularity.SafetyMeasures.SafetyInstructions": "data.safety_measures",
    "Circularity.SparePartSources.0.AddressOfSupplier": "data.spare_part_sources",
    "Circularity.SparePartSources.0.EmailAddressOfSupplier": "data.spare_part_sources",
    "ProductCondition.InformationOnAccidents": "data.accidents",
    # the third-party assurance's File element lacks a media type
    "submodels.1.submodelElements.0.value.1.value.2.value.0.value.2.value.0.contentType": (
        "data.third_party_assurances"
    ),
}


def completed_source():
    source = full_source()
    data = source.data | FILLABLE | ACCIDENTS
    passport = source.passport | {"data": data}
    passport["dynamic_updated_at"] = dict(
        passport["dynamic_updated_at"], **dict.fromkeys(ACCIDENTS, MEASURED_AT)
    )
    return full_source(passport=passport)


def element(parent: dict, id_short: str) -> dict:
    children = parent.get("submodelElements", parent.get("value"))
    return next(child for child in children if child.get("idShort") == id_short)


def submodel(document: dict, id_short: str) -> dict:
    return next(s for s in document["submodels"] if s["idShort"] == id_short)


def texts(id_short: str, text: str) -> dict:
    value = [{"language": "en", "text": text}]
    return {"modelType": "MultiLanguageProperty", "idShort": id_short, "value": value}


def add_what_junkan_cannot_hold(document: dict) -> None:
    """Fill the unfillable fields as another system that knows them would."""
    address = element(submodel(document, "Nameplate"), "AddressInformation")
    for name, text in (("NationalCode", "JP"), ("CityTown", "Aizuwakamatsu"),
                       ("Street", "1-1 Motomachi"), ("ZipCode", "965-0000")):  # fmt: skip
        address["value"].append(texts(name, text))
    areas = element(submodel(document, "TechnicalData"), "TechnicalPropertyAreas")
    element(areas, "PowerCapability")["value"].append(
        {"modelType": "Property", "idShort": "RatioNominalBatteryPowerAndBatteryEnergy",
         "valueType": "xs:double", "value": "3.47"}
    )  # fmt: skip
    for material in element(submodel(document, "MaterialComposition"), "BatteryMaterials")["value"]:
        material["value"].append(
            {"modelType": "Property", "idShort": "IsCriticalRawMaterial",
             "valueType": "xs:boolean", "value": "false"}
        )  # fmt: skip
    last_update = {"modelType": "Property", "idShort": "LastUpdate", "valueType": "xs:dateTime",
                   "value": MEASURED_AT.isoformat()}  # fmt: skip
    submodel(document, "ProductCondition")["submodelElements"].append(
        {"modelType": "SubmodelElementCollection", "idShort": "TemperatureInformation",
         "value": [last_update]}
    )  # fmt: skip


AREAS = "TechnicalData.TechnicalPropertyAreas."


def error_fields(errors):
    return {e["field"] for e in errors}


# --- Unit: no database -----------------------------------------------------------------------


def test_only_what_junkan_cannot_hold_is_missing_from_the_official_schemas():
    errors = idta.validate(idta.export(completed_source()))
    assert error_fields(errors) == UNFILLABLE
    assert all(e["message"].startswith("required; ") for e in errors)
    completed = idta.export(completed_source())
    add_what_junkan_cannot_hold(completed)
    assert idta.validate(completed) == []


def test_the_plain_sample_names_what_to_add():
    errors = {e["field"]: e["message"] for e in idta.validate(idta.export(full_source()))}
    assert set(errors) == UNFILLABLE | set(SAMPLE_GAPS)
    for field, attribute in SAMPLE_GAPS.items():
        assert attribute in errors[field], (field, errors[field])


def test_the_document_is_an_aas_environment_with_exact_units():
    document = idta.export(full_source())
    [shell] = document["assetAdministrationShells"]
    info = shell["assetInformation"]
    assert (
        info["globalAssetId"] == "https://passports.junkan.example/01/04934567000042/21/NMC000042"
    )
    ids = {i["name"]: i["value"] for i in info["specificAssetIds"]}
    assert ids == {
        "uniqueBatteryIdentifier": "/01/04934567000042/21/NMC000042",
        "partInstanceId": "NMC000042",
        "manufacturerPartId": "AZ-NMC811-75",
    }
    assert [s["idShort"] for s in document["submodels"]] == list(idta.TEMPLATES)
    assert {s["semanticId"]["keys"][0]["value"] for s in document["submodels"]} == set(
        idta.URNS.values()
    )
    trees = {s["idShort"]: idta.value_only(s) for s in document["submodels"]}
    resistance = trees["TechnicalData"]["TechnicalPropertyAreas"]["Resistance"]
    assert resistance["InitialInternalResistanceAtBatteryCellLevel"] == 0.0009  # 0.9 mΩ
    assert resistance["InitialInternalResistanceAtBatteryPackLevel"] == 0.095  # 95 mΩ
    general = trees["TechnicalData"]["GeneralInformation"]
    assert general["WarrantyInformation"]["WarrantyPeriod"] == "P96M"
    assert general["ManufacturerIdentifier"] == "BPNL00000008JK7R"
    nameplate = trees["Nameplate"]
    assert nameplate["DateOfManufacture"] == "2026-03"
    assert nameplate["UniqueFacilityIdentifier"] == "BPNS00080001JSSM"
    assert nameplate["LifeCycleStage"] == "original"
    footprints = trees["CarbonFootprint"]["ProductCarbonFootprints"]
    assert [f["PcfCo2eq"] for f in footprints] == [72.4, 44.164, 22.806, 1.086, 4.344]
    condition = trees["ProductCondition"]["StateOfCertifiedEnergy"]
    assert condition == {"StateOfCertifiedEnergyValue": 97.5, "LastUpdate": MEASURED_AT.isoformat()}


def test_round_trip_is_lossless_for_everything_carried():
    source = completed_source()
    imported = idta.read(idta.export(source))
    assert imported.battery_id == source.passport["battery_id"]
    static = {k for k in idta.FORMAT.carries if not BY_KEY[k].dynamic}
    assert static & set(source.data) == static  # the sample fills every carried attribute
    assert {k: imported.data.get(k) for k in static} == {k: source.data[k] for k in static}
    dynamic = {k: v for k, v in DYNAMIC.items() if k in idta.FORMAT.carries}
    assert imported.dynamic == {MEASURED_AT: dynamic}
    # held only when a URL (as here), so not carried; manufacturing_place is the facility id
    slots = set(idta.DOCUMENT_SLOTS.values())
    assert set(imported.data) - static == slots | {"manufacturing_place"}
    assert imported.data["manufacturing_place"] == "BPNS00080001JSSM"


@pytest.mark.parametrize(
    ("attribute", "field"),
    [
        ("manufacturer_name", "Nameplate.ManufacturerName"),
        ("manufacturing_date", "Nameplate.DateOfManufacture"),
        ("declaration_of_conformity", "Nameplate.EUDeclarationOfConformity"),
        ("test_reports", "Nameplate.ResultsOfTestReportsProvingCompliance"),
        ("battery_chemistry", "MaterialComposition.BatteryChemistry"),
        ("rated_capacity", AREAS + "CapacityEnergyVoltage.RatedCapacity"),
        ("warranty_period", "TechnicalData.GeneralInformation.WarrantyInformation.WarrantyPeriod"),
        ("initial_internal_resistance_pack",
         AREAS + "Resistance.InitialInternalResistanceAtBatteryPackLevel"),
        ("carbon_footprint_class", "CarbonFootprint.ProductCarbonFootprints.0.PerformanceClass"),
        ("renewable_content", "Circularity.RenewableContent"),
        ("extinguishing_agent", "Circularity.SafetyMeasures.ExtinguishingAgents"),
        ("state_of_charge", "ProductCondition.StateOfCharge"),
    ],
)  # fmt: skip
def test_a_missing_source_attribute_is_named(attribute, field):
    source = completed_source()
    data = {k: v for k, v in source.data.items() if k != attribute}
    passport = source.passport | {"data": data}
    errors = {
        e["field"]: e["message"] for e in idta.validate(idta.export(full_source(passport=passport)))
    }
    assert field in errors, sorted(errors)
    assert errors[field] == f"required; fill data.{attribute}"


def test_a_manufacturer_other_than_the_operator_gets_no_borrowed_identifier():
    source = completed_source()
    passport = source.passport | {"data": source.data | {"manufacturer_name": "Other Cells Ltd"}}
    errors = {
        e["field"]: e["message"] for e in idta.validate(idta.export(full_source(passport=passport)))
    }
    assert "Nameplate.ManufacturerIdentifier" in errors
    assert "operator" in errors["Nameplate.ManufacturerIdentifier"]


# --- API, on every database ------------------------------------------------------------------


def non_public_needles(data: dict) -> set[str]:
    """Every value of an attribute the public may not see, as it would show in a document."""
    needles = set()
    for key, value in data.items():
        if BY_KEY[key].access is Access.PUBLIC:
            continue
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, dict):
                needles |= {str(v) for v in item.values() if isinstance(v, str)}
            elif isinstance(item, str):
                needles.add(item)
            elif isinstance(item, float | int) and not isinstance(item, bool):
                needles.add(f'"{item}"')  # AAS values are strings
    return needles


@pytest.fixture
def issued(client, session, make_member):
    operator = make_member(
        "economic_operator",
        name="Aizu Motors Corporation",
        country="JP",
        site="Aizuwakamatsu plant",
    )
    passport_id = issue_full_passport(client, operator, site_identifier(session, operator, "bpns"))
    return operator, passport_id


def test_api_export_names_exactly_what_the_templates_lack(client, issued):
    operator, passport_id = issued
    response = client.get(f"/passports/{passport_id}/export/idta-02035", headers=operator.auth)
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert error_fields(response.json()["errors"]) == UNFILLABLE | set(SAMPLE_GAPS)


def test_api_export_once_complete_and_import_round_trip(client, session, issued):
    operator, passport_id = issued
    patch = client.patch(
        f"/passports/{passport_id}", headers=operator.auth, json={"data": FILLABLE}
    )
    assert patch.status_code == 200, patch.text
    measured = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
    dynamic = client.post(
        f"/passports/{passport_id}/dynamic",
        headers=operator.auth,
        json={"measured_at": measured.isoformat(), "values": ACCIDENTS},
    )
    assert dynamic.status_code in (200, 201), dynamic.text
    response = client.get(f"/passports/{passport_id}/export/idta-02035", headers=operator.auth)
    assert response.status_code == 422
    assert error_fields(response.json()["errors"]) == UNFILLABLE

    caller = Caller(participant_id=operator.id, roles=frozenset({"economic_operator"}))
    passport = session.get(Passport, passport_id)
    document = idta.export(formats.source_for(session, passport, caller, "http://testserver"))
    add_what_junkan_cannot_hold(document)
    assert idta.validate(document) == []

    imported = copy.deepcopy(document)
    info = imported["assetAdministrationShells"][0]["assetInformation"]
    new_id = "urn:junkan:battery:IDTA-IMPORT-1"
    info["globalAssetId"] = f"http://testserver/id/{new_id}"
    for specific in info["specificAssetIds"]:
        if specific["name"] == "uniqueBatteryIdentifier":
            specific["value"] = new_id
    created = client.post("/passports/import/idta-02035", headers=operator.auth, json=imported)
    assert created.status_code == 201, created.text
    assert created.json()["battery_id"] == new_id
    original = client.get(f"/passports/{passport_id}", headers=operator.auth).json()["data"]
    copy_data = client.get(f"/passports/{created.json()['id']}", headers=operator.auth).json()[
        "data"
    ]
    carried = idta.FORMAT.carries & set(original)
    assert carried >= {"rated_capacity", "third_party_assurances", "state_of_charge"}
    assert {k: copy_data.get(k) for k in carried} == {k: original[k] for k in carried}


def test_the_public_sees_only_public_values(client, session, issued):
    _, passport_id = issued
    response = client.get(f"/passports/{passport_id}/export/idta-02035")
    needles = non_public_needles(full_source().data)
    body = response.text
    assert response.status_code == 422  # the public assurance lacks a media type
    assert [n for n in needles if n in body] == []
    passport = session.get(Passport, passport_id)
    document = idta.export(formats.source_for(session, passport, ANONYMOUS, "http://testserver"))
    assert [s["idShort"] for s in document["submodels"]] == [
        "HandoverDocumentation",
        "CarbonFootprint",
    ]
    text = json.dumps(document)
    assert "72.4" in text and "RMI RMAP refiner audit" in text  # public values are there
    assert [n for n in needles if n in text] == []


def test_a_broken_document_is_refused_and_nothing_is_stored(client, session, issued):
    operator, _ = issued
    document = idta.export(completed_source())
    add_what_junkan_cannot_hold(document)
    assert idta.validate(document) == []
    nameplate = submodel(document, "Nameplate")
    nameplate["submodelElements"].remove(element(nameplate, "ManufacturerName"))
    nameplate["idShort"] = "not a valid idShort"
    before = session.query(Passport).count()
    response = client.post("/passports/import/idta-02035", headers=operator.auth, json=document)
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    errors = {e["field"]: e["message"] for e in response.json()["errors"]}
    assert errors["Nameplate.ManufacturerName"] == "required; fill data.manufacturer_name"
    assert "submodels.0.idShort" in errors
    session.expire_all()
    assert session.query(Passport).count() == before
