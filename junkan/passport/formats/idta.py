"""IDTA 02035 Digital Battery Passport: an AAS v3 environment with one submodel per template.

One shell stands for the battery (globalAssetId = resolver URL; specificAssetIds
uniqueBatteryIdentifier, manufacturerPartId = model, partInstanceId = serial); each submodel's
semanticId is its SAMM aspect urn. Checked against the AAS v3.0 JSON schema and, in value-only
form, against each template's schema. Mapping tables live in schemas/idta-02035/junkan-mapping.json.

Derivations (nothing else is filled without a Junkan value):
- serial: the GS1 serial (AI 21) of a Digital Link battery id, else the whole battery id.
- ManufacturerIdentifier: the operator's BPNL (else first identifier) when the operator's name is
  data.manufacturer_name; OperatorIdentifier: that identifier.
- DateOfManufacture: Junkan's month as xs:gYearMonth "YYYY-MM" (no day is invented).
- Junkan texts (address parts too) and document versions carry language "und" (BCP 47).
- Carbon footprint: the total per 1 kWh, phases A1, A3, A4, C3 and method "Regulation (EU)
  2023/1542, Art. 7" (which define carbon_footprint), plus one entry per life-cycle share.
- Documents: identifier = URL, domain = URL host (or URN namespace), VDI 2770 class 02-04 (test
  reports, assurances) or 03-01 (dismantling); marking media type from the URL's extension.
- RatioNominalBatteryPowerAndBatteryEnergy (DIN DKE SPEC 99100 6.7.3.6: nominal power in W over
  energy in Wh) = maximum_permitted_power / (rated_energy x 1000), one rounding of the quotient.
- A spare-part source lists its own components, named from component_part_numbers "NUMBER
  (NAME)"; its address fills Street, PostalCode, NationalCode (the template has no city).
- A ProductCondition entity's LastUpdate is the latest measurement time of its values.
- Circularity document slots take a Junkan text only when it is a URL. Read back,
  manufacturing_place (mandatory in Junkan) is the UniqueFacilityIdentifier (DIN 6.1.3.1).
- Units: resistance mΩ -> Ω, hours in extreme temperatures -> minutes, warranty months ->
  "P<n>M" (exact decimal arithmetic); the rest is in the templates' units already.
- A template is built only if the caller may see every access group its required fields come
  from (else it could never be complete) and it has data.

Everything else survives export and import unchanged (CARRIES); the mapping's "not_held" names
each attribute that does not, and why. Hazardous substances lose mass_kg and critical.
"""

from __future__ import annotations

import json
import re
import uuid
from datetime import datetime
from decimal import Decimal
from fractions import Fraction
from functools import cache
from typing import Any
from urllib.parse import urlsplit

from basyx.aas import model
from basyx.aas.adapter.json import object_store_to_json
from basyx.aas.model import datatypes as xsd
from jsonschema import validators

from junkan.passport.attributes import BY_KEY
from junkan.passport.formats.base import Format, Imported, Source, load_json, validator

NAME = "idta-02035"
AAS_SCHEMA = f"{NAME}/aas.json"
JUNKAN_LANG = "und"
TEMPLATES = ("Nameplate", "HandoverDocumentation", "CarbonFootprint", "TechnicalData")
TEMPLATES += ("ProductCondition", "MaterialComposition", "Circularity")
SCHEMA_FILES = {template: f"{template}Battery-schema.json" for template in TEMPLATES}
URNS = {t: load_json(f"{NAME}/{f}")["x-samm-aspect-model-urn"] for t, f in SCHEMA_FILES.items()}
TEMPLATE_BY_URN = {urn: template for template, urn in URNS.items()}


def _lang(text: str, language: str = JUNKAN_LANG):
    """Tree leaves that are not plain values are element factories, called with the idShort."""
    texts = model.MultiLanguageTextType({language: text})
    return lambda name: model.MultiLanguageProperty(name, texts)


def _typed(text: str, kind: type):
    return lambda name: model.Property(name, kind, xsd.from_xsd(text, kind))


