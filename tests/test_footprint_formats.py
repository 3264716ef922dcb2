"""Footprint exchange formats: every export passes its official schema, PACT round trips are
lossless on what each version carries, and bad imports name the field that is wrong."""

from __future__ import annotations

import copy
import dataclasses
import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal as D

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from junkan.footprint import formats as f
from junkan.footprint.formats_schema import SCHEMAS

EXPORTS = {
    "pact-v2": f.to_pact_v2,
    "pact-v3": f.to_pact_v3,
    "catenax-pcf-7": f.to_catenax_pcf_7,
    "catenax-pcf-9": f.to_catenax_pcf_9,
}


def nmc811(**changes) -> f.Footprint:
    """Cathode active material NMC811, per kilogram, made in Japan, 2025 reference period."""
    values = dict(
        id="0b9a1c1e-8d8f-4b5e-9a55-3f5b2c1d7e10",
        version=2,
        created=datetime(2026, 2, 1, 9, 0, tzinfo=UTC),
        updated=datetime(2026, 2, 3, 18, 30, tzinfo=UTC),
        status="Active",
        status_comment="Recomputed with supplier-specific precursor data",
        preceding_ids=("5b0f2ad0-7a0c-4f55-8d3e-5e9c8b1f2a11",),
        company_name="Kansai Cathode Materials K.K.",
        company_ids=(
            "urn:pathfinder:company:customcode:vendor-assigned:KCM-001",
            "urn:bpn:BPNL00000003AYRE",
        ),
        product_ids=("urn:pathfinder:product:customcode:vendor-assigned:NMC811-CAM-01",),
        product_name="NMC811 cathode active material",
        product_description="LiNi0.8Mn0.1Co0.1O2, single-crystal, for EV cells, bulk",
        product_category_cpc="34230",
        product_classifications=("urn:pact:productclassification:un-cpc:34230",),
        comment="Cradle-to-gate; per-stage split per the EU battery CFB rules",
        declared_unit="kilogram",
        unitary_product_amount=D("1"),
        product_mass_per_declared_unit=D("1.000"),
        geography_country="JP",
        geography_region="Eastern Asia",
        reference_period_start=datetime(2025, 1, 1, tzinfo=UTC),
        reference_period_end=datetime(2026, 1, 1, tzinfo=UTC),
        validity_period_start=datetime(2026, 2, 1, tzinfo=UTC),
        validity_period_end=datetime(2027, 1, 31, tzinfo=UTC),
        pcf_excluding_biogenic=D("18.42"),
        pcf_including_biogenic=D("18.40"),
        fossil_emissions=D("18.20"),
        biogenic_non_co2_emissions=D("0.02"),
        biogenic_co2_uptake=D("-0.02"),
        land_use_change_emissions=D("0.20"),
        land_management_emissions=D("0"),
        aircraft_emissions=D("0.004"),
        biogenic_accounting_methodology="GHGP",
        stage_emissions={
            "raw_materials": D("14.10"),
            "main_production": D("4.32"),
            "distribution": D("0.35"),
            "end_of_life": D("-1.10"),
        },
        packaging_emissions_included=True,
        packaging_emissions=D("0.05"),
        fossil_carbon_content=D("0"),
        biogenic_carbon_content=D("0"),
        primary_data_share=D("62.5"),
        dqi=f.DataQuality(
            technological=D("1.6"),
            geographical=D("1.4"),
            temporal=D("1.2"),
            scale=3,
            completeness=D("2"),
            reliability=D("1.8"),
            coverage_percent=D("95"),
        ),
        exempted_emissions_percent=D("0.8"),
        exempted_emissions_description="Laboratory consumables below the cut-off",
        boundary_processes_description="Precursor co-precipitation, lithiation, calcination",
        characterization_factors=("AR6",),
        cross_sectoral_standards=("ISO14067", "GHGP-Product", "PACT-2.0"),
        secondary_emission_factor_sources=(f.EmissionFactorSource("ecoinvent", "3.10"),),
        sector_rules=(
            f.SectorRule("Other", ("EU Battery Regulation CFB rules",), "European Commission"),
        ),
        allocation_rules_description="Mass allocation between co-products",
        assurance=f.Assurance(
            provider_name="Verifier K.K.",
            coverage="product level",
            level="limited",
            boundary="Cradle-to-Gate",
            completed_at=datetime(2026, 1, 20, tzinfo=UTC),
            standard_name="ISO 14064-3",
        ),
    )
    values.update(changes)
    return f.Footprint(**values)


