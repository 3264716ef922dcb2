"""Recycled content per battery model, plant and year from the supply map: a hand-checked map
through the API, filters, access, and the property that plant rows add up to the model."""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from junkan.diligence.content import ModelLot, by_model, by_plant
from junkan.diligence.trace import TraceInput, TraceLot

MODEL = "RC-PACK-1"


def post(client, member, path, body, status=201):
    response = client.post(path, json=body, headers=member.auth)
    assert response.status_code == status, response.text
    return response.json()


def grant(client, owner, grantee, subject="lot:*"):
    until = (datetime.now(UTC) + timedelta(days=30)).isoformat()
    body = {"grantee": grantee.id, "subject": subject, "purpose": "recycled content"}
    post(client, owner, "/grants", body | {"valid_until": until})


def lot(key, site, kg, inputs=(), material="cobalt", model=None, on="2026-02-01", **extra):
    return {"key": key, "site": site, "material": material, "mass_kg": kg, "produced_on": on,
            "battery_model": model, **extra,
            "inputs": [{"lot": i, "mass_kg": m} for i, m in inputs]}  # fmt: skip


def site(key, name, stage, country="JP"):
    return {"key": key, "name": name, "stage": stage, "country": country}


@pytest.fixture
def recycled_map(client, make_member, carmaker):
    """A mine and a recycler deliver to the carmaker's cathode plant and two cell plants.

    cobalt: CAM 1000 kg = mine 800 + recycled 200 (20 % post-consumer); cell A 600 from CAM
    (20 %); cell B 400 = CAM 300 + recycled 100 (160 kg, 40 %). Pack 1 (2026) draws 300 from
    A and 200 from B; pack 2 (2027, 400 kg) draws 200 from B, the other 200 kg unknown.
    lithium: CAM 500 = brine 450 + 50 pre-consumer (10 %); pack 3 (2026) takes 300 from CAM.
    """
    miner = make_member("supplier", name="Mine SA", country="CL")
    recycler = make_member("recycler", name="Recycler NV", country="BE")
    mined = post(client, miner, "/diligence/map", {
        "sites": [site("mine", "Mine", "mine", "CL")],
        "lots": [lot("M-CO", "mine", 2000), lot("M-LI", "mine", 1000, material="lithium")],
    })["lots"]  # fmt: skip
    recovered = post(client, recycler, "/diligence/map", {
        "sites": [site("rec", "Recycling plant", "recycler", "BE")],
        "lots": [lot("R-CO", "rec", 300, origin="post_consumer"),
                 lot("R-LI", "rec", 100, material="lithium", origin="pre_consumer")],
    })["lots"]  # fmt: skip
    grant(client, miner, carmaker)
    grant(client, recycler, carmaker)
    made = post(client, carmaker, "/diligence/map", {
        "sites": [site("cam", "Cathode plant", "cathode"), site("a", "Cell plant A", "cell"),
                  site("b", "Cell plant B", "cell"), site("pack", "Pack plant", "pack")],
        "lots": [
            lot("CAM-CO", "cam", 1000, [(mined["M-CO"], 800), (recovered["R-CO"], 200)]),
            lot("CAM-LI", "cam", 500, [(mined["M-LI"], 450), (recovered["R-LI"], 50)],
                material="lithium"),
            lot("A-CO", "a", 600, [("CAM-CO", 600)]),
            lot("B-CO", "b", 400, [("CAM-CO", 300), (recovered["R-CO"], 100)]),
            lot("P1", "pack", 500, [("A-CO", 300), ("B-CO", 200)], model=MODEL,
                on="2026-05-01"),
            lot("P2", "pack", 400, [("B-CO", 200)], model=MODEL, on="2027-02-01"),
            lot("P3", "pack", 300, [("CAM-LI", 300)], material="lithium", model=MODEL,
                on="2026-06-01"),
        ],
    })  # fmt: skip
    return made


def rows_of(client, member, **params):
    response = client.get("/diligence/recycled-content", params=params, headers=member.auth)
    assert response.status_code == 200, response.text
    return response.json()


def table(found):
    return {
        (r["plant"]["name"], r["year"], r["metal"]): (
            round(r["total_kg"], 6),
            round(r["pre_consumer_kg"], 6),
            round(r["post_consumer_kg"], 6),
            round(r["recycled_percent"], 6),
        )
        for r in found["rows"]
    }


