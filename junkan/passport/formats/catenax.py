"""Catena-X Battery Pass 6.1.0 (urn:samm:io.catenax.battery.battery_pass:6.1.0), out and back in.

Catena-X requires far more than Annex XIII holds; what Junkan has no value for is left out, so
validation names it rather than the export inventing it. The one-to-one tables live in
schemas/catenax-battery-pass-6.1.0/junkan-mapping.json. Derivations (all exact):

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
- Resistances in Ω = mΩ / 1000 (rated initial_internal_resistance_*, dynamic
  internal_resistance_cell/pack); energy in kWh; mass in kg, dimensions in mm; warranty in months.
- Dynamic records {value, time} are timed by their measurement. Art. 10 values (capacity_fade,
  power_fade, round_trip_efficiency_fade, internal_resistance_increase as the pack value) sit
  there too, timed by the passport's last update (when last stated); read back as static.
- Cycle-life test: cycles, appliedDischargeRate = c_rate (the charge rate stays unknown),
  temperature (°C), depthOfDischarge (%), which the schema also asks as
  roundTripEfficiency.depthOfDischarge; rated.selfDischargingRate (%/month) is
  initial_self_discharge_rate.
- Recycled share of nickel, lithium, cobalt and lead = pre-consumer + post-consumer share;
  critical = the metal is listed in critical_raw_materials (also for mercury and cadmium).
- Mercury, cadmium and lead: concentration = {metal}_content in unit:partPerMillion (read back
  from any exact concentration unit), in materials.hazardous and, for lead, materials.active.
- Composition and other hazardous substances: one entry per item of cathode/anode/electrolyte
  materials and hazardous_substances, concentration = share_percent, or mass_kg / battery_mass
  × 100 (w/w %), location = the item's, else the electrode it is listed under, critical = the
  item's flag; the hazardous ones (mercury, cadmium and lead too) carry substance_impacts as
  impactOfSubstances.
- handling (Annex XIII 2(a)), when there are spare_part_sources: applicable; producer = the
  suppliers' BPNL identifiers; sparePart = their components, each part number as both
  manufacturerPartId and nameAtManufacturer. Read back from the sources entries (below).
- Documents {header, contentType, content}: links have contentType "URL" (or their media type),
  text attributes are inline as "text/plain", numbers as "text/plain" value and unit, the
  structured manufacturer_address and each spare_part_sources item as "application/json"; the
  header is the item's title or the attribute's label (which tells mixed lists apart).
  Manufacturer details are "Manufacturer Information" sources, spare-part suppliers "Repair and
  Installation" sources. performance.dynamic.negativeEvents holds accidents (one document each),
  deep-discharge and overcharge events and the times in extreme high/low temperatures, charging
  or not; operatingEnvironment holds temperature_information.

Not held (lost on export or import): battery_status (changes only through lifecycle calls),
battery_category "stationary" (exported as "industrial"), manufacturing_facility (read back as
the plant's BPNA), the substance lists (hazard classes lost, masses become shares), recycled
shares split by pre/post consumer, critical_raw_materials, renewable_content,
absolute_carbon_footprint, supply_chain_indices, component_part_numbers, and the timestamps of
self_discharge_rate and of the negativeEvents/operatingEnvironment attributes (documents have
none: imported at the newest record's time).
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from junkan.passport.attributes import BY_KEY
from junkan.passport.formats.base import Format, Imported, Source, load_json, schema_errors

NAME = "catenax-battery-pass-6.1.0"
SCHEMA = f"{NAME}/BatteryPass-schema.json"
SPEC_VERSION = "urn:io.catenax.battery.battery_pass:6.1.0"
NIL_UUID = "urn:uuid:00000000-0000-0000-0000-000000000000"
CF_UNIT, CF_TYPE, TOTAL = "kg CO2e / kWh", "Climate Change Total", "total"
INLINE, JSON, PPM = "text/plain", "application/json", "unit:partPerMillion"
GS1 = re.compile(r"/01/(?P<gtin>\d{14})/21/(?P<serial>.+)")
MIME = re.compile(r"[\w.+-]+/[\w.+-]+")
BPNL = re.compile(r"BPNL[a-zA-Z0-9]{12}")

CATEGORIES = {"ev": "EV", "lmt": "LMT", "industrial": "industrial", "stationary": "industrial"}
CATEGORIES_BACK = {"EV": "ev", "LMT": "lmt", "industrial": "industrial"}
METALS = ("nickel", "lithium", "cobalt", "lead")
HEAVY = ("mercury", "cadmium", "lead")
ELECTRODES = {part: f"{part}_materials" for part in ("cathode", "anode", "electrolyte")}
D = ("performance", "dynamic")

MAPPING = load_json(f"{NAME}/junkan-mapping.json")


def _rows(name: str) -> tuple[tuple, ...]:
    """A mapping table, its dotted Catena-X paths split (list values become tuples)."""
    return tuple(
        (tuple(path.split(".")), *(tuple(v) if isinstance(v, list) else v for v in rest))
        for path, *rest in MAPPING[name]
    )


# (path, attribute, power of ten from Junkan's unit to Catena-X's)
SCALARS: tuple[tuple[tuple[str, ...], str, int], ...] = _rows("scalars")
RECORDS: tuple[tuple[tuple[str, ...], str, int], ...] = _rows("records")
STATED: tuple[tuple[tuple[str, ...], str], ...] = _rows("stated")
LABELLED: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = _rows("labelled")
DOCUMENTS: tuple[tuple[tuple[str, ...], str], ...] = _rows("documents")
CONDITION: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = _rows("condition")
SOURCES: dict[str, tuple[str, ...]] = {c: tuple(ks) for c, ks in MAPPING["sources"].items()}
STAGES: dict[str, str] = MAPPING["stages"]
MM, KG, PER_PPM = MAPPING["mm"], MAPPING["kg"], MAPPING["ppm"]
MONTHS = {"unit:month": 1, "unit:year": 12}

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


def _entries(key: str, value: Any) -> list[dict[str, str]]:
    """Catena-X documents for one attribute: one per item of a list, else one."""
    attribute = BY_KEY[key]
    items = value if attribute.kind in ("list", "suppliers") else [value]
    header = attribute.label[:100]
    if attribute.kind == "uri":
        return [{"header": header, "contentType": "URL", "content": value}]
    if attribute.kind in ("address", "suppliers"):
        texts = [json.dumps(item, ensure_ascii=False, sort_keys=True) for item in items]
        return [{"header": header, "contentType": JSON, "content": text} for text in texts]
    if attribute.kind in ("number", "integer", "percent"):
        items = [f"{item} {attribute.unit}" if attribute.unit else str(item) for item in items]
    return [{"header": header, "contentType": INLINE, "content": item} for item in items]


def _labelled(data: dict[str, Any], keys: tuple[str, ...]) -> list[dict] | None:
    return [entry for k in keys if k in data for entry in _entries(k, data[k])] or None


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
        "critical": item.get("critical"),
    }
    if "cas" in item:
        found["materialIdentification"] = [{"type": "CAS", "id": item["cas"], "name": item["name"]}]
    return {k: v for k, v in found.items() if v is not None}


def _materials(data: dict[str, Any]) -> dict[str, Any]:
    critical = {name.lower() for name in data.get("critical_raw_materials", [])}
    mass = data.get("battery_mass")
    impacts = _labelled(data, ("substance_impacts",))
    active: dict[str, Any] = {}
    hazardous: dict[str, Any] = {}
    for metal in METALS:
        shares = [data.get(f"recycled_{metal}_{stage}_consumer") for stage in ("pre", "post")]
        exact = None if None in shares else sum(Decimal(repr(share)) for share in shares)
        active[metal] = {} if exact is None else {"recycled": float(exact)}
    for metal in (*METALS, "mercury", "cadmium"):
        found = hazardous.setdefault(metal, {}) if metal in HEAVY else active[metal]
        if "critical_raw_materials" in data:
            found["critical"] = metal in critical
        if metal in HEAVY and f"{metal}_content" in data:
            found |= {"concentration": data[f"{metal}_content"], "materialUnit": PPM}
        if metal in HEAVY and impacts:
            found["impactOfSubstances"] = impacts
    active["lead"] = hazardous["lead"] = active["lead"] | hazardous["lead"]
    composition = []
    for electrode, key in ELECTRODES.items():
        for item in data.get(key, []):
            entry = _substance(item, electrode, mass)
            named = {"id": entry.pop("materialIdentification", None)}
            named["unit"] = entry.pop("materialUnit", None)
            composition.append(entry | {k: v for k, v in named.items() if v is not None})
    if data.get("hazardous_substances"):
        hazardous["other"] = [
            _substance(item, None, mass) | ({"impactOfSubstances": impacts} if impacts else {})
            for item in data["hazardous_substances"]
        ]
    return {"active": active, "hazardous": hazardous, "composition": composition or None}


def _handling(data: dict[str, Any]) -> dict[str, Any] | None:
    """Annex XIII 2(a) as Catena-X wants it: suppliers by BPNL, and the parts they supply."""
    suppliers = data.get("spare_part_sources")
    if not suppliers:
        return None
    ids = dict.fromkeys(
        s["identifier"] for s in suppliers if BPNL.fullmatch(s.get("identifier", ""))
    )
    parts = dict.fromkeys(part for s in suppliers for part in s.get("components", []))
    content = {
        "producer": [{"id": bpnl} for bpnl in ids] or None,
        "sparePart": [{"manufacturerPartId": p, "nameAtManufacturer": p} for p in parts] or None,
    }
    return {"applicable": True, "content": content}


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
        "handling": _handling(data),
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
    for path, key, power in RECORDS:
        if key in data:
            value = _scaled(data[key], power)
            _put(document, path, {"value": value, "time": _iso(source.measured_at(key))})
    for path, key in STATED:
        if key in data:
            _put(document, path, {"value": data[key], "time": _iso(source.updated_at)})
    _put(document, (*D, "selfDischargingRate"), data.get("self_discharge_rate"))
    for path, keys in LABELLED + CONDITION:
        _put(document, path, _labelled(data, keys))
    for path, key in DOCUMENTS:
        _put(document, path, _documents(data, key))
    sources = [
        entry | {"category": category}
        for category, keys in SOURCES.items()
        for entry in _labelled(data, keys) or []
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
    found: dict[str, tuple[str, ...]] = {}
    for path, key, *_ in (*SCALARS, *RECORDS, *STATED, *DOCUMENTS):
        found[".".join(path)] = (*found.get(".".join(path), ()), key)
    found |= {".".join(p): keys for p, keys in LABELLED + CONDITION}
    return found | {path: tuple(keys) for path, keys in MAPPING["filled_by"].items()}


FILLED_BY = _filled_by()
HINTS: dict[str, str] = MAPPING["hints"]


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


def _in_unit(value: Any, unit: Any, factors: dict[str, str]) -> float | None:
    if unit not in factors or not isinstance(value, int | float):
        return None
    return float(Decimal(repr(value)) * Decimal(factors[unit]))


def _quantity(quantity: Any, factors: dict[str, str]) -> float | None:
    quantity = quantity if isinstance(quantity, dict) else {}
    return _in_unit(quantity.get("value"), quantity.get("unit"), factors)


def _read_documents(items: Any, key: str) -> list[dict[str, str]]:
    return [
        {"url": item["content"]}
        | ({"title": item["header"]} if item["header"] != BY_KEY[key].label[:100] else {})
        | ({"media_type": item["contentType"]} if MIME.fullmatch(item["contentType"]) else {})
        for item in items or []
    ]


def _decoded(key: str, item: dict[str, Any]) -> Any:
    """The value one document gives `key`, or None when it is not in the form export writes."""
    attribute, content = BY_KEY[key], item["content"]
    kind = item.get("contentType", item.get("type"))
    try:
        if attribute.kind in ("address", "suppliers"):
            return json.loads(content) if kind == JSON else None
        if attribute.kind in ("number", "integer", "percent"):
            number = content.removesuffix(f" {attribute.unit}") if attribute.unit else content
            return int(number) if attribute.kind == "integer" else float(number)
    except ValueError:
        return None
    return content


def _read_labelled(items: Any, keys: tuple[str, ...]) -> dict[str, Any]:
    by_label = {BY_KEY[k].label[:100]: k for k in keys}
    found: dict[str, Any] = {}
    for item in items or []:
        key = by_label.get(item["header"])
        value = None if key is None else _decoded(key, item)
        if value is None:
            continue
        if BY_KEY[key].kind in ("list", "suppliers"):
            found.setdefault(key, []).append(value)
        else:
            found[key] = value
    return found


def _read_substance(entry: dict[str, Any], ids: Any) -> dict[str, Any]:
    cas = [i for i in ids or [] if i.get("type") == "CAS"]
    item = {"name": (ids or [{}])[0].get("name")} | ({"cas": cas[0]["id"]} if cas else {})
    if entry.get("materialUnit", entry.get("unit")) == "unit:percent":
        item["share_percent"] = entry["concentration"]
    if isinstance(entry.get("critical"), bool):
        item["critical"] = entry["critical"]
    return {k: v for k, v in item.items() if v is not None}


def _read_materials(document: dict[str, Any], data: dict[str, Any]) -> None:
    for entry in _get(document, ("materials", "composition")) or []:
        key = ELECTRODES.get(entry.get("location"))
        if key and entry.get("id"):
            data.setdefault(key, []).append(_read_substance(entry, entry["id"]))
    hazardous = _get(document, ("materials", "hazardous")) or {}
    for metal in HEAVY:
        found = hazardous.get(metal) or {}
        ppm = _in_unit(found.get("concentration"), found.get("materialUnit"), PER_PPM)
        if ppm is not None:
            data[f"{metal}_content"] = ppm
        data.update(_read_labelled(found.get("impactOfSubstances"), ("substance_impacts",)))
    for entry in hazardous.get("other") or []:
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
        "battery_mass": _quantity(dimensions.get("weight"), KG),
        **{f"battery_{s}": _quantity(dimensions.get(s), MM) for s in ("length", "width", "height")},
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
    for path, key, power in RECORDS:
        record, moment = _get(document, path), _time((_get(document, path) or {}).get("time"))
        if record is not None and moment is not None:
            dynamic.setdefault(moment, {})[key] = _scaled(record["value"], -power)
    undated = {"self_discharge_rate": _get(document, (*D, "selfDischargingRate"))}
    for path, keys in CONDITION:
        undated |= _read_labelled(_get(document, path), keys)
    undated = {k: v for k, v in undated.items() if v is not None}
    if undated and dynamic:
        dynamic[max(dynamic)] |= undated
    for path, keys in LABELLED:
        data.update(_read_labelled(_get(document, path), keys))
    for path, key in DOCUMENTS:
        if _get(document, path):
            data[key] = _read_documents(_get(document, path), key)
    for category, keys in SOURCES.items():
        items = [i for i in document.get("sources") or [] if i.get("category") == category]
        data.update(_read_labelled(items, keys))
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
    "carbon_footprint_class", "carbon_footprint_study", "substance_impacts", "mercury_content",
    "cadmium_content", "lead_content",
}
# fmt: on
CARRIES = frozenset(
    {key for _, key, *_ in (*SCALARS, *RECORDS, *STATED, *DOCUMENTS)}
    | {key for _, keys in LABELLED for key in keys}
    | {key for keys in SOURCES.values() for key in keys}
    | set(STAGES.values())
    | CARRIED_OUTSIDE_TABLES
)
TITLE = "Catena-X Battery Pass 6.1.0"
LICENCE = "CC-BY-4.0 (schema: Eclipse Tractus-X sldt-semantic-models)"
FORMAT = Format(NAME, TITLE, export, read, validate, CARRIES, LICENCE)
