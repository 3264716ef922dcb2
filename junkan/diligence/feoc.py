"""Foreign entity of concern (US IRA, 26 U.S.C. 30D(d)(7)) from ownership chains.

An entity is of concern when it is in a jurisdiction of concern (incorporated there or subject
to its jurisdiction), when jurisdictions of concern hold at least the threshold of it
effectively, or when an entity of concern controls it. Effective holding multiplies shares
along each chain and adds the chains up:

    s(e) = 1                                 if e is in a jurisdiction of concern
    s(e) = sum over owners o of share(o, e) * s(o)   otherwise

so 60 % of 50 % held by a state-owned parent is 30 %. Cross-holdings make this a linear system,
solved exactly. An entity of concern that controls another (board seats, voting agreements,
licences) makes it one too, and that entity then passes its holdings on in full.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

DEFAULT_JURISDICTIONS = ("CN", "KP", "RU", "IR")  # 10 U.S.C. 4872(f)(2) covered nations
DEFAULT_THRESHOLD = 0.25  # DOE interpretive rule, 89 FR 37079 (2024)


@dataclass(frozen=True)
class Holding:
    owner: str
    owned: str
    share: float  # 0..1
    control: bool = False


@dataclass
class FeocStatus:
    entity: str
    share: float  # effective holding by jurisdictions of concern, 0..1
    of_concern: bool
    reasons: list[str] = field(default_factory=list)
    chains: list[tuple[list[str], float]] = field(default_factory=list)  # owner path, share


class OwnershipError(ValueError):
    """The ownership records are contradictory; the message names the entities."""


def check_holdings(holdings: list[Holding], names: dict[str, str]) -> None:
    """No single share above 100 %, and no entity more than 100 % owned."""
    totals: dict[str, float] = defaultdict(float)
    for h in holdings:
        if not 0 < h.share <= 1:
            raise OwnershipError(
                f"{names.get(h.owner, h.owner)} holding {h.share * 100:g} % of "
                f"{names.get(h.owned, h.owned)}: a share is above 0 and at most 100 %"
            )
        if h.owner == h.owned:
            raise OwnershipError(f"{names.get(h.owned, h.owned)} cannot own itself")
        totals[h.owned] += h.share
    for owned, total in totals.items():
        if total > 1 + 1e-9:
            raise OwnershipError(
                f"{names.get(owned, owned)} is owned {total * 100:g} % in all, above 100 %"
            )


def _effective(entities: list[str], holdings: list[Holding], full: set[str]) -> dict[str, float]:
    index = {e: i for i, e in enumerate(entities)}
    n = len(entities)
    matrix = np.eye(n)
    constant = np.zeros(n)
    for e in full:
        constant[index[e]] = 1.0
    for h in holdings:
        if h.owned in full or h.owner not in index or h.owned not in index:
            continue
        matrix[index[h.owned], index[h.owner]] -= h.share
    try:
        solved = np.linalg.solve(matrix, constant)
    except np.linalg.LinAlgError:
        raise OwnershipError("a ring of entities owns itself entirely; check the shares") from None
    return {e: float(min(1.0, max(0.0, solved[index[e]]))) for e in entities}


def _chains(
    entity: str, owners: dict[str, list[Holding]], full: set[str], limit: int = 5
) -> list[tuple[list[str], float]]:
    """The ownership chains from `entity` up to entities of concern, largest first."""
    found: list[tuple[list[str], float]] = []

    def walk(current: str, path: list[str], share: float) -> None:
        if current in full and path:
            found.append((path, share))
            return
        if len(path) > 12:
            return
        for h in owners.get(current, []):
            if h.owner not in path and h.owner != entity:
                walk(h.owner, [*path, h.owner], share * h.share)

    walk(entity, [], 1.0)
    return sorted(found, key=lambda chain: -chain[1])[:limit]


def assess(
    jurisdictions: dict[str, str],
    holdings: list[Holding],
    concern: set[str] | frozenset[str] = frozenset(DEFAULT_JURISDICTIONS),
    threshold: float = DEFAULT_THRESHOLD,
    names: dict[str, str] | None = None,
) -> dict[str, FeocStatus]:
    """The FEOC status of every entity, with the reasons and chains that make it so."""
    names = names or {}
    check_holdings(holdings, names)
    entities = list(jurisdictions)
    owners: dict[str, list[Holding]] = defaultdict(list)
    for h in holdings:
        owners[h.owned].append(h)
    direct = {e for e, j in jurisdictions.items() if j in concern}
    controlled: dict[str, str] = {}
    while True:
        full = direct | set(controlled)
        shares = _effective(entities, holdings, full)
        of_concern = full | {e for e, s in shares.items() if s >= threshold - 1e-12}
        newly = {
            h.owned: h.owner
            for h in holdings
            if h.control and h.owner in of_concern and h.owned not in full
        }
        if not newly.keys() - controlled.keys():
            break
        controlled |= newly
    statuses = {}
    for e in entities:
        reasons = []
        if e in direct:
            reasons.append(f"in a jurisdiction of concern ({jurisdictions[e]})")
        if e in controlled:
            reasons.append(f"controlled by {names.get(controlled[e], controlled[e])}")
        if e not in direct and shares[e] >= threshold - 1e-12:
            reasons.append(
                f"{shares[e] * 100:.1f} % held by jurisdictions of concern "
                f"(threshold {threshold * 100:g} %)"
            )
        chains = _chains(e, owners, full) if e not in direct and shares[e] > 0 else []
        statuses[e] = FeocStatus(e, 1.0 if e in full else shares[e], bool(reasons), reasons, chains)
    return statuses
