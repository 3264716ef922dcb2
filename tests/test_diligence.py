"""Due diligence through the API: the supply map, access to lots, bad input, each rule on a
crafted map, findings and actions across assessments, and the public report."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from junkan.diligence.models import Entity, Lot, LotInput, Ownership, SupplySite

MODEL = "TEST-PACK-1"
PERIOD = {"period_start": "2026-01-01", "period_end": "2026-06-30"}


def post(client, member, path, body, status=201):
    response = client.post(path, json=body, headers=member.auth)
    assert response.status_code == status, response.text
    return response.json()


def grant(client, owner, grantee, subject="lot:*"):
    until = (datetime.now(UTC) + timedelta(days=30)).isoformat()
    post(client, owner, "/grants", {"grantee": grantee.id, "subject": subject,
                                    "purpose": "due diligence", "valid_until": until})  # fmt: skip


def lot(key, site, kg, inputs=(), material="cobalt", model=None, on="2026-02-01", **extra):
    return {"key": key, "site": site, "material": material, "mass_kg": kg, "produced_on": on,
            "battery_model": model, **extra,
            "inputs": [{"lot": i[0], "mass_kg": i[1], **(i[2] if len(i) > 2 else {})}
                       for i in inputs]}  # fmt: skip


def counts(session):
    """Row counts, ending the read transaction so no lock outlives the check."""
    session.expire_all()
    found = tuple(
        session.scalar(select(func.count()).select_from(m))
        for m in (Entity, Ownership, SupplySite, Lot, LotInput)
    )
    session.rollback()
    return found


@pytest.fixture
def supplier(make_member):
    return make_member("supplier", name="Refiner Oy", country="FI")


@pytest.fixture
def chain(client, supplier, carmaker):
    """A refiner's mine and refined lot, granted to the carmaker, which makes packs from it."""
    made = post(client, supplier, "/diligence/map", {
        "entities": [{"key": "op", "name": "Mine Operator SA", "jurisdiction": "CL"}],
        "sites": [
            {"key": "mine", "name": "Good mine", "stage": "mine", "country": "CL",
             "operator": "op",
             "certifications": [{"scheme": "IRMA 75", "valid_from": "2025-01-01",
                                 "valid_until": "2027-12-31"}],
             "audits": [{"auditor": "A", "audited_on": "2025-06-01", "standard": "IRMA",
                         "outcome": "conformant"}]},
            {"key": "ref", "name": "Good refiner", "stage": "refiner", "country": "FI",
             "operator": "op",
             "certifications": [{"scheme": "RMI RMAP", "valid_from": "2025-01-01",
                                 "valid_until": "2027-12-31"}],
             "audits": [{"auditor": "A", "audited_on": "2025-06-01", "standard": "RMAP",
                         "outcome": "conformant"}]},
        ],
        "lots": [lot("M1", "mine", 1000), lot("R1", "ref", 900, [("M1", 1000)])],
    })  # fmt: skip
    grant(client, supplier, carmaker)
    return made


def pack(client, carmaker, source, kg=900, extra_sites=(), extra_lots=(), status=201):
    return post(client, carmaker, "/diligence/map", {
        "entities": [{"key": "me", "name": "Aizu Motors Corporation", "jurisdiction": "JP"}],
        "sites": [{"key": "plant", "name": "Pack plant", "stage": "pack", "country": "JP",
                   "operator": "me"}, *extra_sites],
        "lots": [*extra_lots, lot("P1", "plant", kg, [(source, 900)], model=MODEL,
                                  on="2026-03-01")],
    }, status)  # fmt: skip


def assess(client, member, **extra):
    return post(client, member, "/diligence/assessments",
                {"battery_model": MODEL, **PERIOD, **extra})  # fmt: skip


def rules_found(result):
    return sorted({f["rule"] for f in result["findings"]})


