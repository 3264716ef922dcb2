"""Recycled content by mass balance, and recycler targets (EU Battery Regulation 2023/1542).

Pure functions over frozen dataclasses; docs/recycled-content.md has a worked example.

* ``Lot``: ``mass_kg`` of one metal's content (not of the compound), of one origin:
  ``primary``, ``pre_consumer`` or ``post_consumer`` recycled.
* ``Step``: one production step (refining, cathode, cell, or a site's stock) at one plant in one
  year: the ISO 22095 mass-balance boundary. It pools its incoming flows per metal.
* ``Flow``: ``mass_kg`` of one metal from a lot or a step into a step. Outgoing mass may not
  exceed what the lot holds or what flowed into the step.
* ``BatteryRun``: ``batteries`` of one ``model`` made at a step, each holding
  ``metal_kg_per_battery``; it draws per battery × batteries. Plant and year are its step's.
* ``Declaration`` (optional): pre-/post-consumer kg of one metal assigned to one output.

Allocation, per step and metal, in topological order (a cycle is an error): the input
composition is the sum of the incoming flows' (a flow from a lot carries the lot's origin).
Declared outputs get what they declare, the rest of their mass being primary; declarations may
not allocate more of an origin than the step holds. Every other output gets the remaining pool
in proportion to its mass: ``share_o = (input_o - declared_o) / (input - declared mass)``, so
without declarations every output carries exactly the step's input shares. Mass not drawn out
stays at the step (``Trace.unallocated``) in the same proportions, so each origin is conserved.

``recycled_shares`` groups runs by (model, plant, year) and reports per metal the pre-consumer,
post-consumer and total recycled share against the Art. 8 targets from 18 Aug 2031 and 2036
(``None`` for metals without a target). ``recycling_efficiency`` (Annex XII Part B) and
``material_recovery`` (Part C) check recycler reports. Errors are ``RecycledContentError``
(a ``ValueError``) subclasses whose message names the record.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

ORIGINS = ("primary", "pre_consumer", "post_consumer")
_METALS = ["cobalt", "lithium", "nickel", "lead", "copper", "manganese"]
_METAL_ALIASES = dict(zip(["co", "li", "ni", "pb", "cu", "mn"], _METALS, strict=True))

ART8_2031 = date(2031, 8, 18)
ART8_2036 = date(2036, 8, 18)
_ART8 = (ART8_2031, ART8_2036)
#: Art. 8(2)–(3): minimum recycled content, % of the metal in the battery.
RECYCLED_CONTENT_TARGETS: dict[date, dict[str, float]] = {
    ART8_2031: {"cobalt": 16.0, "lead": 85.0, "lithium": 6.0, "nickel": 6.0},
    ART8_2036: {"cobalt": 26.0, "lead": 85.0, "lithium": 12.0, "nickel": 15.0},
}

EFFICIENCY_2025 = date(2025, 12, 31)
EFFICIENCY_2030 = date(2030, 12, 31)
#: Annex XII Part B: recycling efficiency, % by average weight. Part B sets no 2030 value for
#: Ni-Cd and other batteries; their 2025 targets stay in force and are carried forward.
_CLASSES = ("lead_acid", "lithium_based", "nickel_cadmium", "other")
RECYCLING_EFFICIENCY_TARGETS: dict[date, dict[str, float]] = {
    EFFICIENCY_2025: dict(zip(_CLASSES, (75.0, 65.0, 80.0, 50.0), strict=True)),
    EFFICIENCY_2030: dict(zip(_CLASSES, (80.0, 70.0, 80.0, 50.0), strict=True)),
}
_CHEMISTRY_ALIASES = {c: c for c in _CLASSES} | {"pb_acid": "lead_acid", "nicd": "nickel_cadmium"}
_CHEMISTRY_ALIASES |= dict.fromkeys(("lithium", "lithium_ion", "li_ion"), "lithium_based")
_CHEMISTRY_ALIASES["ni_cd"] = "nickel_cadmium"

RECOVERY_2027 = date(2027, 12, 31)
RECOVERY_2031 = date(2031, 12, 31)
#: Annex XII Part C: material recovery, % of the metal in the input.
MATERIAL_RECOVERY_TARGETS: dict[date, dict[str, float]] = {
    RECOVERY_2027: {"cobalt": 90.0, "copper": 90.0, "lead": 90.0, "lithium": 50.0, "nickel": 90.0},
    RECOVERY_2031: {"cobalt": 95.0, "copper": 95.0, "lead": 95.0, "lithium": 80.0, "nickel": 95.0},
}

_REL_TOL = 1e-9


class RecycledContentError(ValueError):
    """Base class: the input data cannot be accounted for; the message names the record."""


class NegativeMassError(RecycledContentError):
    """A mass, battery count or declared allocation is negative (or not finite)."""


class OverdrawnError(RecycledContentError):
    """Outputs move more mass than their source (lot or step) holds."""


class FlowCycleError(RecycledContentError):
    """The flow graph between steps has a cycle."""


class RecordError(RecycledContentError):
    """A duplicate id, unknown reference, unknown origin or mismatched metal."""


class DeclarationError(RecycledContentError):
    """A declared allocation exceeds its output or the credits its step holds."""


def normalize_metal(metal: str) -> str:
    """Lower-case metal name; chemical symbols (Co, Li, Ni, Pb, Cu, Mn) map to names."""
    name = metal.strip().lower()
    return _METAL_ALIASES.get(name, name)


def _check_mass(value: float, what: str) -> None:
    if not value >= 0 or value == float("inf"):  # catches NaN and negatives
        raise NegativeMassError(f"{what}: mass must be a finite number >= 0, got {value!r}")


def _fits(used: float, held: float) -> bool:
    return used <= held + _REL_TOL * max(1.0, abs(held))


@dataclass(frozen=True)
class Lot:
    """``mass_kg`` of one metal's content, of one origin, held at ``site`` in ``year``."""

    id: str
    metal: str
    mass_kg: float
    origin: str
    site: str = ""
    year: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "metal", normalize_metal(self.metal))
        _check_mass(self.mass_kg, f"lot {self.id!r}")
        if self.origin not in ORIGINS:
            raise RecordError(f"lot {self.id!r}: origin {self.origin!r} is not one of {ORIGINS}")


