"""Battery Pass data model v1.2 (Battery Pass consortium, CC-BY-4.0), out and back in.

A document has one member per aspect model (GeneralProductInformation, Labeling,
CarbonFootprintForBatteries, SupplyChainDueDiligence, MaterialComposition, Circularity,
PerformanceAndDurability), each checked against that aspect's official schema. The mapping
tables are Junkan's own, in schemas/batterypass-1.2/junkan-mapping.json.

Derivations, as the model asks for more than Junkan stores: batteryPassportIdentifier is
"urn:junkan:" + the passport id without hyphens (the schema admits only urn:<alnum>:<alnum>);
manufacturingDate the month's first instant (read back as the month); puttingIntoService the
date at 00:00Z; warrentyPeriod a gMonth, so 1-12 months only. operatorInformation: the
operator's name and identifier (BPNL, else its first); when data.manufacturer_name is the
operator's name, the manufacturer gets that identifier and the operator the manufacturer's web
and address. A Junkan address (data.manufacturer_address, a spare-part source's address) gives
streetAddress, postalCode and addressCountry (ISO alpha-2); the model has no city, so member
"Junkan" keeps it under addressLocality, keyed by the postal address's path, and a supplier's
identifier under supplierIdentifier; an address is read back only with that city and an alpha-2
country. manufacturingPlace is data.manufacturing_place, its country that of the operator's site
named by data.manufacturing_facility (read back: postal code and country appended unless in
it). A supplier's components are its part numbers; partName is the NAME of the
data.component_part_numbers entry "NUMBER (NAME)". Labels SeparateCollection and CarbonFootPrint
both mean data.symbols_meaning (under "en"). Dismantling documents are DismantlingManual; test
report and assurance are the first document's URL. isCriticalRawMaterial is the item's own
"critical" flag. hazardousSubstanceClass: the first CLP class among Acute Tox., Skin
Corr./Irrit., Eye Dam./Irrit.; hazardousSubstanceImpact: the CLP classes verbatim. capacityFade
and internalResistanceIncrease (static in Junkan) carry the passport's last update; the increase
is the battery's own ("pack"). self_discharge_rate is currentSelfDischargingRate (read back from
it, with its lastUpdate) and, being Annex XIII's "evolution of self-discharge rates", also
evolutionOfSelfDischarge. temperatureInformation holds the four time_*_extreme_*_temperatures
with one lastUpdate, the latest of theirs (read back as all four's time). URL-typed
safetyInstructions, wastePrevention, separateCollection, informationOnCollection and
lifetimeReferenceTest take the Junkan text only if it is an http(s) URL.

Units convert exactly on the decimal values, rounded once to a double (a round trip is exact
while the converted value has at most 15 significant digits): per-stage footprint in
kgCO2e/kWh = share x carbon_footprint / 100; t -> kg, kg -> g, W -> kW, mOhm -> Ohm, h -> min
(temperatureInformation). powerCapabilityRatio is, by the model's definition "nominal allowed
battery power (W) / battery energy (Wh)", maximum_permitted_power / (rated_energy x 1000), in
1/h (exported only; the model declares %, its description wins, as for power capability in W
(declared %) and remaining capacity in Ah (declared kWh)).

Left out, so validation names them: clearName, the manufacturingPlace's postalCode,
temperatureRangeIdleState (one number for a range), the SoC of remainingPowerCapability.
Member "Junkan", beside the aspects, holds batteryModel: Junkan requires it, the model lacks it.

Not held: manufacturer_trade_name, manufacturer_email (the schema's pattern admits only the
letter w), manufacturing_facility, dimensions, cadmium_lead_symbols, critical_raw_materials,
mercury/cadmium/lead_content (the model excludes Hg, Cd, Pb), substance_impacts,
component_part_numbers, supply_chain_indices, idle temperatures, cycle_life_test_temperature and
_depth_of_discharge, internal_resistance_cell/_pack, deep discharge and overcharge events,
temperature_information, battery_status (lifecycle calls set it); energy_throughput has no
timestamp, so is not read back. In part: warranty_period, the document lists, accidents (an
empty list has no lastUpdate), texts that must be URLs; materials lose location, share_percent
and hazard classes, hazardous substances mass_kg and critical.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from fractions import Fraction
from typing import Any

from junkan.passport.attributes import BY_KEY
from junkan.passport.formats.base import Format, Imported, Source, load_json, validator

NAME = "batterypass-1.2"
MAPPING = load_json(f"{NAME}/junkan-mapping.json")
ASPECTS: tuple[str, ...] = tuple(MAPPING["aspects"])
GPI, LAB, CF, SCDD, MC, CIRC, PD = ASPECTS
TECH, COND = f"{PD}.batteryTechicalProperties", f"{PD}.batteryCondition"
SKELETON = MAPPING["skeleton"]  # objects always exported, so that validation names their members
EXTENSION = "Junkan"  # our member beside the aspects: what Junkan needs and no aspect holds
LOCALITY, SUPPLIER_ID = f"{EXTENSION}.addressLocality", f"{EXTENSION}.supplierIdentifier"
FIELDS: dict[str, str] = MAPPING["fields"]  # member path -> attribute, in the same unit
SCALED = {path: tuple(pair) for path, pair in MAPPING["scaled"].items()}
TIMED = {member: tuple(pair) for member, pair in MAPPING["timed"].items()}
KEYED = {
    path: (key_member, value_member, dict(pairs), factor)
    for path, (key_member, value_member, pairs, factor) in MAPPING["keyed"].items()
}
FIRST_URL: dict[str, str] = MAPPING["first_url"]
URL_TEXTS: dict[str, str] = MAPPING["url_texts"]
TEMPERATURES: dict[str, str] = MAPPING["temperatures"]  # member -> attribute in hours
STATUS, CF_STAGES = MAPPING["status"], MAPPING["cf_stages"]
COMPONENTS, LABELS, METALS = MAPPING["components"], MAPPING["labels"], MAPPING["metals"]
MATERIAL_ITEM, HAZARD_ITEM = MAPPING["material_item"], MAPPING["hazard_item"]
DOCUMENT_ITEM, SUPPLIER_ITEM = MAPPING["document_item"], MAPPING["supplier_item"]
ADDRESS_ITEM, CLP_CLASSES = MAPPING["address_item"], MAPPING["clp_classes"]
SPARE_PARTS = f"{CIRC}.sparePartSources"
MAKER_ADDRESS = f"{GPI}.manufacturerInformation.postalAddress"


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
    """value x factor (/ when scaling back), exact on the decimal value, then rounded once."""
    if value is None:
        return None
    ratio = 1 / Fraction(factor) if back else Fraction(factor)
    return float(Fraction(repr(value)) * ratio)


def _moment(moment: datetime | str) -> datetime:
    """An aware timestamp; Junkan keeps UTC, so a naive one is UTC."""
    moment = datetime.fromisoformat(moment) if isinstance(moment, str) else moment
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _stamp(moment: datetime | str | None) -> str | None:
    return None if moment is None else _moment(moment).isoformat()


def _url(value: Any) -> str | None:
    return value if isinstance(value, str) and re.fullmatch(r"https?://\S+", value) else None


def _address(address: dict[str, Any] | None, where: str, locality: dict[str, str]) -> Any:
    """A Junkan address as the model's postal address; its city goes to `locality[where]`."""
    if not address:
        return None
    if address.get("city"):
        locality[where] = address["city"]
    return _item(address, ADDRESS_ITEM)


