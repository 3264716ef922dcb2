"""Passport API: issue, read (filtered for the caller), change, versions, dynamic data."""

from __future__ import annotations

import io
from typing import Annotated, Any

import fastapi
import segno
from fastapi import APIRouter, Body, Depends, Query, Request, Response, status
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from junkan.deps import CallerDep, ParticipantCallerDep, SessionDep, SettingsDep, require_roles
from junkan.errors import InvalidInput
from junkan.identity.models import Role
from junkan.identity.service import Caller
from junkan.ledger.proofs import proof_of
from junkan.passport import bulk, formats, schemas, service
from junkan.passport import lifecycle as lifecycle_
from junkan.passport.attributes import STATUSES, Category
from junkan.web.passports import passport_page
from junkan.web.session import web_user

router = APIRouter(prefix="/passports", tags=["passports"])
OperatorDep = Annotated[Caller, Depends(require_roles(Role.ECONOMIC_OPERATOR))]


@router.get("/attributes", response_model=schemas.AttributeList)
def attributes():
    """Every Annex XIII attribute: type, unit, access group, static or dynamic, mandatory for."""
    return {"data": service.attribute_catalogue()}


@router.post("", status_code=status.HTTP_201_CREATED, response_model=schemas.PassportOut)
def create_passport(data: schemas.PassportIn, session: SessionDep, caller: OperatorDep):
    """Issue a passport for one battery (economic operators only)."""
    passport = service.create_passport(session, caller, data.battery_id, data.data)
    return service.view(session, passport, caller)


