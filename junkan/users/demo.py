"""One web user per demo company, with a fresh password on every run (like its API secret)."""

from __future__ import annotations

import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from junkan.identity.models import Participant
from junkan.users import schemas, service
from junkan.users.models import User

DEMO_DOMAIN = "demo.junkan.example"


def demo_email(key: str) -> str:
    return f"{key.replace('_', '-')}@{DEMO_DOMAIN}"


def seed_users(session: Session, participants: list[dict]) -> None:
    """Adds `user: {email, password}` to each participant entry of the credentials file."""
    for entry in participants:
        email = demo_email(entry["key"])
        password = secrets.token_urlsafe(12)
        user = session.scalar(select(User).where(User.email == email))
        if user is None:
            participant = session.get(Participant, entry["id"])
            name = f"Demo user, {entry['name']}"
            data = schemas.UserIn(email=email, name=name, password=password)
            service.create_user(session, participant, data)
        else:
            service.set_password(session, user, password)
        entry["user"] = {"email": email, "password": password}