def carried(fp: f.Footprint, version: int) -> f.Footprint:
    """What a PACT version can give back: the fields it does not carry, at their defaults."""
    keep_region = not (fp.geography_country or fp.geography_subdivision)
    common = dict(
        geography_region=fp.geography_region if keep_region else None,
        pcf_type="Retrospective PCF",
        allocation_waste_incineration="cut-off",
    )
    a, q = fp.assurance, fp.dqi
    if version == 2:
        v2_dqi = q and q.scale == 3 and None not in (q.completeness, q.reliability)
        return dataclasses.replace(
            fp,
            **common,
            land_management_removals=None,
            stage_emissions={},
            ccs_capture_included=False,
            dqi=q if v2_dqi and q.coverage_percent is not None else None,
            assurance=a
            and a.provider_name
            and dataclasses.replace(a, coverage=a.coverage if a.coverage in f.COVERAGE_V2 else None)
            or None,
        )
    distribution = fp.stage_emissions.get("distribution")
    return dataclasses.replace(
        fp,
        **common,
        version=0,
        updated=None,
        status_comment=None,
        product_category_cpc=None,
        biogenic_accounting_methodology=None,
        stage_emissions={} if distribution is None else {"distribution": distribution},
        dqi=dataclasses.replace(q, completeness=None, reliability=None, coverage_percent=None)
        if q and q.scale == 5
        else None,
        assurance=a
        and dataclasses.replace(
            a,
            level=None,
            boundary=None,
            coverage=a.coverage if a.coverage in f.COVERAGE_V3 else None,
        ),
    )


@pytest.mark.parametrize("kind", EXPORTS)
def test_sample_exports_validate_against_official_schema(kind):
    doc = EXPORTS[kind](nmc811())
    assert f.validate(kind, json.loads(json.dumps(doc))) == []


@pytest.mark.parametrize("kind", EXPORTS)
def test_validation_can_fail(kind):
    doc = EXPORTS[kind](nmc811())
    broken = copy.deepcopy(doc)
    if kind.startswith("pact"):
        broken["pcf"]["referencePeriodStart"] = "2025-01-01"  # no time, no zone
        broken["productIds"] = ["NMC811"]
    elif kind == "catenax-pcf-7":
        broken["pcf"]["declaredUnit"] = "bushel"
    else:
        broken["scopeOfPcfForm"][0]["partialFullPcf"] = "gate-to-gate"
    errors = f.validate(kind, broken)
    assert errors, kind
    assert all(set(e) == {"field", "message"} for e in errors)


def test_decimals_are_strings_where_the_spec_says_so():
    v2, v3 = f.to_pact_v2(nmc811()), f.to_pact_v3(nmc811())
    assert v2["pcf"]["pCfExcludingBiogenic"] == "18.42"
    assert v2["pcf"]["biogenicCarbonWithdrawal"] == "-0.02"
    assert v2["pcf"]["primaryDataShare"] == 62.5  # a JSON number in v2
    assert v2["pcf"]["exemptedEmissionsPercent"] == 0.8
    assert v2["pcf"]["dqi"]["technologicalDQR"] == 1.6
    assert v3["pcf"]["pcfExcludingBiogenicUptake"] == "18.42"
    assert v3["pcf"]["primaryDataShare"] == "62.5"  # a decimal string in v3
    assert v3["pcf"]["exemptedEmissionsPercent"] == "0.8"
    assert v3["pcf"]["outboundLogisticsGhgEmissions"] == "0.35"
    assert f.to_pact_v3(nmc811(unitary_product_amount=D("1E+3")))["pcf"]["declaredUnitAmount"] == (
        "1000"
    )
    cx7 = f.to_catenax_pcf_7(nmc811())
    assert cx7["pcf"]["pcfExcludingBiogenic"] == 18.42  # SAMM numbers
    assert cx7["pcf"]["geographyRegionOrSubregion"] == "Eastern Asia"