def _read_address(postal: dict[str, Any] | None, city: str | None) -> dict[str, Any] | None:
    """A Junkan address again: only with its city (member Junkan) and an ISO alpha-2 country."""
    address = _item(postal or {}, ADDRESS_ITEM, reading=True) | _present({"city": city})
    valid = {"street", "city"} <= address.keys()
    return address if valid and re.fullmatch(r"[A-Z]{2}", address.get("country", "")) else None


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


def _part_names(numbers: list[Any] | None) -> dict[str, str]:
    """data.component_part_numbers entries "NUMBER (NAME)" as {NUMBER: NAME}."""
    found = (re.fullmatch(r"(\S+) \((.+)\)", n) for n in numbers or [] if isinstance(n, str))
    return {match.group(1): match.group(2) for match in found if match}


def _clp_class(hazard_classes: list[str]) -> str | None:
    for hazard in hazard_classes:
        for prefix, name in CLP_CLASSES.items():
            if hazard.lower().startswith(prefix):
                return name
    return None


def _general(source: Source, locality: dict[str, str]) -> dict[str, Any]:
    """Member paths and values, like the other export parts; None means leave it out."""
    data, passport = source.data, source.passport
    operator = passport["operator"]
    ids = [identifier["value"] for identifier in operator["identifiers"]]
    operator_id = source.operator_identifier("bpnl") or (ids[0] if ids else None)
    mine = data.get("manufacturer_name") == operator["name"]  # the operator made it
    address = _address(data.get("manufacturer_address"), MAKER_ADDRESS, locality)
    month, day = data.get("manufacturing_date"), data.get("putting_into_service_date")
    warranty = data.get("warranty_period")
    return {
        f"{GPI}.productIdentifier": passport["battery_id"],
        f"{GPI}.batteryPassportIdentifier": "urn:junkan:" + passport["id"].replace("-", ""),
        f"{GPI}.manufacturerInformation.identifier": operator_id if mine else None,
        MAKER_ADDRESS: address,
        f"{GPI}.manufacturingDate": f"{month}-01T00:00:00Z" if month else None,
        f"{GPI}.batteryStatus": STATUS.get(data.get("battery_status")),
        f"{GPI}.manufacturingPlace.streetAddress": data.get("manufacturing_place"),
        f"{GPI}.manufacturingPlace.addressCountry": _site_country(source),
        f"{GPI}.operatorInformation.contactName": operator["name"],
        f"{GPI}.operatorInformation.identifier": operator_id,
        f"{GPI}.operatorInformation.webAddress": data.get("manufacturer_web") if mine else None,
        f"{GPI}.operatorInformation.postalAddress": address if mine else None,
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
            "carbonFootprint": float(Fraction(repr(total)) * Fraction(repr(data[key])) / 100),
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


def _suppliers(data: dict[str, Any], locality: dict[str, str], ids: dict[str, str]) -> Any:
    """Spare-part sources; what the model lacks (city, identifier) goes to member Junkan."""
    if (parts := data.get("spare_part_sources")) is None:
        return None
    names = _part_names(data.get("component_part_numbers"))
    suppliers = []
    for index, part in enumerate(parts):
        where = f"{SPARE_PARTS}.{index}"
        if part.get("identifier"):
            ids[where] = part["identifier"]
        address = _address(part.get("address"), f"{where}.addressOfSupplier", locality)
        components = [
            _present({"partName": names.get(number), "partNumber": number})
            for number in part.get("components", [])
        ]
        extra = {"addressOfSupplier": address, "components": components}
        suppliers.append(_item(part, SUPPLIER_ITEM) | _present(extra))
    return suppliers


def _circularity(data: dict[str, Any]) -> dict[str, Any]:
    documents = data.get("dismantling_information")
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
        f"{CIRC}.recycledContent": recycled,
        f"{CIRC}.safetyMeasures.extinguishingAgent": [agent] if agent else None,
    }


