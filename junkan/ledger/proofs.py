"""Tree heads and proofs: what a reader needs to check an entry with the platform's key."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from junkan.db import utcnow
from junkan.errors import InvalidInput, NotFound
from junkan.ledger import merkle
from junkan.ledger.keys import b64url
from junkan.ledger.models import LedgerEntry, TreeHead
from junkan.ledger.service import (
    PLATFORM,
    fetch_nodes,
    leaf_data,
    signing_key,
    statement,
    tree_head_message,
    write,
)


def tree_size(session: Session) -> int:
    return session.scalar(select(func.max(LedgerEntry.seq))) or 0


def root_at(session: Session, size: int) -> bytes:
    nodes = merkle.frontier_nodes(size)
    found = fetch_nodes(session, nodes) if nodes else {}
    return merkle.root_from_frontier([found[n] for n in nodes])


def signed_tree_head(session: Session) -> TreeHead:
    """The newest STH, signing a new one when entries were appended since the last."""
    size = tree_size(session)
    latest = session.scalar(select(TreeHead).order_by(TreeHead.tree_size.desc()).limit(1))
    if latest is not None and latest.tree_size == size:
        return latest
    root_hex = root_at(session, size).hex()
    key, private, created = signing_key(session, PLATFORM)
    if created:  # record the platform's first key before signing with it
        write(session, key, actor=PLATFORM, kind="key.created", commit=False)
        size = tree_size(session)
        root_hex = root_at(session, size).hex()
    timestamp = utcnow()
    head = TreeHead(
        tree_size=size,
        root_hash=root_hex,
        timestamp=timestamp,
        key_id=key.key_id,
        signature=b64url(private.sign(tree_head_message(size, root_hex, timestamp))),
    )
    session.add(head)
    try:
        session.commit()
    except IntegrityError:  # another process signed the same size first
        session.rollback()
        head = session.get(TreeHead, size)
    return head


def get_entry(session: Session, seq: int) -> LedgerEntry:
    entry = session.get(LedgerEntry, seq)
    if entry is None:
        raise NotFound(f"no ledger entry {seq}")
    return entry


def inclusion_proof(session: Session, seq: int, size: int) -> list[bytes]:
    if not 1 <= seq <= size:
        raise InvalidInput(
            f"entry {seq} is not inside a tree of size {size}",
            errors=[{"field": "tree_size", "message": "must be >= seq"}],
        )
    current = tree_size(session)
    if size > current:
        raise InvalidInput(
            f"tree size {size} exceeds the ledger's size {current}",
            errors=[{"field": "tree_size", "message": f"at most {current}"}],
        )
    return merkle.resolve(
        merkle.inclusion_ranges(seq - 1, size), lambda nodes: fetch_nodes(session, nodes)
    )


def consistency_proof(session: Session, first: int, second: int) -> list[bytes]:
    current = tree_size(session)
    if not 1 <= first <= second <= current:
        raise InvalidInput(
            f"need 1 <= first <= second <= {current} (the ledger's size); got {first}, {second}",
            errors=[
                {"field": "second" if second > current else "first", "message": "out of range"}
            ],
        )
    return merkle.resolve(
        merkle.consistency_ranges(first, second), lambda nodes: fetch_nodes(session, nodes)
    )


def entry_with_proof(session: Session, seq: int, size: int | None = None) -> dict[str, Any]:
    """An entry, the bytes its signature and leaf cover, and its inclusion proof.

    Against the newest signed tree head by default, so a reader can check the record with
    nothing but the platform's public key.
    """
    entry = get_entry(session, seq)
    head = None
    if size is None:
        head = signed_tree_head(session)
        size = head.tree_size
    proof = inclusion_proof(session, seq, size)
    if head is None:
        head = session.get(TreeHead, size)
    return {
        "entry": entry,
        "statement": statement(entry).decode(),
        "leaf_data": leaf_data(entry).decode(),
        "proof": {
            "leaf_index": seq - 1,
            "tree_size": size,
            "leaf_hash": merkle.leaf_hash(leaf_data(entry)).hex(),
            "hashes": [h.hex() for h in proof],
            "root_hash": root_at(session, size).hex(),
            "tree_head": head,
        },
    }


def proof_of(session: Session, subject: str) -> dict[str, Any] | None:
    """For `?proof=true` reads: the record's latest entry with its proof."""
    entry = latest_entry(session, subject)
    return entry_with_proof(session, entry.seq) if entry else None


def latest_entry(session: Session, subject: str) -> LedgerEntry | None:
    return session.scalar(
        select(LedgerEntry)
        .where(LedgerEntry.subject == subject)
        .order_by(LedgerEntry.seq.desc())
        .limit(1)
    )
