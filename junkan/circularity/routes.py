"""Telemetry API: bulk readings per battery or for a fleet, and the daily series for charts."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool

from junkan.circularity import service
from junkan.deps import CallerDep, ParticipantCallerDep, SessionDep
from junkan.errors import Forbidden, InvalidInput
from junkan.passport import service as passports
from junkan.passport.attributes import Access

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


@router.get("/passports/{passport_id}/telemetry/daily")
def daily(passport_id: str, session: SessionDep, caller: CallerDep):
    """Daily aggregates for charts: for those who may see the battery's condition data."""
    passport = passports.get_passport(session, passport_id)
    if Access.LEGITIMATE_INTEREST not in passports.access_levels(caller, passport):
        raise Forbidden("condition data is for the operator and persons with a legitimate interest")
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
