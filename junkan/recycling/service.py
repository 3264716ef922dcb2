"""Recycler reports: check the masses, compute recycling efficiency (Annex XII Part B) and
material recovery (Part C) with the pure functions of junkan.circularity.recycled, store the
report with its result under a signed ledger entry, and read reports back to those entitled.

A target "by 31 Dec Y" binds the reports of year Y and later, until a later target takes over;
both checks are always shown, and ``binding`` names the one for the report's year (None
before the first).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from junkan.circularity.recycled import (
    RecycledContentError,
    TargetCheck,
    material_recovery,
    recycling_efficiency,
)
from junkan.errors import Conflict, Forbidden, InvalidInput, NotFound
from junkan.exchange.service import authorize_read, granted
from junkan.identity.models import Role
from junkan.identity.service import Caller
from junkan.ledger.service import register_record_type, write
from junkan.passport.service import AUTHORITY_ROLES
from junkan.recycling.models import RecyclerReport
from junkan.recycling.schemas import RecyclerReportIn, exceeds

#: Notified bodies, market surveillance, the Commission and the node's operator read them all.
READERS_OF_ALL = (*AUTHORITY_ROLES, Role.PLATFORM_OPERATOR)


def _check(found: TargetCheck | None) -> dict[str, Any] | None:
    if found is None:
        return None
    return {
        "applies_from": found.applies_from.isoformat(),
        "target_percent": found.target_pct,
        "met": found.met,
        "gap_percent": found.gap_pct,
    }


def _binding(year: int, checks: dict[date, Any]) -> str | None:
    due = [applies.year for applies, check in checks.items() if check and applies.year <= year]
    return str(max(due)) if due else None


def _problems(doc: RecyclerReportIn) -> list[dict[str, str]]:
    """Masses that do not fit together, each with the field at fault."""
    errors = []
    if exceeds(doc.output_kg, doc.input_kg):
        errors.append({"field": "output_kg", "message": f"{doc.output_kg:g} kg is more than "
                       f"the input of {doc.input_kg:g} kg"})  # fmt: skip
    seen: set[str] = set()
    for index, metal in enumerate(doc.metals):
        if metal.metal in seen:
            errors.append({"field": f"metals[{index}].metal",
                           "message": f"{metal.metal} is given twice"})  # fmt: skip
        seen.add(metal.metal)
        if exceeds(metal.input_kg, doc.input_kg):
            errors.append({"field": f"metals[{index}].input_kg", "message": f"{metal.input_kg:g}"
                           f" kg {metal.metal} in an input of {doc.input_kg:g} kg"})  # fmt: skip
    contained = sum(m.input_kg for m in doc.metals)
    if exceeds(contained, doc.input_kg):
        errors.append({"field": "metals", "message": f"{contained:g} kg of these metals in an "
                       f"input of {doc.input_kg:g} kg"})  # fmt: skip
    recovered = sum(m.recovered_kg for m in doc.metals)
    if exceeds(recovered, doc.output_kg):
        errors.append({"field": "metals", "message": f"{recovered:g} kg recovered but the "
                       f"output is {doc.output_kg:g} kg"})  # fmt: skip
    return errors


def compute(doc: RecyclerReportIn) -> dict[str, Any]:
    """Efficiency and recovery per metal with their Annex XII checks."""
    try:
        [eff] = recycling_efficiency({doc.chemistry.value: doc.input_kg}, doc.output_kg)
        recovery = material_recovery(
            {m.metal.value: m.input_kg for m in doc.metals},
            {m.metal.value: m.recovered_kg for m in doc.metals},
        )
    except RecycledContentError as exc:  # the checks above should have caught it
        raise InvalidInput(f"{exc}; nothing was stored") from exc
    efficiency_checks = {eff.by_2025.applies_from: eff.by_2025, eff.by_2030.applies_from:
                         eff.by_2030}  # fmt: skip
    return {
        "recycling_efficiency": {
            "target_class": eff.target_class,
            "input_kg": eff.input_kg,
            "output_kg": eff.output_kg,
            "percent": eff.efficiency_pct,
            "targets": {str(d.year): _check(c) for d, c in efficiency_checks.items()},
            "binding": _binding(doc.year, efficiency_checks),
        },
        "material_recovery": [
            {
                "metal": row.metal,
                "input_kg": row.input_kg,
                "recovered_kg": row.recovered_kg,
                "percent": row.recovery_pct,
                "targets": {
                    str(c.applies_from.year): _check(c) for c in (row.by_2027, row.by_2031) if c
                },
                "binding": _binding(
                    doc.year, {c.applies_from: c for c in (row.by_2027, row.by_2031) if c}
                ),
            }
            for row in recovery
        ],
    }


def create_report(session: Session, caller: Caller, doc: RecyclerReportIn) -> RecyclerReport:
    """Store a report, or nothing: bad masses are a 422, a second report of the same year and
    chemistry a 409 (reports are signed records, not drafts)."""
    if not caller.has_role(Role.RECYCLER):
        raise Forbidden("Only a recycler files recycler reports.", required_roles=["recycler"])
    errors = _problems(doc)
    if errors:
        first = errors[0]
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise InvalidInput(
            f"{first['field']}: {first['message']}{more}; nothing was stored", errors=errors
        )
    existing = session.scalar(
        select(RecyclerReport.id).where(
            RecyclerReport.recycler_id == caller.participant_id,
            RecyclerReport.year == doc.year,
            RecyclerReport.chemistry == doc.chemistry.value,
        )
    )
    if existing is not None:
        raise Conflict(
            f"you already reported {doc.chemistry.value} batteries for {doc.year}; "
            "nothing was stored",
            report=existing,
        )
    report = RecyclerReport(
        recycler_id=caller.participant_id,
        year=doc.year,
        chemistry=doc.chemistry.value,
        plant=doc.plant,
        input_kg=doc.input_kg,
        output_kg=doc.output_kg,
        metals=[m.model_dump(mode="json") for m in doc.metals],
        result=compute(doc),
    )
    write(session, report, actor=caller.participant_id, kind="recycling.reported")
    return report


def sees_all(caller: Caller) -> bool:
    return caller.has_role(*READERS_OF_ALL)


def list_reports(
    session: Session, caller: Caller, year: int | None = None, chemistry: str | None = None
) -> list[RecyclerReport]:
    """The caller's own reports and those granted to it; authorities and the operator see all."""
    query = select(RecyclerReport)
    if not sees_all(caller):
        ids, owners = granted(session, caller, "recycler-report")
        query = query.where(
            or_(
                RecyclerReport.recycler_id == caller.participant_id,
                RecyclerReport.recycler_id.in_(owners),
                RecyclerReport.id.in_(ids),
            )
        )
    if year is not None:
        query = query.where(RecyclerReport.year == year)
    if chemistry is not None:
        query = query.where(RecyclerReport.chemistry == chemistry)
    order = (RecyclerReport.year.desc(), RecyclerReport.chemistry, RecyclerReport.recycler_id)
    return list(session.scalars(query.order_by(*order)))


def get_report(session: Session, caller: Caller, report_id: str) -> RecyclerReport:
    report = session.get(RecyclerReport, report_id)
    if report is None:
        raise NotFound(f"no recycler report {report_id}")
    if not sees_all(caller):
        authorize_read(session, caller, f"recycler-report:{report.id}", report.recycler_id)
    return report


def report_out(report: RecyclerReport) -> dict[str, Any]:
    return {
        "id": report.id,
        "recycler": report.recycler_id,
        "year": report.year,
        "chemistry": report.chemistry,
        "plant": report.plant,
        "input_kg": report.input_kg,
        "output_kg": report.output_kg,
        "metals": report.metals,
        "created_at": report.created_at,
        **report.result,
    }


register_record_type("recycler-report", RecyclerReport, owner_column=RecyclerReport.recycler_id)