def _power_ratio(data: dict[str, Any]) -> float | None:
    """powerCapabilityRatio = maximum_permitted_power (W) / (rated_energy (kWh) x 1000), 1/h."""
    power, energy = data.get("maximum_permitted_power"), data.get("rated_energy")
    if power is None or not energy:
        return None
    return float(Fraction(repr(power)) / (Fraction(repr(energy)) * 1000))


def _temperatures(source: Source) -> dict[str, Any] | None:
    """The four times in extreme temperatures, h -> min, with the latest of their times."""
    present = {member: key for member, key in TEMPERATURES.items() if key in source.data}
    if not present:
        return None
    times = [_moment(t) for key in present.values() if (t := source.measured_at(key))]
    values = {member: _scaled(source.data[key], "60") for member, key in present.items()}
    return _present(values | {"lastUpdate": _stamp(max(times, default=None))})


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
    values[f"{TECH}.powerCapabilityRatio"] = _power_ratio(data)
    values[f"{COND}.temperatureInformation"] = _temperatures(source)
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
    locality: dict[str, str] = {}  # postal address path -> city, which the model lacks
    ids: dict[str, str] = {}  # spare-part source path -> its identifier, which the model lacks
    values = {path: data.get(key) for path, key in FIELDS.items()}
    values |= {path: _scaled(data.get(key), factor) for path, (key, factor) in SCALED.items()}
    values |= {path: _url(data.get(key)) for path, key in URL_TEXTS.items()}
    values |= {path: (data.get(key) or [{}])[0].get("url") for path, key in FIRST_URL.items()}
    values |= _general(source, locality) | _labels_and_footprint(data) | _materials(data)
    values |= _circularity(data) | _condition(source)
    values[SPARE_PARTS] = _suppliers(data, locality, ids)
    values |= {LOCALITY: locality or None, SUPPLIER_ID: ids or None}
    for path, value in values.items():
        if value is not None:
            _set(document, path, value)
    return document


