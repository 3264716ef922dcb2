"""Appending signed entries, tree heads and proofs; every domain writes through `record`."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum
from json.encoder import encode_basestring as _quote  # the C encoder json.dumps uses
from typing import Any

import rfc8785
from sqlalchemy import and_, func, or_, select, text
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Session

from junkan.db import utcnow
from junkan.errors import InvalidInput, NotFound
from junkan.ledger import merkle
from junkan.ledger.keys import KeyRing, b64url
from junkan.ledger.models import LedgerEntry, LedgerNode, SigningKey

# Arbitrary constant naming the advisory lock that serialises appends on PostgreSQL.
_APPEND_LOCK = 0x4A554E4B414E
BATCH_CONTEXT = b"junkan-ledger-v1\n"
REQUEST_CONTEXT = b"junkan-request-v1\n"
PLATFORM = "platform"


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


def flat_canonical(fields: dict[str, str | int | None]) -> bytes:
    """RFC 8785 for flat objects of ASCII keys and string/integer values, at json.dumps speed.

    For such objects the two serialisations coincide (tested against `rfc8785`); the ledger
    hashes millions of them, so the general library is kept for arbitrary payloads only.
    """
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def format_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def statement(entry, time_text: str | None = None) -> bytes:
    """What the entry's signer signs: the canonical JSON of the write's facts.

    Written out key by key (in RFC 8785 order) because verification builds millions of
    these; a test holds it equal to `flat_canonical` of the same fields.
    """
    return (
        f'{{"actor":{_quote(entry.actor)},"kind":{_quote(entry.kind)},'
        f'"payload_sha256":{_quote(entry.payload_sha256)},"seq":{int(entry.seq)},'
        f'"subject":{_quote(entry.subject)},'
        f'"time":{_quote(time_text or format_time(entry.time))}}}'
    ).encode()


def leaf_data(entry, time_text: str | None = None) -> bytes:
    """What the Merkle tree commits to: the statement plus who signed it and how."""
    request = f'"request_sha256":{_quote(entry.request_sha256)},' if entry.request_sha256 else ""
    return (
        f'{{"actor":{_quote(entry.actor)},"key_id":{_quote(entry.key_id)},'
        f'"kind":{_quote(entry.kind)},"payload_sha256":{_quote(entry.payload_sha256)},'
        f'{request}"seq":{int(entry.seq)},"signature":{_quote(entry.signature)},'
        f'"signed_count":{int(entry.signed_count)},"signed_from":{int(entry.signed_from)},'
        f'"signer":{_quote(entry.signer)},"subject":{_quote(entry.subject)},'
        f'"time":{_quote(time_text or format_time(entry.time))}}}'
    ).encode()


def tree_head_message(size: int, root_hex: str, timestamp: datetime) -> bytes:
    return flat_canonical(
        {"tree_size": size, "root_hash": root_hex, "timestamp": format_time(timestamp)}
    )


def batch_message(statements: Iterable[bytes]) -> bytes:
    return BATCH_CONTEXT + b"".join(hashlib.sha256(s).digest() for s in statements)


def request_message(request_sha256: str) -> bytes:
    return REQUEST_CONTEXT + bytes.fromhex(request_sha256)


# --- Keys --------------------------------------------------------------------------------------


def keyring(session: Session) -> KeyRing:
    ring = session.info.get("keyring")
    if ring is None:
        raise RuntimeError("session has no keyring; build it with junkan.db.make_sessionmaker")
    return ring


def _new_key(session: Session, participant_id: str | None, custody: str) -> SigningKey:
    key_id, public, sealed, _ = keyring(session).generate()
    key = SigningKey(
        key_id=key_id,
        participant_id=participant_id,
        custody=custody,
        public_key=public,
        private_key=sealed,
        created_at=utcnow(),
    )
    session.add(key)
    session.flush()
    return key


def _active_key(session: Session, participant_id: str | None) -> SigningKey | None:
    custody = "custodial" if participant_id else PLATFORM
    return session.scalar(
        select(SigningKey)
        .where(
            SigningKey.participant_id.is_(None)
            if participant_id is None
            else SigningKey.participant_id == participant_id,
            SigningKey.custody == custody,
            SigningKey.retired_at.is_(None),
            SigningKey.revoked_at.is_(None),
        )
        .order_by(SigningKey.created_at.desc())
    )


def signing_key(session: Session, actor: str):
    """The key that signs for `actor`: its custodial key, or the platform's for the platform.

    Returns (key, private key, created); a key made here must be recorded by the caller.
    """
    from junkan.identity.models import Participant

    participant_id = actor if session.get(Participant, actor) is not None else None
    key = _active_key(session, participant_id)
    created = key is None
    if created:
        key = _new_key(session, participant_id, "custodial" if participant_id else PLATFORM)
    return key, keyring(session).unseal(key.key_id, key.private_key), created


# --- Appending ---------------------------------------------------------------------------------


def _lock_and_next_seq(session: Session) -> int:
    if session.get_bind().dialect.name == "postgresql":
        # Sequences leave gaps on rollback; a transaction-scoped lock makes seq dense and
        # commit order equal seq order across every API process.
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _APPEND_LOCK})
    return (session.scalar(select(func.max(LedgerEntry.seq))) or 0) + 1


def fetch_nodes(session: Session, nodes: Sequence[merkle.Node]) -> dict[merkle.Node, bytes]:
    """Nodes by (level, index) in one query that both databases answer from the primary key."""
    by_level: dict[int, list[int]] = {}
    for level, index in nodes:
        by_level.setdefault(level, []).append(index)
    found: dict[merkle.Node, bytes] = {}
    if by_level:
        rows = session.execute(
            select(LedgerNode.level, LedgerNode.index, LedgerNode.hash).where(
                or_(
                    *(
                        and_(LedgerNode.level == level, LedgerNode.index.in_(indexes))
                        for level, indexes in by_level.items()
                    )
                )
            )
        )
        found.update({(level, index): bytes(value) for level, index, value in rows})
    missing = [n for n in nodes if n not in found]
    if missing:
        raise RuntimeError(f"ledger nodes missing: {missing[:5]}")
    return found


@dataclass(slots=True)
class Entry:
    """An appended entry as plain data: the bulk path builds millions of these."""

    seq: int
    time: datetime
    actor: str
    kind: str
    subject: str
    payload_sha256: str
    key_id: str = ""
    signer: str = ""
    signature: str = ""
    signed_from: int = 0
    signed_count: int = 0
    request_sha256: str | None = None


@dataclass(frozen=True)
class Attestation:
    """A participant's own signature over the request body that caused the write."""

    key_id: str
    participant_id: str
    request_sha256: str
    signature: str


