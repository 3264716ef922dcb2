"""Participants API: onboarding, lookup by any identifier, sites, refusals that store nothing."""

import json

import pytest
from sqlalchemy import func, select

from junkan.identity.models import Identifier, Participant
from junkan.ledger.models import LedgerEntry

CATHODE_MAKER = {
    "name": "Niihama Cathode Materials K.K.",
    "country": "jp",
    "roles": ["supplier"],
    "identifiers": [
        {"scheme": "bpnl", "value": "BPNL00000003CRHK"},
        {"scheme": "jp-corporate-number", "value": "7000012050002"},
        {"scheme": "lei", "value": "529900T8BM49AURSDO55"},
    ],
    "sites": [
        {
            "name": "Niihama plant",
            "country": "JP",
            "identifiers": [
                {"scheme": "bpns", "value": "BPNS00000003AYRE"},
                {"scheme": "gln", "value": "4012345000009"},
            ],
        }
    ],
}


def _counts(session):
    session.expire_all()
    return tuple(
        session.scalar(select(func.count()).select_from(t))
        for t in (Participant, Identifier, LedgerEntry)
    )


def test_operator_onboards_a_participant_with_identifiers_and_sites(client, operator):
    response = client.post("/participants", json=CATHODE_MAKER, headers=operator.auth)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["country"] == "JP"
    assert body["roles"] == ["supplier"]
    assert [i["value"] for i in body["identifiers"] if i["site_id"] is None] == [
        "BPNL00000003CRHK",
        "7000012050002",
        "529900T8BM49AURSDO55",
    ]
    [site] = body["sites"]
    assert site["country"] == "JP"
    assert {i["scheme"] for i in site["identifiers"]} == {"bpns", "gln"}


@pytest.mark.parametrize(
    ("value", "scheme", "expect_site"),
    [
        ("BPNL00000003CRHK", None, False),
        ("bpnl00000003crhk", "bpnl", False),
        ("7000012050002", None, False),
        ("529900T8BM49AURSDO55", "lei", False),
        ("BPNS00000003AYRE", None, True),
        ("4012345000009", "gln", True),
    ],
)
def test_lookup_by_any_identifier(client, operator, value, scheme, expect_site):
    created = client.post("/participants", json=CATHODE_MAKER, headers=operator.auth).json()
    params = {"id": value} | ({"scheme": scheme} if scheme else {})
    response = client.get("/participants/lookup", params=params, headers=operator.auth)
    assert response.status_code == 200
    [match] = response.json()["data"]
    assert match["participant"]["id"] == created["id"]
    assert (match["site"] is not None) == expect_site


def test_lookup_of_a_malformed_identifier_says_why(client, operator):
    response = client.get(
        "/participants/lookup", params={"id": "BPNL00000003CRHX"}, headers=operator.auth
    )
    assert response.status_code == 422
    assert "not a valid identifier" in response.json()["detail"]
    unknown = client.get(
        "/participants/lookup", params={"id": "BPNL00000003AYRE"}, headers=operator.auth
    )
    assert unknown.status_code == 200 and unknown.json()["data"] == []


def test_directory_needs_a_token(client):
    response = client.get("/participants")
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["www-authenticate"].startswith("Bearer")


def test_only_the_platform_operator_onboards(client, session, make_member):
    supplier = make_member("supplier")
    before = _counts(session)
    response = client.post("/participants", json=CATHODE_MAKER, headers=supplier.auth)
    assert response.status_code == 403
    assert response.json()["required_roles"] == ["platform_operator"]
    assert _counts(session) == before


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (
            {"identifiers": [{"scheme": "bpnl", "value": "BPNL00000003CRHJ"}]},
            "identifiers[0].value",
            "MOD 1271-36",
        ),
        (
            {"identifiers": [{"scheme": "lei", "value": "529900T8BM49AURSDO5"}]},
            "identifiers[0].value",
            "not an LEI",
        ),
        (
            {"identifiers": [{"scheme": "jp-corporate-number", "value": "7000012050003"}]},
            "identifiers[0].value",
            "corporate number check",
        ),
        (
            {"identifiers": [{"scheme": "duns", "value": "123"}]},
            "identifiers[0].scheme",
            "Input should be",
        ),
        (
            {"identifiers": [{"scheme": "bpns", "value": "BPNS00000003AYRE"}]},
            "identifiers",
            "cannot name a participant",
        ),
        ({"roles": ["wizard"]}, "roles[0]", "Input should be"),
        ({"roles": []}, "roles", "at least 1"),
        ({"country": "XX"}, "country", "ISO 3166-1"),
        ({"name": "   "}, "name", "pattern"),
        ({"sites": [{"name": "x", "country": "ZZ"}]}, "sites[0].country", "ISO 3166-1"),
        (
            {
                "sites": [
                    {
                        "name": "x",
                        "country": "JP",
                        "identifiers": [{"scheme": "gln", "value": "4012345000008"}],
                    }
                ]
            },
            "sites[0].identifiers[0].value",
            "GLN check",
        ),
        ({"unexpected": 1}, "unexpected", "Extra inputs"),
    ],
)
def test_bad_input_names_the_field_and_stores_nothing(
    client, session, operator, change, field, message
):
    before = _counts(session)
    response = client.post("/participants", json=CATHODE_MAKER | change, headers=operator.auth)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["type"] == "urn:junkan:problem:invalid-input"
    assert field in [e["field"] for e in problem["errors"]]
    assert any(message in e["message"] for e in problem["errors"])
    assert _counts(session) == before