@dataclass(frozen=True)
class Step:
    """One production step at one plant in one year: the mass-balance boundary."""

    id: str
    plant: str
    year: int
    kind: str = "production"


@dataclass(frozen=True)
class Flow:
    """``mass_kg`` of ``metal`` (default: the source lot's) from a lot or step into a step."""

    id: str
    source: str
    target: str
    mass_kg: float
    metal: str | None = None

    def __post_init__(self) -> None:
        if self.metal is not None:
            object.__setattr__(self, "metal", normalize_metal(self.metal))
        _check_mass(self.mass_kg, f"flow {self.id!r}")


@dataclass(frozen=True)
class BatteryRun:
    """``batteries`` of ``model`` made at ``step``, each holding ``metal_kg_per_battery``."""

    id: str
    model: str
    step: str
    batteries: int
    metal_kg_per_battery: Mapping[str, float]

    def __post_init__(self) -> None:
        if self.batteries < 0:
            raise NegativeMassError(f"battery run {self.id!r}: batteries must be >= 0")
        per: dict[str, float] = {}
        for metal, kg in self.metal_kg_per_battery.items():
            _check_mass(kg, f"battery run {self.id!r}, {metal} per battery")
            name = normalize_metal(metal)
            if name in per:
                raise RecordError(f"battery run {self.id!r}: metal {name!r} given twice")
            per[name] = kg
        object.__setattr__(self, "metal_kg_per_battery", per)

    def mass_kg(self, metal: str) -> float:
        return self.metal_kg_per_battery.get(metal, 0.0) * self.batteries


@dataclass(frozen=True)
class Declaration:
    """Recycled mass of ``metal`` the operator assigns to one output (flow or run) of a step."""

    output: str
    metal: str
    pre_consumer_kg: float = 0.0
    post_consumer_kg: float = 0.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "metal", normalize_metal(self.metal))
        _check_mass(self.pre_consumer_kg, f"declaration for {self.output!r} pre_consumer")
        _check_mass(self.post_consumer_kg, f"declaration for {self.output!r} post_consumer")


