"""Identity API: participants, identifiers, sites, client credentials, OAuth2 tokens."""

from __future__ import annotations

import base64
import binascii
from typing import Annotated
from urllib.parse import unquote

from fastapi import APIRouter, Depends, Form, Query, Request, status
from fastapi.responses import JSONResponse

from junkan.deps import (
    CallerDep,
    ParticipantCallerDep,
    SessionDep,
    SettingsDep,
    require_roles,
    require_self_or_operator,
)
from junkan.errors import problem_type
from junkan.identity import schemas, service
from junkan.identity.identifiers import Scheme
from junkan.identity.models import Role
from junkan.ledger.proofs import proof_of

router = APIRouter(tags=["identity"])
auth_router = APIRouter(tags=["auth"])

OperatorDep = Annotated[service.Caller, Depends(require_roles(Role.PLATFORM_OPERATOR))]
SelfOrOperatorDep = Annotated[service.Caller, Depends(require_self_or_operator)]


@router.post(
    "/participants", status_code=status.HTTP_201_CREATED, response_model=schemas.ParticipantOut
)
def create_participant(data: schemas.ParticipantIn, session: SessionDep, caller: OperatorDep):
    """Onboard a legal entity (platform operator only)."""
    return service.create_participant(session, data, actor=caller.actor)


@router.get("/participants", response_model=schemas.ParticipantList)
def list_participants(
    session: SessionDep,
    caller: ParticipantCallerDep,
    role: Role | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
):
    return {"data": service.list_participants(session, role, limit, offset)}


@router.get("/participants/lookup", response_model=schemas.LookupList)
def lookup_participant(
    session: SessionDep,
    caller: ParticipantCallerDep,
    id: Annotated[str, Query(min_length=1, max_length=255, description="Any identifier")],
    scheme: Scheme | None = None,
):
    """Find the participant (and site) behind any of its identifiers."""
    return {
        "data": [
            {"scheme": m.scheme, "value": m.value, "participant": m.participant, "site": m.site}
            for m in service.lookup(session, id, scheme)
        ]
    }


@router.get("/participants/{participant_id}", response_model=schemas.ParticipantOut)
def get_participant(
    participant_id: str, session: SessionDep, caller: ParticipantCallerDep, proof: bool = False
):
    """A participant; with `proof=true`, also its ledger entry and inclusion proof."""
    participant = service.get_participant(session, participant_id)
    if not proof:
        return participant
    return {
        **schemas.ParticipantOut.model_validate(participant).model_dump(),
        "ledger": proof_of(session, f"participant:{participant_id}"),
    }


@router.post(
    "/participants/{participant_id}/identifiers",
    status_code=status.HTTP_201_CREATED,
    response_model=schemas.IdentifierOut,
)
def add_identifier(
    participant_id: str, data: schemas.IdentifierIn, session: SessionDep, caller: SelfOrOperatorDep
):
    participant = service.get_participant(session, participant_id)
    return service.add_identifier(session, participant, data, actor=caller.actor)


@router.post(
    "/participants/{participant_id}/sites",
    status_code=status.HTTP_201_CREATED,
    response_model=schemas.SiteOut,
)
def add_site(
    participant_id: str, data: schemas.SiteIn, session: SessionDep, caller: SelfOrOperatorDep
):
    participant = service.get_participant(session, participant_id)
    return service.add_site(session, participant, data, actor=caller.actor)


@router.get("/participants/{participant_id}/clients", response_model=schemas.ClientList)
def list_clients(participant_id: str, session: SessionDep, caller: SelfOrOperatorDep):
    participant = service.get_participant(session, participant_id)
    return {"data": service.list_clients(session, participant)}


@router.post(
    "/participants/{participant_id}/clients",
    status_code=status.HTTP_201_CREATED,
    response_model=schemas.ClientCreated,
)
def create_client(
    participant_id: str,
    session: SessionDep,
    caller: SelfOrOperatorDep,
    data: schemas.ClientIn | None = None,
):
    participant = service.get_participant(session, participant_id)
    name = data.name if data else "default"
    client, secret = service.create_client(session, participant, name, actor=caller.actor)
    return {**schemas.ClientOut.model_validate(client).model_dump(), "client_secret": secret}