def test_catenax_9_groups_and_stage_split():
    cx9 = f.to_catenax_pcf_9(nmc811())
    stages = cx9["productLifeCycleStagesAndEmissions"][0]
    assert stages["productionStage"][0]["pcfExcludingBiogenicUptake"] == 18.42
    assert stages["distributionStage"][0] == {
        "distributionStageIncluded": True,
        "distributionStagePcfExcludingBiogenicUptake": 0.35,
    }
    info = cx9["pcfAssessmentAndMethodology"][0]["pcfAssessmentInformation"][0]
    assert info["idAndVersion"][0]["precedingPfIds"] == [
        {"id": "5b0f2ad0-7a0c-4f55-8d3e-5e9c8b1f2a11"}
    ]
    no_validity = f.to_catenax_pcf_9(nmc811(validity_period_end=None))
    time = no_validity["pcfAssessmentAndMethodology"][0]["pcfAssessmentInformation"][0]["time"]
    assert time[0]["validityPeriodEnd"] == "2029-01-01T00:00:00Z"


@pytest.mark.parametrize("version", [2, 3])
def test_pact_round_trip_sample(version):
    scale = {2: 3, 3: 5}[version]  # each version's own DQR scale, so the ratings survive
    fp = nmc811(dqi=dataclasses.replace(nmc811().dqi, scale=scale))
    export, load = (
        (f.to_pact_v2, f.from_pact_v2) if version == 2 else (f.to_pact_v3, f.from_pact_v3)
    )
    back = load(json.loads(json.dumps(export(fp))))
    assert back == carried(fp, version)
    assert back.dqi is not None and back.assurance is not None  # the interesting parts survived


def test_round_trip_keeps_offsets_as_instants():
    tokyo = datetime(2026, 2, 1, 18, 0, tzinfo=UTC) + timedelta(hours=9)
    fp = nmc811(created=tokyo.astimezone(datetime.now(UTC).astimezone().tzinfo))
    assert f.from_pact_v3(f.to_pact_v3(fp)).created == fp.created


def _v2_doc():
    return json.loads(json.dumps(f.to_pact_v2(nmc811())))


def _v3_doc():
    return json.loads(json.dumps(f.to_pact_v3(nmc811(dqi=None))))


@pytest.mark.parametrize(
    "load, make, mutate, field",
    [
        (f.from_pact_v2, _v2_doc, lambda d: d.pop("pcf"), "pcf"),
        (f.from_pact_v3, _v3_doc, lambda d: d.pop("pcf"), "pcf"),
        (f.from_pact_v2, _v2_doc, lambda d: d.update(productIds=["NMC811-CAM"]), "productIds"),
        (f.from_pact_v3, _v3_doc, lambda d: d.update(productIds=["NMC811-CAM"]), "productIds"),
        (
            f.from_pact_v2,
            _v2_doc,
            lambda d: d["pcf"].update(unitaryProductAmount="-1"),
            "pcf.unitaryProductAmount",
        ),
        (
            f.from_pact_v3,
            _v3_doc,
            lambda d: d["pcf"].update(declaredUnitAmount="-1"),
            "pcf.declaredUnitAmount",
        ),
        (
            f.from_pact_v3,
            _v3_doc,
            lambda d: d["pcf"].update(declaredUnitAmount="-0.5"),  # slips past the v3 pattern
            "pcf.declaredUnitAmount",
        ),
        (f.from_pact_v2, _v2_doc, lambda d: d["pcf"].update(declaredUnit="bushel"), "declaredUnit"),
        (
            f.from_pact_v3,
            _v3_doc,
            lambda d: d["pcf"].update(declaredUnitOfMeasurement="bushel"),
            "declaredUnitOfMeasurement",
        ),
        (f.from_pact_v2, _v2_doc, lambda d: d["pcf"].update(fossilGhgEmissions="1e3"), "fossil"),
    ],
)
def test_bad_imports_name_the_field(load, make, mutate, field):
    doc = make()
    mutate(doc)
    with pytest.raises(ValueError, match=field):
        load(doc)