def _file(url: str, media_type: str | None):
    return lambda name: model.File(name, content_type=media_type, value=url)


def _exact(value: float, factor: int, divide: bool = False) -> float:
    amount = Decimal(repr(value))
    return float(amount / factor if divide else amount * factor)


def _first_text(texts) -> str | None:
    return next(iter(texts[0].values()), None) if texts else None


def _months(period: str) -> int | None:
    found = re.fullmatch(r"P(?:(\d+)Y)?(?:(\d+)M)?", period or "")
    return int(found[1] or 0) * 12 + int(found[2] or 0) if found and period != "P" else None


CONVERSIONS = {  # name: (Junkan -> template, template -> Junkan)
    "": (lambda v: v, lambda v: v),
    "lang": (_lang, _first_text),
    "one": (lambda v: [v], lambda v: v[0]),
    "month": (lambda v: _typed(v, xsd.GYearMonth), str),
    "date": (lambda v: _typed(v, xsd.Date), str),
    "months": (lambda v: f"P{v}M", _months),
    "milli": (lambda v: _exact(v, 1000, divide=True), lambda v: _exact(v, 1000)),
    "minutes": (lambda v: _exact(v, 60), lambda v: _exact(v, 60, divide=True)),
}
# Junkan's own mapping tables (one-to-one values, what fills each required field), as data.
MAPPING = load_json(f"{NAME}/junkan-mapping.json")
SIMPLE = [  # (template, path, attribute, conversion)
    (template, tuple(path.split(".")), *spec.partition(":")[::2])
    for template, fields in MAPPING["table"].items()
    for path, spec in fields.items()
]
DOCUMENT_SLOTS = {tuple(k.split(".")): v for k, v in MAPPING["document_slots"].items()}
CONDITION: dict[str, dict[str, str]] = MAPPING["condition"]  # entity: {attribute: field}
PHASES, MARKINGS, IMAGE_TYPES = MAPPING["phases"], MAPPING["markings"], MAPPING["image_types"]
MATERIAL_PARTS, DOCUMENT_CLASSES = MAPPING["material_parts"], MAPPING["document_classes"]
ITEMS = MAPPING["items"]  # material, substance, supplier, address, supplier_address
POWER = ("TechnicalPropertyAreas", "PowerCapability")
CERTIFICATES, CF_METHOD, CF_FIELDS = "02-04", *MAPPING["carbon_footprint"].values()
METALS = ("cobalt", "lithium", "nickel", "lead")
SHARES = {  # a metal's recycled-content attributes and their fields in a RecycledContent entity
    metal: {f"recycled_{metal}_{stage}": stage.title().replace("_", "") + "Share"
            for stage in ("pre_consumer", "post_consumer")} for metal in METALS
}  # fmt: skip
PART = re.compile(r"(?P<number>.+?) \((?P<name>[^()]+)\)")
URL = re.compile(r"(https?://\S+|urn:[a-z0-9][a-z0-9-]{0,31}:\S+)", re.IGNORECASE)


def _entry(item: dict, fields: dict[str, str]) -> dict:
    """A Junkan list item as a template entity."""
    entry: dict[str, Any] = {}
    for key, spec in fields.items():
        path, _, conversion = spec.partition(":")
        if item.get(key) not in (None, [], ""):
            _set(entry, tuple(path.split(".")), CONVERSIONS[conversion][0](item[key]))
    return entry


def _item(entry: dict, fields: dict[str, str]) -> dict:
    """A template entity back as a Junkan list item."""
    item = {}
    for key, spec in fields.items():
        path, _, conversion = spec.partition(":")
        if (value := _get(entry, tuple(path.split(".")))) not in (None, []):
            item[key] = CONVERSIONS[conversion][1](value)
    return item


def _set(tree: dict, path: tuple[str, ...], value: Any) -> None:
    """Put `value` at `path`, creating the containers (so a missing leaf is named by its path)."""
    for part in path[:-1]:
        tree = tree.setdefault(part, {})
    if value is not None and path:
        tree[path[-1]] = value


