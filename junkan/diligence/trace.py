"""Origin tracing over the lot graph: how much of a battery model's material came from which
mine, recycler or unknown source, and through which sites.

Each lot holds ``mass`` kg of one material. An ordinary lot draws ``m_i`` kg from each input
lot. If the inputs hold at least its mass (``D = sum m_i >= mass``: losses on the way), each
input accounts for the share ``m_i / D`` of it; otherwise input ``i`` accounts for
``m_i / mass`` and the rest, ``(mass - D) / mass``, is of unknown origin. A lot mined at a
mine, or recovered by a recycler, is an origin in itself: tracing stops there, so recycled
material counts as its own origin whatever it was before.

Walking the graph once from the final lots towards the mines, in topological order, carries
every kilogram to exactly one origin (a mine, a recycled lot or "unknown"): the origins always
sum to the final mass. The same walk records how much final mass passed through each lot
(for stage and country shares) and along each link (for the flow chart), and how much of it
crossed at least one mass-balance link, where the attribution is bookkept rather than physical.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from graphlib import CycleError, TopologicalSorter

RECYCLED_ORIGINS = frozenset({"pre_consumer", "post_consumer"})
UNKNOWN = "unknown"


@dataclass(frozen=True)
class TraceInput:
    lot: str
    mass: float
    mass_balance: bool = False


@dataclass(frozen=True)
class TraceLot:
    id: str
    site: str
    material: str
    mass: float
    origin: str = "primary"  # primary, pre_consumer, post_consumer
    mined: bool = False  # made at a mine: an origin
    inputs: tuple[TraceInput, ...] = ()

    @property
    def is_origin(self) -> bool:
        return self.mined or self.origin in RECYCLED_ORIGINS


@dataclass
class Trace:
    """Where the final mass of one material came from and which way it went."""

    material: str
    total: float
    origins: dict[str, float] = field(default_factory=dict)  # origin lot id or UNKNOWN -> kg
    through: dict[str, float] = field(default_factory=dict)  # lot id -> kg of final mass
    flows: dict[tuple[str, str], float] = field(default_factory=dict)  # (from, to) -> kg
    mass_balance: dict[str, float] = field(default_factory=dict)  # origin -> kg via MB links

    @property
    def unknown(self) -> float:
        return self.origins.get(UNKNOWN, 0.0)


class TraceError(ValueError):
    """The lot graph cannot be traced; the message names the lots."""


def _weights(lot: TraceLot) -> tuple[list[tuple[TraceInput, float]], float]:
    """Each input's share of the lot, and the share of unknown origin."""
    if lot.mass <= 0:
        return [], 0.0
    drawn = sum(i.mass for i in lot.inputs)
    basis = max(drawn, lot.mass)
    return [(i, i.mass / basis) for i in lot.inputs], max(0.0, lot.mass - drawn) / lot.mass


def _upstream_order(
    lots: dict[str, TraceLot], finals: list[str], stop_at: frozenset[str]
) -> list[str]:
    """Every lot reachable from the finals, each after all lots that consume it."""
    graph: dict[str, set[str]] = {}
    pending = list(finals)
    while pending:
        lot_id = pending.pop()
        if lot_id in graph:
            continue
        lot = lots.get(lot_id)
        if lot is None:
            raise TraceError(f"lot {lot_id} is referenced but not known")
        upstream = set() if lot.is_origin or lot_id in stop_at else {i.lot for i in lot.inputs}
        graph[lot_id] = upstream
        pending.extend(upstream)
    consumers: dict[str, set[str]] = {lot_id: set() for lot_id in graph}
    for lot_id, upstream in graph.items():
        for source in upstream:
            consumers[source].add(lot_id)
    try:
        return list(TopologicalSorter(consumers).static_order())
    except CycleError as exc:
        raise TraceError(f"the lots {', '.join(map(str, exc.args[1]))} form a cycle") from None


def trace(
    lots: dict[str, TraceLot], finals: list[str], stop_at: frozenset[str] = frozenset()
) -> Trace:
    """Trace the final lots (all of one material) back to their origins.

    Lots in ``stop_at`` end the walk as origins do: what reaches them is theirs. That
    attributes final mass to the production lots (cells, cathode) it was made from."""
    materials = {lots[f].material for f in finals if f in lots}
    if len(materials) > 1:
        raise TraceError(f"final lots mix materials: {', '.join(sorted(materials))}")
    result = Trace(material=materials.pop() if materials else "", total=0.0)
    through: dict[str, float] = defaultdict(float)
    tainted: dict[str, float] = defaultdict(float)
    origins: dict[str, float] = defaultdict(float)
    via_mass_balance: dict[str, float] = defaultdict(float)
    for final in finals:
        through[final] += lots[final].mass if final in lots else 0.0
    result.total = sum(through.values())
    for lot_id in _upstream_order(lots, finals, stop_at):
        lot = lots[lot_id]
        mass, mb = through[lot_id], tainted[lot_id]
        if lot.material != result.material:
            raise TraceError(f"lot {lot_id} holds {lot.material}, its consumer {result.material}")
        if lot.is_origin or lot_id in stop_at:
            origins[lot_id] += mass
            via_mass_balance[lot_id] += mb
            continue
        weights, unknown = _weights(lot)
        if unknown > 0:
            origins[UNKNOWN] += mass * unknown
            via_mass_balance[UNKNOWN] += mb * unknown
            result.flows[(UNKNOWN, lot_id)] = mass * unknown
        for source, weight in weights:
            flow = mass * weight
            through[source.lot] += flow
            tainted[source.lot] += flow if source.mass_balance else mb * weight
            key = (source.lot, lot_id)
            result.flows[key] = result.flows.get(key, 0.0) + flow
    result.through = dict(through)
    result.origins = dict(origins)
    result.mass_balance = {k: v for k, v in via_mass_balance.items() if v > 0}
    return result