def test_record_rejects_what_no_format_may_carry():
    with pytest.raises(ValueError, match="unitary_product_amount"):
        nmc811(unitary_product_amount=D("0"))
    with pytest.raises(ValueError, match="biogenic_co2_uptake"):
        nmc811(biogenic_co2_uptake=D("0.1"))
    with pytest.raises(ValueError, match="created"):
        nmc811(created=datetime(2026, 2, 1))  # naive
    with pytest.raises(ValueError, match="company_ids"):
        nmc811(company_ids=("BPNL00000003AYRE",))
    with pytest.raises(ValueError, match="declared_unit"):
        nmc811(declared_unit="tonne")


def test_format_limits_are_errors_not_inventions():
    with pytest.raises(ValueError, match="declared_unit"):
        f.to_pact_v2(nmc811(declared_unit="piece"))
    assert f.validate("pact-v3", f.to_pact_v3(nmc811(declared_unit="piece"))) == []
    with pytest.raises(ValueError, match="exempted_emissions_percent"):
        f.to_catenax_pcf_7(nmc811(exempted_emissions_percent=D("6")))
    with pytest.raises(ValueError, match="geography_region"):
        f.to_catenax_pcf_9(nmc811(geography_region=None))
    with pytest.raises(ValueError, match="product_category_cpc"):
        f.to_pact_v2(nmc811(product_category_cpc=None))


def test_list_and_error_responses_against_openapi():
    body = {"data": [f.to_pact_v3(nmc811()), f.to_pact_v3(nmc811(id=str(_uuid(2))))]}
    assert f.validate_response(3, "ListFootprints", 200, body) == []
    assert f.validate_response(3, "ListFootprints", 200, {"data": []}) == []
    assert f.validate_response(3, "ListFootprints", 200, {"items": []})[0]["field"] == "data"
    assert f.validate_response(3, "GetFootprint", 200, {"data": body["data"][0]}) == []
    for code, status in f.PACT_V3_ERROR_CODES.items():
        assert f.validate_response(3, "GetFootprint", status, {"code": code, "message": "m"}) == []
    assert f.validate_response(3, "GetFootprint", 404, {"code": "NoSuchFootprint", "message": "m"})
    assert f.validate_response(3, "GetFootprint", 418, {})  # undocumented status
    assert f.validate_response(3, "Events", 200, None) == []
    v2 = {"data": [f.to_pact_v2(nmc811())]}
    assert f.validate_response(2, "ListFootprints", 200, v2) == []


def test_event_types_match_the_openapi_constants():
    for version, types in ((2, f.PACT_V2_EVENT_TYPES), (3, f.PACT_V3_EVENT_TYPES)):
        document = yaml.safe_load(
            (
                SCHEMAS / f"pact-v{version}.{'3.3' if version == 2 else '0.3'}-openapi.yaml"
            ).read_text()
        )
        schemas = document["components"]["schemas"]
        declared = {
            schemas[name]["properties"]["type"]["const"]
            for name in (
                "PublishedEvent",
                "RequestCreatedEvent",
                "RequestFulfilledEvent",
                "RequestRejectedEvent",
            )
        }
        assert declared == set(types.values())
        assert document["info"]["version"] == (
            f.PACT_V2_SPEC_VERSION if version == 2 else f.PACT_V3_SPEC_VERSION
        )
    event = {
        "type": f.PACT_V3_EVENT_TYPES["published"],
        "specversion": "1.0",
        "id": "e-1",
        "source": "https://junkan.example/3/events",
        "time": "2026-02-01T09:00:00Z",
        "data": {"pfIds": [nmc811().id]},
    }
    assert f.validate_event(3, event) == []
    assert f.validate_event(3, {**event, "type": f.PACT_V2_EVENT_TYPES["published"]})


def _uuid(n: int) -> str:
    return f"00000000-0000-4000-8000-{n:012d}"


# ---- property test ---------------------------------------------------------------------------

