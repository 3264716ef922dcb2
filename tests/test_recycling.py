"""Recycler reports through the API: Annex XII figures against hand-computed ones, the role
check, who reads which report, and bad input that stores nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from junkan.ledger.models import LedgerEntry
from junkan.ledger.verify import verify_database
from junkan.recycling.models import RecyclerReport
from junkan.recycling.schemas import RecyclerReportIn
from junkan.recycling.service import compute

REPORT = {
    "year": 2025,
    "chemistry": "lithium_based",
    "plant": "Hoboken",
    "input_kg": 1_000_000,
    "output_kg": 680_000,
    "metals": [
        {"metal": "cobalt", "input_kg": 20_000, "recovered_kg": 19_000},
        {"metal": "lithium", "input_kg": 10_000, "recovered_kg": 6_000},
        {"metal": "nickel", "input_kg": 30_000, "recovered_kg": 27_300},
        {"metal": "copper", "input_kg": 50_000, "recovered_kg": 45_000},
    ],
}


def counts(session):
    session.expire_all()
    return tuple(
        session.scalar(select(func.count()).select_from(m)) for m in (RecyclerReport, LedgerEntry)
    )


@pytest.fixture
def recycler(make_member):
    return make_member("recycler", name="Recycler NV", country="BE")


@pytest.fixture
def filed(client, recycler):
    response = client.post("/recycling/reports", json=REPORT, headers=recycler.auth)
    assert response.status_code == 201, response.text
    return response.json()


def test_efficiency_and_recovery_match_hand_computed_figures(client, session, recycler, filed):
    eff = filed["recycling_efficiency"]
    assert eff["percent"] == pytest.approx(68)  # 680 t of 1,000 t
    assert eff["target_class"] == "lithium_based" and eff["binding"] == "2025"
    assert eff["targets"]["2025"] == {"applies_from": "2025-12-31", "target_percent": 65.0,
                                      "met": True, "gap_percent": 0.0}  # fmt: skip
    assert eff["targets"]["2030"]["met"] is False
    assert eff["targets"]["2030"]["gap_percent"] == pytest.approx(2)
    recovery = {r["metal"]: r for r in filed["material_recovery"]}
    expected = {
        "cobalt": (95, 90, True, 95, True),  # 19 t of 20 t
        "lithium": (60, 50, True, 80, False),  # 6 t of 10 t
        "nickel": (91, 90, True, 95, False),  # 27.3 t of 30 t
        "copper": (90, 90, True, 95, False),  # 45 t of 50 t
    }
    for metal, (pct, t27, met27, t31, met31) in expected.items():
        row = recovery[metal]
        assert row["percent"] == pytest.approx(pct)
        assert (row["targets"]["2027"]["target_percent"], row["targets"]["2027"]["met"]) == (
            t27, met27)  # fmt: skip
        assert (row["targets"]["2031"]["target_percent"], row["targets"]["2031"]["met"]) == (
            t31, met31)  # fmt: skip
        assert row["binding"] is None  # 2025: the first recovery targets are due by 2027
    assert recovery["lithium"]["targets"]["2031"]["gap_percent"] == pytest.approx(20)
    assert recovery["nickel"]["targets"]["2031"]["gap_percent"] == pytest.approx(4)
    # stored as filed and signed in the ledger
    assert client.get(f"/recycling/reports/{filed['id']}", headers=recycler.auth).json() == filed
    entry = session.scalar(
        select(LedgerEntry).where(LedgerEntry.subject == f"recycler-report:{filed['id']}")
    )
    assert entry.kind == "recycling.reported" and entry.actor == recycler.id
    assert verify_database(session).ok


def test_the_binding_target_follows_the_year():
    doc = RecyclerReportIn.model_validate(REPORT)
    for year, efficiency, recovery in ((2025, "2025", None), (2029, "2025", "2027"),
                                       (2030, "2030", "2027"), (2031, "2030", "2031")):  # fmt: skip
        result = compute(doc.model_copy(update={"year": year}))
        assert result["recycling_efficiency"]["binding"] == efficiency
        assert {r["binding"] for r in result["material_recovery"]} == {recovery}


def test_only_recyclers_file_and_readers_are_limited(client, make_member, recycler, filed):
    carmaker = make_member("economic_operator", name="Carmaker")
    other = make_member("recycler", name="Other recycler")
    surveillance = make_member("market_surveillance", name="Surveillance")
    operator = make_member("platform_operator", name="Operator")
    refused = client.post("/recycling/reports", json=REPORT, headers=carmaker.auth)
    assert refused.status_code == 403
    assert refused.headers["content-type"] == "application/problem+json"
    assert client.post("/recycling/reports", json=REPORT).status_code == 401
    path = f"/recycling/reports/{filed['id']}"
    assert [r["id"] for r in client.get("/recycling/reports", headers=recycler.auth).json()] == [
        filed["id"]]  # fmt: skip
    assert client.get("/recycling/reports", headers=other.auth).json() == []
    assert client.get(path, headers=other.auth).status_code == 403
    assert client.get(path, headers=carmaker.auth).status_code == 403
    for reader in (surveillance, operator):
        assert client.get(path, headers=reader.auth).status_code == 200
        listed = client.get("/recycling/reports", headers=reader.auth).json()
        assert [r["id"] for r in listed] == [filed["id"]]
    query = {"year": 2024}
    assert client.get("/recycling/reports", params=query, headers=surveillance.auth).json() == []
    assert client.get("/recycling/reports/nope", headers=recycler.auth).status_code == 404
    # the other recycler may file the same year and chemistry: the rule is per recycler
    assert client.post("/recycling/reports", json=REPORT, headers=other.auth).status_code == 201


def metals(*rows):
    return [{"metal": m, "input_kg": i, "recovered_kg": r} for m, i, r in rows]


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"input_kg": -5}, "input_kg", "greater than 0"),
        ({"output_kg": -1}, "output_kg", "greater than or equal to 0"),
        ({"output_kg": 1_000_001}, "output_kg", "more than the input"),
        ({"chemistry": "sodium_ion"}, "chemistry", "lead_acid"),
        ({"year": 2019}, "year", "from 2023"),
        ({"year": 2999}, "year", "from 2023"),
        ({"metals": metals(("manganese", 10, 5))}, "metals[0].metal", "cobalt"),
        ({"metals": metals(("cobalt", 10, -1))}, "metals[0].recovered_kg", "greater than or"),
        ({"metals": metals(("cobalt", 10, 11))}, "metals[0]", "11 kg cobalt recovered out of 10"),
        ({"metals": metals(("cobalt", 10, 5), ("cobalt", 20, 5))}, "metals[1].metal", "twice"),
        ({"metals": metals(("cobalt", 2_000_000, 5))}, "metals[0].input_kg", "in an input of"),
        ({"metals": metals(("cobalt", 600_000, 0), ("nickel", 600_000, 0))}, "metals",
         "1.2e+06 kg of these metals"),
        ({"output_kg": 10, "metals": metals(("cobalt", 100, 20))}, "metals", "output is 10 kg"),
        ({"colour": "green"}, "colour", "Extra inputs"),
    ],
)  # fmt: skip
def test_bad_input_names_the_field_and_stores_nothing(
    client, session, recycler, change, field, message
):
    before = counts(session)
    response = client.post("/recycling/reports", json=REPORT | change, headers=recycler.auth)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    errors = response.json()["errors"]
    assert any(e["field"] == field and message in e["message"] for e in errors), errors
    assert counts(session) == before


def test_a_second_report_of_the_same_year_and_chemistry_is_a_conflict(
    client, session, recycler, filed
):
    before = counts(session)
    again = client.post("/recycling/reports", json=REPORT | {"output_kg": 700_000},
                        headers=recycler.auth)  # fmt: skip
    assert again.status_code == 409 and again.json()["report"] == filed["id"]
    assert counts(session) == before
    lead = REPORT | {"chemistry": "lead_acid", "metals": metals(("lead", 600_000, 570_000))}
    made = client.post("/recycling/reports", json=lead, headers=recycler.auth)
    assert made.status_code == 201
    assert made.json()["recycling_efficiency"]["targets"]["2025"]["met"] is False  # 68 < 75
    assert made.json()["material_recovery"][0]["percent"] == pytest.approx(95)