def record(session: Session, *, actor: str, kind: str, subject: str, payload: Any) -> Entry:
    """Add the signed entry for a write to the caller's transaction; it commits with it."""
    return record_many(session, actor=actor, items=[(kind, subject, payload)])[-1]


def record_many(
    session: Session,
    *,
    actor: str,
    items: Sequence[tuple[str, str, Any]],
    payload_digests: Sequence[str] | None = None,
) -> list[Entry]:
    """Append a batch of entries by one actor under one signature (the bulk path)."""
    if not items:
        return []
    items = list(items)
    digests = list(payload_digests or [payload_digest(payload) for _, _, payload in items])
    attestation: Attestation | None = session.info.get("attestation")
    attested = attestation is not None and attestation.participant_id == actor
    if not attested:
        key, private, created = signing_key(session, actor)
        if created:  # a new key is itself recorded, under its own first signature
            snapshot = key_snapshot(key)
            items.insert(0, ("key.created", f"key:{key.key_id}", snapshot))
            digests.insert(0, payload_digest(snapshot))
    first = _lock_and_next_seq(session)
    now = utcnow()
    stamp = format_time(now)
    entries = [
        Entry(first + i, now, actor, kind, subject, digest)
        for i, ((kind, subject, _), digest) in enumerate(zip(items, digests, strict=True))
    ]
    if attested:
        for entry in entries:
            entry.key_id, entry.signer = attestation.key_id, "participant"
            entry.signature = attestation.signature
            entry.request_sha256 = attestation.request_sha256
            entry.signed_from, entry.signed_count = entry.seq, 1
    else:
        signature = b64url(private.sign(batch_message(statement(e, stamp) for e in entries)))
        for entry in entries:
            entry.key_id, entry.signer, entry.signature = key.key_id, key.custody, signature
            entry.signed_from, entry.signed_count = first, len(entries)
    frontier = fetch_nodes(session, merkle.frontier_nodes(first - 1))
    node_rows = []
    for entry in entries:
        leaf = merkle.leaf_hash(leaf_data(entry, stamp))
        for (level, index), value in merkle.new_nodes(entry.seq - 1, leaf, frontier):
            node_rows.append((level, index, value))
    _insert_rows(session, entries, node_rows, now)
    return entries


