"""Managing a participant's web users through the API (the participant or the operator)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, status

from junkan.deps import SessionDep, require_self_or_operator
from junkan.identity import service as identity
from junkan.identity.service import Caller
from junkan.users import schemas, service

router = APIRouter(tags=["users"])
SelfOrOperatorDep = Annotated[Caller, Depends(require_self_or_operator)]


@router.post(
    "/participants/{participant_id}/users",
    status_code=status.HTTP_201_CREATED,
    response_model=schemas.UserOut,
)
def create_user(
    participant_id: str, data: schemas.UserIn, session: SessionDep, caller: SelfOrOperatorDep
):
    """A person who signs in to the web pages for this participant, with its roles."""
    participant = identity.get_participant(session, participant_id)
    return service.create_user(session, participant, data)


@router.get("/participants/{participant_id}/users", response_model=schemas.UserList)
def list_users(participant_id: str, session: SessionDep, caller: SelfOrOperatorDep):
    identity.get_participant(session, participant_id)
    return {"data": service.list_users(session, participant_id)}