def test_a_clean_chain_traces_fully_and_finds_only_the_single_source(client, chain, carmaker):
    pack(client, carmaker, chain["lots"]["R1"])
    result = assess(client, carmaker)
    cobalt = result["materials"]["cobalt"]
    assert cobalt["total_kg"] == pytest.approx(900)
    assert [o["name"] for o in cobalt["origins"]] == ["Good mine"]
    assert cobalt["origins"][0]["share_percent"] == pytest.approx(100)
    assert cobalt["unknown_percent"] == 0
    assert cobalt["stages"]["refiner"]["countries"] == {"FI": pytest.approx(100)}
    # certified, audited, known operators: only the dependence on one Chilean mine remains
    assert [f["subject"] for f in result["findings"]] == ["crma:cobalt:extraction:CL"]
    assert result["feoc"]["critical_minerals"]["feoc_free"] == "yes"
    assert result["feoc"]["components"]["feoc_free"] == "yes"
    assert result["crma"]["cobalt"]["extraction"]["hhi"] == pytest.approx(10000)


def test_lots_are_visible_to_their_owner_and_grantees_only(
    client, supplier, carmaker, make_member, chain
):
    refined = chain["lots"]["R1"]
    stranger = make_member("supplier", name="Stranger")
    assert client.get(f"/diligence/lots/{refined}", headers=supplier.auth).status_code == 200
    seen = client.get(f"/diligence/lots/{refined}", headers=carmaker.auth)  # granted
    assert seen.status_code == 200 and seen.json()["mass_kg"] == 900
    assert seen.json()["inputs"][0]["lot"] == chain["lots"]["M1"]
    assert client.get(f"/diligence/lots/{refined}", headers=stranger.auth).status_code == 403
    assert client.get(f"/diligence/lots/{refined}").status_code == 403
    listed = client.get("/diligence/lots", headers=stranger.auth).json()
    assert listed == []
    # a stranger cannot draw on a lot it was not granted; nothing is stored
    with client.app.state.sessionmaker() as fresh:
        before = counts(fresh)
    problem = pack(client, stranger, refined, status=422)
    assert "not yours and not granted" in problem["errors"][0]["message"]
    with client.app.state.sessionmaker() as fresh:
        assert counts(fresh) == before


@pytest.mark.parametrize(
    ("document", "field", "message"),
    [
        ({"sites": [{"key": "s", "name": "S", "stage": "mine", "country": "XX"}]},
         "sites[0].country", "ISO 3166-1"),
        ({"sites": [{"key": "s", "name": "S", "stage": "mine", "country": "CD",
                     "region": "FI-18"}]}, "sites[0]", "not in country"),
        ({"entities": [{"key": "a", "name": "A", "jurisdiction": "DE",
                        "owners": [{"owner": "b", "share_percent": 120}]},
                       {"key": "b", "name": "B", "jurisdiction": "CN"}]},
         "entities[0].owners[0].share_percent", "at most 100"),
        ({"entities": [{"key": "a", "name": "A", "jurisdiction": "DE",
                        "owners": [{"owner": "b", "share_percent": 70},
                                   {"owner": "c", "share_percent": 40}]},
                       {"key": "b", "name": "B", "jurisdiction": "CN"},
                       {"key": "c", "name": "C", "jurisdiction": "US"}]},
         "entities[0].owners", "110 % in all"),
        ({"sites": [{"key": "m", "name": "M", "stage": "mine", "country": "CL"}],
          "lots": [lot("A", "m", 100), lot("B", "m", 80, [("A", 70)]),
                   lot("C", "m", 50, [("A", 40)])]},
         "lots", "holds 100 kg but 110 kg are drawn"),
        ({"sites": [{"key": "m", "name": "M", "stage": "refiner", "country": "CL"}],
          "lots": [lot("A", "m", 100, [("B", 10)]), lot("B", "m", 100, [("A", 10)])]},
         "lots", "cycle"),
        ({"sites": [{"key": "m", "name": "M", "stage": "mine", "country": "CL"}],
          "lots": [lot("A", "m", 100, material="nickel"), lot("B", "m", 80, [("A", 70)])]},
         "lots[1].inputs[0].lot", "holds nickel"),
        ({"lots": [lot("A", "nowhere", 100)]}, "lots[0].site", "no site 'nowhere'"),
        ({"sites": [{"key": "m", "name": "M", "stage": "mine", "country": "CL"}],
          "lots": [lot("A", "m", -5)]}, "lots[0].mass_kg", "greater than 0"),
    ],
)  # fmt: skip
def test_bad_map_input_names_the_record_and_stores_nothing(
    client, session, supplier, document, field, message
):
    before = counts(session)
    response = client.post("/diligence/map", json=document, headers=supplier.auth)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert any(e["field"] == field and message in e["message"] for e in problem["errors"]), problem
    assert counts(session) == before


