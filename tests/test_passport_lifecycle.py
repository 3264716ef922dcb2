"""The passport lifecycle of Art. 77: repair, reuse, repurposing and remanufacturing (a new
passport linked to its predecessor), waste, recycling (closed), and the transitions refused."""

import pytest
from test_passports import NMC811, _counts

from junkan.ledger.verify import verify_database


def _passport(client, carmaker, battery_id="urn:junkan:battery:L1"):
    return client.post(
        "/passports", headers=carmaker.auth, json={"battery_id": battery_id, "data": NMC811}
    ).json()


def _act(client, member, passport_id, action, **body):
    return client.post(
        f"/passports/{passport_id}/lifecycle/{action}", headers=member.auth, json=body or None
    )


def _status(client, carmaker_or_entitled, passport_id):
    return client.get(f"/passports/{passport_id}", headers=carmaker_or_entitled.auth).json()[
        "data"
    ]["battery_status"]


def test_repair_updates_the_same_passport(client, carmaker, make_member):
    passport = _passport(client, carmaker)
    repairer = make_member("repairer")
    repaired = _act(
        client,
        repairer,
        passport["id"],
        "repair",
        note="module 3 replaced",
        data={"component_part_numbers": ["MOD-3-B"]},
    )
    assert repaired.status_code == 200, repaired.text
    assert repaired.json()["id"] == passport["id"] and repaired.json()["version"] == 2
    history = client.get(f"/passports/{passport['id']}/versions").json()["data"]
    assert history[-1]["change"] == "repair: module 3 replaced"


def test_repurposing_creates_a_linked_passport_for_the_new_operator(client, carmaker, make_member):
    original = _passport(client, carmaker)
    second_life = make_member("second_life_operator", "economic_operator")
    response = _act(
        client,
        second_life,
        original["id"],
        "repurpose",
        data={"battery_category": "stationary", "battery_model": "2nd-life ESS 60"},
    )
    assert response.status_code == 200, response.text
    successor = response.json()
    assert successor["id"] != original["id"]
    assert successor["predecessor_id"] == original["id"]
    assert successor["operator"]["id"] == second_life.id
    assert successor["data"]["battery_status"] == "repurposed"
    assert successor["data"]["battery_category"] == "stationary"
    old = client.get(f"/passports/{original['id']}", headers=carmaker.auth).json()
    assert old["successor_id"] == successor["id"]
    resolved = client.get("/id/urn:junkan:battery:L1", headers={"Accept": "application/json"})
    assert resolved.json()["id"] == successor["id"]  # the resolver follows to the live one
    changed = client.patch(
        f"/passports/{original['id']}", headers=carmaker.auth, json={"data": {"battery_mass": 1.0}}
    )
    assert changed.status_code == 409


def test_waste_transfers_responsibility_and_recycling_closes(
    client, session, carmaker, make_member
):
    passport = _passport(client, carmaker)
    recycler = make_member("recycler")
    waste = _act(client, carmaker, passport["id"], "waste", responsible=recycler.id)
    assert waste.status_code == 200, waste.text
    assert waste.json()["operator"]["id"] == recycler.id
    assert _act(client, carmaker, passport["id"], "reuse").status_code in (403, 409)
    closed = _act(client, recycler, passport["id"], "recycled")
    assert closed.status_code == 200 and closed.json()["closed"] is True
    still_there = client.get(f"/passports/{passport['id']}")
    assert still_there.status_code == 200 and still_there.json()["closed"] is True
    again = _act(client, recycler, passport["id"], "repair")
    assert again.status_code == 409 and "closed" in again.json()["detail"]
    assert verify_database(session).ok


@pytest.mark.parametrize(
    ("setup", "action", "role", "status"),
    [
        ([], "recycled", "recycler", 409),  # only waste can be recycled
        ([], "remanufacture", "repairer", 403),  # remanufacturers only
        ([], "explode", "recycler", 422),
        ([("waste", "recycler")], "reuse", "second_life_operator", 409),  # waste is not re-usable
        ([], "waste", None, 422),  # waste needs the responsible party
        ([], "repair", "supplier", 403),
    ],
)
def test_invalid_transitions_are_refused_and_change_nothing(
    client, session, carmaker, make_member, setup, action, role, status
):
    passport = _passport(client, carmaker)
    recycler = make_member("recycler")
    for step, _ in setup:
        assert (
            _act(client, carmaker, passport["id"], step, responsible=recycler.id).status_code == 200
        )
    member = make_member(role) if role else carmaker
    before = _counts(session)
    response = _act(client, member, passport["id"], action)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert _counts(session) == before


# --- Bulk import -------------------------------------------------------------------------------