@dataclass(frozen=True)
class Composition:
    """Mass of one metal split by origin."""

    primary_kg: float = 0.0
    pre_consumer_kg: float = 0.0
    post_consumer_kg: float = 0.0

    @property
    def total_kg(self) -> float:
        return self.primary_kg + self.pre_consumer_kg + self.post_consumer_kg

    @property
    def recycled_kg(self) -> float:
        return self.pre_consumer_kg + self.post_consumer_kg

    def get(self, origin: str) -> float:
        return getattr(self, f"{origin}_kg")

    def pct(self, origin: str) -> float:
        """Share of ``origin`` in % of the total (0 for an empty composition)."""
        total = self.total_kg
        return 100.0 * self.get(origin) / total if total > 0 else 0.0

    def __add__(self, other: Composition) -> Composition:
        return Composition(*(self.get(o) + other.get(o) for o in ORIGINS))


@dataclass(frozen=True)
class Trace:
    """Where every origin went: per step input, flow, battery run, and what was left."""

    step_inputs: dict[tuple[str, str], Composition]  # (step id, metal)
    flows: dict[str, Composition]  # flow id
    runs: dict[tuple[str, str], Composition]  # (run id, metal)
    unallocated: dict[tuple[str, str], Composition]  # (step id, metal): input not drawn out
    unused_lots_kg: dict[str, float]  # lot id


@dataclass(frozen=True)
class TargetCheck:
    """One target: ``gap_pct`` is the shortfall in percentage points (0 when met)."""

    applies_from: date
    target_pct: float
    achieved_pct: float
    gap_pct: float
    met: bool


def _check(applies_from: date, target: float | None, achieved: float) -> TargetCheck | None:
    if target is None:
        return None
    met = achieved >= target - 1e-9
    return TargetCheck(applies_from, target, achieved, 0.0 if met else target - achieved, met)


@dataclass(frozen=True)
class RecycledShare:
    """Recycled content of one metal in one battery model, plant and year."""

    model: str
    plant: str
    year: int
    metal: str
    mass_kg: float
    pre_consumer_kg: float
    post_consumer_kg: float
    pre_consumer_pct: float
    post_consumer_pct: float
    total_pct: float
    target_2031: TargetCheck | None
    target_2036: TargetCheck | None


def _index(records: Iterable, kind: str, taken: dict[str, str]) -> dict:
    out = {}
    for record in records:
        if record.id in taken:
            raise RecordError(f"{kind} {record.id!r}: id already used by a {taken[record.id]}")
        taken[record.id] = kind
        out[record.id] = record
    return out


def _topological_steps(steps: dict[str, Step], flows: dict[str, Flow]) -> list[str]:
    """Steps in an order where every flow's source step comes first; a cycle is an error."""
    preds: dict[str, list[tuple[str, str]]] = defaultdict(list)  # step -> [(source, flow)]
    succs: dict[str, list[str]] = defaultdict(list)
    indegree = dict.fromkeys(steps, 0)
    for flow in flows.values():
        if flow.source in steps:
            preds[flow.target].append((flow.source, flow.id))
            succs[flow.source].append(flow.target)
            indegree[flow.target] += 1
    ready = [s for s in steps if indegree[s] == 0]
    order: list[str] = []
    while ready:
        step = ready.pop()
        order.append(step)
        for nxt in succs[step]:
            indegree[nxt] -= 1
            if indegree[nxt] == 0:
                ready.append(nxt)
    if len(order) == len(steps):
        return order
    # Every step left over has a predecessor that is left over: walk back until one repeats.
    left = {s for s in steps if indegree[s] > 0}
    path: list[tuple[str, str]] = []
    seen: dict[str, int] = {}
    node = min(left)
    while node not in seen:
        seen[node] = len(path)
        source, flow_id = min(p for p in preds[node] if p[0] in left)
        path.append((node, flow_id))
        node = source
    cycle = list(reversed(path[seen[node] :]))
    names, flow_ids = " -> ".join([node] + [s for s, _ in cycle]), [f for _, f in cycle]
    raise FlowCycleError(f"flow graph has a cycle: {names} (flows {', '.join(flow_ids)})")