def test_overdrawing_a_stored_lot_counts_what_it_already_gave(client, chain, carmaker, session):
    pack(client, carmaker, chain["lots"]["R1"])  # draws 900 of 900
    before = counts(session)
    extra = {
        "key": "P2",
        "site": "nowhere",
        "material": "cobalt",
        "mass_kg": 10,
        "produced_on": "2026-03-01",
        "inputs": [{"lot": chain["lots"]["R1"], "mass_kg": 5}],
    }
    sites = client.get("/diligence/sites", headers=carmaker.auth).json()
    extra["site"] = next(s["id"] for s in sites if s["name"] == "Pack plant")
    problem = post(client, carmaker, "/diligence/map", {"lots": [extra]}, 422)
    assert "holds 900 kg but 905 kg are drawn" in problem["errors"][0]["message"]
    assert counts(session) == before


def test_each_rule_on_a_crafted_map(client, supplier, carmaker, make_member):
    risky = make_member("supplier", name="Risky refiner", country="CN")
    made = post(client, risky, "/diligence/map", {
        "entities": [
            {"key": "state", "name": "State Holding", "jurisdiction": "CN"},
            {"key": "hold", "name": "Holding Pte", "jurisdiction": "SG",
             "owners": [{"owner": "state", "share_percent": 60}]},
            {"key": "miner", "name": "Miner SA", "jurisdiction": "CD",
             "owners": [{"owner": "hold", "share_percent": 50}]},
        ],
        "sites": [
            {"key": "asm", "name": "Artisanal site", "stage": "mine", "country": "CD",
             "artisanal": True, "operator": "miner"},
            {"key": "ref", "name": "Old refiner", "stage": "refiner", "country": "ZA",
             "certifications": [{"scheme": "RMI RMAP", "valid_from": "2020-01-01",
                                 "valid_until": "2025-12-31"}],
             "audits": [{"auditor": "A", "audited_on": "2021-01-10", "standard": "RMAP",
                         "outcome": "conformant"}]},
        ],
        "lots": [lot("ASM1", "asm", 500),
                 lot("REF1", "ref", 1000, [("ASM1", 500)], on="2026-02-01")],
    })  # fmt: skip
    grant(client, risky, carmaker)
    pack(client, carmaker, made["lots"]["REF1"])
    result = assess(client, carmaker)
    assert rules_found(result) == [
        "artisanal-mining", "audit", "cahra-origin", "certification", "crma-concentration",
        "feoc", "operator-unknown", "unknown-origin",
    ]  # fmt: skip
    by_rule = {f["rule"]: f for f in result["findings"]}
    assert by_rule["unknown-origin"]["evidence"]["share_percent"] == pytest.approx(50)
    feoc = by_rule["feoc"]
    assert feoc["evidence"]["site_name"] == "Artisanal site"
    assert feoc["evidence"]["chains"] == [
        {"owners": ["Holding Pte", "State Holding"], "share_percent": pytest.approx(30)}
    ]
    assert "30.0 % held" in feoc["summary"]
    certification = {f["evidence"]["site_name"]: f["summary"] for f in result["findings"]
                     if f["rule"] == "certification"}  # fmt: skip
    assert certification["Artisanal site"] == "Artisanal site holds no certification"
    assert "valid 2020-01-01 to 2025-12-31" in certification["Old refiner"]  # expired
    audits = {f["evidence"]["site_name"]: f for f in result["findings"] if f["rule"] == "audit"}
    assert audits["Old refiner"]["oecd_step"] == 4
    assert "2021-01-10" in audits["Old refiner"]["summary"]
    assert audits["Artisanal site"]["summary"] == "Artisanal site has no audit on record"
    assert by_rule["cahra-origin"]["severity"] == "high"
    assert by_rule["operator-unknown"]["evidence"]["site_name"] == "Old refiner"
    crma = [f for f in result["findings"] if f["rule"] == "crma-concentration"]
    assert {f["subject"] for f in crma} == {
        "crma:cobalt:extraction:CD",
        "crma:cobalt:processing:ZA",
    }
    assert result["feoc"]["critical_minerals"]["feoc_free"] == "no"
    assert result["feoc"]["critical_minerals"]["breaking_lots"] == [made["lots"]["ASM1"]]
    assert result["feoc"]["components"]["feoc_free"] == "yes"


