"""Ledger API: signed tree heads, entries with inclusion proofs, consistency proofs, keys."""

from __future__ import annotations

import hashlib
import re
from typing import Annotated

from fastapi import APIRouter, Query, Request, status
from fastapi.responses import StreamingResponse

from junkan.deps import ParticipantCallerDep, SessionDep
from junkan.errors import Forbidden, InvalidInput, Unauthorized
from junkan.identity.service import TokenRejected, caller_for_token
from junkan.ledger import commitments, proofs, schemas, service
from junkan.ledger.keys import verify
from junkan.ledger.models import SigningKey
from junkan.ledger.verify import export_lines

router = APIRouter(prefix="/ledger", tags=["ledger"])

SIGNATURE_HEADER = "Junkan-Signature"
_SIGNATURE = re.compile(r'\s*keyId="(?P<key>[^"]+)"\s*,\s*signature="(?P<sig>[A-Za-z0-9_-]+)"\s*')


@router.get("/sth", response_model=schemas.TreeHeadOut)
def signed_tree_head(session: SessionDep):
    """The newest signed tree head: anyone can pin it and later ask for consistency."""
    return proofs.signed_tree_head(session)


@router.get("/keys", response_model=schemas.KeyList)
def list_keys(session: SessionDep, participant_id: str | None = None):
    """Every public key that has signed entries or tree heads, with its custody and status."""
    return {"data": service.list_keys(session, participant_id)}


@router.get("/entries/{seq}", response_model=schemas.EntryWithProof)
def get_entry(
    seq: int,
    session: SessionDep,
    caller: ParticipantCallerDep,
    tree_size: Annotated[int | None, Query(ge=1, description="Default: the newest STH")] = None,
):
    """An entry with its inclusion proof against the newest (or a given) tree size."""
    return proofs.entry_with_proof(session, seq, tree_size)


@router.get("/consistency", response_model=schemas.ConsistencyProof)
def consistency(
    session: SessionDep, first: Annotated[int, Query(ge=1)], second: Annotated[int, Query(ge=1)]
):
    """RFC 9162 consistency proof: the tree of size `first` is a prefix of size `second`."""
    proof = proofs.consistency_proof(session, first, second)
    return {
        "first": first,
        "second": second,
        "first_root": proofs.root_at(session, first).hex(),
        "second_root": proofs.root_at(session, second).hex(),
        "hashes": [h.hex() for h in proof],
    }


@router.get("/export")
def export(session: SessionDep, caller: ParticipantCallerDep):
    """The whole ledger as JSON lines, for `junkan verify --file` by a third party."""
    return StreamingResponse(
        export_lines(session),
        media_type="application/x-ndjson",
        headers={"Content-Disposition": 'attachment; filename="ledger.jsonl"'},
    )


@router.post("/keys", status_code=status.HTTP_201_CREATED, response_model=schemas.KeyOut)
def register_key(data: schemas.KeyIn, session: SessionDep, caller: ParticipantCallerDep):
    """Register your own Ed25519 key; sign writes with it in the Junkan-Signature header."""
    return service.register_participant_key(session, caller.participant_id, data.public_key)


@router.delete("/keys/{key_id}", response_model=schemas.KeyOut)
def revoke_key(key_id: str, session: SessionDep, caller: ParticipantCallerDep):
    return service.revoke_key(session, caller.participant_id, key_id)


@router.post("/keys/rotate", status_code=status.HTTP_201_CREATED, response_model=schemas.KeyOut)
def rotate_key(session: SessionDep, caller: ParticipantCallerDep):
    """Retire your custodial key and start signing with a new one."""
    return service.rotate_custodial_key(session, caller.participant_id)


async def attest_request(request: Request, session: SessionDep) -> None:
    """Checks a client-side signature over the request body and hands it to the ledger.

    Header: `Junkan-Signature: keyId="<key id>", signature="<base64url Ed25519>"`, the
    signature taken over b"junkan-request-v1\\n" + SHA-256(body).
    """
    header = request.headers.get(SIGNATURE_HEADER)
    if header is None:
        return
    match = _SIGNATURE.fullmatch(header)
    if match is None:
        raise InvalidInput(
            f'{SIGNATURE_HEADER} must read keyId="…", signature="…"',
            errors=[{"field": SIGNATURE_HEADER, "message": "malformed"}],
        )
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise Unauthorized("A signed request also needs a bearer token.")
    try:
        caller = caller_for_token(session, token.strip())
    except TokenRejected as exc:
        raise Unauthorized(exc.reason) from exc
    key = session.get(SigningKey, match["key"])
    if key is None or key.custody != "participant" or key.participant_id != caller.participant_id:
        raise Forbidden(f"{match['key']} is not a registered key of the caller.")
    if key.revoked_at is not None:
        raise Forbidden(f"{match['key']} was revoked; register a new key.")
    digest = hashlib.sha256(await request.body()).hexdigest()
    if not verify(key.public_key, match["sig"], service.request_message(digest)):
        raise Unauthorized(
            "The request signature does not verify against the body.", code="BadSignature"
        )
    session.info["attestation"] = service.Attestation(
        key_id=key.key_id,
        participant_id=caller.participant_id,
        request_sha256=digest,
        signature=match["sig"],
    )


