"""Catena-X Battery Pass 6.1.0 (urn:samm:io.catenax.battery.battery_pass:6.1.0), out and back in.

Catena-X requires far more than Annex XIII holds; what Junkan has no value for is left out, so
validation names it rather than the export inventing it. Derivations (all exact):

- identification.idDmc is the battery identifier; codes holds its GTIN when it is a GS1
  Digital Link; type.manufacturerPartId and type.nameAtManufacturer are both battery_model.
- operation.manufacturer.manufacturer and metadata.economicOperatorId are the operator's BPNL;
  facilities are the BPNA of the site named by manufacturing_facility; manufacturingDate is
  the first day of manufacturing_date's month (read back as the month).
- metadata: passportIdentifier urn:uuid:{id}; predecessor the previous version's id, or the nil
  UUID when there is none (read back as none); version, issueDate (issue day), lastModification.
- commercial.purpose is ["automotive"] for EV batteries only; sustainability.status is
  battery_status (so only callers who may see it get it).
- carbonFootprint: a "total" entry (carbon_footprint, its class) and one per lifecycle stage
  with a known share, value = carbon_footprint × share / 100 (read back as the shortest decimal
  share giving that value); all "Climate Change Total" in kg CO2e / kWh, declared by
  carbon_footprint_study, at the battery's plant (Art. 7: one declaration per model and plant).
- Rated resistances in Ω = mΩ / 1000; mass in kg, dimensions in mm; warranty in months.
- Art. 10 values (capacity_fade, power_fade, round_trip_efficiency_fade,
  internal_resistance_increase as the pack value) sit in Catena-X's dynamic records; their time
  is the passport's last update, when the value was last stated. They are read back as static.
- c_rate is the cycle-life test's appliedDischargeRate; the charge rate stays unknown.
- Recycled share of nickel, lithium, cobalt and lead = pre-consumer + post-consumer share;
  critical = the metal is listed in critical_raw_materials.
- Composition and other hazardous substances: one entry per item of cathode/anode/electrolyte
  materials and hazardous_substances, concentration = share_percent, or mass_kg / battery_mass
  × 100 (w/w %), location = the item's, else the electrode it is listed under; the hazardous
  ones carry substance_impacts as impactOfSubstances.
- Documents {header, contentType, content}: links have contentType "URL" (or their media type),
  text attributes are inline as "text/plain"; the header is the item's title or the attribute's
  label (which tells mixed lists apart). Manufacturer details are "Manufacturer Information"
  sources.

Not held (lost on export or import): battery_status (changes only through lifecycle calls),
battery_category "stationary" (exported as "industrial"), manufacturing_facility (read back as
the plant's BPNA), the substance lists (hazard classes lost, masses become shares), recycled
shares split by pre/post consumer, critical_raw_materials, renewable_content,
absolute_carbon_footprint, supply_chain_indices, component_part_numbers, spare_part_sources,
self_discharge_rate's timestamp (imported at the newest record's time), event counters, time
in extreme temperatures, accidents and temperature_information.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from junkan.passport.attributes import BY_KEY
from junkan.passport.formats.base import Format, Imported, Source, schema_errors

NAME = "catenax-battery-pass-6.1.0"
SCHEMA = f"{NAME}/BatteryPass-schema.json"
SPEC_VERSION = "urn:io.catenax.battery.battery_pass:6.1.0"
NIL_UUID = "urn:uuid:00000000-0000-0000-0000-000000000000"
CF_UNIT = "kg CO2e / kWh"
CF_TYPE = "Climate Change Total"
TOTAL = "total"
MANUFACTURER_INFO = "Manufacturer Information"
INLINE = "text/plain"
GS1 = re.compile(r"/01/(?P<gtin>\d{14})/21/(?P<serial>.+)")
MIME = re.compile(r"[\w.+-]+/[\w.+-]+")

CATEGORIES = {"ev": "EV", "lmt": "LMT", "industrial": "industrial", "stationary": "industrial"}
CATEGORIES_BACK = {"EV": "ev", "LMT": "lmt", "industrial": "industrial"}
STAGES = {
    "raw material acquisition and pre-processing": "carbon_footprint_raw_materials",
    "main product production": "carbon_footprint_main_production",
    "distribution": "carbon_footprint_distribution",
    "end of life and recycling": "carbon_footprint_end_of_life",
}
METALS = ("nickel", "lithium", "cobalt", "lead")
ELECTRODES = {part: f"{part}_materials" for part in ("cathode", "anode", "electrolyte")}
MILLI = -3
R, D = ("performance", "rated"), ("performance", "dynamic")

# (path, attribute, power of ten from Junkan's unit to Catena-X's)
SCALARS: tuple[tuple[tuple[str, ...], str, int], ...] = (
    (("identification", "chemistry"), "battery_chemistry", 0),
    (("operation", "intoServiceDate"), "putting_into_service_date", 0),
    ((*R, "voltage", "min"), "minimum_voltage", 0),
    ((*R, "voltage", "nominal"), "nominal_voltage", 0),
    ((*R, "voltage", "max"), "maximum_voltage", 0),
    ((*R, "roundTripEfficiency", "initial"), "initial_round_trip_efficiency", 0),
    ((*R, "roundTripEfficiency", "50PercentLife"), "round_trip_efficiency_at_50_percent", 0),
    ((*R, "energy", "value"), "rated_energy", 0),
    ((*R, "resistance", "cell"), "initial_internal_resistance_cell", MILLI),
    ((*R, "resistance", "pack"), "initial_internal_resistance_pack", MILLI),
    ((*R, "power", "value"), "maximum_permitted_power", 0),
    ((*R, "power", "at20SoC"), "original_power_capability_20", 0),
    ((*R, "power", "at80SoC"), "original_power_capability_80", 0),
    ((*R, "capacity", "value"), "rated_capacity", 0),
    ((*R, "capacity", "thresholdExhaustion"), "capacity_threshold_for_exhaustion", 0),
    ((*R, "temperature", "lower"), "idle_temperature_lower", 0),
    ((*R, "temperature", "upper"), "idle_temperature_upper", 0),
    ((*R, "lifetime", "expectedYears"), "expected_lifetime_years", 0),
    ((*R, "lifetime", "cycleLifeTesting", "cycles"), "expected_lifetime_cycles", 0),
    ((*R, "lifetime", "cycleLifeTesting", "appliedDischargeRate"), "c_rate", 0),
)
# {value, time} records of dynamic attributes, timed by their measurement
RECORDS: tuple[tuple[tuple[str, ...], str], ...] = (
    ((*D, "stateOfCharge"), "state_of_charge"),
    ((*D, "fullCycles"), "full_cycles"),
    ((*D, "power", "remaining"), "remaining_power_capability"),
    ((*D, "capacity", "throughput"), "capacity_throughput"),
    ((*D, "capacity", "capacity"), "remaining_capacity"),
    ((*D, "roundTripEfficiency", "remaining"), "remaining_round_trip_efficiency"),
    ((*D, "energy", "soce"), "state_of_certified_energy"),
    ((*D, "energy", "throughput"), "energy_throughput"),
)
# {value, time} records of static Art. 10 values, timed by the passport's last update
STATED: tuple[tuple[tuple[str, ...], str], ...] = (
    ((*D, "capacity", "fade"), "capacity_fade"),
    ((*D, "power", "fade"), "power_fade"),
    ((*D, "roundTripEfficiency", "fade"), "round_trip_efficiency_fade"),
    ((*D, "resistance", "increase", "pack"), "internal_resistance_increase"),
)
# fmt: off
# document lists holding uri and text attributes, told apart by the header (the label)
LABELLED: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = (
    (("sustainability", "documents", "separateCollection"), ("separate_collection_symbol",
        "separate_collection_information", "collection_points_information")),
    (("sustainability", "documents", "wastePrevention"), ("waste_prevention_information",)),
    (("conformity", "declarationOfConformity"), ("declaration_of_conformity",)),
    (("conformity", "dueDiligencePolicy"), ("due_diligence_report",)),
    (("safety", "safetyMeasures"), ("safety_measures",)),
    (("safety", "meaningOfLabels"),
        ("symbols_meaning", "cadmium_lead_symbols", "carbon_footprint_label")),
    ((*R, "lifetime", "report"), ("cycle_life_reference_test",)),
)
# document lists holding one "documents" attribute each
DOCUMENTS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("conformity", "resultOfTestReport"), "test_reports"),
    (("conformity", "thirdPartyAssurance"), "third_party_assurances"),
    (("safety", "dismantling"), "dismantling_information"),
)
SOURCES = ("manufacturer_name", "manufacturer_trade_name", "manufacturer_address",
           "manufacturer_web", "manufacturer_email", "manufacturing_place")
# fmt: on

# --- Export ------------------------------------------------------------------------------------


def _scaled(value: Any, power: int) -> Any:
    """`value` × 10^power, exact in decimal (so 0.9 mΩ is 0.0009 Ω and back again)."""
    if value is None or power == 0:
        return value
    return float(Decimal(repr(value)).scaleb(power))


def _put(document: dict, path: tuple[str, ...], value: Any) -> None:
    if value is None:
        return
    for part in path[:-1]:
        document = document.setdefault(part, {})
    document[path[-1]] = value


def _entry(key: str, value: Any) -> dict[str, str]:
    """One Catena-X document: a link for uri attributes, inline text for text attributes."""
    kind = "URL" if BY_KEY[key].kind == "uri" else INLINE
    return {"header": BY_KEY[key].label[:100], "contentType": kind, "content": value}


def _labelled(data: dict[str, Any], keys: tuple[str, ...]) -> list[dict] | None:
    return [_entry(k, data[k]) for k in keys if k in data] or None


def _documents(data: dict[str, Any], key: str) -> list[dict] | None:
    if not data.get(key):
        return None
    return [
        {
            "header": (item.get("title") or BY_KEY[key].label)[:100],
            "contentType": item.get("media_type", "URL"),
            "content": item["url"],
        }
        for item in data[key]
    ]


def _iso(moment: datetime | None) -> str | None:
    return moment and (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).isoformat()


def _share(item: dict[str, Any], battery_mass: float | None) -> float | None:
    """The item's mass share of the battery in w/w %: given, or from its mass."""
    if "share_percent" in item:
        return item["share_percent"]
    if "mass_kg" in item and battery_mass:
        return float(Decimal(repr(item["mass_kg"])) * 100 / Decimal(repr(battery_mass)))
    return None


