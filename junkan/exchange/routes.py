"""Grants API, and commitment openings released through grants."""

from __future__ import annotations

from fastapi import APIRouter, status

from junkan.deps import ParticipantCallerDep, SessionDep
from junkan.exchange import schemas, service

router = APIRouter(tags=["grants"])


@router.post("/grants", status_code=status.HTTP_201_CREATED, response_model=schemas.GrantOut)
def create_grant(data: schemas.GrantIn, session: SessionDep, caller: ParticipantCallerDep):
    """Let one partner read one of your records (or a class of them) for a purpose, until a date."""
    return service.create_grant(
        session, caller, data.grantee, data.subject, data.purpose, data.valid_until
    )


@router.get("/grants", response_model=schemas.GrantList)
def list_grants(session: SessionDep, caller: ParticipantCallerDep):
    """Grants you gave and grants you received."""
    return {"data": service.grants_for(session, caller.participant_id)}


@router.delete("/grants/{grant_id}", response_model=schemas.GrantOut)
def revoke_grant(grant_id: str, session: SessionDep, caller: ParticipantCallerDep):
    return service.revoke_grant(session, caller.participant_id, grant_id)


@router.get("/grants/{grant_id}/reads", response_model=schemas.ReadList)
def grant_reads(grant_id: str, session: SessionDep, caller: ParticipantCallerDep):
    """Every read made under your grant, from the ledger."""
    return {"data": service.reads_of(session, caller.participant_id, grant_id)}


@router.put("/commitments/{commitment_id}/opening", status_code=status.HTTP_201_CREATED)
def deposit_opening(
    commitment_id: str, data: schemas.OpeningIn, session: SessionDep, caller: ParticipantCallerDep
):
    """Deposit the opening of your commitment (checked, sealed at rest) for your grantees."""
    stored = service.deposit_opening(
        session, caller, commitment_id, data.value, data.salt, data.blinding
    )
    return {"commitment_id": stored.commitment_id, "digest": stored.digest}


@router.get("/commitments/{commitment_id}/opening", response_model=schemas.OpeningRead)
def read_opening(commitment_id: str, session: SessionDep, caller: ParticipantCallerDep):
    """The opening, for the owner and its grantees only; each grantee read is logged."""
    return service.read_opening(session, caller, commitment_id)
