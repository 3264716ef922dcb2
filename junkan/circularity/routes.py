"""Telemetry API: bulk readings per battery or for a fleet, and the daily series for charts."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse
from sqlalchemy import select

from junkan.circularity import charts, health, service
from junkan.deps import CallerDep, ParticipantCallerDep, SessionDep
from junkan.errors import Forbidden, InvalidInput
from junkan.passport import service as passports
from junkan.passport.attributes import Access
from junkan.passport.models import Passport

router = APIRouter(tags=["telemetry"])
UPLOAD = {
    "requestBody": {
        "content": {
            "application/x-ndjson": {"schema": {"type": "string"}},
            "text/csv": {"schema": {"type": "string"}},
        }
    }
}


async def _upload(request: Request, session, caller, partial: bool, passport_id=None):
    content_type = request.headers.get("content-type", "")
    if not any(kind in content_type for kind in ("json", "csv")):
        raise InvalidInput("send text/csv or application/x-ndjson (gzip allowed)")
    body = await request.body()
    return await run_in_threadpool(
        service.ingest,
        session,
        caller,
        body,
        content_type,
        request.headers.get("content-encoding"),
        partial,
        passport_id,
    )


@router.post("/telemetry", openapi_extra=UPLOAD)
async def fleet_telemetry(
    request: Request, session: SessionDep, caller: ParticipantCallerDep, partial: bool = False
):
    """Readings for many batteries (battery_id on every line): JSON lines or CSV, optionally
    gzip. A repeated reading (same battery and time) is stored once; order does not matter.
    All lines or none, unless partial=true."""
    return await _upload(request, session, caller, partial)


@router.post("/passports/{passport_id}/telemetry", openapi_extra=UPLOAD)
async def battery_telemetry(
    passport_id: str,
    request: Request,
    session: SessionDep,
    caller: ParticipantCallerDep,
    partial: bool = False,
):
    """Readings of one battery (battery_id may be left out)."""
    return await _upload(request, session, caller, partial, passport_id)


def _entitled(session, caller, passport_id: str):
    passport = passports.get_passport(session, passport_id)
    if Access.LEGITIMATE_INTEREST not in passports.access_levels(caller, passport):
        raise Forbidden("condition data is for the operator and persons with a legitimate interest")
    return passport


@router.get("/passports/{passport_id}/telemetry/daily")
def daily(passport_id: str, session: SessionDep, caller: CallerDep):
    """Daily aggregates for charts: for those who may see the battery's condition data."""
    _entitled(session, caller, passport_id)
    return {
        "data": [
            {
                "day": d.day,
                "readings": d.readings,
                "soce_last": d.soce_last,
                "soce_min": d.soce_min,
                "full_cycles_last": d.full_cycles_last,
                "energy_throughput_last": d.energy_throughput_last,
                "cell_temp_min": d.cell_temp_min,
                "cell_temp_max": d.cell_temp_max,
                "events": d.events,
            }
            for d in service.daily(session, passport_id)
        ]
    }


@router.get("/passports/{passport_id}/health")
def battery_health(
    passport_id: str,
    session: SessionDep,
    caller: CallerDep,
    new_price_per_kwh: Annotated[float | None, Query(gt=0, le=10_000)] = None,
):
    """State of health: SOCE, capacity fade, remaining useful life with its band, negative
    events, residual value (with new_price_per_kwh) and second-life grade with its reasons.
    The model is in docs/state-of-health.md."""
    passport = _entitled(session, caller, passport_id)
    report, _ = service.health_report(session, passport, new_price_per_kwh)
    return asdict(report)


@router.get("/passports/{passport_id}/health/chart", response_class=HTMLResponse)
def battery_health_chart(passport_id: str, session: SessionDep, caller: CallerDep):
    """SOCE over time with the fitted fade and the remaining-useful-life band (HTML)."""
    passport = _entitled(session, caller, passport_id)
    report, days = service.health_report(session, passport)
    usable = [d for d in days if d.soce_last is not None]
    return charts.soce_chart(
        report,
        [d.day for d in usable],
        [d.soce_last for d in usable],
        [d.full_cycles_last for d in usable],
        f"{passport.battery_id}: state of certified energy",
    )


@router.get("/fleet/health")
def fleet_health(
    session: SessionDep,
    caller: ParticipantCallerDep,
    battery_model: str | None = None,
    chart: bool = False,
):
    """Your batteries' state-of-health distribution (SOCE bins, grades); chart=true for HTML."""
    query = select(Passport).where(
        Passport.operator_id == caller.participant_id, Passport.superseded_by.is_(None)
    )
    if battery_model:
        query = query.where(Passport.battery_model == battery_model)
    reports = service.fleet_reports(session, list(session.scalars(query.limit(5000))))
    distribution = health.fleet_distribution(reports)
    if chart:
        return HTMLResponse(charts.fleet_chart(distribution, battery_model or "All batteries"))
    return asdict(distribution)
