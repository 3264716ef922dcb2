"""Participants, identifiers, sites, client credentials and tokens: the rules, without HTTP."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from junkan.db import utcnow
from junkan.errors import Conflict, InvalidInput, NotFound
from junkan.identity import schemas
from junkan.identity.identifiers import InvalidIdentifier, candidate_schemes, normalize
from junkan.identity.models import (
    AccessToken,
    ApiClient,
    Identifier,
    Participant,
    ParticipantRole,
    Role,
    Site,
)
from junkan.ledger.service import register_record_type, write

# OWASP's argon2id baseline (19 MiB, 2 passes): strong, yet a token request stays well
# under 100 ms on a small machine.
_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
# Verifying against this keeps unknown client ids as slow as wrong secrets.
_DUMMY_HASH = _hasher.hash("not-a-secret")


@dataclass(frozen=True)
class Caller:
    """Who is making a request: a participant acting through a client, or the public."""

    participant_id: str | None = None
    roles: frozenset[str] = field(default_factory=frozenset)
    client_id: str | None = None
    name: str | None = None

    @property
    def is_anonymous(self) -> bool:
        return self.participant_id is None

    @property
    def actor(self) -> str:
        return self.participant_id or "anonymous"

    def has_role(self, *roles: Role | str) -> bool:
        return any(str(role) in self.roles for role in roles)

    def acts_for(self, participant_id: str) -> bool:
        return self.participant_id == participant_id


ANONYMOUS = Caller()


# --- Participants and their identifiers ------------------------------------------------------


def _claim_identifier(
    session: Session, scheme: str, value: str, participant: Participant, site: Site | None = None
) -> Identifier:
    owner = session.scalar(
        select(Identifier).where(Identifier.scheme == scheme, Identifier.value == value)
    )
    if owner is not None:
        raise Conflict(
            f"{scheme} {value} already identifies another record",
            scheme=scheme,
            value=value,
            participant_id=owner.participant_id,
        )
    identifier = Identifier(scheme=scheme, value=value, participant=participant, site=site)
    session.add(identifier)
    return identifier


def _no_repeated_identifiers(groups: list[tuple[str, list[schemas.IdentifierIn]]]) -> None:
    """One request must not name the same identifier twice (the database would say 409)."""
    seen: set[tuple[str, str]] = set()
    for path, identifiers in groups:
        for j, identifier in enumerate(identifiers):
            key = (identifier.scheme.value, identifier.value)
            if key in seen:
                raise InvalidInput(
                    f"{key[0]} {key[1]} is given twice",
                    errors=[{"field": f"{path}[{j}]", "message": "duplicate identifier"}],
                )
            seen.add(key)


# --- What the ledger vouches for: the snapshot each write's payload hash is taken over ---------


def participant_snapshot(participant: Participant) -> dict:
    """Name, country, roles and own identifiers; sites and clients are records of their own."""
    return {
        "id": participant.id,
        "name": participant.name,
        "country": participant.country,
        "roles": participant.role_names,
        "created_at": participant.created_at,
        "identifiers": sorted(
            [i.scheme, i.value] for i in participant.identifiers if i.site_id is None
        ),
    }


def site_snapshot(site: Site) -> dict:
    return {
        "id": site.id,
        "participant_id": site.participant_id,
        "name": site.name,
        "country": site.country,
        "created_at": site.created_at,
        "identifiers": sorted([i.scheme, i.value] for i in site.identifiers),
    }


register_record_type("participant", Participant, participant_snapshot)
register_record_type("site", Site, site_snapshot)
register_record_type("client", ApiClient)  # secret hash included: a planted one shows


def _record(session: Session, row, kind: str, actor: str) -> None:
    """Record a participant's or site's state once its identifiers are loaded."""
    session.flush()
    session.refresh(row)
    write(session, row, actor=actor, kind=kind, commit=False)


def _add_site(session: Session, participant: Participant, data: schemas.SiteIn) -> Site:
    site = Site(name=data.name.strip(), country=data.country, participant=participant)
    session.add(site)
    for identifier in data.identifiers:
        _claim_identifier(session, identifier.scheme.value, identifier.value, participant, site)
    return site


def create_participant(session: Session, data: schemas.ParticipantIn, actor: str) -> Participant:
    _no_repeated_identifiers(
        [("identifiers", data.identifiers)]
        + [(f"sites[{i}].identifiers", site.identifiers) for i, site in enumerate(data.sites)]
    )
    participant = Participant(name=data.name.strip(), country=data.country)
    participant.roles = [ParticipantRole(role=role.value) for role in data.roles]
    session.add(participant)
    for identifier in data.identifiers:
        _claim_identifier(session, identifier.scheme.value, identifier.value, participant)
    sites = [_add_site(session, participant, site) for site in data.sites]
    _record(session, participant, "participant.created", actor)
    for site in sites:
        _record(session, site, "site.created", actor)
    session.commit()
    return participant


def add_identifier(
    session: Session, participant: Participant, data: schemas.IdentifierIn, actor: str
) -> Identifier:
    if data.scheme.value not in {s.value for s in schemas.PARTICIPANT_SCHEMES}:
        raise InvalidInput(
            f"a {data.scheme.value} identifier names a site, not a participant",
            errors=[{"field": "scheme", "message": "use POST /participants/{id}/sites"}],
        )
    identifier = _claim_identifier(session, data.scheme.value, data.value, participant)
    _record(session, participant, "participant.identifier_added", actor)
    session.commit()
    return identifier


def add_site(session: Session, participant: Participant, data: schemas.SiteIn, actor: str) -> Site:
    _no_repeated_identifiers([("identifiers", data.identifiers)])
    site = _add_site(session, participant, data)
    _record(session, site, "site.created", actor)
    session.commit()
    return site


def get_participant(session: Session, participant_id: str) -> Participant:
    participant = session.get(Participant, participant_id)
    if participant is None:
        raise NotFound(f"no participant with id {participant_id}")
    return participant


def list_participants(
    session: Session, role: Role | None = None, limit: int = 100, offset: int = 0
) -> list[Participant]:
    query = select(Participant).order_by(Participant.created_at, Participant.id)
    if role is not None:
        query = query.join(ParticipantRole).where(ParticipantRole.role == role.value)
    return list(session.scalars(query.limit(limit).offset(offset)))


def lookup(session: Session, value: str, scheme: str | None = None) -> list[Identifier]:
    """Identifiers matching `value`, under `scheme` or under any scheme it is valid in."""
    if scheme is not None:
        try:
            candidates = [(scheme, normalize(scheme, value))]
        except InvalidIdentifier as exc:
            raise InvalidInput(str(exc), errors=[{"field": "id", "message": str(exc)}]) from exc
    else:
        candidates = [(s.value, v) for s, v in candidate_schemes(value)]
        if not candidates:
            message = f"{value!r} is not a valid identifier under any known scheme"
            raise InvalidInput(message, errors=[{"field": "id", "message": message}])
    found = []
    for candidate_scheme, canonical in candidates:
        found.extend(
            session.scalars(
                select(Identifier).where(
                    Identifier.scheme == candidate_scheme, Identifier.value == canonical
                )
            )
        )
    return found


def resolve_participant(session: Session, reference: str) -> Participant:
    """A participant by its id or by any one of its identifiers (for the CLI)."""
    participant = session.get(Participant, reference)
    if participant is not None:
        return participant
    try:
        matches = lookup(session, reference)
    except InvalidInput:
        matches = []
    owners = {m.participant_id for m in matches}
    if len(owners) == 1:
        return matches[0].participant
    if len(owners) > 1:
        raise Conflict(f"{reference} names more than one participant; give the scheme or id")
    raise NotFound(f"no participant with id or identifier {reference}")


def participant_in_field(session: Session, reference: str, field: str) -> Participant:
    """A participant a request names in `field`; an unknown one is that field's error."""
    try:
        return resolve_participant(session, reference)
    except (NotFound, Conflict) as exc:
        raise InvalidInput(exc.detail, errors=[{"field": field, "message": exc.detail}]) from exc


