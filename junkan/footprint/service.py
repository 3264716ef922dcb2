"""Emission factors, inventories, bills of materials, and the footprint computation with its
lineage. Every stored record is a ledger entry; footprints are immutable versions."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from typing import Any

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from junkan.db import utcnow
from junkan.errors import Conflict, Forbidden, InvalidInput, NotFound
from junkan.exchange.service import authorize_read
from junkan.footprint import schemas, units
from junkan.footprint.models import (
    ActivityLine,
    Component,
    Contribution,
    EmissionFactor,
    Footprint,
    FootprintRequest,
    Product,
)
from junkan.footprint.rollup import InfeasibleLoop, component_matrix, rollup
from junkan.identity.models import new_id
from junkan.identity.service import Caller
from junkan.ledger.service import register_record_type, write_many

STAGES = tuple(stage.value for stage in schemas.Stage)
QUALITY = ("technological", "geographical", "temporal")
# Columns rolled up together: the four stages, then what the ratings are weighted by.
BIOGENIC, PRIMARY, RATED = 4, 5, 6
COLUMNS = 7 + len(QUALITY)
FACTOR_COLUMNS = ("name", "unit", "kgco2e", "region", "year", "source", "licence")


# --- Emission factors ---------------------------------------------------------------------------


def import_factors(session: Session, actor: str, owner_id: str | None, text: str):
    """Factors from CSV (name, unit, kgco2e, region, year, source, licence[, biogenic_share]);
    every bad row is reported with its line, and nothing is stored unless all rows are good."""
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in FACTOR_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise InvalidInput(f"missing column(s): {', '.join(missing)}", columns=FACTOR_COLUMNS)
    factors, errors = [], []
    for line, row in enumerate(reader, start=2):
        try:
            factors.append(_factor_from_row(owner_id, row))
        except ValueError as exc:
            errors.append({"line": line, "field": str(exc).split(":")[0], "message": str(exc)})
    if errors:
        raise InvalidInput(f"{len(errors)} bad row(s); nothing was stored", errors=errors)
    if not factors:
        raise InvalidInput("the file holds no factors")
    for factor in factors:
        factor.version = 1 + len(_versions(session, factor))
    write_many(session, [(f, "factor.created") for f in factors], actor=actor)
    return factors


def _factor_from_row(owner_id: str | None, row: dict[str, str]) -> EmissionFactor:
    def number(column: str, low: float | None = 0.0, high: float | None = None) -> float:
        try:
            value = float(row[column])
        except (TypeError, ValueError):
            raise ValueError(f"{column}: {row.get(column)!r} is not a number") from None
        if not np.isfinite(value) or (low is not None and value < low):
            raise ValueError(f"{column}: must be a finite number of at least {low}")
        if high is not None and value > high:
            raise ValueError(f"{column}: must be at most {high}")
        return value

    name = (row.get("name") or "").strip()
    if not name:
        raise ValueError("name: is empty")
    try:
        units.parse_unit(row.get("unit") or "")
    except ValueError as exc:
        raise ValueError(f"unit: {exc}") from None
    region = (row.get("region") or "").strip().upper()
    if not (region == "GLO" or (len(region) == 2 and region.isalpha())):
        raise ValueError("region: an ISO 3166-1 alpha-2 code or GLO")
    biogenic = row.get("biogenic_share")
    return EmissionFactor(
        owner_id=owner_id,
        name=name,
        unit=row["unit"].strip(),
        kgco2e=number("kgco2e", low=None),
        biogenic_share=number("biogenic_share", 0, 1) if biogenic not in (None, "") else None,
        region=region,
        year=int(number("year", 1990, 2100)),
        source=(row.get("source") or "").strip() or _raise("source: cite where it comes from"),
        licence=(row.get("licence") or "").strip() or _raise("licence: say how it may be used"),
    )


def _raise(message: str):
    raise ValueError(message)


def _versions(session: Session, factor: EmissionFactor) -> list[int]:
    return list(
        session.scalars(
            select(EmissionFactor.version).where(
                EmissionFactor.owner_id.is_(factor.owner_id)
                if factor.owner_id is None
                else EmissionFactor.owner_id == factor.owner_id,
                EmissionFactor.name == factor.name,
                EmissionFactor.region == factor.region,
                EmissionFactor.year == factor.year,
            )
        )
    )


def usable_factor(session: Session, caller: Caller, factor_id: str) -> EmissionFactor:
    factor = session.get(EmissionFactor, factor_id)
    if factor is None or factor.owner_id not in (None, caller.participant_id):
        raise NotFound(f"no emission factor {factor_id}")
    return factor


def list_factors(session: Session, caller: Caller, name: str | None, region: str | None):
    query = select(EmissionFactor).where(
        (EmissionFactor.owner_id.is_(None)) | (EmissionFactor.owner_id == caller.participant_id)
    )
    if name:
        query = query.where(EmissionFactor.name.ilike(f"%{name}%"))
    if region:
        query = query.where(EmissionFactor.region == region.upper())
    return list(session.scalars(query.order_by(EmissionFactor.name, EmissionFactor.version)))


# --- Products, inventories and bills of materials -----------------------------------------------


def own_product(session: Session, caller: Caller, product_id: str) -> Product:
    product = session.get(Product, product_id)
    if product is None or product.owner_id != caller.participant_id:
        raise NotFound(f"no product {product_id} of yours")
    return product


def create_product(
    session: Session, caller: Caller, data: schemas.ProductIn, commit: bool = True
) -> Product:
    _checked_unit("declared_unit", data.declared_unit)
    exists = session.scalar(
        select(Product.id).where(
            Product.owner_id == caller.participant_id,
            Product.part_number == data.part_number,
            Product.plant == data.plant,
        )
    )
    if exists:
        raise Conflict(f"part {data.part_number} at {data.plant} exists", product_id=exists)
    product = Product(owner_id=caller.participant_id, **data.model_dump())
    write_many(session, [(product, "product.created")], actor=caller.participant_id, commit=commit)
    return product


def _checked_unit(field: str, unit: str) -> None:
    try:
        units.parse_unit(unit)
    except ValueError as exc:
        raise InvalidInput(str(exc), errors=[{"field": field, "message": str(exc)}]) from None


def _convertible(field: str, unit: str, target: str, what: str) -> float:
    _checked_unit(field, unit)
    try:
        return units.conversion(unit, target)
    except ValueError as exc:
        message = f"{exc}; {what} is declared per {target}"
        raise InvalidInput(message, errors=[{"field": field, "message": message}]) from None


def add_activity(
    session: Session,
    caller: Caller,
    product_id: str,
    data: schemas.ActivityIn,
    commit: bool = True,
) -> ActivityLine:
    product = own_product(session, caller, product_id)
    if data.factor_id is None:
        _checked_unit("unit", data.unit)
        if not units.is_emission(data.unit):
            message = "without a factor, give direct emissions in kgCO2e (or gCO2e, tCO2e)"
            raise InvalidInput(message, errors=[{"field": "unit", "message": message}])
    else:
        factor = usable_factor(session, caller, data.factor_id)
        _convertible("unit", data.unit, factor.unit, "the emission factor")
    line = ActivityLine(
        product_id=product.id,
        **data.model_dump(exclude={"quality"}),
        quality=data.quality.model_dump() if data.quality else None,
    )
    write_many(session, [(line, "activity.created")], actor=caller.participant_id, commit=commit)
    return line


def add_component(
    session: Session,
    caller: Caller,
    product_id: str,
    data: schemas.ComponentIn,
    commit: bool = True,
) -> Component:
    product = own_product(session, caller, product_id)
    if data.component_product_id:
        child = own_product(session, caller, data.component_product_id)
        _convertible("unit", data.unit, child.declared_unit, "the component product")
    elif data.supplier_footprint_id:
        footprint = readable_footprint(session, caller, data.supplier_footprint_id, commit=False)
        _convertible("unit", data.unit, footprint.declared_unit, "the supplier's footprint")
    else:
        factor = usable_factor(session, caller, data.factor_id)
        _convertible("unit", data.unit, factor.unit, "the emission factor")
    line = Component(product_id=product.id, **data.model_dump())
    write_many(session, [(line, "component.created")], actor=caller.participant_id, commit=commit)
    return line


def import_lines(
    session: Session,
    caller: Caller,
    product: schemas.ProductIn | str,
    activities: list[schemas.ActivityIn],
    components: list[schemas.ComponentIn],
) -> Footprint:
    """A new product (or an own product's id) with many lines and its recomputed footprint,
    all in one transaction: if any line or the computation fails, nothing is stored."""
    try:
        if isinstance(product, schemas.ProductIn):
            product_id = create_product(session, caller, product, commit=False).id
        else:
            product_id = own_product(session, caller, product).id
        for activity in activities:
            add_activity(session, caller, product_id, activity, commit=False)
        for component in components:
            add_component(session, caller, product_id, component, commit=False)
        return compute(session, caller, product_id)
    except BaseException:
        session.rollback()
        raise


# --- The computation ----------------------------------------------------------------------------


def compute(
    session: Session,
    caller: Caller,
    product_id: str,
    period: tuple[datetime, datetime] | None = None,
) -> Footprint:
    """The product's footprint, with every own product it is built from, in one exact solve.

    `period` is the reference period of the activity data (default: the last calendar year).
    """
    root = own_product(session, caller, product_id)
    if period is None:
        year = utcnow().year - 1
        period = (datetime(year, 1, 1, tzinfo=UTC), datetime(year + 1, 1, 1, tzinfo=UTC))
    if period[0] >= period[1]:
        raise InvalidInput("the reference period must end after it starts")
    products = _reachable(session, root)
    index = {p.id: i for i, p in enumerate(products)}
    activities = _by_product(session, ActivityLine, index)
    components = _by_product(session, Component, index)
    direct = np.zeros((len(products), COLUMNS))
    parents, children, quantities = [], [], []
    lineage: dict[str, list[tuple[Any, np.ndarray, dict]]] = {p.id: [] for p in products}
    for product in products:
        row = index[product.id]
        for line in activities[product.id]:
            vector, via = _activity_vector(session, line)
            direct[row] += vector
            lineage[product.id].append((line, vector, via))
        for line in components[product.id]:
            if line.component_product_id:
                child = products[index[line.component_product_id]]
                qty = line.quantity * units.conversion(line.unit, child.declared_unit)
                parents.append(row), children.append(index[child.id]), quantities.append(qty)
                lineage[product.id].append((line, qty, {"product": child.id}))
            else:
                vector, via = _component_vector(session, caller, line)
                direct[row] += vector
                lineage[product.id].append((line, vector, via))
    matrix = component_matrix(len(products), parents, children, quantities)
    try:
        result = rollup(matrix, direct)
    except InfeasibleLoop as exc:
        names = [products[i].part_number for i in exc.products[:5]]
        raise InvalidInput(
            f"the bill of materials loops through {', '.join(names)} and uses at least as much "
            "as it makes: no finite footprint"
        ) from None
    previous = list(
        session.scalars(
            select(Footprint).where(
                Footprint.product_id.in_(list(index)), Footprint.status == "Active"
            )
        )
    )
    footprints = {p.id: _new_footprint(session, p, result[index[p.id]]) for p in products}
    for footprint in footprints.values():
        footprint.reference_period_start, footprint.reference_period_end = period
    session.add_all(footprints.values())
    session.flush()  # lineage rows refer to them; the ledger entries follow in one transaction
    changes: list[tuple[Any, str]] = [(f, "footprint.computed") for f in footprints.values()]
    for product in products:
        for line, amount, via in lineage[product.id]:
            if isinstance(amount, float):  # an own component: quantity x its new footprint
                child_fp = footprints[via["product"]]
                amount = amount * result[index[via["product"]]]
                via = {"footprint": child_fp.id, "version": child_fp.version}
            changes.append((_contribution(footprints[product.id], line, amount, via), "lineage"))
    for old in previous:
        old.status = "Deprecated"
        changes.append((old, "footprint.deprecated"))
    write_many(session, changes, actor=caller.participant_id)
    return footprints[root.id]


def _reachable(session: Session, root: Product) -> list[Product]:
    """The root and every own product below it: one query per level of the bill."""
    found, frontier = {root.id: root}, [root.id]
    while frontier:
        children = (
            set(
                session.scalars(
                    select(Component.component_product_id).where(
                        Component.product_id.in_(frontier),
                        Component.component_product_id.is_not(None),
                    )
                )
            )
            - found.keys()
        )
        frontier = sorted(children)
        if frontier:
            found |= {
                p.id: p for p in session.scalars(select(Product).where(Product.id.in_(frontier)))
            }
    return list(found.values())


def _by_product(session: Session, model, index: dict[str, int]) -> dict[str, list]:
    rows: dict[str, list] = {product_id: [] for product_id in index}
    for row in session.scalars(
        select(model).where(model.product_id.in_(list(index))).order_by(model.id)
    ):
        rows[row.product_id].append(row)
    return rows


def _vector(
    stage: str, kgco2e: float, biogenic: float, primary: bool, quality: dict | None
) -> np.ndarray:
    vector = np.zeros(COLUMNS)
    vector[STAGES.index(stage)] = kgco2e
    vector[BIOGENIC] = biogenic
    vector[PRIMARY] = kgco2e if primary else 0.0
    if quality:
        vector[RATED] = kgco2e
        vector[RATED + 1 :] = [kgco2e * quality[q] for q in QUALITY]
    return vector


def _activity_vector(session: Session, line: ActivityLine) -> tuple[np.ndarray, dict]:
    if line.factor_id is None:
        kg = line.quantity * units.conversion(line.unit, "kgCO2e")
        return _vector(line.stage, kg, 0.0, line.primary, line.quality), {"direct": True}
    factor = session.get(EmissionFactor, line.factor_id)
    kg = line.quantity * units.conversion(line.unit, factor.unit) * factor.kgco2e
    biogenic = kg * (factor.biogenic_share or 0.0)
    vector = _vector(line.stage, kg, biogenic, line.primary, line.quality)
    return vector, {"factor": factor.id, "version": factor.version, "name": factor.name}


def _component_vector(session: Session, caller: Caller, line: Component):
    if line.factor_id:
        factor = session.get(EmissionFactor, line.factor_id)
        kg = line.quantity * units.conversion(line.unit, factor.unit) * factor.kgco2e
        vector = _vector(line.stage, kg, kg * (factor.biogenic_share or 0.0), False, None)
        return vector, {"factor": factor.id, "version": factor.version, "name": factor.name}
    supplied = readable_footprint(session, caller, line.supplier_footprint_id, commit=False)
    qty = line.quantity * units.conversion(line.unit, supplied.declared_unit)
    vector = np.zeros(COLUMNS)
    vector[: len(STAGES)] = [qty * supplied.stages.get(s, 0.0) for s in STAGES]
    total = qty * supplied.total
    vector[BIOGENIC] = qty * supplied.biogenic
    vector[PRIMARY] = total * supplied.primary_data_share / 100
    rated = {q: supplied.quality.get(q) for q in QUALITY}
    if all(v is not None for v in rated.values()):
        vector[RATED] = total
        vector[RATED + 1 :] = [total * rated[q] for q in QUALITY]
    return vector, {"footprint": supplied.id, "version": supplied.version}


def _new_footprint(session: Session, product: Product, values: np.ndarray) -> Footprint:
    previous = session.scalar(
        select(Footprint)
        .where(Footprint.product_id == product.id)
        .order_by(Footprint.version.desc())
        .limit(1)
    )
    total = float(values[: len(STAGES)].sum())
    rated = values[RATED]
    return Footprint(
        id=new_id(),
        product_id=product.id,
        owner_id=product.owner_id,
        version=(previous.version + 1) if previous else 1,
        declared_unit=product.declared_unit,
        total=total,
        stages={s: float(values[i]) for i, s in enumerate(STAGES)},
        biogenic=float(values[BIOGENIC]),
        primary_data_share=float(100 * values[PRIMARY] / total) if total else 0.0,
        quality={
            q: (float(values[RATED + 1 + i] / rated) if rated else None)
            for i, q in enumerate(QUALITY)
        },
        preceding_id=previous.id if previous else None,
    )


def _contribution(footprint: Footprint, line, amount: np.ndarray, via: dict) -> Contribution:
    return Contribution(
        footprint_id=footprint.id,
        source="activity" if isinstance(line, ActivityLine) else "component",
        source_id=line.id,
        via=via | {"description": line.description},
        stages={s: float(amount[i]) for i, s in enumerate(STAGES)},
    )


# --- Reading ------------------------------------------------------------------------------------


def readable_footprint(
    session: Session, caller: Caller, footprint_id: str, commit: bool = True
) -> Footprint:
    """The owner reads its footprints; anyone else only under a grant (and the read is logged,
    in the caller's transaction when `commit` is False)."""
    footprint = session.get(Footprint, footprint_id)
    if footprint is None:
        raise NotFound(f"no footprint {footprint_id}")
    authorize_read(session, caller, f"footprint:{footprint_id}", footprint.owner_id, commit)
    return footprint


def lineage(session: Session, caller: Caller, footprint_id: str) -> dict[str, Any]:
    """Only for the owner: lineage is the recipe. A customer sees the footprint it was granted,
    and its own lineage names that footprint by id and version."""
    footprint = readable_footprint(session, caller, footprint_id)
    if not caller.acts_for(footprint.owner_id):
        raise Forbidden("a footprint's lineage is its owner's recipe; ask for the footprint")
    rows = session.scalars(
        select(Contribution)
        .where(Contribution.footprint_id == footprint.id)
        .order_by(Contribution.id)
    )
    contributions = [
        {
            "source": row.source,
            "source_id": row.source_id,
            "description": row.via.get("description", ""),
            "via": {k: v for k, v in row.via.items() if k != "description"},
            "stages": row.stages,
            "total": sum(row.stages.values()),
        }
        for row in rows
    ]
    return {"footprint": footprint, "contributions": contributions}


register_record_type("factor", EmissionFactor)
register_record_type("product", Product)
register_record_type("activity", ActivityLine)
register_record_type("component", Component)
register_record_type("footprint", Footprint, owner_column=Footprint.owner_id)
register_record_type("lineage", Contribution)
register_record_type("pact-request", FootprintRequest)