def _get(tree: Any, path: tuple) -> Any:
    """The value at `path` (keys and indexes), or None where the document has none."""
    for part in path:
        try:
            tree = tree[part]
        except (KeyError, IndexError, TypeError):
            return None
    return tree


def serial_number(battery_id: str) -> str:
    found = re.search(r"/21/([^/]+)", battery_id)
    return found[1] if battery_id.startswith("/01/") and found else battery_id


def _operator_identifier(source: Source, as_manufacturer: bool = False) -> str | None:
    """The operator's BPNL (else first identifier); as manufacturer only if it is the one named."""
    operator = source.passport["operator"]
    if as_manufacturer and operator.get("name") != source.data.get("manufacturer_name"):
        return None
    ids = operator["identifiers"]
    return source.operator_identifier("bpnl") or (ids[0]["value"] if ids else None)


def _nameplate(source: Source, tree: dict) -> None:
    data = source.data
    tree["URIOfTheProduct"] = source.resolver_url
    tree["SerialNumber"] = serial_number(source.passport["battery_id"])
    _set(tree, ("LifeCycleStage",), data.get("battery_status"))
    _set(tree, ("ManufacturerIdentifier",), _operator_identifier(source, as_manufacturer=True))
    _set(tree, ("OperatorIdentifier",), _operator_identifier(source))
    if isinstance(address := data.get("manufacturer_address"), dict):
        tree.setdefault("AddressInformation", {}).update(_entry(address, ITEMS["address"]))
    for key, name in MARKINGS.items():
        if url := data.get(key):
            path = urlsplit(url).path.lower()
            media_type = next((t for end, t in IMAGE_TYPES.items() if path.endswith(end)), None)
            marking = {"MarkingName": name, "MarkingFile": _file(url, media_type)}
            if key == "separate_collection_symbol" and data.get("symbols_meaning"):
                marking["MarkingAdditionalText"] = data["symbols_meaning"]
            tree.setdefault("Markings", []).append(marking)
    if "test_reports" in data:
        tree["ResultsOfTestReportsProvingCompliance"] = [d["url"] for d in data["test_reports"]]


def _handover(source: Source, tree: dict) -> None:
    tree["Documents"] = documents = []
    for key, (class_id, class_name) in DOCUMENT_CLASSES.items():
        for item in source.data.get(key, []):
            url, title = item["url"], item.get("title")
            domain = urlsplit(url).netloc or ":".join(url.split(":")[:2])
            ids = {"DocumentDomainId": domain, "DocumentIdentifier": url, "DocumentIsPrimary": True}
            classes = {"ClassId": class_id, "ClassName": _lang(class_name, "en"),
                       "ClassificationSystem": "VDI2770 Blatt 1:2020"}  # fmt: skip
            version = {"Language": [JUNKAN_LANG]} | ({"Title": _lang(title)} if title else {})
            version["DigitalFiles"] = [_file(url, item.get("media_type"))]
            documents.append({"DocumentIds": [ids], "DocumentClassifications": [classes],
                              "DocumentVersions": [version]})  # fmt: skip


def _carbon_footprint(source: Source, tree: dict) -> None:
    """The total per kWh, then one entry per life-cycle share: share x total / 100."""
    data, total = source.data, source.data.get("carbon_footprint")
    common = {"PcfCalculationMethods": [CF_METHOD], "ReferenceImpactUnitForCalculation": "kwH"}
    common |= {"QuantityOfMeasureForCalculation": 1.0} | _entry(data, CF_FIELDS)
    amounts = {tuple(PHASES.values()): total}
    for key, phase in PHASES.items():
        if key in data and total is not None:
            amounts[(phase,)] = float(Decimal(repr(data[key])) * Decimal(repr(total)) / 100)
    tree["ProductCarbonFootprints"] = [
        common | {"LifeCyclePhases": list(phases)} | _entry({"co2": amount}, {"co2": "PcfCo2eq"})
        for phases, amount in amounts.items()
    ]