# --- Client credentials and tokens -----------------------------------------------------------


def _token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_client(
    session: Session, participant: Participant, name: str, actor: str
) -> tuple[ApiClient, str]:
    secret = secrets.token_urlsafe(32)
    client = ApiClient(
        client_id="jk_" + secrets.token_hex(10),
        participant_id=participant.id,
        name=name,
        secret_hash=_hasher.hash(secret),
    )
    write(session, client, actor=actor, kind="client.created")
    return client, secret


def list_clients(session: Session, participant: Participant) -> list[ApiClient]:
    return list(
        session.scalars(
            select(ApiClient)
            .where(ApiClient.participant_id == participant.id)
            .order_by(ApiClient.created_at)
        )
    )


def revoke_client(session: Session, participant: Participant, client_id: str, actor: str) -> None:
    client = session.get(ApiClient, client_id)
    if client is None or client.participant_id != participant.id:
        raise NotFound(f"participant {participant.id} has no client {client_id}")
    if client.revoked_at is None:
        client.revoked_at = utcnow()
        session.execute(delete(AccessToken).where(AccessToken.client_id == client_id))
        write(session, client, actor=actor, kind="client.revoked")


def authenticate_client(session: Session, client_id: str, secret: str) -> ApiClient | None:
    client = session.get(ApiClient, client_id)
    try:
        _hasher.verify(client.secret_hash if client else _DUMMY_HASH, secret)
    except (VerificationError, InvalidHashError):
        return None
    if client is None or client.revoked_at is not None:
        return None
    return client


def issue_token(session: Session, client: ApiClient, lifetime_seconds: int) -> tuple[str, int]:
    now = utcnow()
    token = secrets.token_urlsafe(32)
    session.execute(delete(AccessToken).where(AccessToken.expires_at < now))
    session.add(
        AccessToken(
            token_sha256=_token_digest(token),
            client_id=client.client_id,
            participant_id=client.participant_id,
            issued_at=now,
            expires_at=now + timedelta(seconds=lifetime_seconds),
        )
    )
    session.commit()
    return token, lifetime_seconds


class TokenRejected(Exception):
    def __init__(self, reason: str, expired: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.expired = expired


def caller_for_token(session: Session, token: str) -> Caller:
    """Resolve a bearer token in one round trip; this runs on every authenticated request."""
    rows = session.execute(
        select(
            AccessToken.expires_at,
            AccessToken.client_id,
            Participant.id,
            Participant.name,
            ParticipantRole.role,
        )
        .join(Participant, Participant.id == AccessToken.participant_id)
        .outerjoin(ParticipantRole, ParticipantRole.participant_id == Participant.id)
        .where(AccessToken.token_sha256 == _token_digest(token))
    ).all()
    if not rows:
        raise TokenRejected("The access token is not valid.")
    expires_at, client_id, participant_id, name, _ = rows[0]
    if expires_at <= utcnow():
        raise TokenRejected("The access token has expired; request a new one.", expired=True)
    roles = frozenset(row.role for row in rows if row.role)
    return Caller(participant_id=participant_id, roles=roles, client_id=client_id, name=name)
