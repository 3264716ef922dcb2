"""Footprints as Catena-X io.catenax.pcf 7.0.0 (flat, PACT v2 era) and 9.0.0 (grouped, PACT v3
era) aspect payloads. Export only: Catena-X partners pull PACT-shaped data from us, and what we
pull from them arrives through PACT.

Both models write numbers as JSON numbers (SAMM), not strings. Both require a region even beside
a country, so a footprint with a country must carry its UN M49 region too. Not carried:
status_comment, updated, land_management_removals (7), biogenic_accounting_methodology,
stages other than distribution, assurance (9's attestationOfConformance needs an attestation id
and standard we do not hold); 9 writes massBalancingInformation as [] (no mass balancing) and
defaults validityPeriodEnd, which it requires, to PACT's reference period end + 3 years.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from junkan.footprint.formats import (
    GLOBAL,
    UNITS_V2,
    UNITS_V3,
    Footprint,
    InvalidFootprint,
    json_number,
    legacy_factor,
    require,
    timestamp,
)

SPEC_VERSION_7 = "urn:io.catenax.pcf:datamodel:version:7.0.0"
SPEC_VERSION_9 = "urn:io.catenax.pcf:datamodel:version:9.0.0"
# PACT cross-sectoral standard codes -> Catena-X 7's closed list (anything else is "Other")
_STANDARDS_7 = {
    "ISO14067": ("ISO Standard 14067",),
    "ISO14040-44": ("ISO Standard 14040", "ISO Standard 14044"),
    "GHGP-Product": ("GHG Protocol Product Standard",),
    "PEF": ("PEF",),
    "PAS2050": ("PAS 2050",),
    "PACT-1.0": ("Pathfinder v1",),
    "PACT-2.0": ("Pathfinder v2",),
}
# ... and 9's open list, written as its example and the 10.0.0 enumeration write them
_STANDARDS_9 = {
    "ISO14067": "ISO 14067",
    "ISO14083": "ISO 14083",
    "ISO14040-44": "ISO 14040-44",
    "GHGP-Product": "GHG Protocol Product",
    "PAS2050": "PAS 2050",
}
_FACTORS_9 = ("AR4", "AR5", "AR6")


def _numbers(fp: Footprint, names: dict[str, str]) -> dict[str, int | float]:
    values = {key: getattr(fp, attr) for attr, key in names.items()}
    return {key: json_number(value) for key, value in values.items() if value is not None}


def _region(fp: Footprint, fmt: str) -> str:
    if fp.geography_region:
        return fp.geography_region
    if fp.geography_country or fp.geography_subdivision:
        raise InvalidFootprint("geography_region", f"{fmt} requires the region beside a country")
    return GLOBAL


def _unit(fp: Footprint, allowed: tuple[str, ...], fmt: str) -> str:
    if fp.declared_unit not in allowed:
        raise InvalidFootprint("declared_unit", f"{fp.declared_unit!r} is not a {fmt} unit")
    return fp.declared_unit


def _exempted(fp: Footprint, limit: int, fmt: str) -> int | float:
    if fp.exempted_emissions_percent > limit:
        raise InvalidFootprint("exempted_emissions_percent", f"{fmt} allows at most {limit}")
    return json_number(fp.exempted_emissions_percent)


def _carbon_total(fp: Footprint) -> int | float:
    return json_number(fp.fossil_carbon_content + fp.biogenic_carbon_content)


def _sources(fp: Footprint) -> list[str]:
    sources = fp.secondary_emission_factor_sources
    return list(dict.fromkeys(f"{s.name} {s.version}" for s in sources))


def _partial_full(fp: Footprint) -> str:
    return "Cradle-to-gate" if fp.boundary == "cradle-to-gate" else "Cradle-to-grave"


_PCF_7 = {
    "unitary_product_amount": "unitaryProductAmount",
    "product_mass_per_declared_unit": "productMassPerDeclaredUnit",
    "primary_data_share": "primaryDataShare",
    "pcf_excluding_biogenic": "pcfExcludingBiogenic",
    "pcf_including_biogenic": "pcfIncludingBiogenic",
    "fossil_emissions": "fossilGhgEmissions",
    "biogenic_non_co2_emissions": "biogenicCarbonEmissionsOtherThanCO2",
    "biogenic_co2_uptake": "biogenicCarbonWithdrawal",
    "land_use_change_emissions": "dlucGhgEmissions",
    "aircraft_emissions": "aircraftGhgEmissions",
    "packaging_emissions": "extWBCSD_packagingGhgEmissions",
    "fossil_carbon_content": "extWBCSD_fossilCarbonContent",
    "biogenic_carbon_content": "carbonContentBiogenic",
}


def to_catenax_pcf_7(fp: Footprint) -> dict[str, Any]:
    """An io.catenax.pcf 7.0.0 Pcf payload."""
    fmt = "Catena-X PCF 7"
    require(fp, "product_mass_per_declared_unit", fmt)
    standards = [cx for s in fp.cross_sectoral_standards for cx in _STANDARDS_7.get(s, ("Other",))]
    pcf: dict[str, Any] = {
        "declaredUnit": _unit(fp, (*UNITS_V2, "piece"), fmt),
        "exemptedEmissionsPercent": _exempted(fp, 5, fmt),
        "exemptedEmissionsDescription": fp.exempted_emissions_description,
        "boundaryProcessesDescription": fp.boundary_processes_description,
        "geographyRegionOrSubregion": _region(fp, fmt),
        "referencePeriodStart": timestamp(fp.reference_period_start),
        "referencePeriodEnd": timestamp(fp.reference_period_end),
        "crossSectoralStandardsUsed": [
            {"crossSectoralStandard": s} for s in dict.fromkeys(standards)
        ],
        "productOrSectorSpecificRules": [_rule_7(r) for r in fp.sector_rules],
        "extWBCSD_characterizationFactors": legacy_factor(fp, fmt),
        "extTFS_allocationWasteIncineration": _waste_7(fp, fmt),
        "secondaryEmissionFactorSources": [
            {"secondaryEmissionFactorSource": s} for s in _sources(fp)
        ],
        "extWBCSD_packagingEmissionsIncluded": fp.packaging_emissions_included,
        "carbonContentTotal": _carbon_total(fp),
        **_numbers(fp, _PCF_7),
    }
    if fp.geography_country:
        pcf["geographyCountry"] = fp.geography_country
    if fp.geography_subdivision:
        pcf["geographyCountrySubdivision"] = fp.geography_subdivision
    if fp.allocation_rules_description is not None:
        pcf["extWBCSD_allocationRulesDescription"] = fp.allocation_rules_description
    if "distribution" in fp.stage_emissions:
        pcf["distributionStagePcfExcludingBiogenic"] = json_number(
            fp.stage_emissions["distribution"]
        )
    q = fp.dqi
    if q is not None and q.scale == 3:
        names = ("technological", "temporal", "geographical", "completeness", "reliability")
        rating = {f"{n}DQR": json_number(getattr(q, n)) for n in names if getattr(q, n) is not None}
        if q.coverage_percent is not None:
            rating["coveragePercent"] = json_number(q.coverage_percent)
        pcf["dataQualityRating"] = rating
    out: dict[str, Any] = {
        "id": fp.id,
        "specVersion": SPEC_VERSION_7,
        "partialFullPcf": _partial_full(fp),
        "version": fp.version,
        "created": timestamp(fp.created),
        "extWBCSD_pfStatus": fp.status,
        "companyName": fp.company_name,
        "companyIds": list(fp.company_ids),
        "productDescription": fp.product_description,
        "productIds": list(fp.product_ids),
        "extWBCSD_productCodeCpc": require(fp, "product_category_cpc", fmt),
        "productName": fp.product_name,
        "pcf": pcf,
    }
    if fp.preceding_ids:
        out["precedingPfIds"] = [{"id": i} for i in fp.preceding_ids]
    for attr, key in (
        ("validity_period_start", "validityPeriodStart"),
        ("validity_period_end", "validityPeriodEnd"),
    ):
        if getattr(fp, attr) is not None:
            out[key] = timestamp(getattr(fp, attr))
    if fp.comment:
        out["comment"] = fp.comment
    return out


def _rule_7(rule) -> dict[str, Any]:
    out: dict[str, Any] = {
        "extWBCSD_operator": rule.operator,
        "productOrSectorSpecificRules": [{"ruleName": n} for n in rule.rule_names],
    }
    if rule.other_operator_name:
        out["extWBCSD_otherOperatorName"] = rule.other_operator_name
    return out


def _waste_7(fp: Footprint, fmt: str) -> str:
    if fp.allocation_waste_incineration == "polluter pays principle":
        raise InvalidFootprint("allocation_waste_incineration", f"not a {fmt} value")
    return fp.allocation_waste_incineration


_PRODUCTION_9 = {
    "pcf_including_biogenic": "pcfIncludingBiogenicUptake",
    "pcf_excluding_biogenic": "pcfExcludingBiogenicUptake",
    "fossil_emissions": "fossilGhgEmissions",
    "biogenic_non_co2_emissions": "biogenicNonCO2Emissions",
    "biogenic_co2_uptake": "biogenicCO2Uptake",
    "land_use_change_emissions": "landUseChangeGhgEmissions",
    "land_management_emissions": "landManagementBiogenicCO2Emissions",
    "land_management_removals": "landManagementBiogenicCO2Removals",
    "aircraft_emissions": "aircraftGhgEmissions",
}


def to_catenax_pcf_9(fp: Footprint) -> dict[str, Any]:
    """An io.catenax.pcf 9.0.0 Pcf payload: every group a one-element list (SAMM collections)."""
    fmt = "Catena-X PCF 9"
    require(fp, "product_mass_per_declared_unit", fmt)
    require(fp, "pcf_including_biogenic", fmt)
    product: dict[str, Any] = {
        "productNameCompany": fp.product_name,
        "productIds": list(fp.product_ids),
        "declaredUnitOfMeasurement": _unit(fp, UNITS_V3[:-1], fmt),  # no "megabit second"
        "declaredUnitAmount": json_number(fp.unitary_product_amount),
        "productMassPerDeclaredUnit": json_number(fp.product_mass_per_declared_unit),  # type: ignore[arg-type]
        "productDescription": fp.product_description,
    }
    if fp.product_classifications:
        product["productClassifications"] = list(fp.product_classifications)
    quality: dict[str, Any] = {"secondaryEmissionFactorSources": _sources(fp)}
    if fp.primary_data_share is not None:
        quality["primaryDataShare"] = json_number(fp.primary_data_share)
    if fp.dqi is not None and fp.dqi.scale == 5:
        for n in ("technological", "temporal", "geographical"):
            quality[f"{n}DQR"] = json_number(getattr(fp.dqi, n))
    geography: dict[str, Any] = {"geographyRegionOrSubregion": _region(fp, fmt)}
    if fp.geography_country:
        geography["geographyCountry"] = fp.geography_country
    if fp.geography_subdivision:
        geography["geographyCountrySubdivision"] = fp.geography_subdivision
    time = {
        "referencePeriodStart": timestamp(fp.reference_period_start),
        "referencePeriodEnd": timestamp(fp.reference_period_end),
        "created": timestamp(fp.created),
        "validityPeriodEnd": timestamp(fp.validity_period_end or _plus_3_years(fp)),
    }
    if fp.validity_period_start is not None:
        time["validityPeriodStart"] = timestamp(fp.validity_period_start)
    ident: dict[str, Any] = {
        "id": fp.id,
        "version": fp.version,
        "status": fp.status,
        "retroOrProspectivePcfType": fp.pcf_type,
    }
    if fp.preceding_ids:
        ident["precedingPfIds"] = [{"id": i} for i in fp.preceding_ids]
    technology: dict[str, Any] = {"ccsTechnologicalCO2CaptureIncluded": fp.ccs_capture_included}
    if fp.boundary_processes_description:
        technology["boundaryProcessesDescription"] = fp.boundary_processes_description
    exemption: dict[str, Any] = {"exemptedEmissionsPercent": _exempted(fp, 10, fmt)}
    if fp.exempted_emissions_description:
        exemption["exemptedEmissionsDescription"] = fp.exempted_emissions_description
    allocation: dict[str, Any] = {"allocationWasteIncineration": fp.allocation_waste_incineration}
    if fp.allocation_rules_description is not None:
        allocation["allocationRulesDescription"] = fp.allocation_rules_description
    factors = [f for f in fp.characterization_factors if f in _FACTORS_9] or ["unspecified"]
    methodology = {
        "massBalancingInformation": [],
        "standards": [
            {
                "crossSectoralStandards": list(
                    dict.fromkeys(_STANDARDS_9.get(s, s) for s in fp.cross_sectoral_standards)
                ),
                "productOrSectorSpecificRules": list(
                    dict.fromkeys(n for r in fp.sector_rules for n in r.rule_names)
                ),
            }
        ],
        "gwpCharacterizationFactorDetails": [{"ipccCharacterizationFactors": f} for f in factors],
        "allocationInForeground": [allocation],
    }
    carbon = {
        "carbonContentTotal": _carbon_total(fp),
        "fossilCarbonContent": json_number(fp.fossil_carbon_content),
        "biogenicCarbonContent": json_number(fp.biogenic_carbon_content),
    }
    included = "distribution" in fp.stage_emissions
    distribution: dict[str, Any] = {"distributionStageIncluded": included}
    if "distribution" in fp.stage_emissions:
        distribution["distributionStagePcfExcludingBiogenicUptake"] = json_number(
            fp.stage_emissions["distribution"]
        )
    packaging: dict[str, Any] = {"packagingEmissionsIncluded": fp.packaging_emissions_included}
    if fp.packaging_emissions is not None:
        packaging["packagingPcfExcludingBiogenicUptake"] = json_number(fp.packaging_emissions)
    out: dict[str, Any] = {
        "scopeOfPcfForm": [{"specVersion": SPEC_VERSION_9, "partialFullPcf": _partial_full(fp)}],
        "companyAndProductInformation": [
            {
                "companyInformation": [
                    {"companyName": fp.company_name, "companyIds": list(fp.company_ids)}
                ],
                "productInformation": [product],
            }
        ],
        "pcfAssessmentAndMethodology": [
            {
                "dataSourcesAndQuality": [quality],
                "pcfAssessmentInformation": [
                    {
                        "technology": [technology],
                        "idAndVersion": [ident],
                        "boundarySpecifications": [exemption],
                        "geography": [geography],
                        "time": [time],
                    }
                ],
                "pcfMethodology": [methodology],
            }
        ],
        "general": [{"comment": fp.comment}] if fp.comment else [{}],
        "carbonContent": [carbon],
        "productLifeCycleStagesAndEmissions": [
            {
                "productionStage": [_numbers(fp, _PRODUCTION_9)],
                "distributionStage": [distribution],
                "packagingStage": [packaging],
            }
        ],
    }
    return out


def _plus_3_years(fp: Footprint) -> datetime:
    """PACT's default validity period: three years from the end of the reference period."""
    end = fp.reference_period_end
    try:
        return end.replace(year=end.year + 3)
    except ValueError:  # 29 February
        return end.replace(year=end.year + 3, day=28)
