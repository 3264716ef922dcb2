"""Who may read what beyond its owner: grants, the read check every domain calls, read audit."""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from functools import partial

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from junkan.db import utcnow
from junkan.errors import Forbidden, InvalidInput, NotFound
from junkan.exchange.models import Grant, SealedOpening
from junkan.identity.service import Caller, participant_in_field
from junkan.ledger import commitments
from junkan.ledger.models import LedgerEntry
from junkan.ledger.service import (
    RECORD_TYPES,
    columns_snapshot,
    keyring,
    payload_digest,
    record,
    register_record_type,
    write,
)


def _owner_of(session: Session, subject: str) -> str | None:
    prefix, _, record_id = subject.partition(":")
    record_type = RECORD_TYPES.get(prefix)
    if record_type is None or not record_type.grantable:
        known = ", ".join(sorted(p for p, t in RECORD_TYPES.items() if t.grantable))
        raise InvalidInput(
            f"records of kind {prefix!r} cannot be granted; grantable: {known}",
            errors=[{"field": "subject", "message": "not grantable"}],
        )
    return None if record_id == "*" else record_type.owner(session, record_id)


def create_grant(
    session: Session,
    owner: Caller,
    grantee_ref: str,
    subject: str,
    purpose: str,
    valid_until: datetime,
    commit: bool = True,
) -> Grant:
    record_owner = _owner_of(session, subject)
    if not subject.endswith(":*") and record_owner != owner.participant_id:
        raise Forbidden(
            f"{subject} is not yours to grant" if record_owner else f"{subject} does not exist"
        )
    grantee = participant_in_field(session, grantee_ref, "grantee")
    if grantee.id == owner.participant_id:
        raise InvalidInput(
            "a grant to yourself is meaningless",
            errors=[{"field": "grantee", "message": "is the owner"}],
        )
    if valid_until.tzinfo is None or valid_until <= utcnow():
        raise InvalidInput(
            "valid_until must be a future time with a zone",
            errors=[{"field": "valid_until", "message": "must be in the future"}],
        )
    grant = Grant(
        id=str(uuid.uuid4()),
        owner_id=owner.participant_id,
        grantee_id=grantee.id,
        subject=subject,
        purpose=purpose.strip(),
        valid_until=valid_until,
        created_at=utcnow(),
    )
    write(session, grant, actor=owner.participant_id, kind="grant.created", commit=commit)
    return grant


def grants_for(session: Session, participant_id: str) -> list[Grant]:
    return list(
        session.scalars(
            select(Grant)
            .where(or_(Grant.owner_id == participant_id, Grant.grantee_id == participant_id))
            .order_by(Grant.created_at)
        )
    )


def _own_grant(session: Session, owner_id: str, grant_id: str) -> Grant:
    grant = session.get(Grant, grant_id)
    if grant is None or grant.owner_id != owner_id:
        raise NotFound(f"you have no grant {grant_id}")
    return grant


def revoke_grant(session: Session, owner_id: str, grant_id: str) -> Grant:
    grant = _own_grant(session, owner_id, grant_id)
    if grant.revoked_at is None:
        grant.revoked_at = utcnow()
        write(session, grant, actor=owner_id, kind="grant.revoked")
    return grant


def _live(grantee_id: str) -> tuple:
    """Conditions of a grant its grantee may use now: not revoked, not expired."""
    return (
        Grant.grantee_id == grantee_id,
        Grant.revoked_at.is_(None),
        Grant.valid_until > utcnow(),
    )


def active_grant(session: Session, caller: Caller, subject: str, owner_id: str) -> Grant | None:
    """The grant, if any, under which the caller may read the owner's record now."""
    if caller.is_anonymous:
        return None
    prefix = subject.partition(":")[0]
    return session.scalar(
        select(Grant)
        .where(
            Grant.owner_id == owner_id,
            Grant.subject.in_([subject, f"{prefix}:*"]),
            *_live(caller.participant_id),
        )
        .limit(1)
    )


