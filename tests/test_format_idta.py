"""IDTA 02035 (AAS v3) passports: official schemas, lossless round trip, access, import."""

from __future__ import annotations

import copy
import json
from datetime import timedelta

import pytest
from passport_samples import (
    DYNAMIC,
    MEASURED_AT,
    STATIC,
    full_source,
    operator_with_full_passport,
)

from junkan.identity.service import ANONYMOUS
from junkan.passport import formats
from junkan.passport.attributes import BY_KEY, Access
from junkan.passport.formats import idta
from junkan.passport.formats.base import validator
from junkan.passport.models import Passport

# What the sample lacks but Junkan can hold: with these, the document is valid. Ethylene
# carbonate is no critical raw material; the sample leaves the flag unset.
FILLABLE = {
    "putting_into_service_date": "2026-04-15",
    "carbon_footprint_label": "https://junkan.example/labels/carbon-footprint-class-b.png",
    "electrolyte_materials": [m | {"critical": False} for m in STATIC["electrolyte_materials"]],
}
# What the plain sample lacks, each with the Junkan attribute that would fill it.
SAMPLE_GAPS = {
    "MaterialComposition.BatteryMaterials.2.IsCriticalRawMaterial": "data.electrolyte_materials",
}
AREAS = "TechnicalData.TechnicalPropertyAreas."


def completed_source(**data):
    source = full_source()
    return full_source(passport=source.passport | {"data": source.data | FILLABLE | data})


def without(*keys: str, source=None):
    source = source or completed_source()
    data = {k: v for k, v in source.data.items() if k not in keys}
    return full_source(passport=source.passport | {"data": data})


def errors_of(source) -> dict[str, str]:
    return {e["field"]: e["message"] for e in idta.validate(idta.export(source))}


def element(parent: dict, id_short: str) -> dict:
    children = parent.get("submodelElements", parent.get("value"))
    return next(child for child in children if child.get("idShort") == id_short)


def submodel(document: dict, id_short: str) -> dict:
    return next(s for s in document["submodels"] if s["idShort"] == id_short)


@pytest.fixture(scope="module")
def completed_document() -> dict:
    """The completed sample's export, built once; tests that change it take a deep copy."""
    return idta.export(completed_source())


@pytest.fixture(scope="module")
def sample_trees() -> dict:
    document = idta.export(full_source())
    trees = {s["idShort"]: idta.value_only(s) for s in document["submodels"]}
    return trees | {"document": document}


# --- Unit: no database -----------------------------------------------------------------------


def test_the_completed_sample_is_valid_against_the_official_schemas(completed_document):
    assert idta.validate(completed_document) == []


def test_the_plain_sample_names_what_to_add():
    errors = errors_of(full_source())
    assert set(errors) == set(SAMPLE_GAPS)
    for field, attribute in SAMPLE_GAPS.items():
        assert errors[field].startswith("required; ") and attribute in errors[field], errors[field]