def _technical_data(source: Source, tree: dict) -> None:
    data = source.data
    _set(tree, ("GeneralInformation", "ManufacturerIdentifier"), _operator_identifier(source, True))
    power = [{"atSoC": float(soc), "powerCapabilityAt": data[f"original_power_capability_{soc}"]}
             for soc in (80, 20) if f"original_power_capability_{soc}" in data]  # fmt: skip
    _set(tree, (*POWER, "OriginalPowerCapability"), power)
    watts, energy = data.get("maximum_permitted_power"), data.get("rated_energy")
    if watts is not None and energy:  # W per Wh (DIN 6.7.3.6): exact quotient, rounded once
        ratio = float(Fraction(repr(watts)) / (Fraction(repr(energy)) * 1000))
        _set(tree, (*POWER, "RatioNominalBatteryPowerAndBatteryEnergy"), ratio)


def _material_composition(source: Source, tree: dict) -> None:
    data = source.data
    if chemistry := data.get("battery_chemistry"):
        tree["BatteryChemistry"] = {"ShortName": chemistry, "ClearName": chemistry}
    tree["BatteryMaterials"] = [
        {"BatteryMaterialLocation": {"ComponentName": part}} | _entry(item, ITEMS["material"])
        for key, part in MATERIAL_PARTS.items()
        for item in data.get(key, [])
    ]
    substances = data.get("hazardous_substances", [])
    tree["HazardousSubstances"] = [_entry(item, ITEMS["substance"]) for item in substances]


def _product_condition(source: Source, tree: dict) -> None:
    """Each entity's LastUpdate is the latest measurement time of its values."""
    for entity, fields in CONDITION.items():
        if values := _entry(source.data, fields):
            times = [t for key in fields if key in source.data and (t := source.measured_at(key))]
            tree[entity] = values | ({"LastUpdate": max(times).isoformat()} if times else {})
    accidents = source.data.get("accidents")
    if accidents is not None and all(isinstance(a, str) for a in accidents):
        tree["InformationOnAccidents"] = list(accidents)


def _part(text: str, names: dict[str, str]) -> dict[str, str]:
    """A component: "NUMBER (NAME)", or a number that component_part_numbers names."""
    found = PART.fullmatch(text)
    number, name = found.groups() if found else (text, names.get(text))
    return {"PartNumber": number} | ({"PartName": name} if name else {})


def _circularity(source: Source, tree: dict) -> None:
    """Each source lists its own components, named from component_part_numbers."""
    data = source.data
    documents = data.get("dismantling_information")
    _set(tree, ("DismantlingAndRemovalInformation",), documents and [d["url"] for d in documents])
    parts = data.get("component_part_numbers", [])
    names = dict(found.groups() for text in parts if (found := PART.fullmatch(str(text))))
    tree["SparePartSources"] = sources = []
    for supplier in data.get("spare_part_sources", []):
        sources.append(entry := _entry(supplier, ITEMS["supplier"]))
        if isinstance(supplier.get("address"), dict):
            entry["AddressOfSupplier"] = _entry(supplier["address"], ITEMS["supplier_address"])
        parts = [_part(str(text), names) for text in supplier.get("components", [])]
        _set(entry, ("Components",), parts or None)
    tree["RecycledContentInformation"] = [
        {"RecycledMaterial": metal.capitalize()} | _entry(data, SHARES[metal])
        for metal in METALS
        if set(SHARES[metal]) & set(data)
    ]
    for path, key in DOCUMENT_SLOTS.items():
        value = data.get(key)
        _set(tree, path, [value] if isinstance(value, str) and URL.fullmatch(value) else None)


BUILDERS = dict(zip(TEMPLATES, (_nameplate, _handover, _carbon_footprint, _technical_data,
                                 _product_condition, _material_composition, _circularity),
                     strict=True))  # fmt: skip
NEEDS = MAPPING["needs"]
SOURCES = {template: set(keys) | {row[2] for row in SIMPLE if row[0] == template}
           for template, keys in MAPPING["sources"].items()}  # fmt: skip