def test_recycled_share_per_plant_and_year_by_hand(client, carmaker, recycled_map):
    found = rows_of(client, carmaker, battery_model=MODEL)
    assert found["withheld_lots"] == 0
    assert table(found) == {
        ("Cell plant A", 2026, "cobalt"): (300, 0, 60, 20),
        ("Cell plant B", 2026, "cobalt"): (200, 0, 80, 40),
        ("Cathode plant", 2026, "lithium"): (300, 30, 0, 10),
        ("Cell plant B", 2027, "cobalt"): (200, 0, 80, 40),
        ("Pack plant", 2027, "cobalt"): (200, 0, 0, 0),  # the unknown part: made at the pack
    }
    by_key = {(r["plant"]["name"], r["year"], r["metal"]): r for r in found["rows"]}
    a = by_key[("Cell plant A", 2026, "cobalt")]
    assert a["targets"]["2031"] == {"applies_from": "2031-08-18", "target_percent": 16.0,
                                    "met": True, "gap_percent": 0.0}  # fmt: skip
    assert a["targets"]["2036"]["met"] is False
    assert a["targets"]["2036"]["gap_percent"] == pytest.approx(6)
    assert a["lots"] == [recycled_map["lots"]["P1"]] and a["plant"]["stage"] == "cell"
    li = by_key[("Cathode plant", 2026, "lithium")]
    assert li["pre_consumer_percent"] == pytest.approx(10) and li["post_consumer_percent"] == 0
    assert (li["targets"]["2031"]["met"], li["targets"]["2036"]["met"]) == (True, False)
    assert li["targets"]["2036"]["gap_percent"] == pytest.approx(2)
    assert by_key[("Cell plant B", 2027, "cobalt")]["targets"]["2036"]["met"] is True
    assert by_key[("Pack plant", 2027, "cobalt")]["targets"]["2031"]["gap_percent"] == 16

    # filters: year, plant (by name or id), model
    assert set(table(rows_of(client, carmaker, year=2027))) == {
        ("Cell plant B", 2027, "cobalt"), ("Pack plant", 2027, "cobalt")}  # fmt: skip
    plant_b = by_key[("Cell plant B", 2027, "cobalt")]["plant"]["id"]
    for plant in ("Cell plant B", plant_b):
        assert set(table(rows_of(client, carmaker, plant=plant))) == {
            ("Cell plant B", 2026, "cobalt"), ("Cell plant B", 2027, "cobalt")}  # fmt: skip
    assert rows_of(client, carmaker, battery_model="OTHER")["rows"] == []


def test_only_readable_model_lots_count_and_the_rest_are_withheld(
    client, make_member, carmaker, recycled_map
):
    stranger = make_member("supplier", name="Stranger")
    found = rows_of(client, stranger, battery_model=MODEL)
    assert found["rows"] == [] and found["withheld_lots"] == 3
    partner = make_member("notified_body", name="Partner")
    grant(client, carmaker, partner, f"lot:{recycled_map['lots']['P1']}")
    seen = rows_of(client, partner, battery_model=MODEL)
    assert seen["withheld_lots"] == 2
    assert set(table(seen)) == {("Cell plant A", 2026, "cobalt"), ("Cell plant B", 2026, "cobalt")}
    assert client.get("/diligence/recycled-content").status_code == 401
    bad = client.get("/diligence/recycled-content", params={"year": "x"}, headers=carmaker.auth)
    assert bad.status_code == 422 and bad.headers["content-type"] == "application/problem+json"


STAGES = ["mine", "recycler", "refiner", "cathode", "cell", "pack"]


@st.composite
def supply_maps(draw):
    """Random one-material lot graphs over sites of every stage, and final model lots."""
    count = draw(st.integers(min_value=2, max_value=18))
    lots: dict[str, TraceLot] = {}
    for number in range(count):
        stage = draw(st.sampled_from(STAGES))
        mass = draw(st.floats(min_value=1, max_value=1000))
        origin = "primary"
        inputs = []
        if stage == "recycler":
            origin = draw(st.sampled_from(["pre_consumer", "post_consumer"]))
        elif stage != "mine" and number:
            for source in draw(st.sets(st.integers(0, number - 1), max_size=3)):
                kg = draw(st.floats(min_value=0.1, max_value=1000))
                inputs.append(TraceInput(str(source), kg))
        site_id = f"{stage}-{draw(st.integers(0, 1))}"
        lots[str(number)] = TraceLot(
            str(number), site_id, "cobalt", mass, origin, stage == "mine", tuple(inputs)
        )
    picked = draw(st.sets(st.integers(0, count - 1), min_size=1, max_size=5))
    finals = [
        ModelLot(str(n), "op", draw(st.sampled_from("AB")), draw(st.sampled_from([2026, 2027])))
        for n in sorted(picked)
    ]
    plants = frozenset(k for k, v in lots.items() if v.site.split("-")[0] in ("cell", "cathode"))
    return lots, finals, plants


@settings(max_examples=150, deadline=None)
@given(supply_maps())
def test_plant_and_year_rows_add_up_to_the_model(data):
    lots, finals, plants = data
    rows = by_plant(lots, finals, plants)
    summed: dict[tuple, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
    for (operator, model, plant, _year, metal), found in rows.items():
        assert plant in {lot.site for lot in lots.values()}
        assert found.recycled_kg <= found.total_kg * (1 + 1e-9) + 1e-9
        parts = (found.total_kg, found.pre_consumer_kg, found.post_consumer_kg)
        for index, kg in enumerate(parts):
            summed[(operator, model, metal)][index] += kg
    models = by_model(lots, finals)
    assert set(models) == set(summed)
    for key, found in models.items():
        expected = (found.total_kg, found.pre_consumer_kg, found.post_consumer_kg)
        for got, want in zip(summed[key], expected, strict=True):
            assert math.isclose(got, want, rel_tol=1e-9, abs_tol=1e-6), (key, got, want)
        mass = sum(lots[f.lot].mass for f in finals if (f.operator, f.model) == key[:2])
        assert math.isclose(found.total_kg, mass, rel_tol=1e-9)
