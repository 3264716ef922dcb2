"""Footprints through the API: factors, inventories, bills of materials across companies,
the exact roll-up with loops, lineage, and refusals that store nothing."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from junkan.footprint.models import ActivityLine, Component, EmissionFactor, Footprint, Product

FACTORS = (
    "name,unit,kgco2e,region,year,source,licence,biogenic_share\n"
    "grid electricity,kWh,0.45,JP,2024,IEA Emission Factors 2024 (JP grid average),CC-BY-4.0,\n"
    "lithium hydroxide monohydrate,kg,9.8,GLO,2023,Argonne GREET 2023,public domain,\n"
    "truck transport,t*km,0.1,GLO,2023,GLEC Framework v3,CC-BY-4.0,0.05\n"
)


@pytest.fixture
def factors(client, operator):
    response = client.post(
        "/footprints/factors/import?shared=true",
        content=FACTORS,
        headers=operator.auth | {"Content-Type": "text/csv"},
    )
    assert response.status_code == 201, response.text
    return {f["name"]: f for f in response.json()}


def _post(client, member, path, body, expect=201):
    response = client.post(path, headers=member.auth, json=body)
    assert response.status_code == expect, response.text
    return response.json()


def _product(client, member, part, unit="kg"):
    body = {"part_number": part, "plant": "BPNS00000001TS12", "name": part, "declared_unit": unit}
    return _post(client, member, "/footprints/products", body)["id"]


@pytest.fixture
def cathode(client, make_member, factors):
    """A cathode maker's NMC811 per kg: electricity, direct process emissions, lithium."""
    maker = make_member("supplier", name="Cathode Co")
    product = _product(client, maker, "NMC811-CAM")
    quality = {"technological": 1, "geographical": 2, "temporal": 1}
    lines = [
        {
            "kind": "energy",
            "stage": "main_production",
            "description": "calcination power",
            "quantity": 12.0,
            "unit": "kWh",
            "factor_id": factors["grid electricity"]["id"],
            "quality": quality,
        },
        {
            "kind": "process",
            "stage": "main_production",
            "description": "kiln CO2",
            "quantity": 500.0,
            "unit": "gCO2e",
            "primary": True,
            "quality": quality,
        },
        {
            "kind": "transport",
            "stage": "distribution",
            "description": "to the cell plant",
            "quantity": 0.8,
            "unit": "kg*km",
            "factor_id": factors["truck transport"]["id"],
            "primary": False,
        },
    ]
    for line in lines:
        _post(client, maker, f"/footprints/products/{product}/activities", line)
    component = {
        "description": "LiOH·H2O",
        "quantity": 700.0,
        "unit": "g",
        "factor_id": factors["lithium hydroxide monohydrate"]["id"],
    }
    _post(client, maker, f"/footprints/products/{product}/components", component)
    return maker, product


def test_a_footprint_is_its_lines_times_factors_by_stage(client, cathode):
    maker, product = cathode
    footprint = _post(client, maker, f"/footprints/products/{product}/compute", None)
    transport = 0.8 / 1000 * 0.1
    assert footprint["stages"] == pytest.approx(
        {
            "raw_materials": 0.7 * 9.8,
            "main_production": 12 * 0.45 + 0.5,
            "distribution": transport,
            "end_of_life": 0.0,
        },
        rel=1e-12,
    )
    assert footprint["total"] == pytest.approx(0.7 * 9.8 + 12 * 0.45 + 0.5 + transport)
    assert footprint["biogenic"] == pytest.approx(transport * 0.05)
    primary = 12 * 0.45 + 0.5
    assert footprint["primary_data_share"] == pytest.approx(100 * primary / footprint["total"])
    # ratings weighted by the emissions of the rated lines only
    assert footprint["quality"] == {"technological": 1.0, "geographical": 2.0, "temporal": 1.0}
    lineage = client.get(f"/footprints/{footprint['id']}/lineage", headers=maker.auth).json()
    assert sum(c["total"] for c in lineage["contributions"]) == pytest.approx(footprint["total"])
    power = next(c for c in lineage["contributions"] if c["description"] == "calcination power")
    assert power["via"]["version"] == 1 and power["via"]["name"] == "grid electricity"