def _value_trees(source: Source) -> dict[str, dict]:
    """The value-only tree of every template this caller may be given and that has data."""
    access = set(source.passport.get("access") or [a.access.value for a in BY_KEY.values()])
    trees = {}
    for template, build in BUILDERS.items():
        needed = {BY_KEY[k].access.value for k in NEEDS[template]}
        if not needed <= access or not SOURCES[template] & set(source.data):
            continue
        tree: dict[str, Any] = {}
        for _, path, key, conversion in (row for row in SIMPLE if row[0] == template):
            value = source.data.get(key)
            _set(tree, path, None if value is None else CONVERSIONS[conversion][0](value))
        build(source, tree)
        trees[template] = tree
    return trees


def _element(name: str | None, value: Any) -> model.SubmodelElement:
    if callable(value):
        return value(name)
    if isinstance(value, dict):
        return model.SubmodelElementCollection(name, [_element(k, v) for k, v in value.items()])
    if isinstance(value, list):
        items = [_element(None, v) for v in value]
        kind = type(items[0]) if items else model.SubmodelElementCollection
        value_type = items[0].value_type if items and kind is model.Property else None
        return model.SubmodelElementList(name, kind, items, value_type_list_element=value_type)
    kinds = {bool: xsd.Boolean, int: xsd.Integer, float: xsd.Double, str: xsd.String}
    return model.Property(name, kinds[type(value)], value)


def _submodel(passport_id: str, template: str, tree: dict) -> model.Submodel:
    key = model.Key(model.KeyTypes.GLOBAL_REFERENCE, URNS[template])
    elements = [_element(name, value) for name, value in tree.items()]
    identifier = f"urn:uuid:{uuid.uuid5(uuid.UUID(passport_id), template)}"
    return model.Submodel(identifier, elements, id_short=template,
                          semantic_id=model.ExternalReference((key,)))  # fmt: skip


def export(source: Source) -> dict[str, Any]:
    passport, battery_id = source.passport, source.passport["battery_id"]
    submodels = [_submodel(passport["id"], t, tree) for t, tree in _value_trees(source).items()]
    specific = {"uniqueBatteryIdentifier": battery_id, "partInstanceId": serial_number(battery_id),
                "manufacturerPartId": source.data.get("battery_model")}  # fmt: skip
    ids = [model.SpecificAssetId(name, value) for name, value in specific.items() if value]
    asset = model.AssetInformation(model.AssetKind.INSTANCE, source.resolver_url, ids)
    version = model.AdministrativeInformation(version=str(passport.get("version", 1)))
    shell = model.AssetAdministrationShell(asset, f"urn:uuid:{passport['id']}",
                                           id_short="BatteryPassport", administration=version,
                                           submodel={model.ModelReference.from_referable(s)
                                                     for s in submodels})  # fmt: skip
    document = json.loads(object_store_to_json(model.DictIdentifiableStore([shell, *submodels])))
    document["submodels"].sort(key=lambda s: list(BUILDERS).index(s["idShort"]))
    return document


INTEGERS = "integer int long short unsignedInt unsignedLong nonNegativeInteger positiveInteger"
PARSERS = {"xs:boolean": "true".__eq__} | {f"xs:{kind}": int for kind in INTEGERS.split()}
PARSERS |= {f"xs:{kind}": float for kind in ("double", "float", "decimal")}


def _parse(value: str | None, value_type: str | None) -> Any:
    try:
        return PARSERS[value_type](value) if value is not None and value_type in PARSERS else value
    except ValueError:
        return value


def value_only(element: dict) -> Any:
    """An AAS element (or submodel) in the value-only JSON shape that SAMM payloads share."""
    kind, value = element.get("modelType"), element.get("value")
    if kind == "Property":
        return _parse(value, element.get("valueType"))
    if kind == "MultiLanguageProperty":
        return [{text["language"]: text["text"]} for text in value or []]
    if kind == "File":
        pairs = {"value": value, "contentType": element.get("contentType")}
        return {k: v for k, v in pairs.items() if v is not None}
    if kind in ("Submodel", "SubmodelElementCollection"):
        children = element.get("submodelElements" if kind == "Submodel" else "value") or []
        values = ((child["idShort"], value_only(child)) for child in children)
        return {name: v for name, v in values if v is not None}
    if kind == "SubmodelElementList":
        return [value_only(child) for child in value or []]
    return None