def test_the_document_is_an_aas_environment_with_exact_units(sample_trees):
    document = sample_trees["document"]
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
    areas = sample_trees["TechnicalData"]["TechnicalPropertyAreas"]
    resistance = areas["Resistance"]
    assert resistance["InitialInternalResistanceAtBatteryCellLevel"] == 0.0009  # 0.9 mΩ
    assert resistance["InitialInternalResistanceAtBatteryPackLevel"] == 0.095  # 95 mΩ
    # nominal power (W) per battery energy (Wh): 260 000 W / 75 000 Wh, rounded once
    assert areas["PowerCapability"]["RatioNominalBatteryPowerAndBatteryEnergy"] == 260 / 75
    assert areas["RoundTripEnergyEfficiency"]["InitialSelfDischargingRate"] == 2.0
    general = sample_trees["TechnicalData"]["GeneralInformation"]
    assert general["WarrantyInformation"]["WarrantyPeriod"] == "P96M"
    assert general["ManufacturerIdentifier"] == "BPNL00000008JK7R"
    nameplate = sample_trees["Nameplate"]
    assert nameplate["DateOfManufacture"] == "2026-03"
    assert nameplate["UniqueFacilityIdentifier"] == "BPNS00080001JSSM"
    assert nameplate["LifeCycleStage"] == "original"
    address = {k: v for k, v in nameplate["AddressInformation"].items() if k != "Email"}
    assert address == {
        "AddressOfAdditionalLink": "https://aizu-motors.example",
        "Street": [{"und": "1-1 Motomachi"}],
        "ZipCode": [{"und": "965-0000"}],
        "CityTown": [{"und": "Aizuwakamatsu"}],
        "NationalCode": [{"und": "JP"}],
    }
    footprints = sample_trees["CarbonFootprint"]["ProductCarbonFootprints"]
    assert [f["PcfCo2eq"] for f in footprints] == [72.4, 44.164, 22.806, 1.086, 4.344]
    condition = sample_trees["ProductCondition"]
    assert condition["StateOfCertifiedEnergy"] == {
        "StateOfCertifiedEnergyValue": 97.5,
        "LastUpdate": MEASURED_AT.isoformat(),
    }
    assert condition["RemainingEnergy"]["RemainingEnergyValue"] == 73.1  # kWh both
    assert condition["TemperatureInformation"] == {  # hours -> minutes
        "TimeExtremeHighTemp": 270.0,
        "TimeExtremeLowTemp": 90.0,
        "TimeExtremeHighTempCharging": 60.0,
        "TimeExtremeLowTempCharging": 30.0,
        "LastUpdate": MEASURED_AT.isoformat(),
    }
    materials = sample_trees["MaterialComposition"]["BatteryMaterials"]
    assert [m.get("IsCriticalRawMaterial") for m in materials] == [True, True, None]
    [source] = sample_trees["Circularity"]["SparePartSources"]
    assert source["AddressOfSupplier"] == {
        "Street": [{"und": "3-2 Kita-machi"}],
        "PostalCode": [{"und": "965-0001"}],
        "NationalCode": [{"und": "JP"}],
    }
    assert source["EmailAddressOfSupplier"] == {"EmailAddress": "parts@aizu-motors.example"}
    assert source["Components"][1] == {"PartNumber": "BMS-7", "PartName": "battery management unit"}


def test_round_trip_is_lossless_for_everything_carried(completed_document):
    source = completed_source()
    imported = idta.read(completed_document)
    assert imported.battery_id == source.passport["battery_id"]
    static = {k for k in idta.FORMAT.carries if not BY_KEY[k].dynamic}
    assert static & set(source.data) == static  # the sample fills every carried attribute
    assert {k: imported.data.get(k) for k in static} == {k: source.data[k] for k in static}
    dynamic = {k: v for k, v in DYNAMIC.items() if k in idta.FORMAT.carries}
    assert imported.dynamic == {MEASURED_AT: dynamic}
    # held only when a URL (as here), so not carried; manufacturing_place is the facility id;
    # a spare-part source comes back without its postal address (the template has no city)
    slots = set(idta.DOCUMENT_SLOTS.values())
    assert set(imported.data) - static == slots | {"manufacturing_place", "spare_part_sources"}
    assert imported.data["manufacturing_place"] == "BPNS00080001JSSM"
    [supplier] = source.data["spare_part_sources"]
    assert imported.data["spare_part_sources"] == [
        {k: v for k, v in supplier.items() if k != "address"}
    ]


def test_every_attribute_is_carried_or_named_with_why_not():
    not_held = idta.MAPPING["not_held"]
    assert set(not_held) == set(BY_KEY) - idta.FORMAT.carries
    assert all(reason.strip() for reason in not_held.values())


def test_temperature_information_is_as_recent_as_its_latest_value():
    source = completed_source()
    later = MEASURED_AT + timedelta(days=3)
    passport = source.passport | {
        "dynamic_updated_at": source.passport["dynamic_updated_at"]
        | {"time_in_extreme_low_temperatures": later}
    }
    condition = submodel(idta.export(full_source(passport=passport)), "ProductCondition")
    info = idta.value_only(element(condition, "TemperatureInformation"))
    assert info["LastUpdate"] == later.isoformat()