_ENTRY_FIELDS = [c.name for c in LedgerEntry.__table__.columns]


def _insert_rows(session: Session, entries: list[Entry], nodes: list[tuple], now: datetime):
    """Plain executemany: bulk writes are the hot path, so SQLAlchemy's per-row parameter
    processing is skipped; the one timestamp of the batch goes through the column's own bind
    processor, so rows read back exactly as if the ORM had written them."""
    connection = session.connection()
    dialect = connection.dialect
    processor = LedgerEntry.__table__.c.time.type.dialect_impl(dialect).bind_processor(dialect)
    stored_time = processor(now) if processor else now
    marker = "?" if dialect.paramstyle == "qmark" else "%s"

    def sql(table, columns) -> str:
        quoted = ", ".join(dialect.identifier_preparer.quote(c) for c in columns)
        placeholders = ", ".join([marker] * len(columns))
        return f"INSERT INTO {table} ({quoted}) VALUES ({placeholders})"  # noqa: S608 (metadata names)

    rows = [
        (
            e.seq,
            stored_time,
            e.actor,
            e.kind,
            e.subject,
            e.payload_sha256,
            e.key_id,
            e.signer,
            e.signature,
            e.signed_from,
            e.signed_count,
            e.request_sha256,
        )
        for e in entries
    ]
    connection.exec_driver_sql(sql("ledger_entries", _ENTRY_FIELDS), rows)
    connection.exec_driver_sql(sql("ledger_nodes", ["level", "index", "hash"]), nodes)


# --- Which stored rows the ledger vouches for ----------------------------------------------------


@dataclass(frozen=True)
class RecordType:
    """A kind of stored record whose current state must match its latest ledger entry."""

    prefix: str
    model: type
    snapshot: Callable[[Any], dict]
    owner_column: Any = None  # the participant who may grant access to a record, if any

    @property
    def _columns(self):
        return sa_inspect(self.model).primary_key

    @property
    def _key(self):
        return self._columns[0]

    def key_of(self, row: Any) -> str:
        """The subject key: the primary key, parts joined by ':' when it has several."""
        return ":".join(str(part) for part in sa_inspect(row).identity)

    def load(self, session: Session, key: str) -> dict | None:
        parts = key.split(":")
        if len(parts) != len(self._columns):
            return None
        typed = tuple(
            column.type.python_type(part) for column, part in zip(self._columns, parts, strict=True)
        )
        row = session.get(self.model, typed if len(typed) > 1 else typed[0])
        return self.snapshot(row) if row is not None else None

    def ids(self, session: Session) -> Iterable[str]:
        rows = session.execute(select(*self._columns))
        return (":".join(str(part) for part in row) for row in rows)

    @property
    def grantable(self) -> bool:
        return self.owner_column is not None

    def owner(self, session: Session, key: str) -> str | None:
        return session.scalar(select(self.owner_column).where(self._key == key))


RECORD_TYPES: dict[str, RecordType] = {}


_TYPES_BY_MODEL: dict[type, RecordType] = {}


