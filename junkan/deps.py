"""The one authorisation layer: every route learns who is calling from here."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from junkan.config import Settings
from junkan.errors import Forbidden, Unauthorized
from junkan.identity.models import Role
from junkan.identity.service import ANONYMOUS, Caller, TokenRejected, caller_for_token


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_session(request: Request) -> Iterator[Session]:
    with request.app.state.sessionmaker() as session:
        yield session


SettingsDep = Annotated[Settings, Depends(get_settings)]
SessionDep = Annotated[Session, Depends(get_session)]

bearer = HTTPBearer(auto_error=False, description="Token from POST /auth/token")


def _challenge(error: str | None = None, description: str | None = None) -> dict[str, str]:
    value = 'Bearer realm="junkan"'
    if error:
        value += f', error="{error}", error_description="{description}"'
    return {"WWW-Authenticate": value}


def get_caller(
    session: SessionDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    request: Request,
) -> Caller:
    """The caller behind the bearer token, or the anonymous public if there is none."""
    if credentials is None:
        if request.headers.get("authorization"):
            raise Unauthorized(
                "Use 'Authorization: Bearer <token>'.",
                headers=_challenge("invalid_request", "malformed Authorization header"),
            )
        return ANONYMOUS
    try:
        return caller_for_token(session, credentials.credentials)
    except TokenRejected as exc:
        raise Unauthorized(
            exc.reason,
            headers=_challenge("invalid_token", exc.reason),
            code="TokenExpired" if exc.expired else "AccessDenied",
        ) from exc


CallerDep = Annotated[Caller, Depends(get_caller)]


def require_participant(caller: CallerDep) -> Caller:
    if caller.is_anonymous:
        raise Unauthorized(
            "This endpoint needs a bearer token; get one from POST /auth/token.",
            headers=_challenge(),
        )
    return caller


ParticipantCallerDep = Annotated[Caller, Depends(require_participant)]


def require_roles(*roles: Role) -> Callable[[Caller], Caller]:
    """A dependency that admits authenticated callers holding at least one of `roles`."""

    def check(caller: ParticipantCallerDep) -> Caller:
        if not caller.has_role(*roles):
            needed = " or ".join(r.value for r in roles)
            raise Forbidden(
                f"This needs the role {needed}.", required_roles=[r.value for r in roles]
            )
        return caller

    return check


def require_self_or_operator(participant_id: str, caller: ParticipantCallerDep) -> Caller:
    """The participant itself, or the node's operator, may manage a participant's records."""
    if not (caller.acts_for(participant_id) or caller.has_role(Role.PLATFORM_OPERATOR)):
        raise Forbidden("Only the participant itself or the platform operator may do this.")
    return caller