@pytest.mark.parametrize(
    ("attribute", "field"),
    [
        ("manufacturer_name", "Nameplate.ManufacturerName"),
        ("manufacturing_date", "Nameplate.DateOfManufacture"),
        ("manufacturer_address", "Nameplate.AddressInformation.CityTown"),
        ("declaration_of_conformity", "Nameplate.EUDeclarationOfConformity"),
        ("test_reports", "Nameplate.ResultsOfTestReportsProvingCompliance"),
        ("battery_chemistry", "MaterialComposition.BatteryChemistry"),
        ("rated_capacity", AREAS + "CapacityEnergyVoltage.RatedCapacity"),
        ("maximum_permitted_power", AREAS + "PowerCapability.MaximumPermittedBatteryPower"),
        ("warranty_period", "TechnicalData.GeneralInformation.WarrantyInformation.WarrantyPeriod"),
        ("initial_internal_resistance_pack",
         AREAS + "Resistance.InitialInternalResistanceAtBatteryPackLevel"),
        ("carbon_footprint_class", "CarbonFootprint.ProductCarbonFootprints.0.PerformanceClass"),
        ("renewable_content", "Circularity.RenewableContent"),
        ("extinguishing_agent", "Circularity.SafetyMeasures.ExtinguishingAgents"),
        ("state_of_charge", "ProductCondition.StateOfCharge"),
        ("accidents", "ProductCondition.InformationOnAccidents"),
    ],
)  # fmt: skip
def test_a_missing_source_attribute_is_named(attribute, field):
    errors = errors_of(without(attribute))
    assert field in errors, sorted(errors)
    assert errors[field] == f"required; fill data.{attribute}"


@pytest.mark.parametrize(
    ("change", "field", "hint"),
    [
        ({"rated_energy": None}, AREAS + "PowerCapability.RatioNominalBatteryPowerAndBatteryEnergy",
         "data.maximum_permitted_power (W) / (data.rated_energy (kWh) x 1000)"),
        ({"manufacturer_address": {"street": "1-1 Motomachi", "city": "Aizuwakamatsu",
                                   "country": "JP"}},
         "Nameplate.AddressInformation.ZipCode", "postal_code of data.manufacturer_address"),
        ({"spare_part_sources": [{"name": "Aizu Motors Parts", "web": "https://parts.example",
                                  "components": ["MOD-A-12", "X-9"]}]},
         "Circularity.SparePartSources.0.AddressOfSupplier", "address of each item"),
        ({"spare_part_sources": [{"name": "Aizu Motors Parts", "web": "https://parts.example",
                                  "components": ["MOD-A-12", "X-9"]}]},
         "Circularity.SparePartSources.0.Components.1.PartName",
         "data.component_part_numbers as 'NUMBER (NAME)'"),
        (dict.fromkeys(idta.CONDITION["TemperatureInformation"]),
         "ProductCondition.TemperatureInformation", "data.time_in_extreme_high_temperatures"),
    ],
)  # fmt: skip
def test_a_field_filled_from_parts_names_them(change, field, hint):
    source = completed_source(**{k: v for k, v in change.items() if v is not None})
    removed = [k for k, v in change.items() if v is None]
    errors = errors_of(without(*removed, source=source))
    assert field in errors, sorted(errors)
    assert errors[field].startswith("required; ") and hint in errors[field], errors[field]


def test_a_manufacturer_other_than_the_operator_gets_no_borrowed_identifier():
    errors = errors_of(completed_source(manufacturer_name="Other Cells Ltd"))
    assert "Nameplate.ManufacturerIdentifier" in errors
    assert "operator" in errors["Nameplate.ManufacturerIdentifier"]


def official_leaves(error) -> list:
    """A plain oneOf error's leaves: the branch of the element's modelType, else the deepest."""
    if not error.context:
        return [error]
    branches: dict = {}
    for sub in error.context:
        branches.setdefault(sub.relative_schema_path[0], []).append(sub)

    def fit(errors):
        right = all(e.validator != "const" or list(e.path)[-1:] != ["modelType"] for e in errors)
        return (right, max(len(e.absolute_path) for e in errors))

    return [leaf for sub in max(branches.values(), key=fit) for leaf in official_leaves(sub)]


