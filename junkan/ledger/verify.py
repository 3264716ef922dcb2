"""Independent verification of a ledger: from the live database, or from an export file.

Every hash is recomputed, every signature and tree head checked, and every record the
ledger vouches for compared with its latest entry. A finding names the record and says what
is wrong with it, so that an auditor can act on it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from junkan.ledger import merkle
from junkan.ledger.keys import verify as verify_signature
from junkan.ledger.models import LedgerEntry, SigningKey, TreeHead
from junkan.ledger.service import (
    RECORD_TYPES,
    Entry,
    batch_message,
    format_time,
    leaf_data,
    payload_digest,
    request_message,
    statement,
    tree_head_message,
)

EXPORT_FORMAT = "junkan-ledger-export/1"
ENTRY_FIELDS = [c.name for c in LedgerEntry.__table__.columns]
KEY_FIELDS = [
    "key_id",
    "participant_id",
    "custody",
    "public_key",
    "created_at",
    "retired_at",
    "revoked_at",
]
HEAD_FIELDS = ["tree_size", "root_hash", "timestamp", "key_id", "signature"]


@dataclass(frozen=True)
class Finding:
    where: str
    problem: str

    def __str__(self) -> str:
        return f"{self.where}: {self.problem}"


@dataclass
class Report:
    entries: int = 0
    signatures: int = 0
    tree_heads: int = 0
    nodes: int = 0
    records: int = 0
    root: str = merkle.EMPTY_ROOT.hex()
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.findings

    def add(self, where: str, problem: str) -> None:
        self.findings.append(Finding(where, problem))


class _Batch:
    """Entries waiting for the rest of the batch their signature covers."""

    def __init__(self, first) -> None:
        self.first = first
        self.statements: list[bytes] = []
        self.seqs: list[int] = []


def verify_ledger(
    entries: Iterable[Any],
    keys: dict[str, Any],
    tree_heads: Iterable[Any],
    progress: Callable[[int], None] | None = None,
) -> tuple[Report, list[bytes], dict[str, tuple[int, str, str]]]:
    """Check entries in order; returns the report, the leaf hashes and each subject's latest."""
    report = Report()
    heads = {h.tree_size: h for h in tree_heads}
    roots: dict[int, bytes] = {}
    frontier: dict[merkle.Node, bytes] = {}
    leaves: list[bytes] = []
    latest: dict[str, tuple[int, str, str]] = {}
    batch: _Batch | None = None
    expected = 1
    raw_time, stamp = None, ""

    def close(batch: _Batch) -> None:
        first = batch.first
        where = (
            f"ledger entries {batch.seqs[0]}-{batch.seqs[-1]}"
            if len(batch.seqs) > 1
            else f"ledger entry {batch.seqs[0]}"
        )
        if len(batch.seqs) != first.signed_count:
            report.add(
                where,
                f"the signature covers {first.signed_count} entries from "
                f"{first.signed_from}, but {len(batch.seqs)} are present",
            )
            return
        _check_signature(report, where, first, keys, batch_message(batch.statements))

    for entry in entries:
        if entry.seq != expected:
            if entry.seq < expected:
                report.add(f"ledger entry {entry.seq}", f"out of order (after {expected - 1})")
                continue
            report.add(
                f"ledger entry {expected}"
                + (f"-{entry.seq - 1}" if entry.seq - 1 > expected else ""),
                f"missing: entry {expected - 1} is followed by {entry.seq}",
            )
            for missing in range(expected, entry.seq):  # keep positions so later roots line up
                leaves.append(b"")
                merkle.new_nodes(missing - 1, hashlib.sha256(b"missing").digest(), frontier)
        expected = entry.seq + 1
        if entry.time != raw_time:  # entries of a batch share their time: convert it once
            raw_time, stamp = entry.time, time_text(entry.time)
        if entry.signer == "participant":
            if batch is not None:
                close(batch)
                batch = None
            if entry.request_sha256 is None:
                report.add(f"ledger entry {entry.seq}", "participant-signed without request hash")
            else:
                _check_signature(
                    report,
                    f"ledger entry {entry.seq}",
                    entry,
                    keys,
                    request_message(entry.request_sha256),
                )
        else:
            if batch is not None and (
                entry.signed_from != batch.first.signed_from
                or entry.signature != batch.first.signature
            ):
                close(batch)
                batch = None
            if batch is None:
                batch = _Batch(entry)
                if entry.signed_from != entry.seq:
                    report.add(
                        f"ledger entry {entry.seq}",
                        f"its batch should start at {entry.signed_from}",
                    )
            batch.statements.append(statement(entry, stamp))
            batch.seqs.append(entry.seq)
            if len(batch.seqs) == entry.signed_count:
                close(batch)
                batch = None
        leaf = merkle.leaf_hash(leaf_data(entry, stamp))
        leaves.append(leaf)
        merkle.new_nodes(entry.seq - 1, leaf, frontier)
        if entry.seq in heads:
            roots[entry.seq] = _root(frontier, entry.seq)
        latest[entry.subject] = (entry.seq, entry.kind, entry.payload_sha256)
        report.entries += 1
        if progress and report.entries % 10_000 == 0:
            progress(10_000)
    if batch is not None:
        close(batch)
    size = expected - 1
    report.root = _root(frontier, size).hex() if size else merkle.EMPTY_ROOT.hex()

    for tree_size, head in sorted(heads.items()):
        where = f"tree head {tree_size}"
        report.tree_heads += 1
        if tree_size > size:
            report.add(where, f"signed for {tree_size} entries, but only {size} are present")
            continue
        root = roots.get(tree_size, merkle.EMPTY_ROOT) if tree_size else merkle.EMPTY_ROOT
        if root.hex() != head.root_hash:
            report.add(
                where,
                "the entries' Merkle root differs from the signed root: entries "
                f"up to {tree_size} were changed, removed or reordered after signing",
            )
        key = keys.get(head.key_id)
        message = tree_head_message(tree_size, head.root_hash, _as_time(head.timestamp))
        if key is None or key.custody != "platform":
            report.add(where, f"signed by {head.key_id}, which is not a platform key")
        elif not verify_signature(key.public_key, head.signature, message):
            report.add(where, "the tree head's signature does not verify")
    return report, leaves, latest