def _substance(item: dict[str, Any], location: str | None, mass: float | None) -> dict:
    share = _share(item, mass)
    found = {
        "location": item.get("location", location),
        "concentration": share,
        "materialUnit": "unit:percent" if share is not None else None,
    }
    if "cas" in item:
        found["materialIdentification"] = [{"type": "CAS", "id": item["cas"], "name": item["name"]}]
    return {k: v for k, v in found.items() if v is not None}


def _materials(data: dict[str, Any]) -> dict[str, Any]:
    critical = {name.lower() for name in data.get("critical_raw_materials", [])}
    mass = data.get("battery_mass")
    active: dict[str, Any] = {}
    for metal in METALS:
        shares = [data.get(f"recycled_{metal}_{stage}_consumer") for stage in ("pre", "post")]
        exact = None if None in shares else sum(Decimal(repr(share)) for share in shares)
        found = {"recycled": None if exact is None else float(exact)}
        if "critical_raw_materials" in data:
            found["critical"] = metal in critical
        active[metal] = {k: v for k, v in found.items() if v is not None}
    composition = []
    for electrode, key in ELECTRODES.items():
        for item in data.get(key, []):
            entry = _substance(item, electrode, mass)
            named = {"id": entry.pop("materialIdentification", None)}
            named["unit"] = entry.pop("materialUnit", None)
            composition.append(entry | {k: v for k, v in named.items() if v is not None})
    impacts = _labelled(data, ("substance_impacts",))
    hazardous: dict[str, Any] = {"lead": dict(active["lead"])}
    if data.get("hazardous_substances"):
        hazardous["other"] = [
            _substance(item, None, mass) | ({"impactOfSubstances": impacts} if impacts else {})
            for item in data["hazardous_substances"]
        ]
    return {"active": active, "hazardous": hazardous, "composition": composition or None}


