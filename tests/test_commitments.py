"""Commitments: salted hashes, Pedersen openings, and the verifiable roll-up."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from junkan.ledger import commitments as c
from junkan.ledger.verify import verify_database


def test_salted_commitment_opens_only_with_value_and_salt():
    commitment, salt = c.new_salted_commitment({"pcf": "12.5", "unit": "kgCO2e/kg"})
    assert c.check_salted(commitment, {"unit": "kgCO2e/kg", "pcf": "12.5"}, salt)  # key order
    assert not c.check_salted(commitment, {"pcf": "12.6", "unit": "kgCO2e/kg"}, salt)
    _, other_salt = c.new_salted_commitment("x")
    assert not c.check_salted(commitment, {"pcf": "12.5", "unit": "kgCO2e/kg"}, other_salt)


def test_pedersen_commitments_hide_equal_values_and_open_exactly():
    a, b = c.commit_value("7.25"), c.commit_value("7.25")
    assert a.commitment != b.commitment  # blinding makes equal values look different
    assert c.check_opening(a.commitment, a.value, a.blinding)
    assert not c.check_opening(a.commitment, a.value + 1, a.blinding)
    assert not c.check_opening(a.commitment, a.value, a.blinding + 1)


values = st.decimals(min_value=0, max_value=10**6, places=6, allow_nan=False)
quantities = st.decimals(min_value=0, max_value=10**4, places=6, allow_nan=False)


@settings(max_examples=40, deadline=None)
@given(inputs=st.lists(st.tuples(values, quantities), min_size=0, max_size=6), own=values)
def test_rollup_of_commitments_equals_commitment_of_the_rollup(inputs, own):
    openings = [(c.fixed_point(q, 6), c.commit_value(v)) for v, q in inputs]
    own_opening = c.commit_value(own)
    total = c.rollup_opening(openings, own_opening)
    exact = sum(Decimal(v) * Decimal(q) for v, q in inputs) + Decimal(own)
    assert Decimal(total.value).scaleb(-12) == exact
    public_terms = [(q, o.commitment) for q, o in openings]
    assert c.check_rollup(total.commitment, public_terms, own_opening.commitment)
    wrong = c.commit_value(Decimal(total.value + 1).scaleb(-12), decimals=12)
    assert not c.check_rollup(wrong.commitment, public_terms, own_opening.commitment)
    if public_terms:
        bumped = [(public_terms[0][0] + 1, public_terms[0][1]), *public_terms[1:]]
        assert (
            not c.check_rollup(total.commitment, bumped, own_opening.commitment)
            or openings[0][1].value == 0
            and openings[0][1].blinding == 0
        )


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("1.0000001", "more than 6 decimal places"),
        ("abc", "not a number"),
        ("Infinity", "not finite"),
    ],
)
def test_values_must_be_exact_fixed_point(value, message):
    with pytest.raises(c.CommitmentError, match=message):
        c.fixed_point(value, 6)


# --- Through the API ------------------------------------------------------------------------


def test_supplier_values_stay_hidden_while_the_customer_total_is_checked(
    client, session, make_member
):
    cathode, cell = make_member("supplier"), make_member("supplier")
    published = client.post(
        "/commitments",
        headers=cathode.auth,
        json={"scheme": "pedersen", "value": "18.4", "label": "NCM811 cathode, kgCO2e/kg"},
    )
    assert published.status_code == 201, published.text
    supplier = published.json()
    assert supplier["ledger_seq"] and supplier["opening"]["blinding"]
    # The supplier releases value and blinding to its customer only (a grant, out of band).
    supplier_opening = c.Opening(
        supplier["commitment"],
        int(supplier["opening"]["value"]),
        c.blinding_from(supplier["opening"]["blinding"]),
    )
    own = c.commit_value("5.125")
    own_row = client.post(
        "/commitments",
        headers=cell.auth,
        json={"scheme": "pedersen", "commitment": own.commitment, "label": "cell plant, own"},
    ).json()
    assert own_row["opening"] is None  # computed client-side: the platform never saw 5.125
    quantity = "1.85"  # kg cathode per cell: known to the cell maker and the verifier only
    total = c.rollup_opening([(c.fixed_point(quantity, 6), supplier_opening)], own)
    total_row = client.post(
        "/commitments",
        headers=cell.auth,
        json={"scheme": "pedersen", "commitment": total.commitment, "label": "cell total"},
    ).json()
    check = client.post(
        "/commitments/rollup/verify",
        json={
            "total": total_row["id"],
            "own": own_row["id"],
            "inputs": [{"commitment": supplier["id"], "quantity": quantity}],
            "total_value": str(Decimal(total.value).scaleb(-12)),
            "total_blinding": c.blinding_text(total.blinding),
        },
    )
    assert check.json() == {
        "valid": True,
        "detail": "the sum holds and the published total opens it",
    }
    lied = client.post(
        "/commitments/rollup/verify",
        json={
            "total": total_row["id"],
            "own": own_row["id"],
            "inputs": [{"commitment": supplier["id"], "quantity": "1.5"}],
        },
    )
    assert lied.json()["valid"] is False
    wrong_total = client.post(
        "/commitments/rollup/verify",
        json={
            "total": total_row["id"],
            "own": own_row["id"],
            "inputs": [{"commitment": supplier["id"], "quantity": quantity}],
            "total_value": "99.0",
            "total_blinding": c.blinding_text(total.blinding),
        },
    )
    assert wrong_total.json()["valid"] is False
    assert verify_database(session).ok


def test_salted_commitment_through_the_api(client, make_member):
    member = make_member("supplier")
    made = client.post(
        "/commitments", headers=member.auth, json={"scheme": "sha256", "value": {"pcf": "3.2"}}
    ).json()
    ok = client.post(
        "/commitments/verify",
        json={
            "scheme": "sha256",
            "commitment": made["id"],
            "value": {"pcf": "3.2"},
            "salt": made["opening"]["salt"],
        },
    )
    assert ok.json()["valid"] is True
    public = client.get(f"/commitments/{made['id']}").json()
    assert public["opening"] is None and public["ledger_seq"] == made["ledger_seq"]


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"scheme": "pedersen", "commitment": "_" * 43}, 422),
        ({"scheme": "pedersen", "value": "1.0000001"}, 422),
        ({"scheme": "sha256", "commitment": "xyz" * 20}, 422),
        ({"scheme": "pedersen"}, 422),
        ({"scheme": "pedersen", "value": "1", "commitment": "A" * 43}, 422),
        ({"scheme": "rsa", "value": "1"}, 422),
    ],
)
def test_bad_commitments_are_refused_and_nothing_is_stored(
    client, session, make_member, body, status
):
    member = make_member("supplier")
    from sqlalchemy import func, select

    from junkan.ledger.models import Commitment, LedgerEntry

    before = session.scalar(select(func.count()).select_from(LedgerEntry))
    response = client.post("/commitments", headers=member.auth, json=body)
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(LedgerEntry)) == before
    assert session.scalar(select(func.count()).select_from(Commitment)) == 0