def _template_of(submodel: Any) -> str | None:
    return TEMPLATE_BY_URN.get(str(_get(submodel, ("semanticId", "keys", 0, "value"))))


def _specific_ids(document: Any) -> dict[str, str]:
    path = ("assetAdministrationShells", 0, "assetInformation", "specificAssetIds")
    ids = _get(document, path)
    return {i.get("name"): i.get("value") for i in ids if isinstance(i, dict)} if ids else {}


def _read_documents(tree: dict) -> tuple[dict[str, dict], set[str]]:
    """The handover documents by URL, and the URLs of those classed as certificates."""
    found, certificates = {}, set()
    for item in tree.get("Documents") or []:
        version = (item.get("DocumentVersions") or [{}])[0]
        for file in version.get("DigitalFiles") or []:
            found[file["value"]] = document = {"url": file["value"]}
            if _first_text(version.get("Title")):
                document["title"] = _first_text(version["Title"])
            _copy(file, "contentType", document, "media_type")
            if any(c.get("ClassId") == CERTIFICATES for c in item["DocumentClassifications"]):
                certificates.add(file["value"])
    return found, certificates


def read(document: dict[str, Any]) -> Imported:
    trees = {}
    for submodel in document.get("submodels") or []:
        if (template := _template_of(submodel)) and template not in trees:
            trees[template] = value_only(submodel)
    ids = _specific_ids(document)
    data: dict[str, Any] = {}
    _copy(ids, "manufacturerPartId", data, "battery_model")
    for template, path, key, conversion in SIMPLE:
        value = _get(trees.get(template, {}), path)
        if value is not None and key not in data:
            data[key] = CONVERSIONS[conversion][1](value)
    if "manufacturing_facility" in data:  # DIN DKE SPEC 99100 6.1.3.1 names the place so
        data["manufacturing_place"] = data["manufacturing_facility"]
    nameplate, circularity = trees.get("Nameplate", {}), trees.get("Circularity", {})
    if address := _item(nameplate.get("AddressInformation") or {}, ITEMS["address"]):
        data["manufacturer_address"] = address
    for marking in nameplate.get("Markings") or []:
        for key, name in MARKINGS.items():
            if marking.get("MarkingName") == name:
                data[key] = marking["MarkingFile"]["value"]
                if key == "separate_collection_symbol":
                    _copy(marking, "MarkingAdditionalText", data, "symbols_meaning")
    documents, certificates = _read_documents(trees.get("HandoverDocumentation", {}))
    referenced = {"test_reports": nameplate.get("ResultsOfTestReportsProvingCompliance") or [],
                  "dismantling_information":
                  circularity.get("DismantlingAndRemovalInformation") or []}  # fmt: skip
    seen = {url for urls in referenced.values() for url in urls}
    referenced["third_party_assurances"] = [u for u in documents if u in certificates - seen]
    data |= {
        k: [documents.get(u, {"url": u}) for u in urls] for k, urls in referenced.items() if urls
    }
    _read_carbon_footprint(trees.get("CarbonFootprint", {}), data)
    materials = trees.get("MaterialComposition", {})
    keys = {part.lower(): key for key, part in MATERIAL_PARTS.items()}
    _copy(materials.get("BatteryChemistry") or {}, "ShortName", data, "battery_chemistry")
    for material in materials.get("BatteryMaterials") or []:
        part = str(_get(material, ("BatteryMaterialLocation", "ComponentName"))).lower()
        if part in keys:
            data.setdefault(keys[part], []).append(_item(material, ITEMS["material"]))
    for substance in materials.get("HazardousSubstances") or []:
        data.setdefault("hazardous_substances", []).append(_item(substance, ITEMS["substance"]))
    _read_circularity(circularity, data)
    for item in _get(trees.get("TechnicalData", {}), (*POWER, "OriginalPowerCapability")) or []:
        if item.get("atSoC") in (80, 20) and "powerCapabilityAt" in item:
            data[f"original_power_capability_{int(item['atSoC'])}"] = item["powerCapabilityAt"]
    dynamic: dict[datetime, dict[str, Any]] = {}
    condition = trees.get("ProductCondition", {})
    for entity, fields in CONDITION.items():
        entry = condition.get(entity) or {}
        if (values := _item(entry, fields)) and entry.get("LastUpdate"):
            dynamic.setdefault(datetime.fromisoformat(entry["LastUpdate"]), {}).update(values)
    return Imported(ids.get("uniqueBatteryIdentifier", ""), data, dynamic)