def _carbon_footprint(source: Source) -> list[dict] | None:
    data = source.data
    total = data.get("carbon_footprint")
    if total is None:
        return None
    bpna = source.facility_identifier("bpna")
    common = {
        "type": CF_TYPE,
        "unit": CF_UNIT,
        "manufacturingPlant": [{"facility": bpna}] if bpna else None,
        "declaration": _labelled(data, ("carbon_footprint_study",)),
    }
    entries = [{"lifecycle": TOTAL, "value": total} | common]
    if "carbon_footprint_class" in data:
        entries[0]["performanceClass"] = data["carbon_footprint_class"]
    for lifecycle, key in STAGES.items():
        if key in data:
            entries.append({"lifecycle": lifecycle, "value": total * data[key] / 100} | common)
    return [{k: v for k, v in e.items() if v is not None} for e in entries]


def export(source: Source) -> dict[str, Any]:
    data, passport = source.data, source.passport
    bpnl = source.operator_identifier("bpnl")
    bpna = source.facility_identifier("bpna")
    gs1 = GS1.fullmatch(passport["battery_id"])
    model = data.get("battery_model")
    month = data.get("manufacturing_date")
    predecessor = passport.get("predecessor_id")
    document: dict[str, Any] = {
        "specVersion": SPEC_VERSION,
        "metadata": {
            "version": str(passport["version"]),
            "issueDate": source.issued_at.date().isoformat(),
            "lastModification": source.updated_at.date().isoformat(),
            "economicOperatorId": bpnl,
            "passportIdentifier": f"urn:uuid:{passport['id']}",
            "predecessor": f"urn:uuid:{predecessor}" if predecessor else NIL_UUID,
        },
        "identification": {
            "category": CATEGORIES.get(data.get("battery_category")),
            "idDmc": passport["battery_id"],
            "identification": {
                "type": {"manufacturerPartId": model, "nameAtManufacturer": model},
                "codes": [{"key": "GTIN", "value": gs1["gtin"]}] if gs1 else None,
            },
        },
        "operation": {
            "manufacturer": {
                "manufacturer": bpnl,
                "facility": [{"facility": bpna}] if bpna else None,
                "manufacturingDate": f"{month}-01" if month else None,
            }
        },
        "characteristics": {"physicalDimension": {}},
        "commercial": {"purpose": ["automotive"] if data.get("battery_category") == "ev" else None},
        "sustainability": {
            "status": data.get("battery_status"),
            "carbonFootprint": _carbon_footprint(source),
        },
        "materials": _materials(data),
        "safety": {},
        "conformity": {},
        "performance": {"rated": {}, "dynamic": {}},
    }
    if "warranty_period" in data:
        warranty = {"lifeValue": data["warranty_period"], "lifeUnit": "unit:month"}
        document["characteristics"]["warranty"] = warranty
    dimensions = document["characteristics"]["physicalDimension"]
    if "battery_mass" in data:
        dimensions["weight"] = {"value": data["battery_mass"], "unit": "unit:kilogram"}
    for side in ("length", "width", "height"):
        if f"battery_{side}" in data:
            dimensions[side] = {"value": data[f"battery_{side}"], "unit": "unit:millimetre"}
    if "extinguishing_agent" in data:
        document["safety"]["usableExtinguishAgent"] = [{"media": data["extinguishing_agent"]}]
    for path, key, power in SCALARS:
        _put(document, path, _scaled(data.get(key), power))
    for path, key in RECORDS:
        if key in data:
            _put(document, path, {"value": data[key], "time": _iso(source.measured_at(key))})
    for path, key in STATED:
        if key in data:
            _put(document, path, {"value": data[key], "time": _iso(source.updated_at)})
    _put(document, (*D, "selfDischargingRate"), data.get("self_discharge_rate"))
    for path, keys in LABELLED:
        _put(document, path, _labelled(data, keys))
    for path, key in DOCUMENTS:
        _put(document, path, _documents(data, key))
    sources = [
        _entry(key, data[key]) | {"category": MANUFACTURER_INFO} for key in SOURCES if key in data
    ]
    for item in sources:
        item["type"] = item.pop("contentType")
    _put(document, ("sources",), sources or None)
    return _pruned(document)


