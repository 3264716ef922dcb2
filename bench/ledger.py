"""Ledger throughput and proof cost at scale, as ratios against primitives timed in the same run.

    uv run python bench/ledger.py [--entries 1000000] [--batch 1000]

Baselines: raw Ed25519 signatures per second and raw SHA-256 hashes per second (64-byte
inputs). Reported: signed appends per second through `record_many` into SQLite (the bulk
path, one signature per batch), inclusion-proof generation and verification at full size,
and `verify_database` over every entry.
Targets on a 2-core machine: >= 20k appends/s, proof verification < 1 ms, verify < 60 s.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import tempfile
import time
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from junkan import migrate
from junkan.db import make_engine, make_sessionmaker
from junkan.ledger import merkle, proofs, service
from junkan.ledger.verify import verify_database


def rate(fn, seconds: float = 1.0) -> float:
    """Calls per second of `fn`, measured for about `seconds`."""
    count, start = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - start) < seconds:
        for _ in range(100):
            fn()
        count += 100
    return count / elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--batch", type=int, default=10_000)
    args = parser.parse_args()

    key = Ed25519PrivateKey.generate()
    message = os.urandom(100)
    block = os.urandom(64)
    signs_per_s = rate(lambda: key.sign(message))
    hashes_per_s = rate(lambda: hashlib.sha256(block).digest())
    print(f"baseline  Ed25519 sign     {signs_per_s:12,.0f} /s")
    print(f"baseline  SHA-256 (64 B)   {hashes_per_s:12,.0f} /s")

    with tempfile.TemporaryDirectory() as scratch:
        url = f"sqlite:///{Path(scratch) / 'ledger.db'}"
        migrate.upgrade(url)
        engine = make_engine(url)
        sessions = make_sessionmaker(engine, Path(scratch) / "keys")
        digest = hashlib.sha256(b"payload").hexdigest()
        with sessions() as session:
            start = time.perf_counter()
            written = 0
            while written < args.entries:
                size = min(args.batch, args.entries - written)
                items = [
                    ("telemetry.reading", f"battery:{(written + i) % 5000}", None)
                    for i in range(size)
                ]
                service.record_many(
                    session, actor="platform", items=items, payload_digests=[digest] * size
                )
                session.commit()
                written += size
            append_s = time.perf_counter() - start
            appends_per_s = written / append_s
            print(
                f"appends   {written:,} entries in {append_s:.1f} s = {appends_per_s:,.0f} /s"
                f"  = {appends_per_s / signs_per_s:.2f} x raw signing"
                f"  [target >= 20,000 /s: {'met' if appends_per_s >= 20_000 else 'MISSED'}]"
            )

            head = proofs.signed_tree_head(session)
            root = bytes.fromhex(head.root_hash)
            size = head.tree_size
            picks = [random.randint(1, size) for _ in range(200)]
            start = time.perf_counter()
            samples = [(seq, proofs.inclusion_proof(session, seq, size)) for seq in picks]
            generate_ms = (time.perf_counter() - start) / len(picks) * 1e3
            leaves = {
                seq: merkle.leaf_hash(service.leaf_data(proofs.get_entry(session, seq)))
                for seq in picks
            }
            start = time.perf_counter()
            for seq, proof in samples:
                assert merkle.verify_inclusion(seq - 1, size, leaves[seq], proof, root)
            verify_ms = (time.perf_counter() - start) / len(samples) * 1e3
            hash_ms = 1e3 / hashes_per_s
            print(
                f"proof     generate {generate_ms:.3f} ms, verify {verify_ms:.4f} ms "
                f"= {verify_ms / hash_ms:.0f} x one SHA-256 at size {size:,}"
                f"  [target < 1 ms: {'met' if verify_ms < 1 else 'MISSED'}]"
            )

            start = time.perf_counter()
            report = verify_database(session)
            verify_s = time.perf_counter() - start
            assert report.ok, report.findings[:5]
            print(
                f"verify    {report.entries:,} entries, {report.nodes:,} nodes in "
                f"{verify_s:.1f} s = {report.entries / verify_s / hashes_per_s:.3f} x "
                f"SHA-256 rate  [target < 60 s: {'met' if verify_s < 60 else 'MISSED'}]"
            )
        engine.dispose()


if __name__ == "__main__":
    main()
