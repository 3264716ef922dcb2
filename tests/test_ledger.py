"""The signed ledger: entries, keys, tree heads, proofs, and client-side signatures."""

import base64
import hashlib
from datetime import datetime

import pytest
import rfc8785
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from junkan.identity import schemas, service
from junkan.ledger import merkle
from junkan.ledger.keys import verify
from junkan.ledger.models import LedgerEntry, SigningKey
from junkan.ledger.service import (
    batch_message,
    flat_canonical,
    payload_digest,
    record,
    record_many,
    statement,
    tree_head_message,
)
from junkan.ledger.verify import verify_database

COBALT = {
    "name": "Kokkola Cobalt Refining Oy",
    "country": "FI",
    "roles": ["supplier"],
    "identifiers": [{"scheme": "bpnl", "value": "BPNL00000003B2OM"}],
}


def _entries(session):
    session.expire_all()
    return session.scalars(select(LedgerEntry).order_by(LedgerEntry.seq)).all()


def _hex(values):
    return [bytes.fromhex(v) for v in values]


def test_a_write_leaves_a_signed_entry_over_the_stored_record(client, session, operator):
    before = len(_entries(session))
    created = client.post("/participants", json=COBALT, headers=operator.auth).json()
    entries = _entries(session)[before:]
    kinds = [(e.actor, e.kind, e.subject) for e in entries]
    # The operator's first write also records the custodial key made to sign it.
    assert kinds[-1] == (operator.id, "participant.created", f"participant:{created['id']}")
    assert kinds[0][1] == "key.created"
    entry = entries[-1]
    participant = service.get_participant(session, created["id"])
    assert entry.payload_sha256 == payload_digest(service.participant_snapshot(participant))
    key = session.get(SigningKey, entry.key_id)
    assert (key.custody, key.participant_id, entry.signer) == (
        "custodial",
        operator.id,
        "custodial",
    )
    batch = [e for e in entries if e.signed_from == entry.signed_from]
    assert len(batch) == entry.signed_count
    assert verify(key.public_key, entry.signature, batch_message(statement(e) for e in batch))


def test_sequence_numbers_are_dense_even_after_refused_writes(client, session, operator):
    assert client.post("/participants", json=COBALT, headers=operator.auth).status_code == 201
    assert client.post("/participants", json=COBALT, headers=operator.auth).status_code == 409
    other = COBALT | {"identifiers": [{"scheme": "bpnl", "value": "BPNL00000003CML1"}]}
    assert client.post("/participants", json=other, headers=operator.auth).status_code == 201
    seqs = [e.seq for e in _entries(session)]
    assert seqs == list(range(1, len(seqs) + 1))


def test_an_entry_rolls_back_with_its_write(session):
    count = len(_entries(session))
    record(session, actor="test", kind="test.kind", subject="test:1", payload={"a": 1})
    session.rollback()
    assert len(_entries(session)) == count


def test_a_batch_shares_one_signature(session):
    entries = record_many(
        session, actor="platform", items=[("test.kind", f"test:{i}", {"i": i}) for i in range(5)]
    )
    session.commit()
    assert len({e.signature for e in entries}) == 1
    assert verify_database(session).ok


@pytest.mark.parametrize(
    ("table", "statement_"),
    [
        ("ledger_entries", "UPDATE ledger_entries SET actor = 'mallory'"),
        ("ledger_entries", "DELETE FROM ledger_entries"),
        ("ledger_nodes", "UPDATE ledger_nodes SET hash = hash"),
        ("ledger_nodes", "DELETE FROM ledger_nodes"),
        ("ledger_tree_heads", "DELETE FROM ledger_tree_heads"),
    ],
)
def test_the_database_refuses_to_change_or_remove_ledger_rows(
    client, session, make_member, table, statement_
):
    make_member("supplier")
    client.get("/ledger/sth")
    count = session.scalar(text(f"SELECT count(*) FROM {table}"))
    assert count > 0
    with pytest.raises(DBAPIError, match="append-only"):
        session.execute(text(statement_))
    session.rollback()
    assert session.scalar(text(f"SELECT count(*) FROM {table}")) == count


ascii_keys = st.text(alphabet=st.characters(codec="ascii"), min_size=1, max_size=8)
values = st.one_of(st.text(), st.integers(-(2**53) + 1, 2**53 - 1), st.none())


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.dictionaries(ascii_keys, values, max_size=8))
def test_flat_canonical_json_is_rfc8785(fields):
    try:
        expected = rfc8785.dumps(fields)
    except rfc8785.CanonicalizationError:
        return  # lone surrogates are not JSON; the ledger never writes them
    assert flat_canonical(fields) == expected


