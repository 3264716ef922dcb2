"""Recycled content (Art. 8) per battery model, plant and year, traced through the supply map.

Art. 8 asks for the share of cobalt, lead, lithium and nickel recovered from waste "per
battery model and batch per manufacturing plant", per year. The plant is the cell or cathode
production site that made a model's lots: tracing each model lot with the cell and cathode
lots as stopping points attributes its mass to the production lots it was made from (the
nearest on each path, so a cell plant before its cathode supplier); mass that reached the
model lot by no such lot (a pack made straight from refined or recycled material, or of
unknown origin) is the model lot's own site's. Each production lot is then traced on to its
origins, and its recycled pre- and post-consumer shares scale with the mass it gave. Tracing
is linear, so the plant rows of a model add up to tracing all its lots at once.

The year is the year of the model lot's date (when the batteries were made).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from junkan.circularity.recycled import RECYCLED_CONTENT_TARGETS
from junkan.diligence.assess import RECYCLED_METALS, load_graph, trace_lots
from junkan.diligence.models import Lot, SupplySite
from junkan.diligence.schemas import Stage
from junkan.diligence.service import readable_lot_ids
from junkan.diligence.trace import UNKNOWN, TraceError, TraceLot, trace
from junkan.errors import InvalidInput
from junkan.identity.service import Caller

PLANT_STAGES = frozenset({Stage.CELL.value, Stage.CATHODE.value})


@dataclass(frozen=True)
class ModelLot:
    """A final lot of a battery model: the batteries made from it, by whom and when."""

    lot: str
    operator: str
    model: str
    year: int


@dataclass
class Recycled:
    """kg of one metal in one group, and how much of it came from recycled lots."""

    total_kg: float = 0.0
    pre_consumer_kg: float = 0.0
    post_consumer_kg: float = 0.0
    lots: set[str] = field(default_factory=set)  # the model lots it is part of

    def add(self, other: Recycled, scale: float = 1.0) -> None:
        self.total_kg += other.total_kg * scale
        self.pre_consumer_kg += other.pre_consumer_kg * scale
        self.post_consumer_kg += other.post_consumer_kg * scale

    @property
    def recycled_kg(self) -> float:
        return self.pre_consumer_kg + self.post_consumer_kg


Key = tuple[str, str, str, int, str]  # operator, model, plant site, year, material


def _composition(lots: dict[str, TraceLot], origins: dict[str, float]) -> Recycled:
    found = Recycled(total_kg=sum(origins.values()))
    for lot_id, kg in origins.items():
        origin = lots[lot_id].origin if lot_id != UNKNOWN else "primary"
        if origin == "pre_consumer":
            found.pre_consumer_kg += kg
        elif origin == "post_consumer":
            found.post_consumer_kg += kg
    return found


def by_plant(
    lots: dict[str, TraceLot], finals: list[ModelLot], plant_lots: frozenset[str]
) -> dict[Key, Recycled]:
    """Recycled kg per (operator, model, plant site, year, material) of the final lots."""
    per_kg: dict[str, Recycled] = {}  # production lot -> composition of 1 kg of it

    def production(lot_id: str) -> Recycled:
        if lot_id not in per_kg:
            found = trace(lots, [lot_id])
            per_kg[lot_id] = Recycled()
            if found.total > 0:
                per_kg[lot_id].add(_composition(lots, found.origins), 1 / found.total)
        return per_kg[lot_id]

    grouped: dict[Key, Recycled] = defaultdict(Recycled)
    for final in finals:
        lot = lots[final.lot]
        made = trace(lots, [final.lot], stop_at=plant_lots)
        direct: dict[str, float] = {}
        for source, kg in made.origins.items():
            if source in plant_lots:
                key = (final.operator, final.model, lots[source].site, final.year, lot.material)
                grouped[key].add(production(source), kg)
                grouped[key].lots.add(final.lot)
            else:
                direct[source] = kg
        if direct:
            key = (final.operator, final.model, lot.site, final.year, lot.material)
            grouped[key].add(_composition(lots, direct))
            grouped[key].lots.add(final.lot)
    return dict(grouped)


def by_model(lots: dict[str, TraceLot], finals: list[ModelLot]) -> dict[tuple, Recycled]:
    """Recycled kg per (operator, model, material): all of a model's lots traced at once."""
    groups: dict[tuple, list[str]] = defaultdict(list)
    for final in finals:
        groups[(final.operator, final.model, lots[final.lot].material)].append(final.lot)
    return {
        key: _composition(lots, trace(lots, ids).origins) for key, ids in sorted(groups.items())
    }