def test_a_supplier_footprint_rolls_up_only_once_shared(client, session, cathode, make_member):
    maker, product = cathode
    supplied = _post(client, maker, f"/footprints/products/{product}/compute", None)
    cell_maker = make_member("supplier", name="Cell Co")
    cell = _product(client, cell_maker, "CELL-NMC811-60AH", unit="piece")
    line = {
        "description": "cathode active material",
        "quantity": 0.19,
        "unit": "kg",
        "supplier_footprint_id": supplied["id"],
    }
    refused = client.post(
        f"/footprints/products/{cell}/components", headers=cell_maker.auth, json=line
    )
    assert refused.status_code == 403
    grant = {
        "grantee": cell_maker.id,
        "subject": f"footprint:{supplied['id']}",
        "purpose": "cell PCF",
        "valid_until": (datetime.now(UTC) + timedelta(days=30)).isoformat(),
    }
    _post(client, maker, "/grants", grant)
    _post(client, cell_maker, f"/footprints/products/{cell}/components", line)
    result = _post(client, cell_maker, f"/footprints/products/{cell}/compute", None)
    assert result["total"] == pytest.approx(0.19 * supplied["total"], rel=1e-12)
    assert result["declared_unit"] == "piece"
    lineage = client.get(f"/footprints/{result['id']}/lineage", headers=cell_maker.auth).json()
    [contribution] = lineage["contributions"]
    assert contribution["via"] == {"footprint": supplied["id"], "version": 1}
    # the supplier's recipe stays its own: the customer cannot read its lineage
    seen = client.get(f"/footprints/{supplied['id']}", headers=cell_maker.auth)
    assert seen.status_code == 200 and seen.json()["total"] == supplied["total"]
    hidden = client.get(f"/footprints/{supplied['id']}/lineage", headers=cell_maker.auth)
    assert hidden.status_code == 403
    stranger = client.get(f"/footprints/{supplied['id']}", headers=make_member("supplier").auth)
    assert stranger.status_code == 403


def test_an_own_bill_of_materials_with_a_scrap_loop_is_solved_exactly(client, make_member, factors):
    maker = make_member("supplier")
    precursor, cathode, cell = (_product(client, maker, p) for p in ("pCAM", "CAM", "CELL"))
    power = factors["grid electricity"]["id"]
    for product, kwh in ((precursor, 10.0), (cathode, 20.0), (cell, 5.0)):
        _post(
            client,
            maker,
            f"/footprints/products/{product}/activities",
            {
                "kind": "energy",
                "stage": "main_production",
                "description": "power",
                "quantity": kwh,
                "unit": "kWh",
                "factor_id": power,
            },
        )
    bom = [(cathode, precursor, 1.1), (precursor, cathode, 0.05), (cell, cathode, 2.0)]
    for parent, child, qty in bom:
        _post(
            client,
            maker,
            f"/footprints/products/{parent}/components",
            {"description": "input", "quantity": qty, "unit": "kg", "component_product_id": child},
        )
    result = _post(client, maker, f"/footprints/products/{cell}/compute", None)
    p, c = 10 * 0.45, 20 * 0.45  # own emissions of precursor and cathode
    cam = (c + 1.1 * p) / (1 - 1.1 * 0.05)  # cam = c + 1.1 (p + 0.05 cam)
    assert result["total"] == pytest.approx(5 * 0.45 + 2 * cam, rel=1e-12)
    again = _post(client, maker, f"/footprints/products/{cell}/compute", None)
    assert again["version"] == 2 and again["preceding_id"] == result["id"]
    first = client.get(f"/footprints/{result['id']}", headers=maker.auth).json()
    assert first["status"] == "Deprecated"