def trace(
    lots: Iterable[Lot],
    steps: Iterable[Step],
    flows: Iterable[Flow],
    runs: Iterable[BatteryRun],
    declarations: Iterable[Declaration] = (),
) -> Trace:
    """Attribute every origin through the flow graph by mass balance (see module docstring)."""
    taken: dict[str, str] = {}
    lot_by_id: dict[str, Lot] = _index(lots, "lot", taken)
    step_by_id: dict[str, Step] = _index(steps, "step", taken)
    flow_by_id: dict[str, Flow] = _index(flows, "flow", taken)
    run_by_id: dict[str, BatteryRun] = _index(runs, "battery run", taken)

    # Validate references and resolve every flow's metal.
    flow_metal: dict[str, str] = {}
    comp_of_flow: dict[str, Composition] = {}
    for flow in flow_by_id.values():
        if flow.target not in step_by_id:
            what = "a lot" if flow.target in lot_by_id else "unknown"
            raise RecordError(f"flow {flow.id!r}: target {flow.target!r} is {what}, not a step")
        if flow.source in lot_by_id:
            lot = lot_by_id[flow.source]
            if flow.metal is not None and flow.metal != lot.metal:
                raise RecordError(
                    f"flow {flow.id!r} moves {flow.metal} but lot {lot.id!r} holds {lot.metal}"
                )
            flow_metal[flow.id] = lot.metal
            comp_of_flow[flow.id] = Composition(**{f"{lot.origin}_kg": flow.mass_kg})
        elif flow.source in step_by_id:
            if flow.metal is None:
                raise RecordError(f"flow {flow.id!r} out of step {flow.source!r} names no metal")
            flow_metal[flow.id] = flow.metal
        else:
            raise RecordError(f"flow {flow.id!r}: source {flow.source!r} is no lot or step")
    for run in run_by_id.values():
        if run.step not in step_by_id:
            raise RecordError(f"battery run {run.id!r}: step {run.step!r} is unknown")

    declared: dict[tuple[str, str], Declaration] = {}
    for decl in declarations:
        output = flow_by_id.get(decl.output) or run_by_id.get(decl.output)
        if output is None:
            raise RecordError(f"declaration for {decl.output!r}: no such flow or battery run")
        if isinstance(output, Flow) and output.source in lot_by_id:
            raise DeclarationError(f"declaration for flow {output.id!r}: a lot's origin is fixed")
        key = (decl.output, decl.metal)
        if key in declared:
            raise DeclarationError(f"declaration for {decl.output!r}, {decl.metal}: given twice")
        declared[key] = decl

    # Lots: outgoing flows may not exceed the lot.
    drawn: dict[str, float] = defaultdict(float)
    for flow in flow_by_id.values():
        drawn[flow.source] += flow.mass_kg
    for lot in lot_by_id.values():
        if not _fits(drawn[lot.id], lot.mass_kg):
            raise OverdrawnError(
                f"lot {lot.id!r} holds {lot.mass_kg:g} kg {lot.metal} but its flows move "
                f"{drawn[lot.id]:g} kg"
            )

    # Outputs per (step, metal): (output id, mass).
    outputs: dict[tuple[str, str], list[tuple[str, float]]] = defaultdict(list)
    inflows: dict[str, list[Flow]] = defaultdict(list)
    for flow in flow_by_id.values():
        inflows[flow.target].append(flow)
        if flow.source in step_by_id:
            outputs[(flow.source, flow_metal[flow.id])].append((flow.id, flow.mass_kg))
    for run in run_by_id.values():
        for metal in run.metal_kg_per_battery:
            outputs[(run.step, metal)].append((run.id, run.mass_kg(metal)))
    carried = {(out_id, metal) for (_, metal), outs in outputs.items() for out_id, _ in outs}
    for out_id, metal in declared:
        if (out_id, metal) not in carried:
            raise DeclarationError(f"declaration for {out_id!r}: it carries no {metal}")

    comp_of_run: dict[tuple[str, str], Composition] = {}
    step_inputs: dict[tuple[str, str], Composition] = {}
    unallocated: dict[tuple[str, str], Composition] = {}
    for step_id in _topological_steps(step_by_id, flow_by_id):
        pooled: dict[str, Composition] = defaultdict(Composition)
        for flow in inflows[step_id]:
            pooled[flow_metal[flow.id]] += comp_of_flow[flow.id]
        metals = set(pooled) | {m for (s, m) in outputs if s == step_id}
        for metal in sorted(metals):
            pool = pooled[metal]
            step_inputs[(step_id, metal)] = pool
            outs = outputs.get((step_id, metal), [])
            allocation = _allocate(step_id, metal, pool, outs, declared)
            for out_id, comp in allocation.items():
                if out_id in flow_by_id:
                    comp_of_flow[out_id] = comp
                else:
                    comp_of_run[(out_id, metal)] = comp
            out = sum(allocation.values(), Composition())
            left = (max(0.0, pool.get(o) - out.get(o)) for o in ORIGINS)
            unallocated[(step_id, metal)] = Composition(*left)

    unused = {lot.id: max(0.0, lot.mass_kg - drawn[lot.id]) for lot in lot_by_id.values()}
    return Trace(step_inputs, comp_of_flow, comp_of_run, unallocated, unused)


