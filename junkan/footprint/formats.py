"""Footprints in the exchange formats: one format-neutral record, PACT v2.3 and v3.0 out and
back in, Catena-X io.catenax.pcf 7.0.0 and 9.0.0 out, each checked against its official schema.

The record is what the service computes; the formats are views of it. When a format requires
a value the record lacks, or limits one beyond what the record holds, export raises
InvalidFootprint (a ValueError) naming the field: no invented values. Values a format has no
place for are left out, as listed below. Layout: this module (record, shared encoding),
formats_pact.py, formats_catenax.py, formats_schema.py (official-schema checks); all public
names are importable from here.

Which Footprint fields each format carries (everything else is dropped on export):
- PACT v2.3: all but land_management_removals, stage_emissions, ccs_capture_included,
  pcf_type, allocation_waste_incineration, geography_region when a country is given;
  dqi only on the 1-3 scale with completeness, reliability and coverage.
- PACT v3.0: all but version, updated, status_comment, product_category_cpc,
  biogenic_accounting_methodology, assurance level/boundary, pcf_type,
  allocation_waste_incineration; stages: distribution only (outbound logistics); dqi 1-5 only.
- Catena-X 7/9 (formats_catenax.py): export only; see that module.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from types import MappingProxyType
from typing import Any

import pycountry

from junkan.footprint.formats_schema import (  # noqa: F401  (re-exported for callers)
    PACT_V2_SPEC_VERSION,
    PACT_V3_SPEC_VERSION,
    validate,
    validate_event,
    validate_response,
)

UNITS_V2 = (
    "liter",
    "kilogram",
    "cubic meter",
    "kilowatt hour",
    "megajoule",
    "ton kilometer",
    "square meter",
)
UNITS_V3 = (*UNITS_V2, "piece", "hour", "megabit second")
REGIONS = (
    "Africa",
    "Americas",
    "Asia",
    "Europe",
    "Oceania",
    "Australia and New Zealand",
    "Central Asia",
    "Eastern Asia",
    "Eastern Europe",
    "Latin America and the Caribbean",
    "Melanesia",
    "Micronesia",
    "Northern Africa",
    "Northern America",
    "Northern Europe",
    "Polynesia",
    "South-eastern Asia",
    "Southern Asia",
    "Southern Europe",
    "Sub-Saharan Africa",
    "Western Asia",
    "Western Europe",
)
GLOBAL = "Global"  # no geography in PACT; Catena-X's explicit value
STAGES = ("raw_materials", "main_production", "distribution", "end_of_life")
STANDARDS_V2 = (
    "ISO14067",
    "ISO14083",
    "ISO14040-44",
    "GHGP-Product",
    "PEF",
    "PACT-1.0",
    "PACT-2.0",
    "PACT-3.0",
)
BIOGENIC_METHODS = ("PEF", "ISO", "GHGP", "Quantis")
SECTOR_RULE_OPERATORS = ("PEF", "EPD International", "Other")
COVERAGE_V2 = ("corporate level", "product line", "PCF system", "product level")
COVERAGE_V3 = ("PCF calculation model", "PCF program", "product level")
PCF_TYPES = (
    "Retrospective PCF",
    "Prospective PCF without forerunner",
    "Prospective PCF of further developed product with forerunner",
    "Prospective PCF for current product for future production date",
    "Progressive PCF",
)
WASTE_INCINERATION = ("cut-off", "reverse cut-off", "system expansion", "polluter pays principle")

# Error codes and their HTTP statuses. v2 is the prose table (spec/v2/index.bs); note that the
# 2.3.3 OpenAPI Error enum says NotFound where the prose says NoSuchFootprint.
PACT_V2_ERROR_CODES = {
    "AccessDenied": 403,
    "BadRequest": 400,
    "NoSuchFootprint": 404,
    "NotImplemented": 400,
    "TokenExpired": 401,
    "InternalError": 500,
}
PACT_V3_ERROR_CODES = {
    "AccessDenied": 403,
    "BadRequest": 400,
    "NotFound": 404,
    "NotImplemented": 400,
    "TokenExpired": 401,
    "InternalError": 500,
}
PACT_V2_EVENT_TYPES = {
    "published": "org.wbcsd.pathfinder.ProductFootprint.Published.v1",
    "request_created": "org.wbcsd.pathfinder.ProductFootprintRequest.Created.v1",
    "request_fulfilled": "org.wbcsd.pathfinder.ProductFootprintRequest.Fulfilled.v1",
    "request_rejected": "org.wbcsd.pathfinder.ProductFootprintRequest.Rejected.v1",
}
PACT_V3_EVENT_TYPES = {
    "published": "org.wbcsd.pact.ProductFootprint.PublishedEvent.3",
    "request_created": "org.wbcsd.pact.ProductFootprint.RequestCreatedEvent.3",
    "request_fulfilled": "org.wbcsd.pact.ProductFootprint.RequestFulfilledEvent.3",
    "request_rejected": "org.wbcsd.pact.ProductFootprint.RequestRejectedEvent.3",
}

_URN = re.compile(r"^urn:[a-z0-9][a-z0-9-]{0,31}:\S+$", re.IGNORECASE)
_SUBDIVISION = re.compile(r"^[A-Z]{2}-[A-Z0-9]{1,3}$")
_AR = re.compile(r"^AR\d+$")


class InvalidFootprint(ValueError):
    """A value the record cannot hold or a format cannot express; `field` says which."""

    def __init__(self, field_name: str, message: str):
        self.field = field_name
        super().__init__(f"{field_name}: {message}")


@dataclass(frozen=True)
class DataQuality:
    """PACT data-quality ratings. `scale` is the matrix they were rated on: 3 (PACT v2, Catena-X
    7) or 5 (PACT v3, Catena-X 9); there is no official conversion, so formats on the other
    scale omit them."""

    technological: Decimal
    geographical: Decimal
    temporal: Decimal
    scale: int = 5
    completeness: Decimal | None = None  # v2 only
    reliability: Decimal | None = None  # v2 only
    coverage_percent: Decimal | None = None  # v2 only


@dataclass(frozen=True)
class EmissionFactorSource:
    name: str
    version: str


@dataclass(frozen=True)
class SectorRule:
    """Product- or sector-specific rules (PCR, PEFCR) applied, by their operator."""

    operator: str  # PEF | EPD International | Other
    rule_names: tuple[str, ...]
    other_operator_name: str | None = None


@dataclass(frozen=True)
class Assurance:
    """Third-party assurance (PACT v2) or verification (PACT v3) of the PCF."""

    provider_name: str | None = None
    coverage: str | None = None  # COVERAGE_V2 or COVERAGE_V3; only "product level" is in both
    level: str | None = None  # v2: limited | reasonable
    boundary: str | None = None  # v2: Gate-to-Gate | Cradle-to-Gate
    completed_at: datetime | None = None
    standard_name: str | None = None
    comments: str | None = None


@dataclass(frozen=True)
class Footprint:
    """One computed PCF per declared unit. Emissions in kgCO2e, carbon content in kgC, both per
    declared unit; `pcf_excluding_biogenic` is the cradle-to-gate total (raw materials plus
    main production), and `stage_emissions` the EU battery life-cycle split beside it."""

    id: str
    created: datetime
    company_name: str
    company_ids: tuple[str, ...]
    product_ids: tuple[str, ...]
    product_name: str
    declared_unit: str
    unitary_product_amount: Decimal
    reference_period_start: datetime
    reference_period_end: datetime
    pcf_excluding_biogenic: Decimal
    fossil_emissions: Decimal
    fossil_carbon_content: Decimal
    characterization_factors: tuple[str, ...]  # e.g. ("AR6",)
    cross_sectoral_standards: tuple[str, ...]  # PACT codes, e.g. ("ISO14067", "PACT-2.0")
    version: int = 0
    updated: datetime | None = None
    status: str = "Active"
    status_comment: str | None = None
    preceding_ids: tuple[str, ...] = ()
    validity_period_start: datetime | None = None
    validity_period_end: datetime | None = None
    product_description: str = ""
    product_category_cpc: str | None = None
    product_classifications: tuple[str, ...] = ()
    comment: str = ""
    product_mass_per_declared_unit: Decimal | None = None  # kg
    geography_country: str | None = None  # ISO 3166-1 alpha-2
    geography_subdivision: str | None = None  # ISO 3166-2
    geography_region: str | None = None  # UN M49 region; Catena-X needs it beside a country
    boundary: str = "cradle-to-gate"
    pcf_including_biogenic: Decimal | None = None
    biogenic_carbon_content: Decimal = Decimal(0)
    biogenic_non_co2_emissions: Decimal | None = None
    biogenic_co2_uptake: Decimal | None = None  # <= 0
    land_use_change_emissions: Decimal | None = None
    land_management_emissions: Decimal | None = None
    land_management_removals: Decimal | None = None  # <= 0
    aircraft_emissions: Decimal | None = None
    biogenic_accounting_methodology: str | None = None
    stage_emissions: MappingProxyType[str, Decimal] = field(default_factory=dict)  # type: ignore[assignment]
    packaging_emissions_included: bool = False
    packaging_emissions: Decimal | None = None
    primary_data_share: Decimal | None = None  # percent
    dqi: DataQuality | None = None
    exempted_emissions_percent: Decimal = Decimal(0)
    exempted_emissions_description: str = ""
    boundary_processes_description: str = ""
    sector_rules: tuple[SectorRule, ...] = ()
    secondary_emission_factor_sources: tuple[EmissionFactorSource, ...] = ()
    allocation_rules_description: str | None = None
    allocation_waste_incineration: str = "cut-off"  # Catena-X only
    ccs_capture_included: bool = False
    pcf_type: str = "Retrospective PCF"  # Catena-X 9 only
    assurance: Assurance | None = None

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, list):
                object.__setattr__(self, f.name, tuple(value))
        stages = {k: _dec(f"stage_emissions.{k}", v) for k, v in dict(self.stage_emissions).items()}
        object.__setattr__(self, "stage_emissions", MappingProxyType(stages))
        _check(self)


_NON_NEGATIVE = (
    "unitary_product_amount",
    "product_mass_per_declared_unit",
    "pcf_excluding_biogenic",
    "fossil_emissions",
    "fossil_carbon_content",
    "biogenic_carbon_content",
    "biogenic_non_co2_emissions",
    "land_use_change_emissions",
    "land_management_emissions",
    "aircraft_emissions",
    "packaging_emissions",
    "primary_data_share",
    "exempted_emissions_percent",
)
_DECIMALS = (
    *_NON_NEGATIVE,
    "pcf_including_biogenic",
    "biogenic_co2_uptake",
    "land_management_removals",
)


def _dec(name: str, value: Any) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise InvalidFootprint(name, f"expected a decimal, got {value!r}")
    try:
        out = Decimal(str(value)) if not isinstance(value, Decimal) else value
    except InvalidOperation:
        raise InvalidFootprint(name, f"not a decimal number: {value!r}") from None
    if not out.is_finite():
        raise InvalidFootprint(name, "must be finite")
    return out


def _check(fp: Footprint) -> None:
    """Reject what no format may carry, so exports only fail on format-specific limits."""
    for name in _DECIMALS:
        value = getattr(fp, name)
        if value is not None:
            object.__setattr__(fp, name, _dec(name, value))
    _uuid("id", fp.id)
    for i, pid in enumerate(fp.preceding_ids):
        _uuid(f"preceding_ids[{i}]", pid)
    if len(set(fp.preceding_ids)) != len(fp.preceding_ids):
        raise InvalidFootprint("preceding_ids", "must not repeat an id")
    if isinstance(fp.version, bool) or not isinstance(fp.version, int) or fp.version < 0:
        raise InvalidFootprint("version", "must be an integer >= 0")
    for name in (
        "created",
        "updated",
        "reference_period_start",
        "reference_period_end",
        "validity_period_start",
        "validity_period_end",
    ):
        value = getattr(fp, name)
        if value is not None and (not isinstance(value, datetime) or value.utcoffset() is None):
            raise InvalidFootprint(name, "must be a timezone-aware datetime")
    if fp.reference_period_end <= fp.reference_period_start:
        raise InvalidFootprint("reference_period_end", "must be after reference_period_start")
    one_of("status", fp.status, ("Active", "Deprecated"))
    for name in ("company_name", "product_name"):
        if not isinstance(getattr(fp, name), str) or not getattr(fp, name).strip():
            raise InvalidFootprint(name, "must not be empty")
    for name in ("company_ids", "product_ids", "product_classifications"):
        values = getattr(fp, name)
        if name != "product_classifications" and not values:
            raise InvalidFootprint(name, "needs at least one URN")
        for i, urn in enumerate(values):
            if not isinstance(urn, str) or not _URN.match(urn):
                raise InvalidFootprint(f"{name}[{i}]", f"not a URN: {urn!r}")
        if len(set(values)) != len(values):
            raise InvalidFootprint(name, "must not repeat an identifier")
    one_of("declared_unit", fp.declared_unit, UNITS_V3)
    if fp.unitary_product_amount <= 0:
        raise InvalidFootprint("unitary_product_amount", "must be greater than 0")
    for name in _NON_NEGATIVE:
        if getattr(fp, name) is not None and getattr(fp, name) < 0:
            raise InvalidFootprint(name, "must not be negative")
    for name in ("biogenic_co2_uptake", "land_management_removals"):
        if getattr(fp, name) is not None and getattr(fp, name) > 0:
            raise InvalidFootprint(name, "is a removal: must not be positive")
    for name in ("primary_data_share", "exempted_emissions_percent"):
        if getattr(fp, name) is not None and getattr(fp, name) > 100:
            raise InvalidFootprint(name, "is a percentage: at most 100")
    if fp.geography_country is not None and (
        not re.fullmatch(r"[A-Z]{2}", str(fp.geography_country))
        or pycountry.countries.get(alpha_2=fp.geography_country) is None
    ):
        raise InvalidFootprint("geography_country", "not an ISO 3166-1 alpha-2 code")
    if fp.geography_subdivision is not None and not _SUBDIVISION.match(fp.geography_subdivision):
        raise InvalidFootprint("geography_subdivision", "not an ISO 3166-2 code")
    if fp.geography_region is not None:
        one_of("geography_region", fp.geography_region, (*REGIONS, GLOBAL))
    one_of("boundary", fp.boundary, ("cradle-to-gate", "cradle-to-grave"))
    for stage, value in fp.stage_emissions.items():
        one_of("stage_emissions", stage, STAGES)
        if value < 0 and stage != "end_of_life":  # only end of life may credit recycling
            raise InvalidFootprint(f"stage_emissions.{stage}", "must not be negative")
    if fp.packaging_emissions is not None and not fp.packaging_emissions_included:
        raise InvalidFootprint("packaging_emissions", "set while packaging is not included")
    if not fp.characterization_factors or not all(
        isinstance(v, str) and _AR.match(v) for v in fp.characterization_factors
    ):
        raise InvalidFootprint("characterization_factors", "needs IPCC reports such as 'AR6'")
    if not fp.cross_sectoral_standards:
        raise InvalidFootprint("cross_sectoral_standards", "needs at least one standard")
    if fp.biogenic_accounting_methodology is not None:
        one_of(
            "biogenic_accounting_methodology", fp.biogenic_accounting_methodology, BIOGENIC_METHODS
        )
    for rule in fp.sector_rules:
        one_of("sector_rules", rule.operator, SECTOR_RULE_OPERATORS)
    one_of("pcf_type", fp.pcf_type, PCF_TYPES)
    one_of("allocation_waste_incineration", fp.allocation_waste_incineration, WASTE_INCINERATION)
    if fp.dqi is not None:
        one_of("dqi.scale", fp.dqi.scale, (3, 5))
        for name in ("technological", "geographical", "temporal", "completeness", "reliability"):
            value = getattr(fp.dqi, name)
            if value is not None and not 1 <= _dec(f"dqi.{name}", value) <= fp.dqi.scale:
                raise InvalidFootprint(f"dqi.{name}", f"must be between 1 and {fp.dqi.scale}")


def _uuid(name: str, value: Any) -> None:
    try:
        uuid.UUID(str(value))
    except ValueError:
        raise InvalidFootprint(name, f"not a UUID: {value!r}") from None


def one_of(name: str, value: Any, allowed: tuple) -> None:
    if value not in allowed:
        raise InvalidFootprint(name, f"{value!r} is not one of {', '.join(map(str, allowed))}")


# ---- shared encoding --------------------------------------------------------------------------


def dec_str(value: Decimal) -> str:
    """PACT's decimal string: plain notation (the v3 pattern forbids exponents), no '-0'."""
    return "0" if value == 0 else format(value, "f")