def _counts(session):
    return tuple(
        session.scalar(select(func.count()).select_from(m))
        for m in (EmissionFactor, Product, ActivityLine, Component, Footprint)
    )


@pytest.mark.parametrize(
    "csv_text, message",
    [
        (
            "name,unit,kgco2e,region,year,source,licence\nx,bananas,1,JP,2024,s,l\n",
            "unknown unit",
        ),
        ("name,unit,kgco2e,region,year,source,licence\nx,kg,lots,JP,2024,s,l\n", "not a number"),
        ("name,unit,kgco2e,region,year,source,licence\nx,kg,1,Japan,2024,s,l\n", "ISO 3166"),
        ("name,unit,kgco2e,region,year,source,licence\nx,kg,1,JP,2024,s,\n", "licence"),
        ("name,unit,kgco2e\nx,kg,1\n", "missing column"),
    ],
)
def test_bad_factor_files_store_nothing(client, session, operator, factors, csv_text, message):
    before = _counts(session)
    response = client.post(
        "/footprints/factors/import",
        content=csv_text,
        headers=operator.auth | {"Content-Type": "text/csv"},
    )
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert message in response.text
    assert _counts(session) == before


def test_bad_lines_are_refused_and_store_nothing(client, session, cathode, factors):
    maker, product = cathode
    before = _counts(session)
    cases = [
        (
            "activities",
            {
                "kind": "energy",
                "stage": "main_production",
                "description": "x",
                "quantity": 1,
                "unit": "kg",
                "factor_id": factors["grid electricity"]["id"],
            },
            "different dimensions",
        ),
        (
            "activities",
            {
                "kind": "process",
                "stage": "main_production",
                "description": "x",
                "quantity": 1,
                "unit": "kWh",
            },
            "kgCO2e",
        ),
        (
            "activities",
            {"kind": "energy", "stage": "use", "description": "x", "quantity": 1, "unit": "kWh"},
            "stage",
        ),
        (
            "components",
            {
                "description": "x",
                "quantity": -1,
                "unit": "kg",
                "factor_id": factors["grid electricity"]["id"],
            },
            "quantity",
        ),
        (
            "components",
            {"description": "x", "quantity": 1, "unit": "kWh", "component_product_id": product},
            "declared per kg",
        ),
        ("components", {"description": "x", "quantity": 1, "unit": "kg"}, "exactly one"),
    ]
    for path, body, message in cases:
        response = client.post(
            f"/footprints/products/{product}/{path}", headers=maker.auth, json=body
        )
        assert response.status_code == 422, (body, response.text)
        assert message in response.text, response.text
    assert _counts(session) == before


def test_a_loop_that_consumes_more_than_it_makes_is_refused(client, session, make_member, factors):
    maker = make_member("supplier")
    a, b = _product(client, maker, "A"), _product(client, maker, "B")
    _post(
        client,
        maker,
        f"/footprints/products/{a}/components",
        {"description": "b", "quantity": 2, "unit": "kg", "component_product_id": b},
    )
    _post(
        client,
        maker,
        f"/footprints/products/{b}/components",
        {"description": "a", "quantity": 0.5, "unit": "kg", "component_product_id": a},
    )
    before = _counts(session)
    response = client.post(f"/footprints/products/{a}/compute", headers=maker.auth)
    assert response.status_code == 422
    assert "loops through" in response.json()["detail"]
    assert _counts(session) == before


