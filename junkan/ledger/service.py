"""Appending to the write record; every domain service calls `record` inside its transaction."""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

import rfc8785
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from junkan.db import utcnow
from junkan.ledger.models import LedgerEntry

# Arbitrary constant naming the advisory lock that serialises appends on PostgreSQL.
_APPEND_LOCK = 0x4A554E4B414E


def jsonable(value: Any) -> Any:
    """Plain JSON types, so that the canonical form (RFC 8785) is defined for every payload."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [jsonable(v) for v in value]
        return sorted(items, key=rfc8785.dumps) if isinstance(value, set | frozenset) else items
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Enum):
        return value.value
    return value


def canonical_json(payload: Any) -> bytes:
    return rfc8785.dumps(jsonable(payload))


def payload_digest(payload: Any) -> str:
    return hashlib.sha256(canonical_json(payload)).hexdigest()


def record(session: Session, *, actor: str, kind: str, subject: str, payload: Any) -> LedgerEntry:
    """Add the entry for a write to the caller's transaction; it commits or fails with it."""
    entry = LedgerEntry(
        time=utcnow(),
        actor=actor,
        kind=kind,
        subject=subject,
        payload_sha256=payload_digest(payload),
    )
    if session.get_bind().dialect.name == "postgresql":
        # Sequences leave gaps on rollback; a transaction-scoped lock makes seq dense and
        # commit order equal to seq order across every API process.
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _APPEND_LOCK})
        entry.seq = (session.scalar(select(func.max(LedgerEntry.seq))) or 0) + 1
    session.add(entry)
    session.flush()
    return entry


def entries_for(session: Session, subject: str) -> list[LedgerEntry]:
    return list(
        session.scalars(
            select(LedgerEntry).where(LedgerEntry.subject == subject).order_by(LedgerEntry.seq)
        )
    )