def test_the_metamodel_check_is_as_strict_as_the_official_oneof(completed_document):
    """The modelType dispatch accepts and refuses exactly what jsonschema trying every branch
    does; with modelTypes broken, missing and merely mismatched, it names the same errors here."""
    document = copy.deepcopy(completed_document)
    document["submodels"] = [submodel(document, "Nameplate")]
    nameplate = document["submodels"][0]
    address = element(nameplate, "AddressInformation")
    address["value"][0]["modelType"] = "Range"  # a kind whose fields it lacks
    element(address, "Street")["value"][0]["language"] = "not a language tag!"
    element(nameplate, "SerialNumber").pop("valueType")
    del element(nameplate, "Markings")["value"][0]["modelType"]
    element(nameplate, "URIOfTheProduct")["modelType"] = "Bogus"
    plain, fast = validator(idta.AAS_SCHEMA), idta._aas_validator()

    def named(checker, leaves):
        found = [idta._named("aas", leaf, "") for e in checker.iter_errors(document)
                 for leaf in leaves(e)]  # fmt: skip
        return sorted((e["field"], e["message"]) for e in found)

    assert named(fast, idta._leaves) == named(plain, official_leaves) != []
    assert fast.is_valid(document) is plain.is_valid(document) is False
    assert fast.is_valid(completed_document) is True


# --- API, on every database ------------------------------------------------------------------


def non_public_needles(data: dict) -> set[str]:
    """Every value of an attribute the public may not see, as it would show in a document."""

    def values(value) -> set[str]:
        if isinstance(value, dict | list):
            items = value.values() if isinstance(value, dict) else value
            return set().union(*(values(item) for item in items))
        if isinstance(value, str):
            return {value}
        if isinstance(value, float | int) and not isinstance(value, bool):
            return {f'"{value}"'}  # AAS values are strings
        return set()

    public = {k for k in data if BY_KEY[k].access is Access.PUBLIC}
    hidden = set().union(*(values(v) for k, v in data.items() if k not in public))
    return hidden - set().union(*(values(data[k]) for k in public))  # shared values prove nothing


@pytest.fixture
def issued(client, session, make_member):
    operator, passport_id = operator_with_full_passport(client, session, make_member)
    return operator, passport_id


def test_api_export_names_exactly_what_the_sample_lacks(client, issued):
    operator, passport_id = issued
    response = client.get(f"/passports/{passport_id}/export/idta-02035", headers=operator.auth)
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert {e["field"] for e in response.json()["errors"]} == set(SAMPLE_GAPS)


def test_api_export_once_complete_and_import_round_trip(client, issued):
    operator, passport_id = issued
    patch = client.patch(
        f"/passports/{passport_id}", headers=operator.auth, json={"data": FILLABLE}
    )
    assert patch.status_code == 200, patch.text
    response = client.get(f"/passports/{passport_id}/export/idta-02035", headers=operator.auth)
    assert response.status_code == 200, response.text  # the API validated it: zero errors
    document = response.json()
    assert [s["idShort"] for s in document["submodels"]] == list(idta.TEMPLATES)

    info = document["assetAdministrationShells"][0]["assetInformation"]
    new_id = "urn:junkan:battery:IDTA-IMPORT-1"
    info["globalAssetId"] = f"http://testserver/id/{new_id}"
    for specific in info["specificAssetIds"]:
        if specific["name"] == "uniqueBatteryIdentifier":
            specific["value"] = new_id
    created = client.post("/passports/import/idta-02035", headers=operator.auth, json=document)
    assert created.status_code == 201, created.text
    assert created.json()["battery_id"] == new_id
    original = client.get(f"/passports/{passport_id}", headers=operator.auth).json()["data"]
    copied = client.get(f"/passports/{created.json()['id']}", headers=operator.auth).json()
    carried = idta.FORMAT.carries & set(original)
    assert {"manufacturer_address", "time_in_extreme_low_temperatures"} <= carried
    assert {k: copied["data"].get(k) for k in carried} == {k: original[k] for k in carried}


def test_the_public_sees_only_public_values(client, session, issued):
    _, passport_id = issued
    response = client.get(f"/passports/{passport_id}/export/idta-02035")
    assert response.status_code == 200, response.text  # the public templates are complete
    assert [s["idShort"] for s in response.json()["submodels"]] == [
        "HandoverDocumentation",
        "CarbonFootprint",
    ]
    needles = non_public_needles(full_source().data)
    text = response.text
    assert "72.4" in text and "RMI RMAP refiner audit" in text  # public values are there
    assert [n for n in needles if n in text] == []
    passport = session.get(Passport, passport_id)
    document = idta.export(formats.source_for(session, passport, ANONYMOUS, "http://testserver"))
    assert [n for n in needles if n in json.dumps(document)] == []


def test_a_broken_document_is_refused_and_nothing_is_stored(
    client, session, issued, completed_document
):
    operator, _ = issued
    document = copy.deepcopy(completed_document)  # valid, as the first test shows
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