def granted(session: Session, caller: Caller, prefix: str) -> tuple[set[str], set[str]]:
    """The records of one kind the caller may read under live grants: ids granted one by one,
    and owners who granted all of that kind."""
    ids: set[str] = set()
    owners: set[str] = set()
    if caller.is_anonymous:
        return ids, owners
    query = select(Grant.subject, Grant.owner_id).where(
        Grant.subject.startswith(f"{prefix}:"), *_live(caller.participant_id)
    )
    for subject, owner_id in session.execute(query):
        target = subject.partition(":")[2]
        if target == "*":
            owners.add(owner_id)
        else:
            ids.add(target)
    return ids, owners


def authorize_read(
    session: Session, caller: Caller, subject: str, owner_id: str, commit: bool = True
) -> None:
    """Let the owner through; let a grantee through and log the read; refuse everyone else.

    The read entry commits with the caller's transaction, so a read that fails leaves none;
    `commit=False` when the read is part of a bigger write that commits (or fails) as a whole.
    """
    if caller.acts_for(owner_id):
        return
    grant = active_grant(session, caller, subject, owner_id)
    if grant is None:
        raise Forbidden(f"{subject} is confidential to its owner and its grantees")
    record(
        session,
        actor=caller.participant_id,
        kind="grant.read",
        subject=f"read:{grant.id}:{subject}",
        payload={"grant": grant.id, "subject": subject, "reader": caller.participant_id},
    )
    if commit:
        session.commit()


def reads_of(session: Session, owner_id: str, grant_id: str) -> list[dict]:
    _own_grant(session, owner_id, grant_id)
    entries = session.scalars(
        select(LedgerEntry)
        .where(LedgerEntry.subject.startswith(f"read:{grant_id}:", autoescape=True))
        .order_by(LedgerEntry.seq)
    )
    return [
        {"seq": e.seq, "time": e.time, "reader": e.actor, "subject": e.subject.split(":", 2)[2]}
        for e in entries
    ]


# --- Openings of commitments, released through grants ---------------------------------------------


def deposit_opening(
    session: Session,
    caller: Caller,
    commitment_id: str,
    value,
    salt: str | None,
    blinding: str | None,
) -> SealedOpening:
    """Keep an opening for grantees; it must open the commitment, or it is refused."""
    row = commitments.get_commitment(session, commitment_id)
    if row.participant_id != caller.participant_id:
        raise Forbidden("only the commitment's owner deposits its opening")
    try:
        if row.scheme == "sha256":
            if salt is None or not commitments.check_salted(row.commitment, value, salt):
                raise commitments.CommitmentError("value and salt do not open the commitment")
            opening = {"value": value, "salt": salt}
        else:
            number = commitments.fixed_point(value, 0, "value (fixed-point integer)")
            if blinding is None or not commitments.check_opening(
                row.commitment, number, commitments.blinding_from(blinding)
            ):
                raise commitments.CommitmentError("value and blinding do not open the commitment")
            opening = {"value": str(number), "blinding": blinding}
    except commitments.CommitmentError as exc:
        raise InvalidInput(str(exc), errors=[{"field": "value", "message": str(exc)}]) from exc
    if session.get(SealedOpening, commitment_id) is not None:
        raise InvalidInput("an opening is already deposited for this commitment")
    plain = json.dumps(opening, sort_keys=True).encode()
    stored = SealedOpening(
        commitment_id=commitment_id,
        digest=payload_digest(opening),
        sealed=keyring(session).seal(plain, f"opening:{commitment_id}"),
        created_at=utcnow(),
    )
    write(session, stored, actor=caller.participant_id, kind="opening.deposited")
    return stored


def read_opening(session: Session, caller: Caller, commitment_id: str) -> dict:
    row = commitments.get_commitment(session, commitment_id)
    authorize_read(session, caller, f"commitment:{commitment_id}", row.participant_id)
    stored = session.get(SealedOpening, commitment_id)
    if stored is None:
        raise NotFound(f"the owner has not deposited an opening for {commitment_id}")
    opening = json.loads(keyring(session).open(stored.sealed, f"opening:{commitment_id}"))
    return {"commitment_id": row.id, "scheme": row.scheme, "commitment": row.commitment, **opening}


register_record_type("grant", Grant)
# The digest, not the sealed bytes: re-sealing changes the nonce, not the opening.
register_record_type("opening", SealedOpening, partial(columns_snapshot, exclude=("sealed",)))