def _allocate(
    step_id: str,
    metal: str,
    pool: Composition,
    outs: list[tuple[str, float]],
    declared: dict[tuple[str, str], Declaration],
) -> dict[str, Composition]:
    """Split ``pool`` over ``outs``: declarations first, the rest in proportion to mass."""
    drawn = sum(mass for _, mass in outs)
    if not _fits(drawn, pool.total_kg):
        names = ", ".join(out_id for out_id, _ in outs)
        raise OverdrawnError(
            f"step {step_id!r} holds {pool.total_kg:g} kg {metal} but its outputs "
            f"({names}) move {drawn:g} kg"
        )
    result: dict[str, Composition] = {}
    rest = {o: pool.get(o) for o in ORIGINS}
    for out_id, mass in outs:
        decl = declared.get((out_id, metal))
        if decl is None:
            continue
        recycled = decl.pre_consumer_kg + decl.post_consumer_kg
        if not _fits(recycled, mass):
            raise DeclarationError(
                f"declaration for {out_id!r}: {recycled:g} kg recycled {metal} declared "
                f"but the output carries {mass:g} kg"
            )
        comp = Composition(max(0.0, mass - recycled), decl.pre_consumer_kg, decl.post_consumer_kg)
        result[out_id] = comp
        for origin in ORIGINS:
            rest[origin] -= comp.get(origin)
    for origin in ORIGINS:
        if not _fits(pool.get(origin) - rest[origin], pool.get(origin)):
            raise DeclarationError(
                f"step {step_id!r}: declarations allocate {pool.get(origin) - rest[origin]:g} "
                f"kg {origin} {metal} but the step holds {pool.get(origin):g} kg"
            )
        rest[origin] = max(0.0, rest[origin])
    rest_total = sum(rest.values())
    for out_id, mass in outs:
        if out_id not in result:
            scale = mass / rest_total if rest_total > 0 else 0.0
            result[out_id] = Composition(*(rest[o] * scale for o in ORIGINS))
    return result


def recycled_content_target(metal: str, applies_from: date) -> float | None:
    """Art. 8 minimum recycled content in %, or None for a metal without a target."""
    return RECYCLED_CONTENT_TARGETS[applies_from].get(normalize_metal(metal))


def recycled_shares(
    lots: Iterable[Lot],
    steps: Iterable[Step],
    flows: Iterable[Flow],
    runs: Iterable[BatteryRun],
    declarations: Iterable[Declaration] = (),
) -> list[RecycledShare]:
    """Recycled share per battery model, plant, year and metal, against the Art. 8 targets."""
    steps, runs = list(steps), list(runs)
    result = trace(lots, steps, flows, runs, declarations)
    step_by_id = {s.id: s for s in steps}
    grouped: dict[tuple[str, str, int, str], Composition] = defaultdict(Composition)
    for run in runs:
        step = step_by_id[run.step]
        for metal in run.metal_kg_per_battery:
            key = (run.model, step.plant, step.year, metal)
            grouped[key] += result.runs[(run.id, metal)]
    rows = []
    for (model, plant, year, metal), comp in sorted(grouped.items()):
        if comp.total_kg <= 0:
            continue
        total_pct = 100.0 * comp.recycled_kg / comp.total_kg
        rows.append(
            RecycledShare(
                *(model, plant, year, metal, comp.total_kg),
                *(comp.pre_consumer_kg, comp.post_consumer_kg),
                *(comp.pct("pre_consumer"), comp.pct("post_consumer"), total_pct),
                *(_check(d, recycled_content_target(metal, d), total_pct) for d in _ART8),
            )
        )
    return rows