def columns_snapshot(row: Any, exclude: tuple[str, ...] = ()) -> dict[str, Any]:
    """Every column of a row: the default state the ledger vouches for."""
    return {c.key: getattr(row, c.key) for c in row.__table__.columns if c.key not in exclude}


def register_record_type(
    prefix: str,
    model: type,
    snapshot: Callable[[Any], dict] = columns_snapshot,
    owner_column: Any = None,
) -> None:
    """Declare that rows of `model` are vouched for by entries with subject `prefix:<key>`."""
    record_type = RecordType(prefix, model, snapshot, owner_column)
    RECORD_TYPES[prefix] = _TYPES_BY_MODEL[model] = record_type


def write(session: Session, row: Any, *, actor: str, kind: str, commit: bool = True) -> Entry:
    """Store a new or changed row and record its new state: how every domain writes."""
    return write_many(session, [(row, kind)], actor=actor, commit=commit)[-1]


def write_many(
    session: Session, changes: Sequence[tuple[Any, str]], *, actor: str, commit: bool = True
) -> list[Entry]:
    """Store rows and record each new state, all under one signature: the bulk write path."""
    session.add_all([row for row, _ in changes])
    session.flush()
    items = []
    for row, kind in changes:
        record_type = _TYPES_BY_MODEL[type(row)]
        subject = f"{record_type.prefix}:{record_type.key_of(row)}"
        items.append((kind, subject, record_type.snapshot(row)))
    entries = record_many(session, actor=actor, items=items)
    if commit:
        session.commit()
    return entries


# --- Key management ----------------------------------------------------------------------------


def list_keys(session: Session, participant_id: str | None = None) -> list[SigningKey]:
    query = select(SigningKey).order_by(SigningKey.created_at)
    if participant_id is not None:
        query = query.where(SigningKey.participant_id == participant_id)
    return list(session.scalars(query))


def register_participant_key(session: Session, participant_id: str, public_key: str) -> SigningKey:
    """A participant's own Ed25519 key, with which it signs its writes client-side."""
    from junkan.ledger.keys import from_b64url, key_id_for, load_public

    try:
        load_public(public_key)
    except ValueError as exc:
        raise InvalidInput(
            f"not an Ed25519 public key: {exc}",
            errors=[{"field": "public_key", "message": str(exc)}],
        ) from exc
    key_id = key_id_for(from_b64url(public_key))
    if session.get(SigningKey, key_id) is not None:
        from junkan.errors import Conflict

        raise Conflict(f"key {key_id} is already registered")
    key = SigningKey(
        key_id=key_id,
        participant_id=participant_id,
        custody="participant",
        public_key=public_key,
        created_at=utcnow(),
    )
    write(session, key, actor=participant_id, kind="key.registered")
    return key


def _owned_key(session: Session, participant_id: str, key_id: str) -> SigningKey:
    key = session.get(SigningKey, key_id)
    if key is None or key.participant_id != participant_id:
        raise NotFound(f"participant {participant_id} has no key {key_id}")
    return key


def revoke_key(session: Session, participant_id: str, key_id: str) -> SigningKey:
    """Compromised: signatures made with it from now on are refused and flagged."""
    key = _owned_key(session, participant_id, key_id)
    if key.revoked_at is None:
        key.revoked_at = utcnow()
        write(session, key, actor=participant_id, kind="key.revoked")
    return key


def rotate_custodial_key(session: Session, participant_id: str) -> SigningKey:
    """Retire the current custodial key and make a new one; old entries stay verifiable."""
    old = _active_key(session, participant_id)
    if old is not None:
        old.retired_at = utcnow()
        write(session, old, actor=PLATFORM, kind="key.retired", commit=False)
    new = _new_key(session, participant_id, "custodial")
    write(session, new, actor=participant_id, kind="key.created")
    return new


def key_snapshot(key: SigningKey) -> dict:
    return columns_snapshot(key, exclude=("private_key",))  # sealed; the public half suffices


register_record_type("key", SigningKey, key_snapshot)