def test_an_identifier_taken_by_another_participant_is_a_conflict(client, session, operator):
    assert (
        client.post("/participants", json=CATHODE_MAKER, headers=operator.auth).status_code == 201
    )
    before = _counts(session)
    again = CATHODE_MAKER | {
        "name": "Impostor",
        "identifiers": CATHODE_MAKER["identifiers"][:1],
        "sites": [],
    }
    response = client.post("/participants", json=again, headers=operator.auth)
    assert response.status_code == 409
    assert response.json()["value"] == "BPNL00000003CRHK"
    assert _counts(session) == before


def test_the_same_identifier_twice_in_one_request_is_refused(client, session, operator):
    doubled = CATHODE_MAKER | {"identifiers": CATHODE_MAKER["identifiers"][:1] * 2}
    before = _counts(session)
    response = client.post("/participants", json=doubled, headers=operator.auth)
    assert response.status_code == 422
    assert _counts(session) == before


def test_a_participant_adds_its_own_sites_and_identifiers(client, operator, make_member):
    member = make_member("supplier")
    site = client.post(
        f"/participants/{member.id}/sites",
        headers=member.auth,
        json={
            "name": "Second plant",
            "country": "FI",
            "identifiers": [{"scheme": "bpns", "value": "BPNS00000003CML1"}],
        },
    )
    assert site.status_code == 201 and site.json()["country"] == "FI"
    did = client.post(
        f"/participants/{member.id}/identifiers",
        headers=member.auth,
        json={"scheme": "did", "value": "did:web:battery.example.com"},
    )
    assert did.status_code == 201
    profile = client.get(f"/participants/{member.id}", headers=member.auth).json()
    assert [s["name"] for s in profile["sites"]] == ["Second plant"]
    assert "did:web:battery.example.com" in [i["value"] for i in profile["identifiers"]]


def test_a_site_identifier_cannot_be_added_to_the_participant(client, make_member):
    member = make_member("supplier")
    response = client.post(
        f"/participants/{member.id}/identifiers",
        headers=member.auth,
        json={"scheme": "bpns", "value": "BPNS00000003CML1"},
    )
    assert response.status_code == 422


def test_another_company_cannot_add_my_sites(client, make_member):
    mine, other = make_member("supplier"), make_member("recycler")
    response = client.post(
        f"/participants/{mine.id}/sites", headers=other.auth, json={"name": "Fake", "country": "DE"}
    )
    assert response.status_code == 403


def test_list_filters_by_role_and_pages(client, operator, make_member):
    for _ in range(3):
        make_member("recycler")
    recyclers = client.get("/participants", params={"role": "recycler"}, headers=operator.auth)
    assert len(recyclers.json()["data"]) == 3
    page = client.get("/participants", params={"limit": 2, "offset": 1}, headers=operator.auth)
    assert len(page.json()["data"]) == 2
    wrong = client.get("/participants", params={"role": "wizard"}, headers=operator.auth)
    assert wrong.status_code == 422 and wrong.json()["errors"][0]["field"] == "role"


def test_unknown_participant_is_404_problem(client, operator):
    response = client.get("/participants/does-not-exist", headers=operator.auth)
    assert response.status_code == 404
    assert response.json()["detail"] == "no participant with id does-not-exist"


def test_non_json_bodies_are_refused_clearly(client, session, operator):
    before = _counts(session)
    broken = client.post(
        "/participants",
        content=b'{"name": ',
        headers={**operator.auth, "Content-Type": "application/json"},
    )
    assert broken.status_code == 400
    assert broken.json()["type"] == "urn:junkan:problem:malformed-json"
    text = client.post(
        "/participants", content=b"name=x", headers={**operator.auth, "Content-Type": "text/plain"}
    )
    assert text.status_code == 415
    assert _counts(session) == before


def test_oversized_bodies_are_refused_before_parsing(client, session, operator):
    before = _counts(session)
    huge = CATHODE_MAKER | {"name": "x" * (70 * 1024)}
    response = client.post(
        "/participants",
        content=json.dumps(huge),
        headers={**operator.auth, "Content-Type": "application/json"},
    )
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"

    def chunks():
        yield b'{"name": "'
        for _ in range(100):
            yield b"y" * 1024
        yield b'"}'

    streamed = client.post(
        "/participants",
        content=chunks(),
        headers={**operator.auth, "Content-Type": "application/json"},
    )
    assert streamed.status_code == 413
    assert _counts(session) == before