def test_crma_benchmark_applies_to_third_countries_only(client, supplier, carmaker):
    made = post(client, supplier, "/diligence/map", {
        "sites": [
            {"key": "fi", "name": "Finnish mine", "stage": "mine", "country": "FI"},
            {"key": "au", "name": "Australian mine", "stage": "mine", "country": "AU"},
        ],
        "lots": [lot("FI1", "fi", 700), lot("AU1", "au", 300)],
    })  # fmt: skip
    grant(client, supplier, carmaker)
    extra = [lot("MIX", "plant", 1000, [(made["lots"]["FI1"], 700), (made["lots"]["AU1"], 300)])]
    pack(client, carmaker, "MIX", extra_lots=extra)
    result = assess(client, carmaker)
    extraction = result["crma"]["cobalt"]["extraction"]
    assert extraction["countries"] == {"FI": pytest.approx(70), "AU": pytest.approx(30)}
    assert extraction["hhi"] == pytest.approx(70**2 + 30**2)
    assert "crma-concentration" not in rules_found(result)  # 70 % is in the EU


def test_findings_persist_take_actions_and_resolve(client, session, supplier, carmaker):
    made = post(client, supplier, "/diligence/map", {
        "sites": [{"key": "m", "name": "Unaudited mine", "stage": "mine", "country": "CL"}],
        "lots": [lot("M", "m", 900)],
    })  # fmt: skip
    grant(client, supplier, carmaker)
    pack(client, carmaker, made["lots"]["M"])
    first = assess(client, carmaker)
    audit = next(f for f in first["findings"] if f["rule"] == "audit")
    action = post(client, carmaker, f"/diligence/findings/{audit['id']}/actions", {
        "description": "Commission a third-party audit", "responsible": "Procurement",
        "due_on": "2026-09-30"})  # fmt: skip
    assert action["state"] == "planned"
    updated = client.patch(f"/diligence/actions/{action['id']}", json={"state": "in_progress"},
                           headers=carmaker.auth)  # fmt: skip
    assert updated.status_code == 200 and updated.json()["state"] == "in_progress"
    bad = client.patch(f"/diligence/actions/{action['id']}", json={"state": "finished"},
                       headers=carmaker.auth)  # fmt: skip
    assert bad.status_code == 422
    assert client.post(f"/diligence/findings/{audit['id']}/actions", headers=supplier.auth,
                       json={"description": "x", "responsible": "y",
                             "due_on": "2026-09-30"}).status_code == 404  # fmt: skip

    # the supplier records the audit and the certification; the next run resolves both
    site = next(s["id"] for s in client.get("/diligence/sites", headers=supplier.auth).json()
                if s["name"] == "Unaudited mine")  # fmt: skip
    session.get(SupplySite, site)  # exists
    post(
        client,
        supplier,
        "/diligence/map",
        {
            "sites": [
                {
                    "key": "m2",
                    "name": "Unaudited mine, re-recorded",
                    "stage": "mine",
                    "country": "CL",
                }
            ]
        },
    )
    second = assess(client, carmaker)
    again = next(f for f in second["findings"] if f["rule"] == "audit")
    assert again["id"] == audit["id"]  # same finding, kept with its action
    listed = client.get("/diligence/findings", params={"battery_model": MODEL},
                        headers=carmaker.auth).json()  # fmt: skip
    kept = next(f for f in listed if f["id"] == audit["id"])
    assert kept["status"] == "open" and kept["actions"][0]["state"] == "in_progress"
    assert client.get("/diligence/findings", headers=supplier.auth).json() == []


def test_a_finding_not_found_again_is_resolved(client, supplier, carmaker, chain):
    pack(client, carmaker, chain["lots"]["R1"])
    first = assess(client, carmaker, period_end="2026-12-31")
    assert rules_found(first) == ["crma-concentration"]
    # a lot with undeclared inputs in the period makes an unknown-origin finding
    sites = client.get("/diligence/sites", headers=carmaker.auth).json()
    plant = next(s["id"] for s in sites if s["name"] == "Pack plant")
    post(
        client,
        carmaker,
        "/diligence/map",
        {"lots": [lot("P9", plant, 100, model=MODEL, on="2026-08-01")]},
    )
    second = assess(client, carmaker, period_end="2026-12-31")
    assert rules_found(second) == ["crma-concentration", "unknown-origin"]
    third = assess(client, carmaker, period_end="2026-06-30")
    assert rules_found(third) == ["crma-concentration"]
    listed = client.get("/diligence/findings", headers=carmaker.auth).json()
    assert {(f["rule"], f["status"]) for f in listed} == {
        ("crma-concentration", "open"),
        ("unknown-origin", "resolved"),
    }


