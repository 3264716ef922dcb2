"""The battery passport's attributes (EU 2023/1542 Annex XIII), as data.

Each attribute says its category, type and unit, who may see it (Art. 77(2)), whether it is
static or dynamic, and for which battery categories it is mandatory. Everything else — input
validation, access filtering, completeness reports, exports — is driven from this table, so
the law's shape lives in one place. Sources: Battery Pass data attribute longlist v1.2 and
DIN DKE SPEC 99100, as summarised in shared/reference/batterypass.md.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator


class Access(StrEnum):
    """Who sees an attribute, by Annex XIII point."""

    PUBLIC = "public"  # point 1: everyone
    LEGITIMATE_INTEREST = "legitimate_interest"  # point 4: persons with a legitimate interest
    INTEREST_AND_AUTHORITIES = "interest_and_authorities"  # point 2: PLI, NB, MSA, Commission
    AUTHORITIES = "authorities"  # point 3: notified bodies, MSA, Commission


class Category(StrEnum):
    EV = "ev"
    LMT = "lmt"
    INDUSTRIAL = "industrial"
    STATIONARY = "stationary"


ALL = frozenset(Category)
NOT_EV = frozenset({Category.LMT, Category.INDUSTRIAL, Category.STATIONARY})


@dataclass(frozen=True)
class Attribute:
    key: str
    group: str
    label: str
    kind: str  # text | month | date | number | integer | percent | enum | uri | list
    #            | address | documents | substances | suppliers (structured, see below)
    access: Access = Access.PUBLIC
    unit: str | None = None
    dynamic: bool = False
    mandatory: frozenset[Category] = ALL
    choices: tuple[str, ...] = ()
    due_from: str | None = None  # mandatory only once a pending act applies (ISO date or text)
    annex: str = ""
    notes: str = ""


def _a(key, group, label, kind, access=Access.PUBLIC, **options) -> Attribute:
    return Attribute(key, group, label, kind, access, **options)


PUB, PLI, P2, AUTH = (
    Access.PUBLIC,
    Access.LEGITIMATE_INTEREST,
    Access.INTEREST_AND_AUTHORITIES,
    Access.AUTHORITIES,
)
NONE: frozenset[Category] = frozenset()
CF_PENDING = "carbon-footprint delegated act"
RC_PENDING = "recycled-content delegated act (Art. 8)"
STATUSES = ("original", "repurposed", "re-used", "remanufactured", "waste")

# fmt: off
ATTRIBUTES: tuple[Attribute, ...] = (
    # --- Identifiers and product data (Annex XIII 1(a)-(f), DIN 6.1) ---
    _a("battery_model", "identification", "Battery model identifier", "text", annex="1(a)"),
    _a("manufacturer_name", "identification", "Manufacturer name", "text", annex="1(a)"),
    _a("manufacturer_trade_name", "identification", "Manufacturer trade name", "text",
       mandatory=NONE, annex="1(a)"),
    _a("manufacturer_address", "identification", "Manufacturer postal address", "address",
       annex="1(a)"),
    _a("manufacturer_web", "identification", "Manufacturer web address", "uri", annex="1(a)"),
    _a("manufacturer_email", "identification", "Manufacturer e-mail", "text", annex="1(a)"),
    _a("manufacturing_place", "identification", "Manufacturing place", "text", annex="1(b)"),
    _a("manufacturing_facility", "identification",
       "Manufacturing facility identifier (BPNS, BPNA or GLN)", "text", mandatory=NONE,
       annex="(voluntary)", notes="Catena-X and IDTA name the plant by a site identifier"),
    _a("manufacturing_date", "identification", "Manufacturing date", "month", annex="1(c)"),
    _a("battery_category", "identification", "Battery category", "enum",
       choices=tuple(c.value for c in Category), annex="1(d)"),
    _a("battery_mass", "identification", "Battery mass", "number", unit="kg", annex="1(e)"),
    *(
        _a(f"battery_{side}", "identification", f"Battery {side}", "number", unit="mm",
           mandatory=NONE, annex="(voluntary)")
        for side in ("length", "width", "height")
    ),
    _a("warranty_period", "identification", "Commercial warranty period", "integer",
       unit="months", annex="1(f)"),
    _a("putting_into_service_date", "identification", "Date of putting into service", "date",
       PLI, mandatory=frozenset({Category.LMT, Category.STATIONARY}), annex="4(d)"),
    _a("battery_status", "identification", "Battery status", "enum", PLI, dynamic=True,
       choices=STATUSES, annex="4(c)"),
    # --- Labels and conformity (1(g)-(h), 3; DIN 6.2) ---
    _a("separate_collection_symbol", "conformity", "Separate collection symbol", "uri",
       annex="1(g)"),
    _a("cadmium_lead_symbols", "conformity", "Cadmium and lead symbols", "text",
       mandatory=NONE, annex="1(g)"),
    _a("carbon_footprint_label", "conformity", "Carbon footprint label", "uri", mandatory=NONE,
       annex="1(g)"),
    _a("extinguishing_agent", "conformity", "Usable extinguishing agent", "text", annex="1(g)"),
    _a("symbols_meaning", "conformity", "Meaning of the symbols", "text", annex="1(g)"),
    _a("declaration_of_conformity", "conformity", "EU declaration of conformity", "uri",
       annex="1(h)"),
    _a("test_reports", "conformity", "Results of test reports proving compliance",
       "documents", AUTH, annex="3"),
    # --- Carbon footprint (1(i), Art. 7; DIN 6.3) ---
    _a("carbon_footprint", "carbon_footprint", "Carbon footprint per functional unit",
       "number", unit="kgCO2e/kWh", due_from=CF_PENDING, annex="1(i)"),
    _a("carbon_footprint_raw_materials", "carbon_footprint",
       "Share: raw material acquisition and pre-processing", "percent", unit="%",
       due_from=CF_PENDING, annex="1(i)"),
    _a("carbon_footprint_main_production", "carbon_footprint", "Share: main product production",
       "percent", unit="%", due_from=CF_PENDING, annex="1(i)"),
    _a("carbon_footprint_distribution", "carbon_footprint", "Share: distribution", "percent",
       unit="%", due_from=CF_PENDING, annex="1(i)"),
    _a("carbon_footprint_end_of_life", "carbon_footprint", "Share: end of life and recycling",
       "percent", unit="%", due_from=CF_PENDING, annex="1(i)"),
    _a("carbon_footprint_class", "carbon_footprint", "Carbon footprint performance class",
       "text", due_from=CF_PENDING, annex="1(i)"),
    _a("carbon_footprint_study", "carbon_footprint", "Web link to the carbon footprint study",
       "uri", due_from=CF_PENDING, annex="1(i)"),
    _a("absolute_carbon_footprint", "carbon_footprint", "Absolute carbon footprint", "number",
       unit="tCO2e", mandatory=NONE, annex="(voluntary)"),
    # --- Due diligence (1(j), Art. 52; DIN 6.4) ---
    _a("due_diligence_report", "due_diligence", "Supply-chain due diligence report", "uri",
       due_from="2027-08-18", annex="1(j)"),
    _a("third_party_assurances", "due_diligence", "Third-party supply-chain assurances",
       "documents", mandatory=NONE, annex="(voluntary)"),
    _a("supply_chain_indices", "due_diligence", "Supply-chain indices", "list", mandatory=NONE,
       annex="(voluntary)"),
    # --- Materials and composition (1(k)-(l), 2(b); DIN 6.5) ---
    _a("battery_chemistry", "materials", "Battery chemistry", "text", annex="1(k)"),
    _a("critical_raw_materials", "materials", "Critical raw materials above 0.1 % w/w", "list",
       annex="1(k)"),
    _a("hazardous_substances", "materials", "Hazardous substances other than Hg, Cd, Pb",
       "substances", annex="1(l)"),
    *(
        _a(f"{metal}_content", "materials", f"{metal.capitalize()} content", "number",
           unit="ppm", mandatory=NONE, annex="1(l), Art. 6 and 13(4)")
        for metal in ("mercury", "cadmium", "lead")
    ),
    _a("substance_impacts", "materials", "Impact of the substances on environment and health",
       "text", annex="1(l)"),
    _a("cathode_materials", "materials", "Materials in the cathode (name, CAS, mass)",
       "substances", P2, annex="2(b)"),
    _a("anode_materials", "materials", "Materials in the anode (name, CAS, mass)",
       "substances", P2, annex="2(b)"),
    _a("electrolyte_materials", "materials", "Materials in the electrolyte (name, CAS, mass)",
       "substances", P2, annex="2(b)"),
    # --- Circularity (1(m)-(o), 2(a),(c)-(d); DIN 6.6) ---
    _a("dismantling_information", "circularity", "Dismantling and removal manuals",
       "documents", P2, annex="2(c)"),
    _a("component_part_numbers", "circularity", "Part numbers for components", "list", P2,
       annex="2(a)"),
    _a("spare_part_sources", "circularity", "Sources of spare parts", "suppliers", P2,
       annex="2(a)"),
    _a("safety_measures", "circularity", "Safety measures", "text", P2, annex="2(d)"),
    *(
        _a(f"recycled_{metal}_{stage}", "circularity",
           f"Recycled {metal} share, {stage.replace('_', '-')}", "percent", unit="%",
           due_from=RC_PENDING, annex="1(m)")
        for metal in ("cobalt", "lithium", "nickel", "lead")
        for stage in ("pre_consumer", "post_consumer")
    ),
    _a("renewable_content", "circularity", "Renewable content share", "percent", unit="%",
       annex="1(n)"),
    _a("waste_prevention_information", "circularity", "End-user role in waste prevention",
       "text", annex="1(o)"),
    _a("separate_collection_information", "circularity",
       "End-user role in separate collection", "text", annex="1(o)"),
    _a("collection_points_information", "circularity",
       "Separate collection, take-back and collection points", "text", annex="1(o)"),
    # --- Performance and durability, static (1(p)-(s); DIN 6.7) ---
    _a("rated_capacity", "performance", "Rated capacity", "number", unit="Ah", annex="1(p)"),
    _a("rated_energy", "performance", "Rated energy", "number", unit="kWh", mandatory=NONE,
       annex="(voluntary)", notes="the carbon footprint's functional unit is built on it"),
    _a("minimum_voltage", "performance", "Minimal voltage", "number", unit="V", annex="1(p)"),
    _a("nominal_voltage", "performance", "Nominal voltage", "number", unit="V", annex="1(p)"),
    _a("maximum_voltage", "performance", "Maximal voltage", "number", unit="V", annex="1(p)"),
    _a("original_power_capability_80", "performance", "Original power capability at 80 % SoC",
       "number", unit="W", annex="1(p)"),
    _a("original_power_capability_20", "performance", "Original power capability at 20 % SoC",
       "number", unit="W", annex="1(p)"),
    _a("maximum_permitted_power", "performance", "Maximum permitted battery power", "number",
       unit="W", annex="1(p)"),
    _a("initial_round_trip_efficiency", "performance", "Initial round-trip energy efficiency",
       "percent", unit="%", annex="1(p)"),
    _a("round_trip_efficiency_at_50_percent", "performance",
       "Round-trip efficiency at 50 % of cycle life", "percent", unit="%", annex="1(p)"),
    _a("initial_internal_resistance_cell", "performance", "Initial internal resistance, cell",
       "number", unit="mΩ", annex="1(p)"),
    _a("initial_internal_resistance_pack", "performance", "Initial internal resistance, pack",
       "number", unit="mΩ", annex="1(p)"),
    _a("expected_lifetime_cycles", "performance", "Expected lifetime in charge-discharge cycles",
       "integer", unit="cycles", annex="1(q)"),
    _a("cycle_life_reference_test", "performance", "Reference test for cycle life", "text",
       annex="1(q)"),
    _a("c_rate", "performance", "C-rate of the cycle-life test", "number", unit="1/h",
       annex="1(q)"),
    _a("cycle_life_test_temperature", "performance", "Temperature of the cycle-life test",
       "number", unit="°C", mandatory=NONE, annex="1(q)"),
    _a("cycle_life_test_depth_of_discharge", "performance",
       "Depth of discharge of the cycle-life test", "percent", unit="%", mandatory=NONE,
       annex="1(q)"),
    _a("initial_self_discharge_rate", "performance", "Initial self-discharge rate", "percent",
       unit="%/month", mandatory=NONE, annex="1(p)"),
    _a("capacity_threshold_for_exhaustion", "performance", "Capacity threshold for exhaustion",
       "percent", unit="%", mandatory=frozenset({Category.EV}), annex="1(r)"),
    _a("idle_temperature_lower", "performance", "Temperature range idle state, lower", "number",
       unit="°C", annex="1(s)"),
    _a("idle_temperature_upper", "performance", "Temperature range idle state, upper", "number",
       unit="°C", annex="1(s)"),
    # --- Performance and durability, Art. 10 values (4(a)) ---
    _a("capacity_fade", "performance", "Capacity fade", "percent", PLI, unit="%", annex="4(a)"),
    _a("power_fade", "performance", "Power fade", "percent", PLI, unit="%", annex="4(a)"),
    _a("round_trip_efficiency_fade", "performance", "Round-trip efficiency fade", "percent", PLI,
       unit="%", annex="4(a)"),
    _a("internal_resistance_increase", "performance", "Internal resistance increase",
       "percent", PLI, unit="%", annex="4(a)"),
    _a("expected_lifetime_years", "performance", "Expected lifetime", "number", PLI,
       unit="years", annex="4(a)"),
    # --- Condition in use: dynamic (4(b), Annex VII) ---
    _a("state_of_certified_energy", "condition", "State of certified energy (SOCE)", "percent",
       PLI, unit="%", dynamic=True, mandatory=frozenset({Category.EV}), annex="4(b)"),
    _a("state_of_charge", "condition", "State of charge", "percent", PLI, unit="%",
       dynamic=True, mandatory=NONE, annex="4(b)"),
    _a("full_cycles", "condition", "Number of full equivalent cycles", "number", PLI,
       unit="cycles", dynamic=True, mandatory=NONE, annex="4(b)"),
    _a("energy_throughput", "condition", "Energy throughput", "number", PLI, unit="kWh",
       dynamic=True, mandatory=NONE, annex="4(b)"),
    _a("capacity_throughput", "condition", "Capacity throughput", "number", PLI, unit="Ah",
       dynamic=True, mandatory=NONE, annex="4(b)"),
    _a("remaining_capacity", "condition", "Remaining capacity", "number", PLI, unit="Ah",
       dynamic=True, mandatory=NONE, annex="4(b)"),
    _a("remaining_power_capability", "condition", "Remaining power capability", "number", PLI,
       unit="W", dynamic=True, mandatory=NONE, annex="4(b)"),
    _a("remaining_round_trip_efficiency", "condition", "Remaining round-trip efficiency",
       "percent", PLI, unit="%", dynamic=True, mandatory=NONE, annex="4(b)"),
    _a("self_discharge_rate", "condition", "Evolution of self-discharge rate", "percent", PLI,
       unit="%", dynamic=True, mandatory=NONE, annex="4(b)"),
    *(
        _a(f"time_{what}_extreme_{side}_temperatures", "condition",
           f"Time spent {what.replace('_', ' ')} extreme {side} temperatures", "number", PLI,
           unit="h", dynamic=True, mandatory=NONE, annex="4(b)")
        for what in ("in", "charging_in")
        for side in ("high", "low")
    ),
    _a("remaining_energy", "condition", "Remaining energy", "number", PLI, unit="kWh",
       dynamic=True, mandatory=NONE, annex="4(b)"),
    _a("internal_resistance_cell", "condition", "Internal resistance, cell", "number", PLI,
       unit="mΩ", dynamic=True, mandatory=NONE, annex="4(b)"),
    _a("internal_resistance_pack", "condition", "Internal resistance, pack", "number", PLI,
       unit="mΩ", dynamic=True, mandatory=NONE, annex="4(b)"),
    _a("deep_discharge_events", "condition", "Deep discharge events", "integer", PLI,
       dynamic=True, mandatory=NONE, annex="4(b)"),
    _a("overcharge_events", "condition", "Overcharge events", "integer", PLI, dynamic=True,
       mandatory=NONE, annex="(voluntary)"),
    _a("accidents", "condition", "Information on accidents", "list", PLI, dynamic=True,
       mandatory=NONE, annex="4(b)"),
    _a("temperature_information", "condition", "Temperature information", "text", PLI,
       dynamic=True, mandatory=NONE, annex="4(b)"),
)
# fmt: on

BY_KEY: dict[str, Attribute] = {a.key: a for a in ATTRIBUTES}
GROUPS: tuple[str, ...] = tuple(dict.fromkeys(a.group for a in ATTRIBUTES))


# --- Values ----------------------------------------------------------------------------------

_MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")
_CAS = re.compile(r"\d{2,7}-\d{2}-\d")
_URI = re.compile(r"(https?://[^\s]+|urn:[a-z0-9][a-z0-9-]{0,31}:[^\s]+)", re.IGNORECASE)


def clean_value(attribute: Attribute, value: Any) -> Any:
    """The stored form of `value`, or ValueError saying what is wrong with it."""
    kind = attribute.kind
    if kind in ("number", "percent", "integer"):
        value = _in_unit(attribute, value)
        if kind == "integer":
            if not float(value).is_integer():
                raise ValueError("must be a whole number")
            value = int(value)
        if value < 0 and attribute.key not in ("idle_temperature_lower", "idle_temperature_upper"):
            raise ValueError("cannot be negative")
        if kind == "percent" and value > 100:
            raise ValueError("is a percentage: at most 100")
        return value
    if kind == "text":
        if not isinstance(value, str) or not value.strip() or len(value) > 4000:
            raise ValueError("must be non-empty text of at most 4000 characters")
        return value.strip()
    if kind == "month":
        if not isinstance(value, str) or not _MONTH.fullmatch(value):
            raise ValueError("must be a month as YYYY-MM")
        return value
    if kind == "date":
        try:
            return date.fromisoformat(value).isoformat()
        except (TypeError, ValueError) as exc:
            raise ValueError("must be a date as YYYY-MM-DD") from exc
    if kind == "enum":
        if value not in attribute.choices:
            raise ValueError(f"must be one of {', '.join(attribute.choices)}")
        return value
    if kind == "uri":
        if not isinstance(value, str) or not _URI.fullmatch(value):
            raise ValueError("must be an http(s) URL or a URN")
        return value
    if kind == "address":
        if not isinstance(value, dict):
            raise ValueError('must be an object {"street", "postal_code", "city", "country"}')
        return _clean_item((Address, "street"), None, value)
    if kind in ("list", *ITEM_MODELS):
        if not isinstance(value, list) or len(value) > 500:
            raise ValueError("must be a list of at most 500 items")
        if kind in ITEM_MODELS:
            return [_clean_item(ITEM_MODELS[kind], index, item) for index, item in enumerate(value)]
        if not all(isinstance(item, str | dict) for item in value):
            raise ValueError("items must be text or objects")
        return value
    raise ValueError(f"unknown kind {kind}")


def cas_number_is_valid(value: str) -> bool:
    """CAS Registry Number check digit: the weighted digit sum, weights 1, 2, … from the right."""
    if not _CAS.fullmatch(value):
        return False
    digits = value.replace("-", "")
    body, check = digits[:-1], int(digits[-1])
    return sum(i * int(d) for i, d in enumerate(reversed(body), start=1)) % 10 == check


class Document(BaseModel):
    """A document the passport links to (test report, manual, assurance)."""

    model_config = ConfigDict(extra="forbid")
    url: str = Field(max_length=2000)
    title: str | None = Field(default=None, min_length=1, max_length=300)
    media_type: str | None = Field(default=None, pattern=r"[\w.+-]+/[\w.+-]+", max_length=100)

    @field_validator("url")
    @classmethod
    def _url(cls, value: str) -> str:
        if not _URI.fullmatch(value):
            raise ValueError("must be an http(s) URL or a URN")
        return value


class Substance(BaseModel):
    """A material or substance in the battery: what it is, where, and how much."""

    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=300)
    cas: str | None = None
    location: str | None = Field(default=None, min_length=1, max_length=300)
    mass_kg: float | None = Field(default=None, ge=0, allow_inf_nan=False)
    share_percent: float | None = Field(default=None, ge=0, le=100, allow_inf_nan=False)
    hazard_classes: list[str] = Field(default_factory=list, max_length=20)
    critical: bool | None = Field(default=None, description="a critical raw material")

    @field_validator("cas")
    @classmethod
    def _cas(cls, value: str | None) -> str | None:
        if value is not None and not cas_number_is_valid(value):
            raise ValueError(f"{value!r} is not a CAS number (check digit or NNNNNNN-NN-N form)")
        return value


class Address(BaseModel):
    """A postal address, as the formats want it: street, postal code, city, country."""

    model_config = ConfigDict(extra="forbid")
    street: str = Field(min_length=1, max_length=300)
    postal_code: str | None = Field(default=None, min_length=1, max_length=20)
    city: str = Field(min_length=1, max_length=120)
    country: str = Field(pattern=r"^[A-Z]{2}$", description="ISO 3166-1 alpha-2")


class Supplier(BaseModel):
    """Where spare parts come from (Annex XIII 2(a)): who, how to reach them, which parts."""

    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=300)
    identifier: str | None = Field(default=None, max_length=100, description="e.g. a BPNL")
    address: Address | None = None
    email: str | None = Field(default=None, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    web: str | None = Field(default=None, pattern=r"^https?://\S+$")
    components: list[str] = Field(default_factory=list, max_length=200)


# A bare string stands for the item's one essential field.
ITEM_MODELS: dict[str, tuple[type[BaseModel], str]] = {
    "documents": (Document, "url"),
    "substances": (Substance, "name"),
    "suppliers": (Supplier, "name"),
}


def _clean_item(spec: tuple[type[BaseModel], str], index: int | None, item: Any) -> dict:
    model, essential = spec
    try:
        parsed = model.model_validate({essential: item} if isinstance(item, str) else item)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        message = first["msg"].removeprefix("Value error, ")
        item_name = "" if index is None else f"item {index}"
        place = " ".join(part for part in (item_name, where) if part)
        raise ValueError(f"{place}: {message}" if place else message) from None
    return parsed.model_dump(exclude_none=True, exclude_defaults=True)


def _in_unit(attribute: Attribute, value: Any) -> float:
    """A bare number is in the attribute's unit; {"value", "unit"} must name that unit."""
    if isinstance(value, dict):
        if set(value) != {"value", "unit"}:
            raise ValueError('give a number, or {"value": …, "unit": …}')
        if value["unit"] != attribute.unit:
            raise ValueError(f"wrong unit {value['unit']!r}: expected {attribute.unit!r}")
        value = value["value"]
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"must be a number{f' in {attribute.unit}' if attribute.unit else ''}")
    if not math.isfinite(value):
        raise ValueError("must be finite")
    return value


