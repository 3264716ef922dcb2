"""Recycler reports API: a recycler files one report per year and chemistry class; the
platform computes efficiency and recovery against Annex XII."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, status

from junkan.deps import ParticipantCallerDep, SessionDep, require_roles
from junkan.identity.models import Role
from junkan.identity.service import Caller
from junkan.recycling import schemas, service

router = APIRouter(prefix="/recycling", tags=["recycling"])

RecyclerDep = Annotated[Caller, Depends(require_roles(Role.RECYCLER))]


@router.post("/reports", status_code=status.HTTP_201_CREATED)
def create_report(doc: schemas.RecyclerReportIn, session: SessionDep, caller: RecyclerDep):
    """File the year's report for one chemistry class: input mass of waste batteries, output
    mass counted as recycling, and per metal the mass in the input and recovered. The answer
    carries the recycling efficiency (Part B) and material recovery (Part C) with their
    targets; the report is signed in the ledger. One report per year and chemistry (409)."""
    return service.report_out(service.create_report(session, caller, doc))


@router.get("/reports")
def list_reports(
    session: SessionDep,
    caller: ParticipantCallerDep,
    year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
    chemistry: schemas.Chemistry | None = None,
):
    """Your reports and those granted to you (`recycler-report:<id>` or `:*`); notified
    bodies, market surveillance, the Commission and the platform operator see all."""
    found = service.list_reports(session, caller, year, chemistry.value if chemistry else None)
    return [service.report_out(r) for r in found]


@router.get("/reports/{report_id}")
def get_report(report_id: str, session: SessionDep, caller: ParticipantCallerDep):
    return service.report_out(service.get_report(session, caller, report_id))