PLACES = {
    "JP": "Eastern Asia",
    "DE": "Western Europe",
    "CN": "Eastern Asia",
    "CL": None,
    "US": "Northern America",
    "ID": "South-eastern Asia",
    "CD": "Sub-Saharan Africa",
}


def amounts(low=0, high=10_000):
    return st.decimals(min_value=low, max_value=high, places=4, allow_nan=False)


@st.composite
def footprints(draw):
    start = draw(st.datetimes(datetime(2020, 1, 1), datetime(2030, 1, 1), timezones=st.just(UTC)))
    country = draw(st.sampled_from([*PLACES, None]))
    region = PLACES.get(country) if country else draw(st.sampled_from([None, *f.REGIONS[:5]]))
    if country and region is None:
        country = None  # Catena-X needs the region beside a country
    scale = draw(st.sampled_from([3, 5]))
    rating = st.decimals(min_value=1, max_value=scale, places=1)
    legacy = draw(st.sampled_from(["ISO14067", "ISO14040-44", "GHGP-Product"]))
    others = draw(st.lists(st.sampled_from(f.STANDARDS_V2), max_size=3, unique=True))
    packaging = draw(st.booleans())
    stages = draw(st.dictionaries(st.sampled_from(f.STAGES), amounts(), max_size=4))
    excluding = draw(amounts())
    return f.Footprint(
        id=str(draw(st.uuids(version=4))),
        version=draw(st.integers(0, 50)),
        created=start + timedelta(days=400),
        status=draw(st.sampled_from(["Active", "Deprecated"])),
        preceding_ids=tuple(str(u) for u in draw(st.lists(st.uuids(), max_size=2, unique=True))),
        company_name=draw(st.text(min_size=1, max_size=20).filter(str.strip)),
        company_ids=("urn:bpn:BPNL00000003AYRE",),
        product_ids=(f"urn:pathfinder:product:customcode:vendor-assigned:{draw(st.integers(0))}",),
        product_name=draw(st.text(min_size=1, max_size=20).filter(str.strip)),
        product_category_cpc="34230",
        declared_unit=draw(st.sampled_from(f.UNITS_V2)),
        unitary_product_amount=draw(amounts(D("0.0001"))),
        product_mass_per_declared_unit=draw(amounts()),
        geography_country=country,
        geography_region=region,
        reference_period_start=start,
        reference_period_end=start + timedelta(days=365),
        pcf_excluding_biogenic=excluding,
        pcf_including_biogenic=excluding - draw(amounts(0, 5)),
        fossil_emissions=draw(amounts()),
        biogenic_co2_uptake=-draw(amounts(0, 5)),
        land_management_removals=draw(st.none() | amounts(-5, 0)),
        fossil_carbon_content=draw(amounts()),
        biogenic_carbon_content=draw(amounts()),
        stage_emissions=stages,
        packaging_emissions_included=packaging,
        packaging_emissions=draw(amounts()) if packaging else None,
        primary_data_share=draw(st.none() | amounts(0, 100)),
        dqi=draw(
            st.none()
            | st.builds(
                f.DataQuality,
                rating,
                rating,
                rating,
                st.just(scale),
                rating,
                rating,
                amounts(0, 100),
            )
        ),
        exempted_emissions_percent=draw(amounts(0, 5)),
        characterization_factors=draw(st.sampled_from([("AR6",), ("AR5",), ("AR5", "AR6")])),
        cross_sectoral_standards=tuple(dict.fromkeys([legacy, *others])),
        secondary_emission_factor_sources=(f.EmissionFactorSource("ecoinvent", "3.10"),),
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(footprints())
def test_random_footprints_export_schema_valid_everywhere(fp):
    for kind, export in EXPORTS.items():
        assert f.validate(kind, json.loads(json.dumps(export(fp)))) == [], kind


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(footprints())
def test_random_footprints_round_trip_through_pact(fp):
    assert f.from_pact_v2(json.loads(json.dumps(f.to_pact_v2(fp)))) == carried(fp, 2)
    assert f.from_pact_v3(json.loads(json.dumps(f.to_pact_v3(fp)))) == carried(fp, 3)
