"""Users, passwords (argon2id), browser sessions and the sign-in rate limit."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from junkan.db import utcnow
from junkan.errors import Conflict, TooManyRequests
from junkan.identity.models import Participant
from junkan.identity.service import Caller, _hasher
from junkan.users import schemas
from junkan.users.models import SignInAttempt, User, WebSession

SESSION_LIFETIME = timedelta(hours=8)
# Failed sign-ins allowed per window: per account (guessing one password) and per address
# (trying many accounts); the window slides, so waiting it out always works.
LIMIT_WINDOW = timedelta(minutes=15)
LIMIT_PER_EMAIL = 5
LIMIT_PER_ADDRESS = 20
_DUMMY_HASH = _hasher.hash("not a password of anyone")


def create_user(session: Session, participant: Participant, data: schemas.UserIn) -> User:
    email = data.email.strip().lower()
    if session.scalar(select(User.id).where(User.email == email)):
        raise Conflict(f"a user with the e-mail {email} exists")
    user = User(
        email=email,
        name=data.name,
        participant_id=participant.id,
        password_hash=_hasher.hash(data.password),
        language=data.language,
    )
    session.add(user)
    session.commit()
    return user


def list_users(session: Session, participant_id: str | None = None) -> list[User]:
    query = select(User).order_by(User.email)
    if participant_id:
        query = query.where(User.participant_id == participant_id)
    return list(session.scalars(query))


def caller_for(user: User) -> Caller:
    """The same caller an API client of the user's participant would be."""
    participant = user.participant
    return Caller(
        participant_id=participant.id,
        roles=frozenset(participant.role_names),
        name=participant.name,
    )


def _failures(session: Session, column, value: str) -> int:
    since = utcnow() - LIMIT_WINDOW
    return session.scalar(
        select(func.count())
        .select_from(SignInAttempt)
        .where(column == value, SignInAttempt.at >= since, SignInAttempt.succeeded.is_(False))
    )


def authenticate(session: Session, email: str, password: str, address: str) -> User | None:
    """The user for these credentials, or None; refuses once too many attempts failed."""
    email = email.strip().lower()
    if (
        _failures(session, SignInAttempt.email, email) >= LIMIT_PER_EMAIL
        or _failures(session, SignInAttempt.address, address) >= LIMIT_PER_ADDRESS
    ):
        minutes = int(LIMIT_WINDOW.total_seconds() // 60)
        raise TooManyRequests(
            f"Too many failed sign-ins; try again in {minutes} minutes.",
            headers={"Retry-After": str(int(LIMIT_WINDOW.total_seconds()))},
        )
    user = session.scalar(select(User).where(User.email == email))
    try:
        _hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
        valid = user is not None and user.disabled_at is None
    except Exception:  # noqa: BLE001 (argon2 raises several kinds for a mismatch)
        valid = False
    session.execute(delete(SignInAttempt).where(SignInAttempt.at < utcnow() - LIMIT_WINDOW))
    session.add(SignInAttempt(email=email, address=address, succeeded=valid))
    session.commit()
    return user if valid else None


@dataclass(frozen=True)
class SignedIn:
    user: User
    csrf_token: str

    @property
    def caller(self) -> Caller:
        return caller_for(self.user)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(session: Session, user: User) -> str:
    """A new session token for the cookie; the database keeps only its digest."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    session.execute(delete(WebSession).where(WebSession.expires_at < now))
    session.add(
        WebSession(
            token_sha256=_digest(token),
            user_id=user.id,
            csrf_token=secrets.token_urlsafe(24),
            expires_at=now + SESSION_LIFETIME,
        )
    )
    session.commit()
    return token


def signed_in(session: Session, token: str | None) -> SignedIn | None:
    if not token:
        return None
    row = session.get(WebSession, _digest(token))
    if row is None or row.expires_at <= utcnow() or row.user.disabled_at is not None:
        return None
    return SignedIn(user=row.user, csrf_token=row.csrf_token)


def end_session(session: Session, token: str | None) -> None:
    if token:
        session.execute(delete(WebSession).where(WebSession.token_sha256 == _digest(token)))
        session.commit()


def set_language(session: Session, user: User, language: str) -> None:
    user.language = language
    session.commit()


def set_password(session: Session, user: User, password: str) -> None:
    user.password_hash = _hasher.hash(password)
    session.execute(delete(WebSession).where(WebSession.user_id == user.id))
    session.commit()