def _check_signature(report: Report, where: str, entry, keys, message: bytes) -> None:
    report.signatures += 1
    key = keys.get(entry.key_id)
    if key is None:
        report.add(where, f"signed with unknown key {entry.key_id}")
        return
    if key.custody != entry.signer:
        report.add(
            where,
            f"says it was signed by a {entry.signer} key, but {entry.key_id} is {key.custody}",
        )
    if key.custody != "platform" and key.participant_id != entry.actor:
        report.add(where, f"signed with {entry.key_id}, which does not belong to the actor")
    revoked = _as_time(key.revoked_at)
    if revoked is not None and _as_time(entry.time) >= revoked:
        report.add(where, f"signed with {entry.key_id} after it was revoked")
    if not verify_signature(key.public_key, entry.signature, message):
        report.add(where, "the signature does not verify: the entry was altered after signing")


def _root(frontier: dict[merkle.Node, bytes], size: int) -> bytes:
    return merkle.root_from_frontier([frontier[n] for n in merkle.frontier_nodes(size)])


def _as_time(value):
    """A stored or exported time as an aware UTC datetime (SQLite hands back text)."""
    if value is None:
        return None
    if not isinstance(value, datetime):
        value = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def time_text(value) -> str:
    if isinstance(value, str) and len(value) == 26 and value[10] == " ":
        return value.replace(" ", "T") + "Z"  # SQLite's stored form of a UTC datetime
    return format_time(_as_time(value))


# --- The live database ---------------------------------------------------------------------------


def _stream(session: Session, sql: str, batch: int = 20_000) -> Iterator[tuple]:
    """Raw rows, no per-row type processing: verification reads every row there is."""
    options = {"stream_results": True, "yield_per": batch}
    for partition in (
        session.connection().exec_driver_sql(sql, execution_options=options).partitions()
    ):
        yield from partition


def _select(session: Session, table: str, columns: list[str], order: list[str]) -> str:
    quote = session.get_bind().dialect.identifier_preparer.quote
    names = ", ".join(quote(c) for c in columns)
    ordering = ", ".join(quote(c) for c in order)
    return f"SELECT {names} FROM {table} ORDER BY {ordering}"  # noqa: S608 (metadata names)


def verify_database(session: Session, progress: Callable[[int], None] | None = None) -> Report:
    import junkan.services  # noqa: F401  (registers every domain's record types)

    keys = {k.key_id: k for k in session.scalars(select(SigningKey))}
    heads = list(session.scalars(select(TreeHead)))
    rows = _stream(session, _select(session, "ledger_entries", ENTRY_FIELDS, ["seq"]))
    entries = (Entry(*row) for row in rows)
    report, leaves, latest = verify_ledger(entries, keys, heads, progress)
    _check_nodes(session, report, leaves)
    _check_records(session, report, latest)
    return report


