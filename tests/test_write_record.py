"""The write record: one append-only entry per write, in the write's own transaction."""

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from junkan.identity import schemas, service
from junkan.ledger.models import LedgerEntry
from junkan.ledger.service import canonical_json, payload_digest, record


def _entries(session):
    session.expire_all()
    return session.scalars(select(LedgerEntry).order_by(LedgerEntry.seq)).all()


def test_each_write_leaves_one_entry_with_actor_kind_subject_and_payload_hash(
    client, session, operator
):
    before = len(_entries(session))
    created = client.post(
        "/participants",
        headers=operator.auth,
        json={
            "name": "Kokkola Cobalt Refining Oy",
            "country": "FI",
            "roles": ["supplier"],
            "identifiers": [{"scheme": "bpnl", "value": "BPNL00000003B2OM"}],
        },
    ).json()
    entries = _entries(session)[before:]
    assert [(e.actor, e.kind, e.subject) for e in entries] == [
        (operator.id, "participant.created", f"participant:{created['id']}")
    ]
    assert entries[0].payload_sha256 == payload_digest(created)
    assert entries[0].time.tzinfo is not None


def test_sequence_numbers_are_dense_and_ordered(session, make_member):
    for _ in range(3):
        make_member("supplier")
    seqs = [e.seq for e in _entries(session)]
    assert seqs == list(range(1, len(seqs) + 1))


def test_a_refused_write_leaves_no_entry_and_no_gap(client, session, operator):
    before = _entries(session)
    body = {
        "name": "Dup",
        "roles": ["supplier"],
        "identifiers": [{"scheme": "bpnl", "value": "BPNL00000003B2OM"}],
    }
    assert client.post("/participants", json=body, headers=operator.auth).status_code == 201
    assert client.post("/participants", json=body, headers=operator.auth).status_code == 409
    body["identifiers"] = [{"scheme": "bpnl", "value": "BPNL00000003CML1"}]
    assert client.post("/participants", json=body, headers=operator.auth).status_code == 201
    seqs = [e.seq for e in _entries(session)]
    assert len(seqs) == len(before) + 2
    assert seqs == list(range(1, len(seqs) + 1))


def test_an_entry_rolls_back_with_its_write(session):
    data = schemas.ParticipantIn.model_validate({"name": "Ghost", "roles": ["supplier"]})
    count = len(_entries(session))
    record(session, actor="test", kind="test.kind", subject="test:1", payload=data.model_dump())
    session.rollback()
    assert len(_entries(session)) == count


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE ledger_entries SET actor = 'mallory'",
        "DELETE FROM ledger_entries",
    ],
)
def test_the_database_refuses_to_change_or_remove_entries(session, make_member, statement):
    make_member("supplier")
    before = [(e.seq, e.actor, e.payload_sha256) for e in _entries(session)]
    with pytest.raises(DBAPIError, match="append-only"):
        session.execute(text(statement))
    session.rollback()
    assert [(e.seq, e.actor, e.payload_sha256) for e in _entries(session)] == before


def test_payload_hash_is_over_rfc8785_canonical_json():
    # Key order and number spelling must not change the hash.
    assert canonical_json({"b": 1.0, "a": [1, "x"]}) == b'{"a":[1,"x"],"b":1}'
    assert payload_digest({"b": 1, "a": 2}) == payload_digest({"a": 2, "b": 1})


def test_participant_snapshot_in_the_record_matches_the_stored_state(session):
    data = schemas.ParticipantIn.model_validate(
        {
            "name": "Snap",
            "roles": ["recycler"],
            "identifiers": [{"scheme": "gln", "value": "4012345000009"}],
        }
    )
    participant = service.create_participant(session, data, actor="test")
    [entry] = [e for e in _entries(session) if e.subject == f"participant:{participant.id}"]
    assert entry.payload_sha256 == payload_digest(service.participant_snapshot(participant))