def _read_carbon_footprint(tree: dict, data: dict) -> None:
    entries = tree.get("ProductCarbonFootprints") or []
    total = next((e for e in entries if len(e.get("LifeCyclePhases") or []) != 1), {})
    if "PcfCo2eq" not in total:
        return
    data |= {"carbon_footprint": total["PcfCo2eq"]} | _item(total, CF_FIELDS)
    keys = {phase: key for key, phase in PHASES.items()}
    for entry in entries:
        phases = entry.get("LifeCyclePhases") or []
        if len(phases) == 1 and phases[0] in keys and total["PcfCo2eq"]:
            share = Decimal(repr(entry["PcfCo2eq"])) / Decimal(repr(total["PcfCo2eq"])) * 100
            data[keys[phases[0]]] = float(share)


def _copy(source: dict, name: str, target: dict, key: str) -> None:
    if source.get(name) is not None:
        target[key] = source[name]


def _read_circularity(tree: dict, data: dict) -> None:
    """A source's postal address is not read back: the template has no city, which Junkan needs."""
    suppliers, components = [], []
    for supplier in tree.get("SparePartSources") or []:
        item, parts = _item(supplier, ITEMS["supplier"]), supplier.get("Components") or []
        numbers = [str(part["PartNumber"]) for part in parts]
        suppliers.append(item | ({"components": numbers} if numbers else {}))
        for part in parts:
            name = part.get("PartName")
            text = f"{part['PartNumber']} ({name})" if name else str(part["PartNumber"])
            components += [text] if text not in components else []
    found = {"spare_part_sources": suppliers, "component_part_numbers": components}
    data |= {key: values for key, values in found.items() if values}
    for share in tree.get("RecycledContentInformation") or []:
        if (metal := str(share.get("RecycledMaterial", "")).lower()) in METALS:
            data |= _item(share, SHARES[metal])
    for path, key in DOCUMENT_SLOTS.items():
        if _get(tree, path):
            data[key] = _get(tree, path)[0]


FILLED_BY: dict[str, dict[str, str]] = MAPPING["filled_by"]
HINTS: dict[str, str] = MAPPING["hints"]
for _template, _path, _key, _conversion in SIMPLE:
    FILLED_BY[_template].setdefault(_path[-1], _key)
FILLED_BY["ProductCondition"] |= {name: key for entity, fields in CONDITION.items()
                                  for key, spec in fields.items()
                                  for name in (entity, spec.partition(":")[0])}  # fmt: skip


def _named(scope: str, error, prefix: str) -> dict[str, str]:
    """An error with its path; a missing property also says what would fill it."""
    field = prefix + ".".join(str(p) for p in error.absolute_path)
    missing = re.fullmatch(r"'(.+)' is a required property", error.message)
    if error.validator != "required" or not missing:
        return {"field": field or "(root)", "message": error.message[:300]}
    name, key = missing[1], FILLED_BY.get(scope, {}).get(missing[1])
    hint = HINTS.get(f"{scope}.{name}") or (f"fill data.{key}" if key else None)
    field = f"{field.rstrip('.')}.{name}".lstrip(".")
    return {"field": field, "message": f"required; {hint or 'Junkan has no attribute for it'}"}


