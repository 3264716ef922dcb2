"""Disclosure grants: a supplier releases a value to one customer; reads are logged; revocable."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from junkan.exchange.models import Grant
from junkan.ledger import commitments as c
from junkan.ledger.models import LedgerEntry
from junkan.ledger.verify import verify_database

LATER = (datetime.now(UTC) + timedelta(days=30)).isoformat()


def _commit_and_deposit(client, owner, value: str, deposited_value_offset: int = 0):
    """Publish a Pedersen commitment (made client-side) and deposit its opening."""
    opening = c.commit_value(value)
    made = client.post(
        "/commitments",
        headers=owner.auth,
        json={"scheme": "pedersen", "commitment": opening.commitment},
    ).json()
    deposit = client.put(
        f"/commitments/{made['id']}/opening",
        headers=owner.auth,
        json={
            "value": str(opening.value + deposited_value_offset),
            "blinding": c.blinding_text(opening.blinding),
        },
    )
    return made["id"], opening, deposit


@pytest.fixture
def released(client, make_member):
    """A cathode maker commits to its footprint and deposits the opening."""
    supplier, customer, stranger = (
        make_member("supplier"),
        make_member("supplier"),
        make_member("recycler"),
    )
    commitment_id, opening, deposit = _commit_and_deposit(client, supplier, "18.4")
    assert deposit.status_code == 201, deposit.text
    return supplier, customer, stranger, commitment_id, opening


def _grant(client, owner, grantee, subject, **extra):
    return client.post(
        "/grants",
        headers=owner.auth,
        json={
            "grantee": grantee.id,
            "subject": subject,
            "purpose": "PCF of cells for order 4711",
            "valid_until": LATER,
            **extra,
        },
    )


def _count(session, model):
    session.expire_all()
    return session.scalar(select(func.count()).select_from(model))


def test_nobody_but_the_owner_reads_without_a_grant(client, released):
    supplier, customer, _, commitment_id, opening = released
    assert client.get(f"/commitments/{commitment_id}/opening", headers=supplier.auth).json()[
        "value"
    ] == str(opening.value)
    denied = client.get(f"/commitments/{commitment_id}/opening", headers=customer.auth)
    assert denied.status_code == 403
    assert denied.headers["content-type"] == "application/problem+json"
    assert client.get(f"/commitments/{commitment_id}/opening").status_code == 401


def test_grant_read_revoke_and_the_read_log(client, session, released):
    supplier, customer, stranger, commitment_id, opening = released
    grant = _grant(client, supplier, customer, f"commitment:{commitment_id}")
    assert grant.status_code == 201, grant.text
    grant_id = grant.json()["id"]

    read = client.get(f"/commitments/{commitment_id}/opening", headers=customer.auth).json()
    assert c.check_opening(
        read["commitment"], int(read["value"]), c.blinding_from(read["blinding"])
    )
    assert (
        client.get(f"/commitments/{commitment_id}/opening", headers=stranger.auth).status_code
        == 403
    )

    reads = client.get(f"/grants/{grant_id}/reads", headers=supplier.auth).json()["data"]
    assert [(r["reader"], r["subject"]) for r in reads] == [
        (customer.id, f"commitment:{commitment_id}")
    ]
    assert client.get(f"/grants/{grant_id}/reads", headers=customer.auth).status_code == 404

    listed = client.get("/grants", headers=customer.auth).json()["data"]
    assert [g["id"] for g in listed] == [grant_id]
    assert client.delete(f"/grants/{grant_id}", headers=supplier.auth).status_code == 200
    assert (
        client.get(f"/commitments/{commitment_id}/opening", headers=customer.auth).status_code
        == 403
    )
    assert verify_database(session).ok


def test_a_class_grant_covers_every_record_of_the_kind(client, released, make_member):
    supplier, customer, _, commitment_id, _ = released
    assert _grant(client, supplier, customer, "commitment:*").status_code == 201
    assert (
        client.get(f"/commitments/{commitment_id}/opening", headers=customer.auth).status_code
        == 200
    )


def test_expired_grants_do_not_open(client, session, released):
    supplier, customer, _, commitment_id, _ = released
    grant_id = _grant(client, supplier, customer, f"commitment:{commitment_id}").json()["id"]
    grant = session.get(Grant, grant_id)
    grant.valid_until = datetime.now(UTC) - timedelta(seconds=1)
    session.commit()
    assert (
        client.get(f"/commitments/{commitment_id}/opening", headers=customer.auth).status_code
        == 403
    )


@pytest.mark.parametrize(
    ("change", "status", "field"),
    [
        ({"subject": "commitment:00000000-0000-0000-0000-000000000000"}, 403, None),
        ({"subject": "participant:*"}, 422, "subject"),
        ({"subject": "no spaces allowed"}, 422, "subject"),
        ({"valid_until": "2020-01-01T00:00:00Z"}, 422, "valid_until"),
        ({"grantee": "BPNL00000003AYRE"}, 422, "grantee"),
        ({"purpose": ""}, 422, "purpose"),
    ],
)
def test_bad_grants_are_refused_and_nothing_is_stored(
    client, session, released, change, status, field
):
    supplier, customer, _, commitment_id, _ = released
    before = (_count(session, Grant), _count(session, LedgerEntry))
    response = client.post(
        "/grants",
        headers=supplier.auth,
        json={
            "grantee": customer.id,
            "subject": f"commitment:{commitment_id}",
            "purpose": "PCF request",
            "valid_until": LATER,
            **change,
        },
    )
    assert response.status_code == status, response.text
    if field:
        assert field in [e["field"] for e in response.json()["errors"]]
    assert (_count(session, Grant), _count(session, LedgerEntry)) == before


def test_only_the_owner_can_grant_its_record(client, session, released):
    supplier, customer, stranger, commitment_id, _ = released
    response = _grant(client, stranger, customer, f"commitment:{commitment_id}")
    assert response.status_code == 403
    assert _count(session, Grant) == 0


def test_a_wrong_opening_cannot_be_deposited(client, make_member):
    member = make_member("supplier")
    _, _, wrong = _commit_and_deposit(client, member, "2.5", deposited_value_offset=1)
    assert wrong.status_code == 422
    assert "do not open" in wrong.json()["detail"]