def targets(metal: str, recycled_percent: float) -> dict[str, dict[str, Any]]:
    """Art. 8(2)-(3) checks of the total recycled share (pre- plus post-consumer)."""
    out = {}
    for applies_from, by_metal in RECYCLED_CONTENT_TARGETS.items():
        target = by_metal.get(metal)
        if target is None:
            continue
        met = recycled_percent >= target - 1e-9
        out[str(applies_from.year)] = {
            "applies_from": applies_from.isoformat(),
            "target_percent": target,
            "met": met,
            "gap_percent": 0.0 if met else target - recycled_percent,
        }
    return out


def _pct(kg: float, total: float) -> float:
    return 100 * kg / total if total > 0 else 0.0


def _row(key: Key, found: Recycled, sites: dict[str, SupplySite]) -> dict:
    operator, model, site_id, year, metal = key
    site = sites[site_id]
    recycled_percent = _pct(found.recycled_kg, found.total_kg)
    return {
        "operator": operator,
        "battery_model": model,
        "plant": {"id": site.id, "name": site.name, "stage": site.stage, "country": site.country},
        "year": year,
        "metal": metal,
        "total_kg": found.total_kg,
        "pre_consumer_kg": found.pre_consumer_kg,
        "post_consumer_kg": found.post_consumer_kg,
        "recycled_kg": found.recycled_kg,
        "pre_consumer_percent": _pct(found.pre_consumer_kg, found.total_kg),
        "post_consumer_percent": _pct(found.post_consumer_kg, found.total_kg),
        "recycled_percent": recycled_percent,
        "targets": targets(metal, recycled_percent),
        "lots": sorted(found.lots),
    }


def recycled_content(
    session: Session,
    caller: Caller,
    battery_model: str | None = None,
    plant: str | None = None,
    year: int | None = None,
) -> dict[str, Any]:
    """Rows per model, plant, year and metal from the model lots the caller may read; the
    model lots it may not read are counted, not shown, and not included."""
    query = select(Lot).where(Lot.battery_model.is_not(None), Lot.material.in_(RECYCLED_METALS))
    if battery_model:
        query = query.where(Lot.battery_model == battery_model)
    if year is not None:
        query = query.where(
            Lot.produced_on >= date(year, 1, 1), Lot.produced_on <= date(year, 12, 31)
        )
    selected = session.scalars(query.order_by(Lot.produced_on, Lot.id)).all()
    readable = readable_lot_ids(session, caller, selected)
    shown = [lot for lot in selected if lot.id in readable]
    lots, links = load_graph(session, shown)
    consumed = {link.input_id for link in links}  # cells of a model inside its packs
    finals = [
        ModelLot(lot.id, lot.owner_id, lot.battery_model, lot.produced_on.year)
        for lot in shown
        if lot.id not in consumed
    ]
    sites = {
        s.id: s
        for s in session.scalars(
            select(SupplySite).where(SupplySite.id.in_({lot.site_id for lot in lots.values()}))
        )
    }
    graph = trace_lots(lots, links, sites)
    plant_lots = frozenset(i for i, lot in lots.items() if sites[lot.site_id].stage in PLANT_STAGES)
    try:
        grouped = by_plant(graph, finals, plant_lots)
    except TraceError as exc:
        raise InvalidInput(str(exc)) from None
    rows = [
        _row(key, found, sites)
        for key, found in sorted(grouped.items())
        if found.total_kg > 0 and (not plant or plant in (key[2], sites[key[2]].name))
    ]
    return {
        "battery_model": battery_model,
        "plant": plant,
        "year": year,
        "rows": rows,
        "withheld_lots": len(selected) - len(shown),
    }