def _read_general(document: dict[str, Any]) -> dict[str, Any]:
    month = _get(document, f"{GPI}.manufacturingDate") or ""
    maker = _get(document, f"{GPI}.manufacturerInformation") or {}
    city = (_get(document, LOCALITY) or {}).get(MAKER_ADDRESS)
    warranty = re.match(r"--(0[1-9]|1[0-2])", _get(document, f"{GPI}.warrentyPeriod") or "")
    return {
        "manufacturer_email": _get(maker, "emailAddress"),
        "manufacturer_address": _read_address(_get(maker, "postalAddress"), city),
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
            share = Fraction(repr(stage["carbonFootprint"])) / Fraction(repr(total)) * 100
            values[CF_STAGES[stage["lifecycleStage"]]] = float(share)
    return values


def _read_materials(document: dict[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for material in _get(document, f"{MC}.batteryMaterials") or []:
        component = (material.get("batteryMaterialLocation") or {}).get("componentName", "")
        if (key := COMPONENTS.get(component.strip().title())) is None:
            continue  # a component Junkan has no attribute for
        mass = _scaled(material.get("batteryMaterialMass"), "1000", back=True)
        item = _item(material, MATERIAL_ITEM, reading=True) | _present({"mass_kg": mass})
        values.setdefault(key, []).append(item)
    substances = _get(document, f"{MC}.hazardousSubstances")
    if substances is not None:
        values["hazardous_substances"] = [
            _item(substance, HAZARD_ITEM, reading=True)
            | _present({"location": _get(substance, "hazardousSubstanceLocation.componentName")})
            for substance in substances
        ]
    return values


def _read_suppliers(document: dict[str, Any]) -> list[dict[str, Any]] | None:
    parts = _get(document, SPARE_PARTS)
    if parts is None:
        return None
    locality, ids = _get(document, LOCALITY) or {}, _get(document, SUPPLIER_ID) or {}
    suppliers = []
    for index, part in enumerate(parts):
        where = f"{SPARE_PARTS}.{index}"
        city = locality.get(f"{where}.addressOfSupplier")
        extra = {
            "identifier": ids.get(where),
            "address": _read_address(part.get("addressOfSupplier"), city),
            "components": [c["partNumber"] for c in part.get("components") or []],
        }
        suppliers.append(_item(part, SUPPLIER_ITEM, reading=True) | _present(extra))
    return suppliers


def _read_circularity(document: dict[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {"spare_part_sources": _read_suppliers(document)}
    documents = _get(document, f"{CIRC}.dismantlingAndRemovalInformation")
    if documents is not None:
        values["dismantling_information"] = [_item(d, DOCUMENT_ITEM, True) for d in documents]
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
    temperatures = _get(document, f"{COND}.temperatureInformation") or {}
    for member, key in TEMPERATURES.items():
        value = _scaled(temperatures.get(member), "60", back=True)  # min -> h
        add(temperatures.get("lastUpdate"), key, value)
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
AS_URL = "fill data.{} with an http(s) URL: the model wants a link, not text"
ITEMS = (  # list or object member -> (its fields, where Junkan holds them)
    (f"{MC}.batteryMaterials", MATERIAL_ITEM, "data.{list}"),
    (f"{MC}.hazardousSubstances", HAZARD_ITEM, "data.hazardous_substances"),
    (f"{CIRC}.dismantlingAndRemovalInformation", DOCUMENT_ITEM, "data.dismantling_information"),
    (SPARE_PARTS, SUPPLIER_ITEM, "data.spare_part_sources"),
    (f"{SPARE_PARTS}.addressOfSupplier", ADDRESS_ITEM, "the address in data.spare_part_sources"),
    (MAKER_ADDRESS, ADDRESS_ITEM, "data.manufacturer_address"),
    (f"{GPI}.operatorInformation.postalAddress", ADDRESS_ITEM, "data.manufacturer_address"),
)
HINTS = {  # member path without list indices -> what to fill
    **{f"{where}.{member}": f"fill {field} in {holder}"
       for where, fields, holder in ITEMS for member, field in fields.items()},
    **{path: f"fill data.{key}" for path, key in (FIELDS | FIRST_URL).items()},
    **{path: f"fill data.{key}" for path, (key, _) in SCALED.items()},
    **{path: AS_URL.format(key) for path, key in URL_TEXTS.items()},
    **{f"{COND}.{member}": f"fill data.{key}" for member, (_, key) in TIMED.items()},
    **{f"{COND}.temperatureInformation.{member}": f"fill data.{key}"
       for member, key in TEMPERATURES.items()},
    **{path: "fill data." + " or data.".join(attributes.values())
       for path, (_, _, attributes, _) in KEYED.items()},
    **MAPPING["hints"],
}  # fmt: skip


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


CARRIES = frozenset(
    {key for key in FIELDS.values() if not BY_KEY[key].dynamic}
    | {key for key, _ in SCALED.values()} | {key for _, key in TIMED.values()}
    | {*CF_STAGES.values(), *COMPONENTS.values(), *LABELS.values(), *TEMPERATURES.values()}
    | {f"recycled_{metal}_{stage}_consumer" for metal in METALS for stage in ("pre", "post")}
    | {key for _, _, attributes, _ in KEYED.values() for key in attributes.values()}
    | {"symbols_meaning", "manufacturer_address", "manufacturing_date", "manufacturing_place",
       "putting_into_service_date", "hazardous_substances", "extinguishing_agent",
       "remaining_power_capability", "spare_part_sources"}
)  # fmt: skip
LICENCE = "Battery Pass Data Model v1.2.0 by the Battery Pass consortium, CC-BY-4.0"
FORMAT = Format(NAME, "Battery Pass data model 1.2", export, read, validate, CARRIES, LICENCE)