def _check_nodes(session: Session, report: Report, leaves: list[bytes]) -> None:
    """Stored leaves must match the entries, and each stored node its stored children.

    Checking nodes against their stored children (not against a recomputed tree) names the
    one row that was touched instead of every node above an altered entry.
    """
    stored = _stream(
        session, _select(session, "ledger_nodes", ["level", "index", "hash"], ["level", "index"])
    )
    below: dict[int, bytes] = {}
    current: dict[int, bytes] = {}
    level = 0
    counts: dict[int, int] = {}
    for node_level, index, value in stored:
        value = bytes(value)
        if node_level != level:
            below, current, level = current, {}, node_level
        current[index] = value
        counts[level] = counts.get(level, 0) + 1
        report.nodes += 1
        where = f"merkle node ({node_level}, {index})"
        if node_level == 0:
            if index >= len(leaves):
                report.add(where, "stored, but there is no such entry")
            elif leaves[index] != value:
                report.add(
                    f"ledger entry {index + 1}",
                    "its stored leaf hash differs from the "
                    "entry: the entry changed after it was "
                    "appended",
                )
        elif (2 * index) not in below or (2 * index + 1) not in below:
            report.add(where, "its children are missing")
        else:
            computed = merkle.node_hash(below[2 * index], below[2 * index + 1])
            if computed != value:
                report.add(where, "does not hash its children: proofs served from it would fail")
                current[index] = computed  # so that its parent is judged on its own merits
    size = len(leaves)
    for node_level in range(size.bit_length()):
        expected = size >> node_level
        if counts.get(node_level, 0) < expected:
            report.add(
                f"merkle level {node_level}",
                f"{expected - counts.get(node_level, 0)} node(s) missing",
            )


def _check_records(
    session: Session, report: Report, latest: dict[str, tuple[int, str, str]]
) -> None:
    seen: set[str] = set()
    for prefix, record_type in RECORD_TYPES.items():
        for record_id in record_type.ids(session):
            subject = f"{prefix}:{record_id}"
            seen.add(subject)
            report.records += 1
            snapshot = record_type.load(session, record_id)
            if subject not in latest:
                report.add(
                    f"{prefix} {record_id}",
                    "stored, but no ledger entry records it (written outside Junkan)",
                )
                continue
            seq, kind, digest = latest[subject]
            if payload_digest(snapshot) != digest:
                report.add(
                    f"{prefix} {record_id}",
                    f"the stored row differs from what ledger entry {seq} ({kind}) recorded",
                )
    for subject, (seq, kind, _) in latest.items():
        prefix, _, record_id = subject.partition(":")
        if prefix in RECORD_TYPES and subject not in seen:
            report.add(
                f"{prefix} {record_id}",
                f"deleted: ledger entry {seq} ({kind}) records it, but the row is gone",
            )


# --- Export files ---------------------------------------------------------------------------


def _plain(value):
    if isinstance(value, datetime):
        return format_time(value)
    return value


def export_lines(session: Session) -> Iterator[str]:
    """The ledger as JSON lines: a header, the keys, the tree heads, then every entry."""
    from junkan.ledger.proofs import signed_tree_head

    head = signed_tree_head(session)
    yield (
        json.dumps(
            {
                "type": "header",
                "format": EXPORT_FORMAT,
                "tree_size": head.tree_size,
                "root_hash": head.root_hash,
            }
        )
        + "\n"
    )
    for key in session.scalars(select(SigningKey).order_by(SigningKey.created_at)):
        yield json.dumps({"type": "key", **{f: _plain(getattr(key, f)) for f in KEY_FIELDS}}) + "\n"
    for tree_head in session.scalars(select(TreeHead).order_by(TreeHead.tree_size)):
        yield (
            json.dumps(
                {"type": "tree_head", **{f: _plain(getattr(tree_head, f)) for f in HEAD_FIELDS}}
            )
            + "\n"
        )
    columns = LedgerEntry.__table__.columns
    result = session.execute(
        select(*columns).order_by(LedgerEntry.seq).execution_options(yield_per=10_000)
    )
    for row in result:
        yield (
            json.dumps(
                {"type": "entry", **{f: _plain(getattr(row, f)) for f in ENTRY_FIELDS}},
                ensure_ascii=False,
            )
            + "\n"
        )


class ExportError(ValueError):
    """An export file that cannot be read at all (as opposed to one that fails verification)."""


def read_export(lines: Iterable[str]) -> tuple[dict, dict, list, list]:
    header, keys, heads, entries = None, {}, [], []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            kind = item.pop("type")
        except (json.JSONDecodeError, KeyError, AttributeError) as exc:
            raise ExportError(f"line {number} is not a ledger export record") from exc
        if kind == "header":
            header = item
        elif kind == "key":
            keys[item["key_id"]] = SimpleNamespace(**item)
        elif kind == "tree_head":
            heads.append(SimpleNamespace(**item))
        elif kind == "entry":
            item["time"] = _as_time(item["time"])
            entries.append(SimpleNamespace(**item))
        else:
            raise ExportError(f"line {number}: unknown record type {kind!r}")
    if header is None or header.get("format") != EXPORT_FORMAT:
        raise ExportError(f"not a {EXPORT_FORMAT} file")
    return header, keys, heads, entries


def verify_export(path: Path, progress: Callable[[int], None] | None = None) -> Report:
    with path.open(encoding="utf-8") as handle:
        header, keys, heads, entries = read_export(handle)
    report, _, _ = verify_ledger(entries, keys, heads, progress)
    if report.root != header["root_hash"] and header["tree_size"] == report.entries:
        report.add("export header", "its root differs from the entries' root")
    return report