# --- Tree heads and proofs through the API --------------------------------------------------------


def test_inclusion_proof_verifies_against_the_signed_tree_head(client, operator, make_member):
    for _ in range(4):
        make_member("supplier")
    sth = client.get("/ledger/sth").json()
    keys = {k["key_id"]: k for k in client.get("/ledger/keys").json()["data"]}
    platform = keys[sth["key_id"]]
    assert platform["custody"] == "platform"
    signed = tree_head_message(
        sth["tree_size"], sth["root_hash"], datetime.fromisoformat(sth["timestamp"])
    )
    assert verify(platform["public_key"], sth["signature"], signed)
    for seq in (1, sth["tree_size"] // 2, sth["tree_size"]):
        body = client.get(f"/ledger/entries/{seq}", headers=operator.auth).json()
        proof = body["proof"]
        leaf = merkle.leaf_hash(body["leaf_data"].encode())
        assert leaf.hex() == proof["leaf_hash"]
        assert proof["tree_head"]["root_hash"] == sth["root_hash"]
        assert merkle.verify_inclusion(
            seq - 1,
            proof["tree_size"],
            leaf,
            _hex(proof["hashes"]),
            bytes.fromhex(sth["root_hash"]),
        )


def test_consistency_between_two_signed_heads(client, operator, make_member):
    make_member("supplier")
    old = client.get("/ledger/sth").json()
    for _ in range(3):
        make_member("recycler")
    new = client.get("/ledger/sth").json()
    assert new["tree_size"] > old["tree_size"]
    proof = client.get(
        "/ledger/consistency", params={"first": old["tree_size"], "second": new["tree_size"]}
    ).json()
    assert proof["first_root"] == old["root_hash"] and proof["second_root"] == new["root_hash"]
    assert merkle.verify_consistency(
        old["tree_size"],
        new["tree_size"],
        bytes.fromhex(old["root_hash"]),
        bytes.fromhex(new["root_hash"]),
        _hex(proof["hashes"]),
    )


def test_proof_requests_past_the_tree_are_clear_errors(client, operator):
    size = client.get("/ledger/sth").json()["tree_size"]
    past = client.get("/ledger/entries/1", params={"tree_size": size + 5}, headers=operator.auth)
    assert past.status_code == 422 and "exceeds" in past.json()["detail"]
    missing = client.get(f"/ledger/entries/{size + 1}", headers=operator.auth)
    assert missing.status_code == 404
    backwards = client.get("/ledger/consistency", params={"first": size, "second": size + 9})
    assert backwards.status_code == 422
    assert client.get("/ledger/entries/1").status_code == 401


# --- Keys: rotation and participants' own keys ----------------------------------------------


def test_rotation_keeps_old_entries_verifiable(client, session, make_member):
    member = make_member("supplier")
    client.post(
        f"/participants/{member.id}/sites",
        headers=member.auth,
        json={"name": "Old key plant", "country": "FI"},
    )
    old_key = session.scalar(select(SigningKey).where(SigningKey.participant_id == member.id))
    rotated = client.post("/ledger/keys/rotate", headers=member.auth)
    assert rotated.status_code == 201 and rotated.json()["key_id"] != old_key.key_id
    client.post(
        f"/participants/{member.id}/sites",
        headers=member.auth,
        json={"name": "New key plant", "country": "FI"},
    )
    signers = [
        e.key_id for e in _entries(session) if e.actor == member.id and e.kind == "site.created"
    ]
    assert signers == [old_key.key_id, rotated.json()["key_id"]]
    report = verify_database(session)
    assert report.ok, report.findings


def _own_key():
    private = Ed25519PrivateKey.generate()
    raw = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return private, base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _signed(private, key_id, body: bytes, auth):
    message = b"junkan-request-v1\n" + hashlib.sha256(body).digest()
    signature = base64.urlsafe_b64encode(private.sign(message)).rstrip(b"=").decode()
    return {
        **auth,
        "Content-Type": "application/json",
        "Junkan-Signature": f'keyId="{key_id}", signature="{signature}"',
    }


def test_a_participant_signs_its_own_writes(client, session, make_member):
    member = make_member("supplier")
    private, public = _own_key()
    key = client.post("/ledger/keys", json={"public_key": public}, headers=member.auth).json()
    body = b'{"name": "Self-signed plant", "country": "JP"}'
    response = client.post(
        f"/participants/{member.id}/sites",
        content=body,
        headers=_signed(private, key["key_id"], body, member.auth),
    )
    assert response.status_code == 201, response.text
    entry = _entries(session)[-1]
    assert (entry.signer, entry.key_id) == ("participant", key["key_id"])
    assert entry.request_sha256 == hashlib.sha256(body).hexdigest()
    assert verify_database(session).ok


def test_bad_or_revoked_signatures_store_nothing(client, session, make_member):
    member, other = make_member("supplier"), make_member("supplier")
    private, public = _own_key()
    key_id = client.post("/ledger/keys", json={"public_key": public}, headers=member.auth).json()[
        "key_id"
    ]
    body = b'{"name": "Plant", "country": "JP"}'
    count = session.scalar(select(func.count()).select_from(LedgerEntry))

    tampered = _signed(private, key_id, body, member.auth)
    bad = client.post(
        f"/participants/{member.id}/sites", content=body.replace(b"JP", b"DE"), headers=tampered
    )
    assert bad.status_code == 401 and bad.json()["code"] == "BadSignature"
    foreign = client.post(
        f"/participants/{other.id}/sites",
        content=body,
        headers=_signed(private, key_id, body, other.auth),
    )
    assert foreign.status_code == 403
    malformed = client.post(
        f"/participants/{member.id}/sites",
        content=body,
        headers={**member.auth, "Content-Type": "application/json", "Junkan-Signature": "nonsense"},
    )
    assert malformed.status_code == 422
    assert client.delete(f"/ledger/keys/{key_id}", headers=member.auth).status_code == 200
    session.expire_all()
    count_after_revoke = session.scalar(select(func.count()).select_from(LedgerEntry))
    assert count_after_revoke == count + 1  # the revocation itself
    revoked = client.post(
        f"/participants/{member.id}/sites",
        content=body,
        headers=_signed(private, key_id, body, member.auth),
    )
    assert revoked.status_code == 403 and "revoked" in revoked.json()["detail"]
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(LedgerEntry)) == count_after_revoke
    assert [
        s["name"]
        for s in client.get(f"/participants/{member.id}", headers=member.auth).json()["sites"]
    ] == []