def json_number(value: Decimal) -> int | float:
    """Catena-X and PACT v2 percentages are JSON numbers."""
    return int(value) if value == value.to_integral_value() else float(value)


def timestamp(value: datetime) -> str:
    """RFC 3339 in UTC with 'Z', as every example in both specifications writes it."""
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def geography_pact(fp: Footprint) -> dict[str, str]:
    """PACT allows at most one geography: the most specific one; none means global."""
    if fp.geography_subdivision:
        return {"geographyCountrySubdivision": fp.geography_subdivision}
    if fp.geography_country:
        return {"geographyCountry": fp.geography_country}
    if fp.geography_region and fp.geography_region != GLOBAL:
        return {"geographyRegionOrSubregion": fp.geography_region}
    return {}


def require(fp: Footprint, name: str, fmt: str) -> Any:
    value = getattr(fp, name)
    if value is None:
        raise InvalidFootprint(name, f"is required by {fmt}")
    return value


def legacy_factor(fp: Footprint, fmt: str) -> str:
    """The single AR5/AR6 value of v2's deprecated characterizationFactors (and Catena-X 7)."""
    for candidate in ("AR6", "AR5"):
        if candidate in fp.characterization_factors:
            return candidate
    raise InvalidFootprint("characterization_factors", f"{fmt} needs AR5 or AR6")


# The formats live in their own modules, which build on the record above.
from junkan.footprint.formats_catenax import (  # noqa: E402, F401, I001
    to_catenax_pcf_7,
    to_catenax_pcf_9,
)
from junkan.footprint.formats_pact import (  # noqa: E402, F401, I001
    from_pact_v2,
    from_pact_v3,
    to_pact_v2,
    to_pact_v3,
)