@router.delete(
    "/participants/{participant_id}/clients/{client_id}", status_code=status.HTTP_204_NO_CONTENT
)
def revoke_client(
    participant_id: str, client_id: str, session: SessionDep, caller: SelfOrOperatorDep
):
    participant = service.get_participant(session, participant_id)
    service.revoke_client(session, participant, client_id, actor=caller.actor)


@router.get("/me", response_model=schemas.CallerOut)
def whoami(caller: CallerDep):
    """Who the platform thinks is calling: useful to check a token."""
    return {
        "participant_id": caller.participant_id,
        "name": caller.name,
        "roles": sorted(caller.roles),
        "client_id": caller.client_id,
        "anonymous": caller.is_anonymous,
    }


# --- OAuth2 (RFC 6749 §4.4) as PACT requires -------------------------------------------------


def _oauth_error(status_code: int, error: str, description: str) -> JSONResponse:
    """RFC 6749 §5.2 body, which also reads as an RFC 9457 problem document."""
    headers = {"Cache-Control": "no-store", "Pragma": "no-cache"}
    if error == "invalid_client":
        headers["WWW-Authenticate"] = 'Basic realm="junkan"'
    body = {
        "error": error,
        "error_description": description,
        "type": problem_type(error.replace("_", "-")),
        "title": "Token request refused",
        "status": status_code,
        "detail": description,
    }
    return JSONResponse(body, status_code=status_code, headers=headers)


def _basic_credentials(request: Request) -> tuple[str, str] | None:
    header = request.headers.get("authorization", "")
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic" or not encoded:
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    client_id, sep, secret = decoded.partition(":")
    if not sep:
        return None
    # RFC 6749 §2.3.1: id and secret are form-urlencoded before Basic encoding.
    return unquote(client_id), unquote(secret)


@auth_router.post(
    "/auth/token",
    response_model=schemas.TokenOut,
    responses={400: {"description": "RFC 6749 §5.2 error"}, 401: {"description": "invalid_client"}},
)
def token(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    grant_type: Annotated[str | None, Form()] = None,
    client_id: Annotated[str | None, Form()] = None,
    client_secret: Annotated[str | None, Form()] = None,
):
    """Exchange client credentials (HTTP Basic, or form fields) for a bearer token."""
    basic = _basic_credentials(request)
    if request.headers.get("authorization") and basic is None:
        return _oauth_error(401, "invalid_client", "The Basic Authorization header is malformed.")
    if basic and client_id:
        return _oauth_error(400, "invalid_request", "Send credentials one way, not both.")
    credentials = basic or ((client_id, client_secret) if client_id and client_secret else None)
    if grant_type is None:
        return _oauth_error(400, "invalid_request", "grant_type is missing.")
    if grant_type != "client_credentials":
        return _oauth_error(
            400, "unsupported_grant_type", "Only grant_type=client_credentials is supported."
        )
    if credentials is None:
        return _oauth_error(401, "invalid_client", "Client authentication is missing.")
    client = service.authenticate_client(session, *credentials)
    if client is None:
        return _oauth_error(401, "invalid_client", "Unknown client or wrong secret.")
    access_token, expires_in = service.issue_token(session, client, settings.token_lifetime_seconds)
    return JSONResponse(
        {"access_token": access_token, "token_type": "bearer", "expires_in": expires_in},
        headers={"Cache-Control": "no-store", "Pragma": "no-cache"},
    )


@auth_router.get("/.well-known/openid-configuration")
def openid_configuration(settings: SettingsDep):
    base = settings.base_url
    return {
        "issuer": base,
        "token_endpoint": f"{base}/auth/token",
        "grant_types_supported": ["client_credentials"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        "response_types_supported": ["token"],
        "service_documentation": f"{base}/docs",
    }
