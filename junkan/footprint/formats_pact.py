"""PACT Technical Specifications v2.3 and v3.0 ProductFootprints: export, and import of what a
PACT client pulls from other hosts (validated against the official schema first, then against
the record's own rules, so every rejection names the offending field)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from junkan.footprint.formats import (
    COVERAGE_V2,
    COVERAGE_V3,
    STANDARDS_V2,
    UNITS_V2,
    Assurance,
    DataQuality,
    EmissionFactorSource,
    Footprint,
    InvalidFootprint,
    SectorRule,
    dec_str,
    geography_pact,
    json_number,
    legacy_factor,
    one_of,
    require,
    timestamp,
)
from junkan.footprint.formats_schema import PACT_V2_SPEC_VERSION, PACT_V3_SPEC_VERSION, validate

# v2's deprecated, still mandatory crossSectoralStandardsUsed, from the current codes
_STANDARDS_USED_V2 = {
    "GHGP-Product": "GHG Protocol Product standard",
    "ISO14067": "ISO Standard 14067",
    "ISO14040-44": "ISO Standard 14044",
}


def _put_decimals(out: dict, fp: Footprint, names: dict[str, str]) -> None:
    for attr, key in names.items():
        if getattr(fp, attr) is not None:
            out[key] = dec_str(getattr(fp, attr))


def _rules(fp: Footprint) -> list[dict]:
    rules = []
    for rule in fp.sector_rules:
        item: dict[str, Any] = {"operator": rule.operator, "ruleNames": list(rule.rule_names)}
        if rule.other_operator_name:
            item["otherOperatorName"] = rule.other_operator_name
        rules.append(item)
    return rules


def _header(fp: Footprint, spec_version: str) -> dict[str, Any]:
    out: dict[str, Any] = {"id": fp.id, "specVersion": spec_version}
    if fp.preceding_ids:
        out["precedingPfIds"] = list(fp.preceding_ids)
    return out


def _product(fp: Footprint, out: dict) -> dict:
    out.update(
        companyName=fp.company_name,
        companyIds=list(fp.company_ids),
        productDescription=fp.product_description,
        productIds=list(fp.product_ids),
        productNameCompany=fp.product_name,
    )
    for attr, key in (
        ("validity_period_start", "validityPeriodStart"),
        ("validity_period_end", "validityPeriodEnd"),
    ):
        if getattr(fp, attr) is not None:
            out[key] = timestamp(getattr(fp, attr))
    if fp.product_classifications:
        out["productClassifications"] = list(fp.product_classifications)
    return out


def _common_pcf(fp: Footprint, pcf: dict) -> dict:
    pcf.update(
        referencePeriodStart=timestamp(fp.reference_period_start),
        referencePeriodEnd=timestamp(fp.reference_period_end),
        **geography_pact(fp),
    )
    pcf["packagingEmissionsIncluded"] = fp.packaging_emissions_included
    if fp.sector_rules:
        pcf["productOrSectorSpecificRules"] = _rules(fp)
    if fp.secondary_emission_factor_sources:
        pcf["secondaryEmissionFactorSources"] = [
            {"name": s.name, "version": s.version} for s in fp.secondary_emission_factor_sources
        ]
    if fp.allocation_rules_description is not None:
        pcf["allocationRulesDescription"] = fp.allocation_rules_description
    return pcf


def _not_pact_boundary(fp: Footprint, fmt: str) -> None:
    if fp.boundary != "cradle-to-gate":
        raise InvalidFootprint("boundary", f"{fmt} exchanges cradle-to-gate footprints only")


# ---- PACT v2.3 --------------------------------------------------------------------------------

V2_DECIMALS = {
    "unitary_product_amount": "unitaryProductAmount",
    "product_mass_per_declared_unit": "productMassPerDeclaredUnit",
    "pcf_excluding_biogenic": "pCfExcludingBiogenic",
    "pcf_including_biogenic": "pCfIncludingBiogenic",
    "fossil_emissions": "fossilGhgEmissions",
    "fossil_carbon_content": "fossilCarbonContent",
    "biogenic_carbon_content": "biogenicCarbonContent",
    "land_use_change_emissions": "dLucGhgEmissions",
    "land_management_emissions": "landManagementGhgEmissions",
    "biogenic_non_co2_emissions": "otherBiogenicGhgEmissions",
    "biogenic_co2_uptake": "biogenicCarbonWithdrawal",
    "aircraft_emissions": "aircraftGhgEmissions",
    "packaging_emissions": "packagingGhgEmissions",
}


def to_pact_v2(fp: Footprint) -> dict[str, Any]:
    """A PACT v2.3 ProductFootprint; decimals as strings, percentages and DQRs as numbers."""
    fmt = "PACT v2"
    _not_pact_boundary(fp, fmt)
    one_of("declared_unit", fp.declared_unit, UNITS_V2)
    for standard in fp.cross_sectoral_standards:
        one_of("cross_sectoral_standards", standard, STANDARDS_V2)
    used = [_STANDARDS_USED_V2[s] for s in fp.cross_sectoral_standards if s in _STANDARDS_USED_V2]
    if not used:
        raise InvalidFootprint(
            "cross_sectoral_standards",
            f"{fmt} needs ISO14067, ISO14040-44 or GHGP-Product for crossSectoralStandardsUsed",
        )
    out = _header(fp, PACT_V2_SPEC_VERSION)
    out.update(version=fp.version, created=timestamp(fp.created), status=fp.status)
    if fp.updated is not None:
        out["updated"] = timestamp(fp.updated)
    if fp.status_comment is not None:
        out["statusComment"] = fp.status_comment
    _product(fp, out)
    out["productCategoryCpc"] = require(fp, "product_category_cpc", fmt)
    out["comment"] = fp.comment
    pcf: dict[str, Any] = {"declaredUnit": fp.declared_unit}
    _put_decimals(pcf, fp, V2_DECIMALS)
    pcf.update(
        characterizationFactors=legacy_factor(fp, fmt),
        ipccCharacterizationFactorsSources=list(fp.characterization_factors),
        crossSectoralStandardsUsed=used,
        crossSectoralStandards=list(fp.cross_sectoral_standards),
        boundaryProcessesDescription=fp.boundary_processes_description,
        exemptedEmissionsPercent=json_number(fp.exempted_emissions_percent),
        exemptedEmissionsDescription=fp.exempted_emissions_description,
    )
    if fp.biogenic_accounting_methodology is not None:
        pcf["biogenicAccountingMethodology"] = fp.biogenic_accounting_methodology
    if fp.primary_data_share is not None:
        pcf["primaryDataShare"] = json_number(fp.primary_data_share)
    q = fp.dqi
    if q and q.scale == 3 and None not in (q.completeness, q.reliability, q.coverage_percent):
        pcf["dqi"] = {
            "coveragePercent": json_number(q.coverage_percent),  # type: ignore[arg-type]
            **{f"{n}DQR": json_number(getattr(q, n)) for n in _DQR_V2},
        }
    if fp.assurance is not None and fp.assurance.provider_name:
        pcf["assurance"] = _assurance(fp.assurance, COVERAGE_V2, v2=True)
    out["pcf"] = _common_pcf(fp, pcf)
    return out


_DQR_V2 = ("technological", "temporal", "geographical", "completeness", "reliability")


def _assurance(a: Assurance, coverages: tuple[str, ...], v2: bool) -> dict[str, Any]:
    out: dict[str, Any] = {"assurance": True} if v2 else {}
    if a.coverage in coverages:
        out["coverage"] = a.coverage
    pairs = [
        ("provider_name", "providerName"),
        ("standard_name", "standardName"),
        ("comments", "comments"),
    ] + ([("level", "level"), ("boundary", "boundary")] if v2 else [])
    for attr, key in pairs:
        if getattr(a, attr) is not None:
            out[key] = getattr(a, attr)
    if a.completed_at is not None:
        out["completedAt"] = timestamp(a.completed_at)
    return out


# ---- PACT v3.0 --------------------------------------------------------------------------------

V3_DECIMALS = {
    "unitary_product_amount": "declaredUnitAmount",
    "product_mass_per_declared_unit": "productMassPerDeclaredUnit",
    "pcf_excluding_biogenic": "pcfExcludingBiogenicUptake",
    "pcf_including_biogenic": "pcfIncludingBiogenicUptake",
    "fossil_emissions": "fossilGhgEmissions",
    "fossil_carbon_content": "fossilCarbonContent",
    "biogenic_carbon_content": "biogenicCarbonContent",
    "land_use_change_emissions": "landUseChangeGhgEmissions",
    "land_management_emissions": "landManagementBiogenicCO2Emissions",
    "land_management_removals": "landManagementBiogenicCO2Removals",
    "biogenic_non_co2_emissions": "biogenicNonCO2Emissions",
    "biogenic_co2_uptake": "biogenicCO2Uptake",
    "aircraft_emissions": "aircraftGhgEmissions",
    "packaging_emissions": "packagingGhgEmissions",
    "exempted_emissions_percent": "exemptedEmissionsPercent",
    "primary_data_share": "primaryDataShare",
}


def to_pact_v3(fp: Footprint) -> dict[str, Any]:
    """A PACT v3.0 ProductFootprint; every non-integer is a decimal string."""
    fmt = "PACT v3"
    _not_pact_boundary(fp, fmt)
    for name in ("product_mass_per_declared_unit", "pcf_including_biogenic"):
        require(fp, name, fmt)
    out = _header(fp, PACT_V3_SPEC_VERSION)
    out.update(created=timestamp(fp.created), status=fp.status)
    _product(fp, out)
    if fp.comment:
        out["comment"] = fp.comment
    pcf: dict[str, Any] = {"declaredUnitOfMeasurement": fp.declared_unit}
    _put_decimals(pcf, fp, V3_DECIMALS)
    pcf.update(
        ipccCharacterizationFactors=list(fp.characterization_factors),
        crossSectoralStandards=list(fp.cross_sectoral_standards),
        ccsTechnologicalCO2CaptureIncluded=fp.ccs_capture_included,
    )
    if "distribution" in fp.stage_emissions:
        pcf["outboundLogisticsGhgEmissions"] = dec_str(fp.stage_emissions["distribution"])
    for attr, key in (
        ("boundary_processes_description", "boundaryProcessesDescription"),
        ("exempted_emissions_description", "exemptedEmissionsDescription"),
    ):
        if getattr(fp, attr):
            pcf[key] = getattr(fp, attr)
    if fp.dqi is not None and fp.dqi.scale == 5:
        pcf["dqi"] = {
            f"{n}DQR": dec_str(getattr(fp.dqi, n))
            for n in ("technological", "geographical", "temporal")
        }
    if fp.assurance is not None:
        pcf["verification"] = _assurance(fp.assurance, COVERAGE_V3, v2=False)
    out["pcf"] = _common_pcf(fp, pcf)
    return out


# ---- importers --------------------------------------------------------------------------------


def from_pact_v2(doc: dict[str, Any]) -> Footprint:
    """A v2.x ProductFootprint pulled from another host; ValueError naming the field if bad."""
    _schema_or_raise("pact-v2", doc)
    pcf = doc["pcf"]
    standards = pcf.get("crossSectoralStandards") or [
        code for code, old in _STANDARDS_USED_V2.items() if old in pcf["crossSectoralStandardsUsed"]
    ]
    dqi = pcf.get("dqi")
    values = _imported(doc, pcf, V2_DECIMALS, "declaredUnit")
    values.update(
        version=doc["version"],
        updated=_time(doc.get("updated")),
        status_comment=doc.get("statusComment"),
        product_category_cpc=doc["productCategoryCpc"],
        comment=doc["comment"],
        cross_sectoral_standards=standards,
        characterization_factors=pcf["ipccCharacterizationFactorsSources"],
        exempted_emissions_percent=_num(pcf["exemptedEmissionsPercent"]),
        primary_data_share=_num(pcf.get("primaryDataShare")),
        biogenic_accounting_methodology=pcf.get("biogenicAccountingMethodology"),
        dqi=None
        if dqi is None
        else DataQuality(
            scale=3,
            coverage_percent=_num(dqi["coveragePercent"]),
            **{n: _num(dqi[f"{n}DQR"]) for n in _DQR_V2},
        ),
        assurance=_import_assurance(pcf.get("assurance")),
    )
    return _build(values, V2_DECIMALS, "pact-v2")


def from_pact_v3(doc: dict[str, Any]) -> Footprint:
    """A v3.x ProductFootprint pulled from another host; ValueError naming the field if bad."""
    _schema_or_raise("pact-v3", doc)
    pcf = doc["pcf"]
    dqi = pcf.get("dqi")
    values = _imported(doc, pcf, V3_DECIMALS, "declaredUnitOfMeasurement")
    values.update(
        comment=doc.get("comment", ""),
        cross_sectoral_standards=pcf["crossSectoralStandards"],
        characterization_factors=pcf["ipccCharacterizationFactors"],
        ccs_capture_included=pcf.get("ccsTechnologicalCO2CaptureIncluded", False),
        dqi=None
        if dqi is None
        else DataQuality(
            scale=5,
            **{n: Decimal(dqi[f"{n}DQR"]) for n in ("technological", "geographical", "temporal")},
        ),
        assurance=_import_assurance(pcf.get("verification")),
    )
    if "outboundLogisticsGhgEmissions" in pcf:
        values["stage_emissions"] = {"distribution": Decimal(pcf["outboundLogisticsGhgEmissions"])}
    return _build(values, V3_DECIMALS, "pact-v3")


def _schema_or_raise(kind: str, doc: Any) -> None:
    errors = validate(kind, doc)
    if errors:
        listed = "; ".join(f"{e['field'] or '(document)'}: {e['message']}" for e in errors[:5])
        raise ValueError(f"not a valid {kind} ProductFootprint: {listed}")


def _imported(doc: dict, pcf: dict, decimals: dict[str, str], unit_key: str) -> dict[str, Any]:
    values: dict[str, Any] = {
        attr: Decimal(pcf[key]) for attr, key in decimals.items() if isinstance(pcf.get(key), str)
    }
    values.update(
        id=doc["id"],
        created=_time(doc["created"]),
        status=doc["status"],
        preceding_ids=doc.get("precedingPfIds", ()),
        company_name=doc["companyName"],
        company_ids=doc["companyIds"],
        product_ids=doc["productIds"],
        product_name=doc["productNameCompany"],
        product_description=doc["productDescription"],
        product_classifications=doc.get("productClassifications", ()),
        validity_period_start=_time(doc.get("validityPeriodStart")),
        validity_period_end=_time(doc.get("validityPeriodEnd")),
        declared_unit=pcf[unit_key],
        reference_period_start=_time(pcf["referencePeriodStart"]),
        reference_period_end=_time(pcf["referencePeriodEnd"]),
        geography_country=pcf.get("geographyCountry"),
        geography_subdivision=pcf.get("geographyCountrySubdivision"),
        geography_region=pcf.get("geographyRegionOrSubregion"),
        packaging_emissions_included=pcf.get("packagingEmissionsIncluded", False),
        exempted_emissions_description=pcf.get("exemptedEmissionsDescription", ""),
        boundary_processes_description=pcf.get("boundaryProcessesDescription", ""),
        allocation_rules_description=pcf.get("allocationRulesDescription"),
        sector_rules=tuple(
            SectorRule(r["operator"], tuple(r["ruleNames"]), r.get("otherOperatorName"))
            for r in pcf.get("productOrSectorSpecificRules", ())
        ),
        secondary_emission_factor_sources=tuple(
            EmissionFactorSource(s["name"], s["version"])
            for s in pcf.get("secondaryEmissionFactorSources", ())
        ),
    )
    return values


def _build(values: dict[str, Any], decimals: dict[str, str], kind: str) -> Footprint:
    """Construct, translating a record-level error into the format's own field name."""
    try:
        return Footprint(**values)
    except InvalidFootprint as exc:
        key = decimals.get(exc.field)
        where = f"pcf.{key}" if key else exc.field
        raise ValueError(f"{kind} {where}: {str(exc).split(': ', 1)[1]}") from exc
    except (InvalidOperation, TypeError) as exc:
        raise ValueError(f"{kind}: {exc}") from exc


def _time(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text.replace("Z", "+00:00"))


def _num(value: Any) -> Decimal | None:
    """JSON numbers through their shortest text, so 12.9 stays 12.9, not a binary expansion."""
    return None if value is None else Decimal(repr(value) if isinstance(value, float) else value)


def _import_assurance(data: dict | None) -> Assurance | None:
    if data is None:
        return None
    return Assurance(
        provider_name=data.get("providerName"),
        coverage=data.get("coverage"),
        level=data.get("level"),
        boundary=data.get("boundary"),
        completed_at=_time(data.get("completedAt")),
        standard_name=data.get("standardName"),
        comments=data.get("comments"),
    )