def clean_data(
    data: dict[str, Any], *, dynamic_allowed: bool = False, prefix: str = "data"
) -> tuple[dict[str, Any], list[dict[str, str]]]:
    """Cleaned attribute values and one error per bad field (unknown, dynamic, or invalid)."""
    cleaned, errors = {}, []
    for key, value in data.items():
        attribute = BY_KEY.get(key)
        if attribute is None:
            errors.append({"field": f"{prefix}.{key}", "message": "not a passport attribute"})
        elif key == "battery_status":
            message = "changes only through the lifecycle calls; a passport starts as original"
            errors.append({"field": f"{prefix}.{key}", "message": message})
        elif attribute.dynamic and not dynamic_allowed:
            message = "is dynamic: POST it to /passports/{id}/dynamic"
            errors.append({"field": f"{prefix}.{key}", "message": message})
        elif value is None:
            continue
        else:
            try:
                cleaned[key] = clean_value(attribute, value)
            except ValueError as exc:
                errors.append({"field": f"{prefix}.{key}", "message": str(exc)})
    return cleaned, errors


def missing_mandatory(category: str, values: dict[str, Any]) -> tuple[list[str], list[str]]:
    """(mandatory now and missing, mandatory once a pending act applies and missing)."""
    now, later = [], []
    for attribute in ATTRIBUTES:
        if Category(category) in attribute.mandatory and attribute.key not in values:
            (later if attribute.due_from else now).append(attribute.key)
    return now, later
