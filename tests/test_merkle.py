"""Merkle proofs against a naive, literal transcription of RFC 9162's recursive definitions."""

import hashlib

from hypothesis import given, settings
from hypothesis import strategies as st

from junkan.ledger import merkle


def naive_mth(leaves: list[bytes]) -> bytes:
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return merkle.leaf_hash(leaves[0])
    k = 1 << ((len(leaves) - 1).bit_length() - 1)
    return merkle.node_hash(naive_mth(leaves[:k]), naive_mth(leaves[k:]))


def naive_path(m: int, leaves: list[bytes]) -> list[bytes]:
    if len(leaves) <= 1:
        return []
    k = 1 << ((len(leaves) - 1).bit_length() - 1)
    if m < k:
        return naive_path(m, leaves[:k]) + [naive_mth(leaves[k:])]
    return naive_path(m - k, leaves[k:]) + [naive_mth(leaves[:k])]


def naive_subproof(m: int, leaves: list[bytes], complete: bool) -> list[bytes]:
    n = len(leaves)
    if m == n:
        return [] if complete else [naive_mth(leaves)]
    k = 1 << ((n - 1).bit_length() - 1)
    if m <= k:
        return naive_subproof(m, leaves[:k], complete) + [naive_mth(leaves[k:])]
    return naive_subproof(m - k, leaves[k:], False) + [naive_mth(leaves[:k])]


def build(leaves: list[bytes]) -> dict:
    """Store nodes the way the ledger does: by appending one leaf at a time."""
    stored, frontier = {}, {}
    for size, data in enumerate(leaves):
        for node, value in merkle.new_nodes(size, merkle.leaf_hash(data), frontier):
            stored[node] = value
    return stored


def fetcher(stored):
    return lambda nodes: {node: stored[node] for node in nodes}


def leaves_of(n: int) -> list[bytes]:
    return [f"entry {i}".encode() for i in range(n)]


@settings(max_examples=150, deadline=None)
@given(n=st.integers(1, 300), data=st.data())
def test_inclusion_proofs_match_the_naive_tree_and_verify(n, data):
    leaves = leaves_of(n)
    stored = build(leaves)
    root = naive_mth(leaves)
    size_nodes = merkle.frontier_nodes(n)
    assert merkle.root_from_frontier([stored[x] for x in size_nodes]) == root
    m = data.draw(st.integers(0, n - 1))
    proof = merkle.resolve(merkle.inclusion_ranges(m, n), fetcher(stored))
    assert proof == naive_path(m, leaves)
    leaf = merkle.leaf_hash(leaves[m])
    assert merkle.verify_inclusion(m, n, leaf, proof, root)
    assert not merkle.verify_inclusion(m, n, merkle.leaf_hash(b"forged"), proof, root)
    if proof:
        bent = [bytes(32)] + proof[1:]
        assert not merkle.verify_inclusion(m, n, leaf, bent, root)


@settings(max_examples=150, deadline=None)
@given(n=st.integers(1, 300), data=st.data())
def test_consistency_proofs_match_the_naive_tree_and_verify(n, data):
    leaves = leaves_of(n)
    stored = build(leaves)
    m = data.draw(st.integers(1, n))
    proof = merkle.resolve(merkle.consistency_ranges(m, n), fetcher(stored))
    assert proof == (naive_subproof(m, leaves, True) if m < n else [])
    old_root, new_root = naive_mth(leaves[:m]), naive_mth(leaves)
    assert merkle.verify_consistency(m, n, old_root, new_root, proof)
    rewritten = naive_mth([b"rewritten"] + leaves[1:m]) if m > 0 else old_root
    if m < n:
        assert not merkle.verify_consistency(m, n, rewritten, new_root, proof)


def test_roots_of_every_prefix_are_available_from_stored_nodes():
    leaves = leaves_of(70)
    stored = build(leaves)
    for n in range(1, 71):
        frontier = [stored[x] for x in merkle.frontier_nodes(n)]
        assert merkle.root_from_frontier(frontier) == naive_mth(leaves[:n])


def test_empty_tree_and_out_of_range_requests():
    assert merkle.root_from_frontier([]) == hashlib.sha256(b"").digest()
    for bad in [(5, 5), (-1, 3)]:
        try:
            merkle.inclusion_ranges(*bad)
        except merkle.ProofError:
            continue
        raise AssertionError(f"{bad} should be refused")
    for bad in [(0, 3), (4, 3)]:
        try:
            merkle.consistency_ranges(*bad)
        except merkle.ProofError:
            continue
        raise AssertionError(f"{bad} should be refused")
