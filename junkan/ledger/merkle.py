"""RFC 9162 Merkle tree hashing, proofs and their verification.

Proofs are built from hashes of perfect, aligned subtrees (`Node` = (level, index) covering
leaves [index * 2**level, (index + 1) * 2**level)), which the ledger stores as it appends.
Any range the RFC's recursion visits splits into O(log n) such nodes, so a proof needs one
batched lookup, whatever the tree size.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping

Node = tuple[int, int]
Range = tuple[int, int]

EMPTY_ROOT = hashlib.sha256(b"").digest()


class ProofError(ValueError):
    """A proof request that cannot be answered (sizes out of range)."""


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(size: int) -> int:
    """The largest power of two smaller than `size` (size >= 2)."""
    return 1 << ((size - 1).bit_length() - 1)


def _perfect(start: int, end: int) -> Node | None:
    size = end - start
    if size & (size - 1) == 0 and start % size == 0:
        return (size.bit_length() - 1, start // size)
    return None


def range_nodes(start: int, end: int) -> list[Node]:
    """The perfect subtrees whose hashes determine MTH(D[start:end])."""
    node = _perfect(start, end)
    if node is not None:
        return [node]
    k = _split(end - start)
    return range_nodes(start, start + k) + range_nodes(start + k, end)


def range_hash(start: int, end: int, nodes: Mapping[Node, bytes]) -> bytes:
    node = _perfect(start, end)
    if node is not None:
        return nodes[node]
    k = _split(end - start)
    return node_hash(range_hash(start, start + k, nodes), range_hash(start + k, end, nodes))


def inclusion_ranges(index: int, size: int) -> list[Range]:
    """RFC 9162 §2.1.3.1 PATH(m, D[n]) as the ranges whose hashes form the audit path."""
    if not 0 <= index < size:
        raise ProofError(f"leaf {index} is not in a tree of size {size}")
    ranges: list[Range] = []
    start, end = 0, size
    while end - start > 1:
        k = _split(end - start)
        if index < start + k:
            ranges.append((start + k, end))
            end = start + k
        else:
            ranges.append((start, start + k))
            start += k
    return ranges[::-1]


def consistency_ranges(first: int, second: int) -> list[Range]:
    """RFC 9162 §2.1.4.1 PROOF(m, D[n]) as ranges."""
    if not 0 < first <= second:
        raise ProofError(f"no consistency proof from size {first} to size {second}")
    ranges: list[Range] = []

    def subproof(m: int, start: int, end: int, complete: bool) -> None:
        if m == end - start:
            if not complete:
                ranges.append((start, end))
            return
        k = _split(end - start)
        if m <= k:
            subproof(m, start, start + k, complete)
            ranges.append((start + k, end))
        else:
            subproof(m - k, start + k, end, False)
            ranges.append((start, start + k))

    if first < second:
        subproof(first, 0, second, True)
    return ranges


def resolve(
    ranges: Iterable[Range], fetch: Callable[[list[Node]], Mapping[Node, bytes]]
) -> list[bytes]:
    """Hashes of `ranges`, with every stored node they need fetched in one call."""
    ranges = list(ranges)
    needed = sorted({node for r in ranges for node in range_nodes(*r)})
    nodes = fetch(needed) if needed else {}
    return [range_hash(start, end, nodes) for start, end in ranges]


def root_from_frontier(frontier: list[bytes]) -> bytes:
    """The root from the perfect subtrees covering [0, n), largest first."""
    if not frontier:
        return EMPTY_ROOT
    root = frontier[-1]
    for left in reversed(frontier[:-1]):
        root = node_hash(left, root)
    return root


def frontier_nodes(size: int) -> list[Node]:
    """Perfect subtrees covering [0, size), largest first: one per set bit of `size`."""
    nodes, start = [], 0
    for level in range(size.bit_length() - 1, -1, -1):
        if size >> level & 1:
            nodes.append((level, start >> level))
            start += 1 << level
    return nodes


def new_nodes(size: int, leaf: bytes, frontier: dict[Node, bytes]) -> list[tuple[Node, bytes]]:
    """Nodes completed by appending `leaf` as leaf number `size` (0-based).

    `frontier` must hold the nodes of `frontier_nodes(size)`; it is updated in place so that
    appends can be chained in memory.
    """
    created = [((0, size), leaf)]
    frontier[(0, size)] = leaf
    level, index, current = 0, size, leaf
    while index & 1:
        left = frontier.pop((level, index - 1))
        frontier.pop((level, index), None)
        current = node_hash(left, current)
        level, index = level + 1, index >> 1
        frontier[(level, index)] = current
        created.append(((level, index), current))
    return created


# --- Verification (RFC 9162 §2.1.3.2 and §2.1.4.2) --------------------------------------------


def verify_inclusion(index: int, size: int, leaf: bytes, proof: list[bytes], root: bytes) -> bool:
    if index >= size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def verify_consistency(
    first: int, second: int, first_root: bytes, second_root: bytes, proof: list[bytes]
) -> bool:
    if first > second or first == 0:
        return False
    if first == second:
        return not proof and first_root == second_root
    path = [first_root, *proof] if first & (first - 1) == 0 else list(proof)
    if not path:
        return False
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return sn == 0 and fr == first_root and sr == second_root