def _leaves(error) -> list:
    """The errors under a oneOf no element kind matched: those of the branch that got deepest."""
    if not error.context:
        return [error]
    branches: dict[Any, list] = {}
    for sub in error.context:
        branches.setdefault(sub.relative_schema_path[0], []).append(sub)
    deepest = max(branches.values(), key=lambda errors: max(len(e.absolute_path) for e in errors))
    return [leaf for sub in deepest for leaf in _leaves(sub)]


@cache
def _aas_validator():
    """The AAS schema's validator; its oneOf over element kinds goes straight to the branch of the
    element's modelType. Each branch requires its own modelType (a const), so oneOf holds exactly
    when that branch does: as strict as trying all, without validating nested elements per kind."""
    schema, base = load_json(AAS_SCHEMA), type(validator(AAS_SCHEMA))
    kinds = {f"#/definitions/{name}": part["properties"]["modelType"]["const"]
             for name, definition in schema["definitions"].items()
             for part in definition.get("allOf", [])
             if "const" in part.get("properties", {}).get("modelType", {})}  # fmt: skip
    choices = {}
    for branches in (d["oneOf"] for d in schema["definitions"].values() if "oneOf" in d):
        refs = tuple(branch.get("$ref") for branch in branches)
        if len({kinds.get(ref) for ref in refs} - {None}) == len(refs):  # distinct, all known
            choices[refs] = {kinds[ref]: index for index, ref in enumerate(refs)}

    def one_of(checker, branches, instance, schema):
        kind = instance.get("modelType") if isinstance(instance, dict) else None
        kinds = choices.get(tuple(b.get("$ref") for b in branches), {})
        if (index := kinds.get(kind) if isinstance(kind, str) else None) is None:
            yield from base.VALIDATORS["oneOf"](checker, branches, instance, schema)
        else:
            yield from checker.descend(instance, branches[index], schema_path=index)

    return validators.extend(base, {"oneOf": one_of})(schema)


def validate(document: dict[str, Any]) -> list[dict[str, str]]:
    found = _aas_validator().iter_errors(document)
    errors = [_named("aas", leaf, "") for error in found for leaf in _leaves(error)]
    submodels = document.get("submodels") if isinstance(document, dict) else None
    for submodel in submodels if isinstance(submodels, list) else []:
        if not (template := _template_of(submodel)):
            continue
        try:
            tree = value_only(submodel)
        except (AttributeError, KeyError, TypeError):
            continue  # a broken structure, which the metamodel errors name
        schema = validator(f"{NAME}/{SCHEMA_FILES[template]}")
        errors += [_named(template, e, f"{template}.") for e in schema.iter_errors(tree)]
    if not _specific_ids(document).get("uniqueBatteryIdentifier"):
        message = "required: a shell whose specificAssetIds name the uniqueBatteryIdentifier"
        errors.append({"field": "assetAdministrationShells", "message": message})
    unique = {(e["field"], e["message"]): e for e in errors}
    return sorted(unique.values(), key=lambda e: (e["field"], e["message"]))


CARRIES = frozenset(
    {key for _, _, key, _ in SIMPLE} | {*PHASES, *MATERIAL_PARTS, *DOCUMENT_CLASSES, *MARKINGS}
    | {key for fields in (*CONDITION.values(), *SHARES.values()) for key in fields}
    | {"symbols_meaning", "battery_model"}
    | {"carbon_footprint", "carbon_footprint_class", "carbon_footprint_study", "battery_chemistry"}
    | {"original_power_capability_80", "original_power_capability_20", "hazardous_substances"}
    | {"component_part_numbers", "manufacturer_address"}
)  # fmt: skip
LICENCE = "IDTA 02035 SAMM schemas and the AAS v3.0 JSON schema: IDTA, CC BY 4.0"
FORMAT = Format(NAME, "IDTA 02035 Digital Battery Passport (AAS v3)", export, read, validate,
                CARRIES, LICENCE)  # fmt: skip