def test_assessing_without_lots_is_a_conflict(client, carmaker):
    problem = post(client, carmaker, "/diligence/assessments",
                   {"battery_model": "NONE", **PERIOD}, 409)  # fmt: skip
    assert "no lots of battery model NONE" in problem["detail"]
    problem = post(client, carmaker, "/diligence/assessments",
                   {"battery_model": "X", "period_start": "2026-06-01",
                    "period_end": "2026-01-01"}, 422)  # fmt: skip
    assert "before period_start" in problem["errors"][0]["message"]


def test_the_public_report_withholds_lot_ids_and_the_owner_sees_them(
    client, supplier, carmaker, make_member
):
    made = post(client, supplier, "/diligence/map", {
        "sites": [{"key": "asm", "name": "Hand-dug site", "stage": "mine", "country": "CD",
                   "artisanal": True}],
        "lots": [lot("A1", "asm", 900)],
    })  # fmt: skip
    grant(client, supplier, carmaker)
    pack(client, carmaker, made["lots"]["A1"])
    result = assess(client, carmaker)
    url = result["report_url"]
    assert url == f"http://testserver/diligence/reports/{carmaker.id}/{MODEL}"
    path = url.removeprefix("http://testserver")

    public = client.get(path, params={"format": "json"}).json()
    artisanal = next(f for f in public["findings"] if f["rule"] == "artisanal-mining")
    assert artisanal["evidence"]["lots"] == [] and artisanal["evidence"]["lots_withheld"] == 1
    assert public["materials"]["cobalt"]["origins"][0]["name"] == "Hand-dug site"
    granted = client.get(path, params={"format": "json"}, headers=supplier.auth).json()
    mine = next(f for f in granted["findings"] if f["rule"] == "artisanal-mining")
    assert mine["evidence"]["lots"] == [made["lots"]["A1"]]  # the supplier owns that lot
    own = client.get(f"/diligence/assessments/{result['id']}", headers=carmaker.auth).json()
    assert next(f for f in own["findings"] if f["rule"] == "artisanal-mining")["evidence"][
        "lots"
    ] == [made["lots"]["A1"]]

    page = client.get(path)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    html = page.text
    for step in range(1, 6):
        assert f"Step {step} —" in html
    assert "Hand-dug site" in html and "artisanal" in html
    assert '"type":"sankey"' in html  # the material-flow chart, plotly.js inlined
    assert 'src="http' not in html  # plotly.js inlined: works on a closed network
    assert made["lots"]["A1"] not in html
    assert client.get(path.replace(MODEL, "OTHER")).status_code == 404


def test_the_report_renders_as_pdf(client, chain, carmaker):
    pytest.importorskip("weasyprint", reason="WeasyPrint needs the system Pango library")
    pack(client, carmaker, chain["lots"]["R1"])
    url = assess(client, carmaker)["report_url"].removeprefix("http://testserver")
    response = client.get(url, params={"format": "pdf"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-") and len(response.content) > 5000


def test_publishing_links_the_report_and_indices_from_the_passports(client, carmaker, chain):
    data = {"battery_model": MODEL, "battery_category": "ev", "manufacturer_name": "Aizu",
            "manufacturing_place": "Aizu, JP", "manufacturing_date": "2026-03",
            "battery_mass": 450.0}  # fmt: skip
    created = post(client, carmaker, "/passports", {"battery_id": "urn:t:dd:1", "data": data})
    pack(client, carmaker, chain["lots"]["R1"])
    result = assess(client, carmaker, publish=True)
    shown = client.get(f"/passports/{created['id']}").json()
    assert shown["data"]["due_diligence_report"] == result["report_url"]
    assert "cobalt extraction: HHI 10000 (CL 100 %)" in shown["data"]["supply_chain_indices"]
    assert shown["version"] == created["version"] + 1