def _ratio_pct(what: str, input_kg: float, output_kg: float) -> float:
    _check_mass(input_kg, f"{what}: input")
    _check_mass(output_kg, f"{what}: output")
    if input_kg <= 0:
        raise RecycledContentError(f"{what}: input mass must be > 0")
    if not _fits(output_kg, input_kg):
        raise OverdrawnError(f"{what}: {output_kg:g} kg out of {input_kg:g} kg input")
    return 100.0 * min(output_kg, input_kg) / input_kg


@dataclass(frozen=True)
class RecyclingEfficiency:
    """Annex XII Part B for one chemistry; ``target_class`` is the Part B category used."""

    chemistry: str
    target_class: str
    input_kg: float
    output_kg: float
    efficiency_pct: float
    by_2025: TargetCheck
    by_2030: TargetCheck


def chemistry_class(chemistry: str) -> str:
    """Part B category: lead_acid, lithium_based, nickel_cadmium, or other (anything else)."""
    key = chemistry.strip().lower().replace("-", "_").replace(" ", "_")
    return _CHEMISTRY_ALIASES.get(key, "other")


def recycling_efficiency(
    input_mass_kg_by_chemistry: Mapping[str, float],
    output_mass_kg: Mapping[str, float] | float,
) -> list[RecyclingEfficiency]:
    """Recycling efficiency (output fractions counted as recycling / input, by weight) per
    chemistry, against Annex XII Part B.

    ``output_mass_kg`` is a mapping by the same chemistries, or one number when the input
    holds a single chemistry.
    """
    if not input_mass_kg_by_chemistry:
        raise RecycledContentError("recycling efficiency: no input")
    if isinstance(output_mass_kg, Mapping):
        outputs = dict(output_mass_kg)
    elif len(input_mass_kg_by_chemistry) == 1:
        outputs = {next(iter(input_mass_kg_by_chemistry)): output_mass_kg}
    else:
        raise RecycledContentError(
            "recycling efficiency: output is one number but the input has chemistries "
            f"{sorted(input_mass_kg_by_chemistry)}; give the output per chemistry"
        )
    for chemistry in outputs:
        if chemistry not in input_mass_kg_by_chemistry:
            raise RecordError(f"recycling efficiency: output for {chemistry!r} has no input")
    rows = []
    for chemistry, input_kg in sorted(input_mass_kg_by_chemistry.items()):
        output_kg = outputs.get(chemistry, 0.0)
        pct = _ratio_pct(f"recycling efficiency, {chemistry!r}", input_kg, output_kg)
        cls = chemistry_class(chemistry)
        checks = (_check(d, t[cls], pct) for d, t in RECYCLING_EFFICIENCY_TARGETS.items())
        rows.append(RecyclingEfficiency(chemistry, cls, input_kg, output_kg, pct, *checks))
    return rows


@dataclass(frozen=True)
class MaterialRecovery:
    """Annex XII Part C for one metal; targets are None for metals Part C does not name."""

    metal: str
    input_kg: float
    recovered_kg: float
    recovery_pct: float
    by_2027: TargetCheck | None
    by_2031: TargetCheck | None


def material_recovery(
    input_metal_kg: Mapping[str, float], recovered_metal_kg: Mapping[str, float]
) -> list[MaterialRecovery]:
    """Recovered metal as % of the metal in the input, per metal, against Annex XII Part C."""
    inputs = {normalize_metal(m): kg for m, kg in input_metal_kg.items()}
    recovered = {normalize_metal(m): kg for m, kg in recovered_metal_kg.items()}
    if len(inputs) != len(input_metal_kg) or len(recovered) != len(recovered_metal_kg):
        raise RecordError("material recovery: a metal is given twice (name and symbol)")
    for metal in recovered:
        if metal not in inputs:
            raise RecordError(f"material recovery: {metal} recovered but not in the input")
    rows = []
    for metal, input_kg in sorted(inputs.items()):
        got = recovered.get(metal, 0.0)
        pct = _ratio_pct(f"material recovery, {metal}", input_kg, got)
        checks = (_check(d, t.get(metal), pct) for d, t in MATERIAL_RECOVERY_TARGETS.items())
        rows.append(MaterialRecovery(metal, input_kg, got, pct, *checks))
    return rows
