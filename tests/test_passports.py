"""Battery passports: the Art. 77(2) access matrix, versions, dynamic data, and refusals."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from junkan.ledger.models import LedgerEntry
from junkan.ledger.verify import verify_database
from junkan.passport.attributes import ATTRIBUTES, Access
from junkan.passport.models import Passport, PassportVersion

SAMPLE = {
    "text": "sample text",
    "month": "2026-03",
    "date": "2026-04-01",
    "number": 12.5,
    "integer": 3,
    "percent": 42.0,
    "uri": "https://example.com/doc",
    "list": ["item"],
    "address": {"street": "1-1 Motomachi", "city": "Aizuwakamatsu", "country": "JP"},
    "suppliers": [{"name": "Parts Co", "email": "parts@example.com"}],
    "documents": [{"url": "https://example.com/report.pdf", "title": "Report"}],
    "substances": [{"name": "graphite", "cas": "7782-42-5", "mass_kg": 61.0}],
}


def full_data(category: str = "ev") -> dict:
    data = {}
    for attribute in ATTRIBUTES:
        if attribute.dynamic:
            continue
        if attribute.kind == "enum":
            data[attribute.key] = (
                category if attribute.key == "battery_category" else attribute.choices[0]
            )
        else:
            data[attribute.key] = SAMPLE[attribute.kind]
    return data


def dynamic_data() -> dict:
    return {a.key: SAMPLE[a.kind] for a in ATTRIBUTES if a.dynamic and a.key != "battery_status"}


NMC811 = {
    "battery_model": "AZ-NMC811-75",
    "battery_category": "ev",
    "manufacturer_name": "Aizu Motors Corporation",
    "manufacturing_place": "Aizuwakamatsu, JP",
    "manufacturing_date": "2026-10",
    "battery_mass": 452.0,
    "battery_chemistry": "NMC811",
}

PUBLIC = {Access.PUBLIC}
INTEREST = {Access.PUBLIC, Access.INTEREST_AND_AUTHORITIES, Access.LEGITIMATE_INTEREST}
AUTHORITY = {Access.PUBLIC, Access.INTEREST_AND_AUTHORITIES, Access.AUTHORITIES}
MATRIX = {
    None: PUBLIC,  # anonymous
    "supplier": PUBLIC,  # an unrelated company
    "economic_operator": PUBLIC,  # another operator's passport
    "repairer": INTEREST,
    "remanufacturer": INTEREST,
    "second_life_operator": INTEREST,
    "recycler": INTEREST,
    "notified_body": AUTHORITY,
    "market_surveillance": AUTHORITY,
    "european_commission": AUTHORITY,
}


@pytest.fixture
def full_passport(client, carmaker):
    created = client.post(
        "/passports",
        headers=carmaker.auth,
        json={"battery_id": "urn:junkan:battery:AZ-000001", "data": full_data()},
    )
    assert created.status_code == 201, created.text
    passport_id = created.json()["id"]
    dynamic = client.post(
        f"/passports/{passport_id}/dynamic",
        headers=carmaker.auth,
        json={"measured_at": datetime.now(UTC).isoformat(), "values": dynamic_data()},
    )
    assert dynamic.status_code == 201, dynamic.text
    return passport_id


def test_every_attribute_is_shown_exactly_to_whom_the_law_allows(
    client, make_member, carmaker, full_passport
):
    everything = {a.key for a in ATTRIBUTES}
    own = client.get(f"/passports/{full_passport}", headers=carmaker.auth).json()
    assert set(own["data"]) == everything
    for role, groups in MATRIX.items():
        headers = make_member(role).auth if role else {}
        body = client.get(f"/passports/{full_passport}", headers=headers).json()
        expected = {a.key for a in ATTRIBUTES if a.access in groups}
        shown = set(body["data"])
        assert shown == expected, (
            f"{role or 'anonymous'}: shown but not allowed {sorted(shown - expected)}, "
            f"allowed but missing {sorted(expected - shown)}"
        )
        assert set(body["access"]) == {g.value for g in groups}
        assert set(body["dynamic_updated_at"]) <= shown


def test_versions_are_filtered_like_the_passport(client, make_member, carmaker, full_passport):
    patched = client.patch(
        f"/passports/{full_passport}",
        headers=carmaker.auth,
        json={"data": {"battery_mass": 450.5, "safety_measures": "Isolate"}},
    )
    assert patched.status_code == 200 and patched.json()["version"] == 2
    history = client.get(f"/passports/{full_passport}/versions").json()["data"]
    assert [v["version"] for v in history] == [1, 2]
    assert [v["data"]["battery_mass"] for v in history] == [12.5, 450.5]
    assert all("safety_measures" not in v["data"] for v in history)  # point 2: not public
    recycler = make_member("recycler")
    seen = client.get(f"/passports/{full_passport}/versions", headers=recycler.auth).json()
    assert seen["data"][1]["data"]["safety_measures"] == "Isolate"


def test_latest_dynamic_value_wins_and_out_of_order_data_is_kept(client, carmaker, full_passport):
    now = datetime.now(UTC)
    for hours, soce in ((1, 97.0), (3, 99.0), (2, 98.0)):  # arrives out of order
        response = client.post(
            f"/passports/{full_passport}/dynamic",
            headers=carmaker.auth,
            json={
                "measured_at": (now - timedelta(hours=hours)).isoformat(),
                "values": {"state_of_certified_energy": soce},
            },
        )
        assert response.status_code == 201
    body = client.get(f"/passports/{full_passport}", headers=carmaker.auth).json()
    assert body["data"]["state_of_certified_energy"] == 42.0  # the fixture's reading is newest


def test_completeness_names_what_is_missing(client, carmaker, make_member):
    created = client.post(
        "/passports",
        headers=carmaker.auth,
        json={"battery_id": "/01/04012345000016/21/SN-1", "data": NMC811},
    )
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["battery_id"] == "/01/04012345000016/21/SN-1"
    report = body["completeness"]
    assert report["complete"] is False
    assert (
        "rated_capacity" in report["missing"] and "state_of_certified_energy" in report["missing"]
    )
    assert "putting_into_service_date" not in report["missing"]  # LMT and stationary only
    assert "carbon_footprint" in report["missing_when_due"]
    public = client.get(f"/passports/{body['id']}").json()
    assert public["completeness"] is None
    authority = make_member("market_surveillance")
    assert (
        client.get(f"/passports/{body['id']}", headers=authority.auth).json()["completeness"]
        == report
    )


def test_a_record_read_with_proof_and_the_ledger_verifies(client, session, carmaker, full_passport):
    body = client.get(f"/passports/{full_passport}", params={"proof": "true"}).json()
    assert body["ledger"]["entry"]["subject"] == f"passport:{full_passport}"
    assert verify_database(session).ok


def _counts(session):
    session.expire_all()
    return tuple(
        session.scalar(select(func.count()).select_from(m))
        for m in (Passport, PassportVersion, LedgerEntry)
    )


@pytest.mark.parametrize(
    ("battery_id", "change", "field", "message"),
    [
        (
            "urn:junkan:battery:1",
            {"battery_mass": "heavy"},
            "data.battery_mass",
            "must be a number",
        ),
        (
            "urn:junkan:battery:1",
            {"battery_mass": {"value": 452, "unit": "lb"}},
            "data.battery_mass",
            "wrong unit 'lb': expected 'kg'",
        ),
        ("urn:junkan:battery:1", {"battery_mass": -1}, "data.battery_mass", "negative"),
        (
            "urn:junkan:battery:1",
            {"manufacturing_date": "2026-13"},
            "data.manufacturing_date",
            "YYYY-MM",
        ),
        ("urn:junkan:battery:1", {"battery_category": "car"}, "data.battery_category", "one of"),
        (
            "urn:junkan:battery:1",
            {"renewable_content": 140},
            "data.renewable_content",
            "at most 100",
        ),
        ("urn:junkan:battery:1", {"colour": "blue"}, "data.colour", "not a passport attribute"),
        ("urn:junkan:battery:1", {"battery_model": None}, "data.battery_model", "mandatory"),
        (
            "urn:junkan:battery:1",
            {"state_of_certified_energy": 99},
            "data.state_of_certified_energy",
            "is dynamic",
        ),
        ("urn:junkan:battery:1", {"battery_status": "waste"}, "data.battery_status", "lifecycle"),
        (
            "urn:junkan:battery:1",
            {"cathode_materials": [{"name": "NMC811", "cas": "193214-24-4"}]},
            "data.cathode_materials",
            "item 0 cas: '193214-24-4' is not a CAS number",
        ),
        (
            "urn:junkan:battery:1",
            {"anode_materials": ["graphite", {"name": "Si", "mass_kg": -2}]},
            "data.anode_materials",
            "item 1 mass_kg: Input should be greater than or equal to 0",
        ),
        (
            "urn:junkan:battery:1",
            {"dismantling_information": [{"url": "ftp://x", "title": "Manual"}]},
            "data.dismantling_information",
            "item 0 url: must be an http(s) URL or a URN",
        ),
        (
            "urn:junkan:battery:1",
            {"test_reports": [{"url": "https://x.example/r.pdf", "pages": 3}]},
            "data.test_reports",
            "item 0 pages: Extra inputs are not permitted",
        ),
        (
            "urn:junkan:battery:1",
            {"manufacturer_address": "1-1 Motomachi, Aizuwakamatsu"},
            "data.manufacturer_address",
            "must be an object",
        ),
        (
            "urn:junkan:battery:1",
            {"manufacturer_address": {"street": "1-1", "city": "Aizu", "country": "Japan"}},
            "data.manufacturer_address",
            "country: String should match pattern",
        ),
        (
            "urn:junkan:battery:1",
            {"spare_part_sources": [{"name": "Parts Co", "email": "not-an-address"}]},
            "data.spare_part_sources",
            "item 0 email",
        ),
        ("battery-1", {}, "battery_id", "URN"),
        ("/01/04012345000017/21/SN-1", {}, "battery_id", "check digit"),
    ],
)
def test_bad_passports_name_the_field_and_store_nothing(
    client, session, carmaker, battery_id, change, field, message
):
    before = _counts(session)
    response = client.post(
        "/passports",
        headers=carmaker.auth,
        json={"battery_id": battery_id, "data": NMC811 | change},
    )
    assert response.status_code == 422, response.text
    errors = response.json()["errors"]
    assert any(e["field"] == field and message in e["message"] for e in errors), errors
    assert _counts(session) == before


def test_only_economic_operators_issue_and_only_the_operator_changes(
    client, session, carmaker, make_member
):
    recycler, rival = make_member("recycler"), make_member("economic_operator")
    refused = client.post(
        "/passports",
        headers=recycler.auth,
        json={"battery_id": "urn:junkan:battery:9", "data": NMC811},
    )
    assert refused.status_code == 403
    created = client.post(
        "/passports",
        headers=carmaker.auth,
        json={"battery_id": "urn:junkan:battery:9", "data": NMC811},
    ).json()
    before = _counts(session)
    patch = client.patch(
        f"/passports/{created['id']}", headers=rival.auth, json={"data": {"battery_mass": 1.0}}
    )
    assert patch.status_code == 403
    dynamic = client.post(
        f"/passports/{created['id']}/dynamic",
        headers=rival.auth,
        json={"measured_at": datetime.now(UTC).isoformat(), "values": {"state_of_charge": 50}},
    )
    assert dynamic.status_code == 403
    assert _counts(session) == before


def test_duplicate_battery_identifier_is_a_conflict(client, session, carmaker):
    body = {"battery_id": "urn:junkan:battery:7", "data": NMC811}
    assert client.post("/passports", headers=carmaker.auth, json=body).status_code == 201
    before = _counts(session)
    again = client.post("/passports", headers=carmaker.auth, json=body)
    assert again.status_code == 409
    assert again.json()["errors"][0]["field"] == "battery_id"
    assert _counts(session) == before


@pytest.mark.parametrize(
    ("values", "when", "field"),
    [
        (
            {"state_of_certified_energy": 120},
            timedelta(hours=-1),
            "values.state_of_certified_energy",
        ),
        ({"battery_mass": 1}, timedelta(hours=-1), "values.battery_mass"),
        ({"state_of_charge": 50}, timedelta(hours=2), "measured_at"),
    ],
)
def test_bad_dynamic_data_is_refused(client, session, carmaker, values, when, field):
    created = client.post(
        "/passports",
        headers=carmaker.auth,
        json={"battery_id": "urn:junkan:battery:5", "data": NMC811},
    ).json()
    before = _counts(session)
    response = client.post(
        f"/passports/{created['id']}/dynamic",
        headers=carmaker.auth,
        json={"measured_at": (datetime.now(UTC) + when).isoformat(), "values": values},
    )
    assert response.status_code == 422
    assert field in [e["field"] for e in response.json()["errors"]]
    assert _counts(session) == before


def test_search_own_passports(client, carmaker, make_member):
    for n in range(3):
        client.post(
            "/passports",
            headers=carmaker.auth,
            json={
                "battery_id": f"urn:junkan:battery:S{n}",
                "data": NMC811 | ({"battery_model": "AZ-LFP-60"} if n else {}),
            },
        )
    found = client.get(
        "/passports", params={"battery_model": "AZ-LFP-60"}, headers=carmaker.auth
    ).json()["data"]
    assert len(found) == 2
    other = make_member("economic_operator")
    assert client.get("/passports", headers=other.auth).json()["data"] == []


def test_the_attribute_table_is_served(client):
    data = client.get("/passports/attributes").json()["data"]
    soce = next(a for a in data if a["key"] == "state_of_certified_energy")
    assert soce == soce | {
        "access": "legitimate_interest",
        "dynamic": True,
        "unit": "%",
        "mandatory": ["ev"],
    }


# --- QR code and resolver ----------------------------------------------------------------------


def test_qr_png_decodes_to_the_resolver_url(client, carmaker, full_passport):
    import io

    import zxingcpp
    from PIL import Image

    png = client.get(f"/passports/{full_passport}/qr.png")
    assert png.headers["content-type"] == "image/png"
    [code] = zxingcpp.read_barcodes(Image.open(io.BytesIO(png.content)))
    assert code.format == zxingcpp.BarcodeFormat.QRCode
    assert code.text == "http://testserver/id/urn:junkan:battery:AZ-000001"
    svg = client.get(f"/passports/{full_passport}/qr.svg")
    assert svg.headers["content-type"].startswith("image/svg+xml") and "<svg" in svg.text


def test_the_resolver_answers_json_filtered_for_the_caller(client, make_member, full_passport):
    url = "/id/urn:junkan:battery:AZ-000001"
    public = client.get(url, headers={"Accept": "application/json"}).json()
    recycler = make_member("recycler")
    entitled = client.get(url, headers={"Accept": "application/json", **recycler.auth}).json()
    assert public["id"] == entitled["id"] == full_passport
    assert (
        "safety_measures" not in public["data"]
        and "state_of_certified_energy" not in public["data"]
    )
    assert entitled["data"]["safety_measures"] == "sample text"
    assert "state_of_certified_energy" in entitled["data"]
    assert "test_reports" not in entitled["data"]  # point 3: authorities only


def test_the_resolver_answers_a_browser_with_an_html_page(client, make_member, full_passport):
    page = client.get("/id/urn:junkan:battery:AZ-000001", headers={"Accept": "text/html"})
    assert page.headers["content-type"].startswith("text/html")
    assert "Battery mass" in page.text and "Safety measures" not in page.text
    # readable without JavaScript: the only script is the deferred ledger check
    assert page.text.count("<script") == 1 and '<script src="/static/verify.js" defer>' in page.text


def test_gs1_digital_link_resolves(client, carmaker):
    created = client.post(
        "/passports",
        headers=carmaker.auth,
        json={"battery_id": "https://id.gs1.org/01/04012345000016/21/SN-9", "data": NMC811},
    ).json()
    assert created["battery_id"] == "/01/04012345000016/21/SN-9"
    found = client.get("/01/04012345000016/21/SN-9", headers={"Accept": "application/json"})
    assert found.json()["id"] == created["id"]
    qr = client.get(f"/passports/{created['id']}/qr.png")
    assert qr.status_code == 200
    missing = client.get("/id/urn:junkan:battery:nope", headers={"Accept": "application/json"})
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"


# --- Lifecycle ---------------------------------------------------------------------------------


def _jsonl(rows):
    import json

    return "\n".join(json.dumps(r) for r in rows).encode()


def test_import_json_lines_all_or_nothing(client, session, carmaker):
    good = [{"battery_id": f"urn:junkan:battery:B{n}", "data": NMC811} for n in range(3)]
    bad = (
        good[:1]
        + [{"battery_id": "urn:junkan:battery:B9", "data": NMC811 | {"battery_mass": "heavy"}}]
        + good[1:2]
        + [{"battery_id": "urn:junkan:battery:B0", "data": NMC811}]
    )
    before = _counts(session)
    refused = client.post(
        "/passports/import",
        content=_jsonl(bad),
        headers={**carmaker.auth, "Content-Type": "application/x-ndjson"},
    )
    assert refused.status_code == 422
    errors = refused.json()["errors"]
    assert [(e["line"], e["field"]) for e in errors] == [
        (2, "data.battery_mass"),
        (4, "battery_id"),
    ]
    assert _counts(session) == before
    partial = client.post(
        "/passports/import",
        params={"partial": "true"},
        content=_jsonl(bad),
        headers={**carmaker.auth, "Content-Type": "application/x-ndjson"},
    )
    assert partial.status_code == 200
    assert partial.json()["created"] == 2 and len(partial.json()["errors"]) == 2
    again = client.post(
        "/passports/import",
        content=_jsonl(good),
        headers={**carmaker.auth, "Content-Type": "application/x-ndjson"},
    )
    assert again.status_code == 422
    assert {e["message"] for e in again.json()["errors"]} == {"already has a passport"}


def test_import_csv(client, carmaker):
    csv_text = (
        "battery_id,battery_model,battery_category,manufacturer_name,manufacturing_place,"
        "manufacturing_date,battery_mass,critical_raw_materials\n"
        "urn:junkan:battery:C1,AZ-LFP-60,ev,Aizu Motors,Aizuwakamatsu,2026-09,398.5,Li;graphite\n"
        "urn:junkan:battery:C2,AZ-LFP-60,ev,Aizu Motors,Aizuwakamatsu,2026-09,399,Li\n"
    )
    response = client.post(
        "/passports/import",
        content=csv_text.encode(),
        headers={**carmaker.auth, "Content-Type": "text/csv"},
    )
    assert response.status_code == 200, response.text
    [first, _] = response.json()["passport_ids"]
    body = client.get(f"/passports/{first}").json()
    assert body["data"]["battery_mass"] == 398.5
    assert body["data"]["critical_raw_materials"] == ["Li", "graphite"]
    wrong = client.post(
        "/passports/import",
        content=b"battery_id,colour\nurn:x:1,blue\n",
        headers={**carmaker.auth, "Content-Type": "text/csv"},
    )
    assert wrong.status_code == 422 and "colour" in wrong.json()["detail"]
    other = client.post(
        "/passports/import",
        content=b"x",
        headers={**carmaker.auth, "Content-Type": "application/xml"},
    )
    assert other.status_code == 422