def test_the_battery_declaration_reaches_every_passport_of_the_model(client, make_member):
    carmaker = make_member("economic_operator")
    passport_data = {
        "battery_model": "AZ-NMC811-75",
        "battery_category": "ev",
        "manufacturer_name": "Aizu Motors",
        "manufacturing_place": "Aizuwakamatsu, JP",
        "manufacturing_date": "2026-10",
        "battery_mass": 452.0,
        "rated_energy": 75.0,
        "warranty_period": 96,
    }
    ids = [
        _post(
            client,
            carmaker,
            "/passports",
            {"battery_id": f"urn:junkan:battery:D{i}", "data": passport_data},
        )["id"]
        for i in range(2)
    ]
    pack = _product(client, carmaker, "PACK-75", unit="piece")
    for stage, kg in (
        ("raw_materials", 3600.0),
        ("main_production", 1300.0),
        ("distribution", 100.0),
    ):
        _post(
            client,
            carmaker,
            f"/footprints/products/{pack}/activities",
            {
                "kind": "process",
                "stage": stage,
                "description": stage,
                "quantity": kg,
                "unit": "kgCO2e",
            },
        )
    footprint = _post(client, carmaker, f"/footprints/products/{pack}/compute", None)
    body = {
        "battery_model": "AZ-NMC811-75",
        "vehicle_category": "M1",
        "study_url": "https://aizu.example/cf-study.pdf",
    }
    declared = client.post(
        f"/footprints/{footprint['id']}/battery-declaration", headers=carmaker.auth, json=body
    )
    assert declared.status_code == 200, declared.text
    result = declared.json()
    lifetime = 75.0 * 60 * 8  # kWh x cycles per year (M1) x years of warranty
    assert result["functional_unit"]["lifetime_energy_kwh"] == lifetime
    assert result["kgco2e_per_kwh"] == pytest.approx(5000 / lifetime)
    assert result["performance_class"] == "B"  # 0.139 kgCO2e/kWh: above 0.10, below 0.15
    assert "provisional" in result["class_boundaries_note"]
    assert result["passports_updated"] == 2
    for passport_id in ids:
        data = client.get(f"/passports/{passport_id}", headers=carmaker.auth).json()["data"]
        assert data["carbon_footprint"] == round(5000 / lifetime, 4)
        assert data["carbon_footprint_raw_materials"] == 72.0
        assert data["absolute_carbon_footprint"] == 5.0
        assert data["carbon_footprint_study"] == body["study_url"]
    # a bus battery cycles more: lower per-kWh footprint
    bus = client.post(
        f"/footprints/{footprint['id']}/battery-declaration",
        headers=carmaker.auth,
        json=body | {"vehicle_category": "M3"},
    )
    assert bus.json()["kgco2e_per_kwh"] == pytest.approx(5000 / (75.0 * 250 * 8))
    unknown = client.post(
        f"/footprints/{footprint['id']}/battery-declaration",
        headers=carmaker.auth,
        json=body | {"vehicle_category": "tractor"},
    )
    assert unknown.status_code == 422 and "cycles_per_year" in unknown.text


def test_performance_classes_follow_the_configured_boundaries():
    from junkan.footprint.battery import performance_class

    bounds = {"A": 60.0, "B": 80.0, "C": None}
    assert [performance_class(v, bounds) for v in (10, 60, 60.01, 500)] == ["A", "A", "B", "C"]


def test_the_demo_chain_rolls_up_from_cathode_to_passport(session, tmp_path):
    from junkan.demo import run_demo
    from junkan.passport.models import Passport

    run_demo(session, tmp_path / "credentials.json", passports=10)
    totals = {
        p.part_number: f.total
        for p, f in session.execute(
            select(Product, Footprint).join(Footprint, Footprint.product_id == Product.id)
        )
    }
    cathode, cell, pack = (totals[k] for k in ("NMC811-CAM", "CELL-NMC811-60AH", "AZ-NMC811-75"))
    assert cathode == pytest.approx(12 * 0.45 + 0.48 * 9.8 + 0.6 * 20 + 0.06 * 30)
    assert cell == pytest.approx(3 * 0.45 + 0.2 * 8 + 0.15 * 10 + 0.35 * cathode)
    assert pack == pytest.approx(150 * 0.45 + 60 * 10 + 342 * cell)
    passport = session.scalar(select(Passport).where(Passport.battery_model == "AZ-NMC811-75"))
    assert passport.data["carbon_footprint"] == round(pack / (75 * 60 * 8), 4)
    before = _counts(session)
    run_demo(session, tmp_path / "credentials.json", passports=10)  # idempotent
    assert _counts(session) == before