def test_a_malformed_public_key_is_refused(client, make_member):
    member = make_member("supplier")
    response = client.post("/ledger/keys", json={"public_key": "@" * 43}, headers=member.auth)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] in ("public_key",)


def test_participant_snapshot_in_the_ledger_matches_the_stored_state(session):
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


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(
    texts=st.lists(st.text(), min_size=6, max_size=6),
    numbers=st.lists(st.integers(0, 2**53 - 1), min_size=3, max_size=3),
    with_request=st.booleans(),
)
def test_hand_written_statements_are_the_canonical_json(texts, numbers, with_request):
    from junkan.ledger.service import Entry, leaf_data

    try:
        rfc8785.dumps(texts)
    except rfc8785.CanonicalizationError:
        return
    entry = Entry(
        numbers[0],
        datetime(2026, 1, 2, 3, 4, 5, 6789),
        texts[0],
        texts[1],
        texts[2],
        texts[3],
        texts[4],
        "custodial",
        texts[5],
        numbers[1],
        numbers[2],
        "ab" * 32 if with_request else None,
    )
    fields = {
        "seq": entry.seq,
        "time": "2026-01-02T03:04:05.006789Z",
        "actor": entry.actor,
        "kind": entry.kind,
        "subject": entry.subject,
        "payload_sha256": entry.payload_sha256,
    }
    assert statement(entry, "2026-01-02T03:04:05.006789Z") == flat_canonical(fields)
    fields |= {
        "key_id": entry.key_id,
        "signer": entry.signer,
        "signature": entry.signature,
        "signed_from": entry.signed_from,
        "signed_count": entry.signed_count,
    }
    if with_request:
        fields["request_sha256"] = entry.request_sha256
    assert leaf_data(entry, "2026-01-02T03:04:05.006789Z") == rfc8785.dumps(fields)


def test_a_record_read_with_proof_true_verifies_end_to_end(client, session, operator):
    created = client.post("/participants", json=COBALT, headers=operator.auth).json()
    body = client.get(
        f"/participants/{created['id']}", params={"proof": "true"}, headers=operator.auth
    ).json()
    ledger = body.pop("ledger")
    snapshot = service.participant_snapshot(service.get_participant(session, created["id"]))
    entry = ledger["entry"]
    assert entry["subject"] == f"participant:{created['id']}"
    assert entry["payload_sha256"] == payload_digest(snapshot)
    proof = ledger["proof"]
    leaf = merkle.leaf_hash(ledger["leaf_data"].encode())
    assert merkle.verify_inclusion(
        proof["leaf_index"],
        proof["tree_size"],
        leaf,
        _hex(proof["hashes"]),
        bytes.fromhex(proof["tree_head"]["root_hash"]),
    )
    plain = client.get(f"/participants/{created['id']}", headers=operator.auth).json()
    assert plain["ledger"] is None