# --- Commitments ---------------------------------------------------------------------------------

commitments_router = APIRouter(prefix="/commitments", tags=["commitments"])


def _commitment_problem(exc: commitments.CommitmentError, field: str) -> InvalidInput:
    return InvalidInput(str(exc), errors=[{"field": field, "message": str(exc)}])


@commitments_router.post(
    "", status_code=status.HTTP_201_CREATED, response_model=schemas.CommitmentOut
)
def publish_commitment(
    data: schemas.CommitmentIn, session: SessionDep, caller: ParticipantCallerDep
):
    """Publish a commitment in the ledger. Send `value` and get the opening back once (it is
    not stored), or compute the commitment yourself and send only `commitment`."""
    try:
        row, seq, opening = commitments.publish(
            session, caller.participant_id, data.scheme, data.commitment, data.value, data.label
        )
    except commitments.CommitmentError as exc:
        raise _commitment_problem(exc, "commitment" if data.commitment else "value") from exc
    return {
        **schemas.CommitmentOut.model_validate(row).model_dump(),
        "ledger_seq": seq,
        "opening": opening,
    }


@commitments_router.get("/{commitment_id}", response_model=schemas.CommitmentOut)
def get_commitment(commitment_id: str, session: SessionDep, proof: bool = False):
    """A published commitment and the ledger entry that published it (public: it hides)."""
    row = commitments.get_commitment(session, commitment_id)
    entry = proofs.latest_entry(session, f"commitment:{commitment_id}")
    return {
        **schemas.CommitmentOut.model_validate(row).model_dump(),
        "ledger_seq": entry.seq if entry else None,
        "ledger": proofs.entry_with_proof(session, entry.seq) if proof and entry else None,
    }


@commitments_router.post("/verify", response_model=schemas.CheckOut)
def verify_opening(data: schemas.OpeningCheckIn, session: SessionDep):
    """Check that a value (with its salt or blinding) opens a commitment. Nothing is stored."""
    try:
        commitment = commitments.resolve(session, data.commitment)
        if data.scheme == "sha256":
            if data.salt is None:
                raise commitments.CommitmentError("a sha256 opening needs the salt")
            valid = commitments.check_salted(commitment, data.value, data.salt)
        else:
            if data.blinding is None:
                raise commitments.CommitmentError("a pedersen opening needs the blinding")
            value = commitments.fixed_point(data.value, 0, "value (fixed-point integer)")
            valid = commitments.check_opening(
                commitment, value, commitments.blinding_from(data.blinding)
            )
    except commitments.CommitmentError as exc:
        raise _commitment_problem(exc, "commitment") from exc
    return {
        "valid": valid,
        "detail": "the value opens the commitment"
        if valid
        else "the value does not open the commitment",
    }


@commitments_router.post("/rollup/verify", response_model=schemas.CheckOut)
def verify_rollup(data: schemas.RollupCheckIn, session: SessionDep):
    """Check C_total == Σ quantity·C_input + 10^6·C_own, and optionally that the published
    total opens C_total, without learning any input value."""
    try:
        terms = [
            (
                commitments.fixed_point(
                    t.quantity, commitments.QUANTITY_DECIMALS, f"inputs[{i}].quantity"
                ),
                commitments.resolve(session, t.commitment),
            )
            for i, t in enumerate(data.inputs)
        ]
        own = commitments.resolve(session, data.own) if data.own else None
        total = commitments.resolve(session, data.total)
        if not commitments.check_rollup(total, terms, own):
            return {
                "valid": False,
                "detail": "the total commitment is not the weighted sum of "
                "the inputs plus own emissions",
            }
        if data.total_value is not None:
            if data.total_blinding is None:
                raise commitments.CommitmentError("total_value needs total_blinding")
            value = commitments.fixed_point(
                data.total_value,
                commitments.VALUE_DECIMALS + commitments.QUANTITY_DECIMALS,
                "total_value",
            )
            if not commitments.check_opening(
                total, value, commitments.blinding_from(data.total_blinding)
            ):
                return {
                    "valid": False,
                    "detail": "the sum holds, but the published total does "
                    "not open the total commitment",
                }
            return {"valid": True, "detail": "the sum holds and the published total opens it"}
    except commitments.CommitmentError as exc:
        raise _commitment_problem(exc, "inputs") from exc
    return {
        "valid": True,
        "detail": "the total commitment is the weighted sum of the inputs plus own emissions",
    }