@router.get("", response_model=schemas.PassportList)
def list_passports(
    session: SessionDep,
    caller: OperatorDep,
    battery_model: str | None = None,
    category: Category | None = None,
    status_: Annotated[
        str | None, Query(alias="status", pattern="^(" + "|".join(STATUSES) + ")$")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
):
    """Your own passports, filtered by model, category or status."""
    rows = service.list_passports(
        session, caller, battery_model, category.value if category else None, status_, limit, offset
    )
    return {"data": service.views(session, rows, caller)}


@router.get("/{passport_id}", response_model=schemas.PassportOut)
def get_passport(passport_id: str, session: SessionDep, caller: CallerDep, proof: bool = False):
    """The passport with exactly the attributes the caller's access group may see."""
    passport = service.get_passport(session, passport_id)
    body = service.view(session, passport, caller)
    if proof:
        body["ledger"] = proof_of(session, f"passport:{passport_id}")
    return body


@router.patch("/{passport_id}", response_model=schemas.PassportOut)
def update_passport(
    passport_id: str, data: schemas.PassportPatch, session: SessionDep, caller: OperatorDep
):
    """A new version with the given attributes changed; earlier versions are kept."""
    passport = service.update_passport(session, caller, passport_id, data.data)
    return service.view(session, passport, caller)


@router.get("/{passport_id}/versions", response_model=schemas.VersionList)
def passport_versions(passport_id: str, session: SessionDep, caller: CallerDep):
    """Every version, each filtered for the caller like the passport itself."""
    passport = service.get_passport(session, passport_id)
    levels = service.access_levels(caller, passport)
    return {
        "data": [
            {
                "version": v.version,
                "change": v.change,
                "actor": v.actor,
                "created_at": v.created_at,
                "data": service.visible(v.data, levels),
            }
            for v in service.versions(session, passport)
        ]
    }


@router.post(
    "/{passport_id}/dynamic",
    status_code=status.HTTP_201_CREATED,
    response_model=schemas.PassportOut,
)
def add_dynamic(
    passport_id: str, data: schemas.DynamicIn, session: SessionDep, caller: OperatorDep
):
    """Timestamped dynamic data (SOCE, cycles, events …); the passport shows the latest."""
    service.add_dynamic(session, caller, passport_id, data.measured_at, data.values)
    return service.view(session, service.get_passport(session, passport_id), caller)


@router.get(
    "/{passport_id}/qr.svg",
    response_class=Response,
    responses={200: {"content": {"image/svg+xml": {}}}},
)
def qr_svg(passport_id: str, session: SessionDep, settings: SettingsDep):
    """ISO/IEC 18004 QR code of the battery's resolver address."""
    return Response(
        _qr(session, settings, passport_id).svg_inline(scale=4), media_type="image/svg+xml"
    )


@router.get(
    "/{passport_id}/qr.png",
    response_class=Response,
    responses={200: {"content": {"image/png": {}}}},
)
def qr_png(passport_id: str, session: SessionDep, settings: SettingsDep):
    out = io.BytesIO()
    _qr(session, settings, passport_id).save(out, kind="png", scale=8, border=4)
    return Response(out.getvalue(), media_type="image/png")


def _qr(session, settings, passport_id: str):
    passport = service.get_passport(session, passport_id)
    return segno.make_qr(service.resolver_url(settings.base_url, passport.battery_id), error="m")


resolver = APIRouter(tags=["resolver"])


def _resolve(request: Request, session, caller: Caller, battery_id: str):
    """HTML for a browser, the filtered JSON passport for `Accept: application/json`.

    A browser signed in to the web interface sees its company's view, like the API client."""
    passport = service.passport_for_battery(session, battery_id)
    accept = request.headers.get("accept", "")
    if "text/html" in accept and "application/json" not in accept.split(",")[0]:
        user = web_user(request, session) if caller.is_anonymous else None
        return passport_page(request, session, passport, user, user.caller if user else caller)
    body = service.view(session, passport, caller)
    return JSONResponse(schemas.PassportOut.model_validate(body).model_dump(mode="json"))


@resolver.get(
    "/id/{battery_id:path}",
    response_model=schemas.PassportOut,
    responses={200: {"content": {"text/html": {}}}},
)
def resolve_battery(battery_id: str, request: Request, session: SessionDep, caller: CallerDep):
    """Resolver for URN battery identifiers (what the QR code points at)."""
    return _resolve(request, session, caller, battery_id)


@resolver.get(
    "/01/{gtin}/21/{serial}",
    response_model=schemas.PassportOut,
    responses={200: {"content": {"text/html": {}}}},
)
def resolve_digital_link(
    gtin: str, serial: str, request: Request, session: SessionDep, caller: CallerDep
):
    """GS1 Digital Link resolver: /01/{GTIN}/21/{serial}."""
    return _resolve(request, session, caller, f"/01/{gtin}/21/{serial}")


@router.post("/{passport_id}/lifecycle/{action}", response_model=schemas.PassportOut)
def lifecycle(
    passport_id: str,
    action: str,
    session: SessionDep,
    caller: ParticipantCallerDep,
    data: schemas.LifecycleIn | None = None,
):
    """repair | reuse | repurpose | remanufacture | waste | recycled, with the regulation's
    rules: repurposing and remanufacturing create a new, linked passport for the caller; waste
    hands responsibility to a recycler or producer; recycling closes the passport."""
    data = data or schemas.LifecycleIn()
    passport = lifecycle_.lifecycle(
        session,
        caller,
        passport_id,
        action,
        battery_id=data.battery_id,
        data=data.data,
        responsible=data.responsible,
        note=data.note,
    )
    return service.view(session, passport, caller)


@router.post(
    "/import",
    response_model=schemas.ImportOut,
    openapi_extra={
        "requestBody": {
            "content": {
                "application/x-ndjson": {"schema": {"type": "string"}},
                "text/csv": {"schema": {"type": "string"}},
            }
        }
    },
)
async def import_passports(
    request: Request, session: SessionDep, caller: OperatorDep, partial: bool = False
):
    """Many passports from JSON lines ({"battery_id", "data"} per line) or CSV (battery_id and
    one column per attribute; lists separated by ';'). All rows or none, unless partial=true."""
    content_type = request.headers.get("content-type", "")
    if not any(kind in content_type for kind in ("json", "csv")):
        raise InvalidInput("send text/csv or application/x-ndjson")
    rows = bulk.parse_upload(await request.body(), content_type)
    created, errors = await run_in_threadpool(bulk.import_passports, session, caller, rows, partial)
    return {"created": len(created), "passport_ids": [p.id for p in created], "errors": errors}


# --- Industry formats ----------------------------------------------------------------------

FormatName = Annotated[
    str, fastapi.Path(description=f"one of: {', '.join(formats.FORMATS)}", max_length=60)
]


@router.get("/{passport_id}/export/{format_name}")
def export_passport(
    passport_id: str,
    format_name: FormatName,
    session: SessionDep,
    caller: CallerDep,
    settings: SettingsDep,
):
    """The passport in an industry format, filtered for the caller like GET /passports/{id} and
    valid against the format's official schema (422 naming the fields the view lacks)."""
    return formats.export_passport(session, caller, passport_id, format_name, settings.base_url)


@router.post(
    "/import/{format_name}", status_code=status.HTTP_201_CREATED, response_model=schemas.PassportOut
)
def import_document(
    format_name: FormatName,
    session: SessionDep,
    caller: OperatorDep,
    document: Annotated[dict[str, Any], Body(description="a document in that format")],
):
    """A new passport from a document in an industry format (as exported by this API or by
    another system), checked against the format's official schema; all stored or nothing."""
    passport = formats.import_document(session, caller, format_name, document)
    return service.view(session, passport, caller)
