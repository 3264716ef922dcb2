"""Battery Pass data model v1.2 (Battery Pass consortium, CC-BY-4.0), out and back in.

A document has one member per aspect model (GeneralProductInformation, Labeling,
CarbonFootprintForBatteries, SupplyChainDueDiligence, MaterialComposition, Circularity,
PerformanceAndDurability), each checked against that aspect's official schema.

Derivations, as the model asks for more than Junkan stores: batteryPassportIdentifier is
"urn:junkan:" + the passport id without hyphens (the schema admits only urn:<alnum>:<alnum>);
manufacturingDate the month's first instant (read back as the month); puttingIntoService the
date at 00:00Z; warrentyPeriod a gMonth, so 1-12 months only. operatorInformation: the
operator's name and identifier (BPNL, else its first); when data.manufacturer_name is the
operator's name, the manufacturer gets that identifier and the operator the manufacturer's web
and address. An address text is the streetAddress (reading, postal code and country are appended
unless in it); manufacturingPlace's country is that of the operator's site named by
data.manufacturing_facility. Labels SeparateCollection and CarbonFootPrint both mean
data.symbols_meaning (under "en"). Dismantling documents are DismantlingManual; test report and
assurance are the first document's URL.

Units convert in decimal (exact up to 15 significant digits): per-stage footprint in kgCO2e/kWh
= share x carbon_footprint / 100; t -> kg, kg -> g, W -> kW, mOhm -> Ohm; where the declared
unit contradicts the model's description, the description wins: power capability in W (declared
%), remaining capacity in Ah (declared kWh). isCriticalRawMaterial: the material's name and a
listed critical raw material contain one another. hazardousSubstanceClass: the first CLP class
among Acute Tox., Skin Corr./Irrit., Eye Dam./Irrit.; hazardousSubstanceImpact: the CLP classes
verbatim. capacityFade and internalResistanceIncrease (static in Junkan) carry the passport's
last update; the increase is the battery's own ("pack"). URL-typed safetyInstructions,
endOfLifeInformation and lifetimeReferenceTest take the Junkan text only if it is a URL.

Left out, so validation names them: postal codes and countries, clearName, powerCapabilityRatio,
initialSelfDischarge, temperatureRangeIdleState (one number for a range), remainingEnergy,
temperatureInformation (hot and cold apart), currentSelfDischargingRate, the SoC of
remainingPowerCapability, supplier addresses and components. Member "Junkan", beside the
aspects, holds batteryModel: Junkan requires it, the model lacks it.

Not held: manufacturer_trade_name, manufacturer_email (the schema's pattern admits only the
letter w), manufacturing_facility, dimensions, cadmium_lead_symbols, substance_impacts,
component_part_numbers, supply_chain_indices, idle temperatures, extreme temperature times, deep
discharge and overcharge events, temperature_information, battery_status (lifecycle calls set
it); energy_throughput and self_discharge_rate have no timestamp, so are not read back. In part:
warranty_period, the document lists, spare_part_sources, critical_raw_materials, accidents,
texts that must be URLs; materials lose share_percent and hazard classes, hazardous substances
mass_kg.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from junkan.passport.attributes import BY_KEY
from junkan.passport.formats.base import Format, Imported, Source, validator

# fmt: off
NAME = "batterypass-1.2"
ASPECTS = ("GeneralProductInformation", "Labeling", "CarbonFootprintForBatteries",
           "SupplyChainDueDiligence", "MaterialComposition", "Circularity",
           "PerformanceAndDurability")
GPI, LAB, CF, SCDD, MC, CIRC, PD = ASPECTS
TECH, COND = f"{PD}.batteryTechicalProperties", f"{PD}.batteryCondition"
SKELETON = (  # objects always exported, so that validation names each member missing in them
    *ASPECTS, f"{GPI}.manufacturerInformation", f"{GPI}.manufacturingPlace",
    f"{GPI}.operatorInformation", f"{MC}.batteryChemistry", f"{CIRC}.safetyMeasures",
    f"{CIRC}.endOfLifeInformation", TECH, COND,
)
EXTENSION = "Junkan"  # our member beside the aspects: what Junkan needs and no aspect holds
FIELDS = {  # member path -> attribute, in the same unit
    f"{EXTENSION}.batteryModel": "battery_model",  # mandatory in Junkan, absent from the model
    f"{GPI}.batteryCategory": "battery_category", f"{GPI}.batteryMass": "battery_mass",
    f"{GPI}.manufacturerInformation.contactName": "manufacturer_name",
    f"{GPI}.manufacturerInformation.webAddress": "manufacturer_web",
    f"{LAB}.declarationOfConformity": "declaration_of_conformity",
    f"{CF}.batteryCarbonFootprint": "carbon_footprint",
    f"{CF}.carbonFootprintPerformanceClass": "carbon_footprint_class",
    f"{CF}.carbonFootprintStudy": "carbon_footprint_study",
    f"{SCDD}.supplyChainDueDiligenceReport": "due_diligence_report",
    f"{MC}.batteryChemistry.shortName": "battery_chemistry",
    f"{CIRC}.renewableContent": "renewable_content",
    f"{TECH}.ratedEnergy": "rated_energy", f"{TECH}.ratedCapacity": "rated_capacity",
    f"{TECH}.expectedNumberOfCycles": "expected_lifetime_cycles",
    f"{TECH}.roundtripEfficiency": "initial_round_trip_efficiency",
    f"{TECH}.expectedLifetime": "expected_lifetime_years",
    f"{TECH}.nominalVoltage": "nominal_voltage", f"{TECH}.minimumVoltage": "minimum_voltage",
    f"{TECH}.maximumVoltage": "maximum_voltage", f"{TECH}.cRateLifeCycleTest": "c_rate",
    f"{TECH}.capacityThresholdForExhaustion": "capacity_threshold_for_exhaustion",
    f"{COND}.powerFade": "power_fade",
    f"{COND}.roundTripEfficiencyFade": "round_trip_efficiency_fade",
    f"{COND}.roundTripEfficiencyat50PerCentCycleLife": "round_trip_efficiency_at_50_percent",
    f"{COND}.capacityFade.capacityFadeValue": "capacity_fade",
    # dynamic, but the model gives them no timestamp: exported, not read back
    f"{COND}.energyThroughput": "energy_throughput",
    f"{COND}.evolutionOfSelfDischarge.evolutionOfSelfDischargeEntityValue": "self_discharge_rate",
}
SCALED = {  # member path -> (attribute, factor from Junkan's unit to the model's)
    f"{CF}.absoluteCarbonFootprint": ("absolute_carbon_footprint", "1000"),  # t -> kg
    f"{TECH}.ratedMaximumPower": ("maximum_permitted_power", "0.001"),  # W -> kW
}
TIMED = {  # batteryCondition member -> (value member, dynamic attribute), same unit
    "capacityThroughput": ("capacityThroughputValue", "capacity_throughput"),
    "numberOfFullCycles": ("numberOfFullCyclesValue", "full_cycles"),
    "stateOfCertifiedEnergy": ("stateOfCertifiedEnergyValue", "state_of_certified_energy"),
    "remainingCapacity": ("remainingCapacityValue", "remaining_capacity"),
    "remainingRoundTripEnergyEfficiency":
        ("remainingRoundTripEnergyEfficiencyValue", "remaining_round_trip_efficiency"),
    "stateOfCharge": ("stateOfChargeValue", "state_of_charge"),
}
KEYED = {  # list member -> (key member, value member, {key: attribute}, factor as in SCALED)
    f"{TECH}.originalPowerCapability": ("atSoC", "powerCapabilityAt", {
        80: "original_power_capability_80", 20: "original_power_capability_20"}, "1"),
    f"{TECH}.initialInternalResistance": ("batteryComponent", "ohmicResistance", {  # mΩ -> Ω
        "cell": "initial_internal_resistance_cell", "pack": "initial_internal_resistance_pack"},
        "0.001"),
    f"{COND}.internalResistanceIncrease": ("batteryComponent", "internalResistanceIncreaseValue",
                                           {"pack": "internal_resistance_increase"}, "1"),
}
FIRST_URL = {  # URI member -> documents attribute: the first document's URL
    f"{LAB}.resultOfTestReport": "test_reports",
    f"{SCDD}.thirdPartyAussurances": "third_party_assurances",
}
URL_TEXTS = {  # URL-typed member -> text attribute, exported only when it is an http(s) URL
    f"{CIRC}.safetyMeasures.safetyInstructions": "safety_measures",
    f"{CIRC}.endOfLifeInformation.wastePrevention": "waste_prevention_information",
    f"{CIRC}.endOfLifeInformation.separateCollection": "separate_collection_information",
    f"{CIRC}.endOfLifeInformation.informationOnCollection": "collection_points_information",
    f"{TECH}.lifetimeReferenceTest": "cycle_life_reference_test",
}
STATUS = {"original": "Original", "repurposed": "Repurposed", "re-used": "Reused",
          "remanufactured": "Remanufactured", "waste": "Waste"}
CF_STAGES = {"RawMaterialExtraction": "carbon_footprint_raw_materials",
             "MainProduction": "carbon_footprint_main_production",
             "Distribution": "carbon_footprint_distribution",
             "Recycling": "carbon_footprint_end_of_life"}
COMPONENTS = {"Cathode": "cathode_materials", "Anode": "anode_materials",
              "Electrolyte": "electrolyte_materials"}
LABELS = {"SeparateCollection": "separate_collection_symbol",
          "CarbonFootPrint": "carbon_footprint_label"}
METALS = ("cobalt", "lithium", "nickel", "lead")
# list item member -> field of the Junkan item, same unit
MATERIAL_ITEM = {"batteryMaterialName": "name", "batteryMaterialIdentifier": "cas"}
HAZARD_ITEM = {"hazardousSubstanceName": "name", "hazardousSubstanceIdentifier": "cas",
               "hazardousSubstanceConcentration": "share_percent",
               "hazardousSubstanceImpact": "hazard_classes"}
DOCUMENT_ITEM = {"documentURL": "url", "mimeType": "media_type"}
SUPPLIER_ITEM = {"nameOfSupplier": "supplier", "supplierWebAddress": "web",
                 "emailAddressOfSupplier": "email"}
CLP_CLASSES = {"acute tox": "AcuteToxicity", "skin corr": "SkinCorrosionOrIrritation",
               "skin irrit": "SkinCorrosionOrIrritation", "eye ": "EyeDamageOrIrritation"}
# fmt: on


def _present(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None and v != []}


def _item(item: dict[str, Any], fields: dict[str, str], reading: bool = False) -> dict[str, Any]:
    """A list item renamed by `fields` (member -> Junkan field), backwards when reading."""
    names = {key: member for member, key in fields.items()} if reading else fields
    return _present({new: item.get(old) for new, old in names.items()})


def _set(document: dict[str, Any], path: str, value: Any) -> None:
    *parents, last = path.split(".")
    for part in parents:
        document = document.setdefault(part, {})
    document[last] = value


def _get(document: dict[str, Any], path: str) -> Any:
    for part in path.split("."):
        document = document.get(part) if isinstance(document, dict) else None
    return document


def _scaled(value: float | None, factor: str, back: bool = False) -> float | None:
    """value x factor (/ when scaling back) in decimal, so that a round trip changes nothing."""
    ratio = 1 / Decimal(factor) if back else Decimal(factor)  # exact: factors are powers of ten
    return None if value is None else float(Decimal(repr(value)) * ratio)


def _moment(moment: datetime | str) -> datetime:
    """An aware timestamp; Junkan keeps UTC, so a naive one is UTC."""
    moment = datetime.fromisoformat(moment) if isinstance(moment, str) else moment
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _stamp(moment: datetime | str | None) -> str | None:
    return None if moment is None else _moment(moment).isoformat()


def _url(value: Any) -> str | None:
    return value if isinstance(value, str) and re.fullmatch(r"https?://\S+", value) else None


def _address_text(address: dict[str, Any] | None) -> str | None:
    """Street text, with postal code and country appended unless it already has them."""
    street = (address or {}).get("streetAddress")
    if not street:
        return None
    extra = [address.get(k) for k in ("postalCode", "addressCountry")]
    return ", ".join([street, *(e for e in extra if e and e not in street)])


def _site_country(source: Source) -> str | None:
    named = source.data.get("manufacturing_facility")
    sites = [site for site in source.sites if named in (i["value"] for i in site["identifiers"])]
    return sites[0].get("country") if named and sites else None


def _is_critical(name: str, critical: list[str] | None) -> bool | None:
    """Unknown without a list; else whether the name and a listed material contain one another."""
    listed, name = [str(crm).lower() for crm in critical or []], name.lower()
    return None if critical is None else any(name in crm or crm in name for crm in listed)


def _clp_class(hazard_classes: list[str]) -> str | None:
    for hazard in hazard_classes:
        for prefix, name in CLP_CLASSES.items():
            if hazard.lower().startswith(prefix):
                return name
    return None


def _general(source: Source) -> dict[str, Any]:
    """Member paths and values, like the other export parts; None means leave it out."""
    data, passport = source.data, source.passport
    operator = passport["operator"]
    ids = [identifier["value"] for identifier in operator["identifiers"]]
    operator_id = source.operator_identifier("bpnl") or (ids[0] if ids else None)
    mine = data.get("manufacturer_name") == operator["name"]  # the operator made it
    address = data.get("manufacturer_address")
    month, day = data.get("manufacturing_date"), data.get("putting_into_service_date")
    warranty = data.get("warranty_period")
    return {
        f"{GPI}.productIdentifier": passport["battery_id"],
        f"{GPI}.batteryPassportIdentifier": "urn:junkan:" + passport["id"].replace("-", ""),
        f"{GPI}.manufacturerInformation.identifier": operator_id if mine else None,
        f"{GPI}.manufacturerInformation.postalAddress.streetAddress": address,
        f"{GPI}.manufacturingDate": f"{month}-01T00:00:00Z" if month else None,
        f"{GPI}.batteryStatus": STATUS.get(data.get("battery_status")),
        f"{GPI}.manufacturingPlace.streetAddress": data.get("manufacturing_place"),
        f"{GPI}.manufacturingPlace.addressCountry": _site_country(source),
        f"{GPI}.operatorInformation.contactName": operator["name"],
        f"{GPI}.operatorInformation.identifier": operator_id,
        f"{GPI}.operatorInformation.webAddress": data.get("manufacturer_web") if mine else None,
        f"{GPI}.operatorInformation.postalAddress.streetAddress": address if mine else None,
        f"{GPI}.puttingIntoService": f"{day}T00:00:00Z" if day else None,
        f"{GPI}.warrentyPeriod": f"--{warranty:02d}" if warranty in range(1, 13) else None,
    }


def _labels_and_footprint(data: dict[str, Any]) -> dict[str, Any]:
    meaning = {"en": data["symbols_meaning"]} if "symbols_meaning" in data else None
    labels = [
        _present({"labelingSubject": kind, "labelingSymbol": data[key], "labelingMeaning": meaning})
        for kind, key in LABELS.items()
        if key in data
    ] or None
    total = data.get("carbon_footprint")
    stages = [
        {
            "lifecycleStage": stage,
            "carbonFootprint": float(Decimal(repr(total)) * Decimal(repr(data[key])) / 100),
        }
        for stage, key in CF_STAGES.items()
        if key in data and total is not None
    ] or None
    return {
        f"{LAB}.labels": labels,
        f"{CF}.carbonFootprintPerLifecycleStage": stages,
    }


def _materials(data: dict[str, Any]) -> dict[str, Any]:
    materials = [
        _item(item, MATERIAL_ITEM)
        | _present(
            {
                "batteryMaterialLocation": {"componentName": component},
                "batteryMaterialMass": _scaled(item.get("mass_kg"), "1000"),  # kg -> g
                "isCriticalRawMaterial": _is_critical(
                    item["name"], data.get("critical_raw_materials")
                ),
            }
        )
        for component, key in COMPONENTS.items()
        for item in data.get(key, [])
    ]
    hazardous = data.get("hazardous_substances")
    substances = [
        _item(item, HAZARD_ITEM)
        | _present(
            {
                "hazardousSubstanceClass": _clp_class(item.get("hazard_classes", [])),
                "hazardousSubstanceLocation": (
                    {"componentName": item["location"]} if "location" in item else None
                ),
            }
        )
        for item in hazardous or []
    ]
    found = any(key in data for key in COMPONENTS.values())
    return {
        f"{MC}.batteryMaterials": materials if found else None,
        f"{MC}.hazardousSubstances": substances if hazardous is not None else None,
    }


def _circularity(data: dict[str, Any]) -> dict[str, Any]:
    documents, parts = data.get("dismantling_information"), data.get("spare_part_sources")
    recycled = [
        _present(
            {
                "recycledMaterial": metal.title(),
                "preConsumerShare": data.get(f"recycled_{metal}_pre_consumer"),
                "postConsumerShare": data.get(f"recycled_{metal}_post_consumer"),
            }
        )
        for metal in METALS
        if f"recycled_{metal}_pre_consumer" in data or f"recycled_{metal}_post_consumer" in data
    ] or None
    agent = data.get("extinguishing_agent")
    return {
        f"{CIRC}.dismantlingAndRemovalInformation": None
        if documents is None
        else [{"documentType": "DismantlingManual"} | _item(d, DOCUMENT_ITEM) for d in documents],
        f"{CIRC}.sparePartSources": None
        if parts is None
        else [_item({"supplier": p} if isinstance(p, str) else p, SUPPLIER_ITEM) for p in parts],
        f"{CIRC}.recycledContent": recycled,
        f"{CIRC}.safetyMeasures.extinguishingAgent": [agent] if agent else None,
    }


def _condition(source: Source) -> dict[str, Any]:
    data = source.data
    updated = _stamp(source.updated_at)
    values: dict[str, Any] = {
        path: [
            {key_member: key, value_member: _scaled(data[attribute], factor)}
            for key, attribute in attributes.items()
            if attribute in data
        ]
        or None
        for path, (key_member, value_member, attributes, factor) in KEYED.items()
    }
    for increase in values[f"{COND}.internalResistanceIncrease"] or []:
        increase["lastUpdate"] = updated
    values[f"{COND}.capacityFade.lastUpdate"] = updated if "capacity_fade" in data else None
    for member, (value_member, key) in TIMED.items():
        if key in data:
            values[f"{COND}.{member}.{value_member}"] = data[key]
            values[f"{COND}.{member}.lastUpdate"] = _stamp(source.measured_at(key))
    if "remaining_power_capability" in data:
        at = _stamp(source.measured_at("remaining_power_capability"))
        value = {"powerCapabilityAt": data["remaining_power_capability"], "rPCLastUpdated": at}
        entry = {"remainingPowerCapabilityValue": _present(value), "lastUpdate": at}
        values[f"{COND}.remainingPowerCapability"] = [_present(entry)]
    if "accidents" in data:
        at = _stamp(source.measured_at("accidents"))
        events = [{"negativeEvent": str(event), "lastUpdate": at} for event in data["accidents"]]
        values[f"{COND}.negativeEvents"] = [_present(event) for event in events]
    return values


def export(source: Source) -> dict[str, Any]:
    """The passport as Battery Pass 1.2 aspects, from what the caller may see only."""
    data = source.data
    document: dict[str, Any] = {}
    for path in SKELETON:
        _set(document, path, {})
    values = {path: data.get(key) for path, key in FIELDS.items()}
    values |= {path: _scaled(data.get(key), factor) for path, (key, factor) in SCALED.items()}
    values |= {path: _url(data.get(key)) for path, key in URL_TEXTS.items()}
    values |= {path: (data.get(key) or [{}])[0].get("url") for path, key in FIRST_URL.items()}
    values |= _general(source) | _labels_and_footprint(data) | _materials(data)
    values |= _circularity(data) | _condition(source)
    for path, value in values.items():
        if value is not None:
            _set(document, path, value)
    return document


def _read_general(document: dict[str, Any]) -> dict[str, Any]:
    month = _get(document, f"{GPI}.manufacturingDate") or ""
    maker = _get(document, f"{GPI}.manufacturerInformation") or {}
    warranty = re.match(r"--(0[1-9]|1[0-2])", _get(document, f"{GPI}.warrentyPeriod") or "")
    return {
        "manufacturer_email": _get(maker, "emailAddress"),
        "manufacturer_address": _address_text(_get(maker, "postalAddress")),
        "manufacturing_date": month[:7] if re.match(r"\d{4}-\d{2}", month) else None,
        "manufacturing_place": _address_text(_get(document, f"{GPI}.manufacturingPlace")),
        "putting_into_service_date": (_get(document, f"{GPI}.puttingIntoService") or "")[:10],
        "warranty_period": int(warranty.group(1)) if warranty else None,
    }


def _read_labels_and_footprint(document: dict[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for label in _get(document, f"{LAB}.labels") or []:
        if key := LABELS.get(label.get("labelingSubject")):
            values[key] = label.get("labelingSymbol")
            meaning = label.get("labelingMeaning") or {}
            text = meaning.get("en") or next(iter(meaning.values()), None)
            values.setdefault("symbols_meaning", text)
    total = _get(document, f"{CF}.batteryCarbonFootprint")
    for stage in _get(document, f"{CF}.carbonFootprintPerLifecycleStage") or []:
        if total and stage.get("lifecycleStage") in CF_STAGES:
            share = Decimal(repr(stage["carbonFootprint"])) / Decimal(repr(total)) * 100
            values[CF_STAGES[stage["lifecycleStage"]]] = float(share)
    return values


def _read_materials(document: dict[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    critical = []
    for material in _get(document, f"{MC}.batteryMaterials") or []:
        component = (material.get("batteryMaterialLocation") or {}).get("componentName", "")
        if (key := COMPONENTS.get(component.strip().title())) is None:
            continue  # a component Junkan has no attribute for
        mass = _scaled(material.get("batteryMaterialMass"), "1000", back=True)
        item = _item(material, MATERIAL_ITEM, reading=True) | _present({"mass_kg": mass})
        values.setdefault(key, []).append(item)
        if material.get("isCriticalRawMaterial") and item["name"] not in critical:
            critical.append(item["name"])
    values["critical_raw_materials"] = critical or None
    substances = _get(document, f"{MC}.hazardousSubstances")
    if substances is not None:
        values["hazardous_substances"] = [
            _item(substance, HAZARD_ITEM, reading=True)
            | _present({"location": _get(substance, "hazardousSubstanceLocation.componentName")})
            for substance in substances
        ]
    return values


def _read_circularity(document: dict[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    documents = _get(document, f"{CIRC}.dismantlingAndRemovalInformation")
    if documents is not None:
        values["dismantling_information"] = [_item(d, DOCUMENT_ITEM, True) for d in documents]
    parts = _get(document, f"{CIRC}.sparePartSources")
    if parts is not None:
        values["spare_part_sources"] = [_item(part, SUPPLIER_ITEM, reading=True) for part in parts]
    for content in _get(document, f"{CIRC}.recycledContent") or []:
        if (metal := str(content.get("recycledMaterial", "")).lower()) in METALS:
            values[f"recycled_{metal}_pre_consumer"] = content.get("preConsumerShare")
            values[f"recycled_{metal}_post_consumer"] = content.get("postConsumerShare")
    agents = _get(document, f"{CIRC}.safetyMeasures.extinguishingAgent")
    values["extinguishing_agent"] = "; ".join(agents) if agents else None
    return values


def _read_dynamic(document: dict[str, Any]) -> dict[datetime, dict[str, Any]]:
    """Dynamic values, grouped by the lastUpdate the model gives each of them."""
    dynamic: dict[datetime, dict[str, Any]] = {}

    def add(moment: str | None, key: str, value: Any) -> None:
        if moment and value is not None:
            dynamic.setdefault(_moment(moment), {})[key] = value

    for member, (value_member, key) in TIMED.items():
        entry = _get(document, f"{COND}.{member}") or {}
        add(entry.get("lastUpdate"), key, entry.get(value_member))
    for entry in _get(document, f"{COND}.remainingPowerCapability") or []:
        value = _get(entry, "remainingPowerCapabilityValue.powerCapabilityAt")
        add(entry.get("lastUpdate"), "remaining_power_capability", value)
    if events := _get(document, f"{COND}.negativeEvents"):
        latest = max(events, key=lambda event: _moment(event["lastUpdate"]))["lastUpdate"]
        add(latest, "accidents", [event["negativeEvent"] for event in events])
    return dynamic


def read(document: dict[str, Any]) -> Imported:
    """A valid document back into Junkan values; dynamic values keyed by their lastUpdate."""
    data = {key: _get(document, path) for path, key in FIELDS.items() if not BY_KEY[key].dynamic}
    data |= {key: _get(document, path) for path, key in URL_TEXTS.items()}
    data |= {k: [{"url": u}] for p, k in FIRST_URL.items() if (u := _get(document, p))}
    for path, (key, factor) in SCALED.items():
        data[key] = _scaled(_get(document, path), factor, back=True)
    data |= _read_general(document) | _read_labels_and_footprint(document)
    data |= _read_materials(document) | _read_circularity(document)
    for path, (key_member, value_member, attributes, factor) in KEYED.items():
        for item in _get(document, path) or []:
            if attribute := attributes.get(item.get(key_member)):
                data[attribute] = _scaled(item.get(value_member), factor, back=True)
    values = {key: value for key, value in data.items() if value not in (None, "")}
    battery_id = _get(document, f"{GPI}.productIdentifier")
    return Imported(battery_id, values, _read_dynamic(document))


NO_VALUE = "Junkan holds no value for it"  # validation hints from here on
ADDRESS_PART = "Junkan holds an address as one text, the streetAddress, without its parts"
AS_URL = "fill data.{} with an http(s) URL: the model wants a link, not text"
# fmt: off
HINTS = {  # member path without list indices -> what to fill, beyond FIELDS and friends
    f"{GPI}.manufacturerInformation.identifier": "set when data.manufacturer_name is the operator",
    f"{GPI}.manufacturerInformation.postalAddress": "fill data.manufacturer_address",
    f"{GPI}.manufacturingDate": "fill data.manufacturing_date",
    f"{GPI}.batteryStatus": "fill data.battery_status (visible to legitimate interest)",
    f"{GPI}.manufacturingPlace.streetAddress": "fill data.manufacturing_place",
    f"{GPI}.manufacturingPlace.addressCountry": "fill data.manufacturing_facility (a site's id)",
    f"{GPI}.operatorInformation.identifier": "give the passport operator an identifier",
    f"{GPI}.operatorInformation.postalAddress": "fill data.manufacturer_address, if the operator",
    f"{GPI}.puttingIntoService": "fill data.putting_into_service_date",
    f"{GPI}.warrentyPeriod": "fill data.warranty_period (the model holds 1 to 12 months only)",
    **{path: f"fill data.{key}" for path, key in FIRST_URL.items()},
    f"{LAB}.labels": "fill data.separate_collection_symbol",
    f"{LAB}.labels.labelingMeaning": "fill data.symbols_meaning",
    f"{CF}.carbonFootprintPerLifecycleStage": "fill data.carbon_footprint and its four shares",
    f"{MC}.batteryMaterials": "fill data." + " or data.".join(COMPONENTS.values()),
    f"{MC}.batteryMaterials.batteryMaterialMass": "fill mass_kg in data.{list}",
    f"{MC}.batteryMaterials.isCriticalRawMaterial": "fill data.critical_raw_materials",
    f"{MC}.hazardousSubstances": "fill data.hazardous_substances",
    f"{MC}.hazardousSubstances.hazardousSubstanceClass": "fill hazard_classes (CLP) in the item",
    f"{MC}.hazardousSubstances.hazardousSubstanceLocation": "fill location in the item",
    f"{CIRC}.dismantlingAndRemovalInformation": "fill data.dismantling_information",
    f"{CIRC}.sparePartSources": "fill data.spare_part_sources",
    f"{CIRC}.recycledContent": "fill data.recycled_cobalt_pre_consumer and the other shares",
    f"{CIRC}.recycledContent.preConsumerShare": "fill data.recycled_{metal}_pre_consumer",
    f"{CIRC}.recycledContent.postConsumerShare": "fill data.recycled_{metal}_post_consumer",
    f"{CIRC}.safetyMeasures.extinguishingAgent": "fill data.extinguishing_agent",
    **{path: "fill data." + " or data.".join(attributes.values())
       for path, (_, _, attributes, _) in KEYED.items()},
    f"{TECH}.temperatureRangeIdleState": "one number cannot hold data.idle_temperature_* range",
    f"{COND}.capacityFade": "fill data.capacity_fade",
    f"{COND}.energyThroughput": "fill data.energy_throughput",
    f"{COND}.evolutionOfSelfDischarge": "fill data.self_discharge_rate",
    f"{COND}.negativeEvents": "fill data.accidents",
    f"{COND}.remainingPowerCapability": "fill data.remaining_power_capability",
    f"{COND}.temperatureInformation": "time_in_extreme_temperatures is not split hot/cold",
    **{f"{MC}.batteryMaterials.{m}": f"fill {k} in data.{{list}}"
       for m, k in MATERIAL_ITEM.items()},
    **{f"{MC}.hazardousSubstances.{m}": f"fill {k} in data.hazardous_substances"
       for m, k in HAZARD_ITEM.items()},
    **{f"{CIRC}.dismantlingAndRemovalInformation.{m}": f"fill {k} in data.dismantling_information"
       for m, k in DOCUMENT_ITEM.items()},
    **{f"{CIRC}.sparePartSources.{m}": f"fill {k} in data.spare_part_sources"
       for m, k in SUPPLIER_ITEM.items()},
    **{f"{GPI}.{where}.{part}": ADDRESS_PART for part in ("postalCode", "addressCountry")
       for where in ("manufacturerInformation.postalAddress", "operatorInformation.postalAddress")},
    f"{GPI}.manufacturingPlace.postalCode": ADDRESS_PART,
    **{path: f"fill data.{key}" for path, key in FIELDS.items()},
    **{path: f"fill data.{key}" for path, (key, _) in SCALED.items()},
    **{path: AS_URL.format(key) for path, key in URL_TEXTS.items()},
    **{f"{COND}.{member}": f"fill data.{key}" for member, (_, key) in TIMED.items()},
}
# fmt: on


def _hint(path: list[Any], instance: Any) -> str:
    """What to fill for a missing required member, named by Junkan attribute where one fits."""
    names = [str(part) for part in path if not isinstance(part, int)]
    hint = HINTS.get(".".join(names), NO_VALUE)
    context = instance if isinstance(instance, dict) else {}
    component = str(_get(context, "batteryMaterialLocation.componentName") or "").title()
    metal = str(context.get("recycledMaterial", "")).lower()
    return hint.format(metal=metal, list=COMPONENTS.get(component, "cathode_materials"))


def validate(document: dict[str, Any]) -> list[dict[str, str]]:
    """Every way the document breaks the official aspect schemas, with what to fill."""
    if not isinstance(document, dict):
        return [{"field": "(root)", "message": f"must be an object with members {ASPECTS}"}]
    errors = [
        {"field": name, "message": f"not a Battery Pass 1.2 aspect; expected one of {ASPECTS}"}
        for name in document
        if name not in (*ASPECTS, EXTENSION)
    ]
    for aspect in ASPECTS:
        if aspect not in document:
            errors.append({"field": aspect, "message": "required: the aspect is missing"})
            continue
        for error in validator(f"{NAME}/{aspect}-schema.json").iter_errors(document[aspect]):
            path = [aspect, *error.absolute_path]
            missing = re.fullmatch(r"'(.+)' is a required property", error.message)
            if error.validator == "required" and missing:
                path.append(missing.group(1))
                message = "required; " + _hint(path, error.instance)
            else:
                message = error.message[:300]
            errors.append({"field": ".".join(str(part) for part in path), "message": message})
    return sorted(errors, key=lambda error: (error["field"], error["message"]))


# fmt: off
CARRIES = frozenset(
    {key for key in FIELDS.values() if not BY_KEY[key].dynamic}
    | {key for key, _ in SCALED.values()} | {key for _, key in TIMED.values()}
    | {*CF_STAGES.values(), *COMPONENTS.values(), *LABELS.values()}
    | {f"recycled_{metal}_{stage}_consumer" for metal in METALS for stage in ("pre", "post")}
    | {key for _, _, attributes, _ in KEYED.values() for key in attributes.values()}
    | {"symbols_meaning", "manufacturer_address", "manufacturing_date", "manufacturing_place",
       "putting_into_service_date", "hazardous_substances", "extinguishing_agent",
       "remaining_power_capability"}
)
LICENCE = "Battery Pass Data Model v1.2.0 by the Battery Pass consortium, CC-BY-4.0"
FORMAT = Format(NAME, "Battery Pass data model 1.2", export, read, validate, CARRIES, LICENCE)
# fmt: on