def _pruned(value: Any) -> Any:
    """Without None values; empty objects stay, so validation names the fields they lack."""
    if isinstance(value, dict):
        return {k: _pruned(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_pruned(v) for v in value if v is not None]
    return value


# --- Validation ----------------------------------------------------------------------------------

_REQUIRED = re.compile(r"'(.+)' is a required property")
_INDEX = re.compile(r"\.\d+(?=\.|$)")


def _filled_by() -> dict[str, tuple[str, ...]]:
    """Catena-X path (list indices dropped) → the Junkan attributes that fill it."""
    joined = ".".join
    found: dict[str, tuple[str, ...]] = {joined(p): (k,) for p, k, _ in SCALARS}
    found |= {joined(p): (k,) for p, k in (*RECORDS, *STATED, *DOCUMENTS)}
    found |= {joined(p): keys for p, keys in LABELLED}
    cf = "sustainability.carbonFootprint"
    found |= {
        "identification.category": ("battery_category",),
        "identification.identification.type": ("battery_model",),
        "identification.identification.type.manufacturerPartId": ("battery_model",),
        "identification.identification.type.nameAtManufacturer": ("battery_model",),
        "characteristics.warranty": ("warranty_period",),
        "characteristics.physicalDimension.weight": ("battery_mass",),
        "sustainability.status": ("battery_status",),
        cf: ("carbon_footprint",),
        f"{cf}.declaration": ("carbon_footprint_study",),
        "materials.composition": tuple(ELECTRODES.values()),
        "materials.hazardous.other.impactOfSubstances": ("substance_impacts",),
        "safety.usableExtinguishAgent": ("extinguishing_agent",),
        f"{D[0]}.{D[1]}.selfDischargingRate": ("self_discharge_rate",),
    }
    for metal in METALS:
        for group in ("active", "hazardous"):
            recycled = tuple(f"recycled_{metal}_{stage}_consumer" for stage in ("pre", "post"))
            found[f"materials.{group}.{metal}.recycled"] = recycled
            found[f"materials.{group}.{metal}.critical"] = ("critical_raw_materials",)
    return found


FILLED_BY = _filled_by()
BPNA_HINT = "required; fill data.manufacturing_facility with a site of yours that has a BPNA"
BPNL_HINT = "required; the passport's operator needs a BPNL identifier"
HINTS = {
    "operation.manufacturer.facility": BPNA_HINT,
    "sustainability.carbonFootprint.manufacturingPlant": BPNA_HINT,
    "operation.manufacturer.manufacturer": BPNL_HINT,
    "metadata.economicOperatorId": BPNL_HINT,
    "identification.identification.codes": "required; derived only from a GS1 battery id",
    "commercial.purpose": "required; derived only for batteries of category ev (automotive)",
}
# fmt: off
for _group, _items in (("composition", "electrode materials"), ("hazardous.other", "substances")):
    HINTS |= {f"materials.{_group}.{part}": "required; fill share_percent, or mass_kg and "
              f"data.battery_mass, of the {_items}" for part in ("concentration", "unit",
              "materialUnit")}
    HINTS |= {f"materials.{_group}.{part}": f"required; fill the cas of the {_items}"
              for part in ("id", "materialIdentification")}
# fmt: on


def _hint(path: str) -> str:
    if path in HINTS:
        return HINTS[path]
    keys = FILLED_BY.get(path) or tuple(
        dict.fromkeys(k for p, ks in FILLED_BY.items() if p.startswith(f"{path}.") for k in ks)
    )
    if not keys:
        return "required; Junkan holds no attribute for it"
    return "required; fill " + ", ".join(f"data.{k}" for k in keys)


def validate(document: dict[str, Any]) -> list[dict[str, str]]:
    """Every breach of the official schema; a missing field names the attribute that fills it."""
    errors = []
    for error in schema_errors(SCHEMA, document):
        missing = _REQUIRED.fullmatch(error["message"])
        if missing:
            parent = "" if error["field"] == "(root)" else f"{error['field']}."
            field = parent + missing[1]
            error = {"field": field, "message": _hint(_INDEX.sub("", field))}
        errors.append(error)
    return errors


# --- Import --------------------------------------------------------------------------------------


def _get(document: Any, path: tuple[str, ...]) -> Any:
    for part in path:
        if not isinstance(document, dict):
            return None
        document = document.get(part)
    return document


def _decimal_shortest(value: float, total: float) -> float:
    """The share a stage value was made from: the shortest decimal giving it back exactly."""
    share = value * 100 / total
    for digits in range(16):
        candidate = round(share, digits)
        if total * candidate / 100 == value:
            return candidate
    return share


def _time(text: Any) -> datetime | None:
    try:
        moment = datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _in_unit(quantity: Any, factors: dict[str, str]) -> float | None:
    if not isinstance(quantity, dict) or quantity.get("unit") not in factors:
        return None
    return float(Decimal(repr(quantity["value"])) * Decimal(factors[quantity["unit"]]))


# fmt: off
MM = {"unit:millimetre": "1", "unit:centimetre": "10", "unit:metre": "1000",
      "unit:kilometre": "1000000", "unit:inch": "25.4", "unit:foot": "304.8", "unit:yard": "914.4"}
KG = {"unit:kilogram": "1", "unit:gram": "0.001", "unit:tonneMetricTon": "1000",
      "unit:pound": "0.45359237", "unit:ounceAvoirdupois": "0.028349523125",
      "unit:tonUsOrShortTonUkorus": "907.18474"}
# fmt: on
MONTHS = {"unit:month": 1, "unit:year": 12}


def _read_documents(items: Any, key: str) -> list[dict[str, str]]:
    return [
        {"url": item["content"]}
        | ({"title": item["header"]} if item["header"] != BY_KEY[key].label[:100] else {})
        | ({"media_type": item["contentType"]} if MIME.fullmatch(item["contentType"]) else {})
        for item in items or []
    ]


def _read_labelled(items: Any, keys: tuple[str, ...]) -> dict[str, Any]:
    by_label = {BY_KEY[k].label[:100]: k for k in keys}
    return {by_label[i["header"]]: i["content"] for i in items or [] if i["header"] in by_label}


def _read_substance(entry: dict[str, Any], ids: Any) -> dict[str, Any]:
    cas = [i for i in ids or [] if i.get("type") == "CAS"]
    item = {"name": (ids or [{}])[0].get("name")} | ({"cas": cas[0]["id"]} if cas else {})
    if entry.get("materialUnit", entry.get("unit")) == "unit:percent":
        item["share_percent"] = entry["concentration"]
    return {k: v for k, v in item.items() if v is not None}


def _read_materials(document: dict[str, Any], data: dict[str, Any]) -> None:
    for entry in _get(document, ("materials", "composition")) or []:
        key = ELECTRODES.get(entry.get("location"))
        if key and entry.get("id"):
            data.setdefault(key, []).append(_read_substance(entry, entry["id"]))
    for entry in _get(document, ("materials", "hazardous", "other")) or []:
        ids = entry.get("materialIdentification")
        if not ids:
            continue
        location = {"location": entry["location"]} if entry.get("location") else {}
        item = _read_substance(entry, ids) | location
        data.setdefault("hazardous_substances", []).append(item)
        impacts = _read_labelled(entry.get("impactOfSubstances"), ("substance_impacts",))
        data.update(impacts)


def _read_carbon_footprint(document: dict[str, Any], data: dict[str, Any]) -> None:
    found = _get(document, ("sustainability", "carbonFootprint")) or []
    entries = [e for e in found if e.get("type") == CF_TYPE and e.get("unit") == CF_UNIT]
    total = next((e for e in entries if e.get("lifecycle") == TOTAL), None)
    if total is None:
        return
    data["carbon_footprint"] = total["value"]
    if "performanceClass" in total:
        data["carbon_footprint_class"] = total["performanceClass"]
    data.update(_read_labelled(total.get("declaration"), ("carbon_footprint_study",)))
    for entry in entries:
        key = STAGES.get(entry.get("lifecycle"))
        if key and total["value"]:
            data[key] = _decimal_shortest(entry["value"], total["value"])


def read(document: dict[str, Any]) -> Imported:
    """Junkan values from a (validated) Catena-X Battery Pass."""
    data: dict[str, Any] = {}
    dynamic: dict[datetime, dict[str, Any]] = {}
    category = CATEGORIES_BACK.get(_get(document, ("identification", "category")))
    model = _get(document, ("identification", "identification", "type", "manufacturerPartId"))
    manufacturer = _get(document, ("operation", "manufacturer")) or {}
    facilities = manufacturer.get("facility") or []
    warranty = _get(document, ("characteristics", "warranty")) or {}
    dimensions = _get(document, ("characteristics", "physicalDimension")) or {}
    simple = {
        "battery_category": category,
        "battery_model": model,
        "manufacturing_facility": facilities[0]["facility"] if facilities else None,
        "manufacturing_date": (manufacturer.get("manufacturingDate") or "")[:7] or None,
        "battery_mass": _in_unit(dimensions.get("weight"), KG),
        **{f"battery_{s}": _in_unit(dimensions.get(s), MM) for s in ("length", "width", "height")},
    }
    agents = _get(document, ("safety", "usableExtinguishAgent")) or [{}]
    simple["extinguishing_agent"] = agents[0].get("media")
    if warranty.get("lifeUnit") in MONTHS:
        months = warranty["lifeValue"] * MONTHS[warranty["lifeUnit"]]
        simple["warranty_period"] = int(months) if float(months).is_integer() else None
    data.update({k: v for k, v in simple.items() if v is not None})
    for path, key, power in SCALARS:
        value = _get(document, path)
        if value is not None:
            data[key] = _scaled(value, -power)
    for path, key in STATED:
        record = _get(document, path)
        if record is not None:
            data[key] = record["value"]
    for path, key in RECORDS:
        record, moment = _get(document, path), _time((_get(document, path) or {}).get("time"))
        if record is not None and moment is not None:
            dynamic.setdefault(moment, {})[key] = record["value"]
    rate = _get(document, (*D, "selfDischargingRate"))
    if rate is not None and dynamic:
        dynamic[max(dynamic)]["self_discharge_rate"] = rate
    for path, keys in LABELLED:
        data.update(_read_labelled(_get(document, path), keys))
    for path, key in DOCUMENTS:
        if _get(document, path):
            data[key] = _read_documents(_get(document, path), key)
    for item in document.get("sources") or []:
        if item.get("category") == MANUFACTURER_INFO:
            data.update(_read_labelled([item], SOURCES))
    _read_carbon_footprint(document, data)
    _read_materials(document, data)
    return Imported(battery_id=document["identification"]["idDmc"], data=data, dynamic=dynamic)


def predecessor_of(document: dict[str, Any]) -> str | None:
    """The previous passport's id, or None for the nil UUID Catena-X asks of an original."""
    value = _get(document, ("metadata", "predecessor"))
    return None if value in (None, NIL_UUID) else value.removeprefix("urn:uuid:")


# fmt: off
CARRIED_OUTSIDE_TABLES = {
    "battery_model", "manufacturing_date", "battery_mass", "battery_length", "battery_width",
    "battery_height", "warranty_period", "extinguishing_agent", "carbon_footprint",
    "carbon_footprint_class", "carbon_footprint_study",
}
# fmt: on
CARRIES = frozenset(
    {key for _, key, _ in SCALARS}
    | {key for _, key in (*RECORDS, *STATED, *DOCUMENTS)}
    | {key for _, keys in LABELLED for key in keys}
    | set(SOURCES)
    | set(STAGES.values())
    | CARRIED_OUTSIDE_TABLES
)
TITLE = "Catena-X Battery Pass 6.1.0"
LICENCE = "CC-BY-4.0 (schema: Eclipse Tractus-X sldt-semantic-models)"
FORMAT = Format(NAME, TITLE, export, read, validate, CARRIES, LICENCE)
