"""The PACT API, v2.3 under /2 and v3.0 under /3 on the same host, as the specification
allows. Errors are PACT's own {"code", "message"} bodies, not problem details, because PACT
clients parse them."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials
from pydantic import BaseModel, ConfigDict, Field

from junkan.deps import ParticipantCallerDep, SessionDep, SettingsDep, bearer, get_caller
from junkan.errors import Problem
from junkan.footprint import exchange, formats, pact
from junkan.identity.service import Caller

router = APIRouter(tags=["PACT"])
MAX_LIMIT = 1000


async def pact_error(request: Request, error: pact.PactError) -> JSONResponse:
    """PACT's error body, with the status its version gives the code."""
    v2 = request.url.path.startswith("/2/")
    codes = formats.PACT_V2_ERROR_CODES if v2 else formats.PACT_V3_ERROR_CODES
    return JSONResponse({"code": error.code, "message": error.message}, codes[error.code])


def pact_caller(
    request: Request,
    session: SessionDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Caller:
    """The bearer's caller; an anonymous or rejected token gets PACT's own error body."""
    try:
        caller = get_caller(session, credentials, request)
    except Problem as exc:
        expired = exc.extensions.get("code") == "TokenExpired"
        raise pact.PactError("TokenExpired" if expired else "AccessDenied", exc.detail) from exc
    if caller.is_anonymous:
        raise pact.PactError("AccessDenied", "authenticate with a bearer token")
    return caller


PactCaller = Annotated[Caller, Depends(pact_caller)]


def _page(request: Request, settings, docs: list[dict], limit: int | None, offset: int):
    """One page and, if more remain, an absolute Link rel="next" on the same host."""
    if limit is not None and limit < 1:
        raise pact.PactError("BadRequest", "limit must be a positive integer")
    size = min(limit or MAX_LIMIT, MAX_LIMIT)
    page = docs[offset : offset + size]
    headers = {}
    if offset + size < len(docs):
        query = [(k, v) for k, v in request.query_params.multi_items() if k != "offset"]
        query.append(("offset", str(offset + size)))
        url = f"{settings.base_url}{request.url.path}?{urlencode(query)}"
        headers["Link"] = f'<{url}>; rel="next"'
    return JSONResponse({"data": page}, headers=headers)


def _get(version: int, footprint_id: str, session, caller: Caller) -> dict[str, Any]:
    footprint = pact.one(session, caller, footprint_id, version)
    export = formats.to_pact_v2 if version == 2 else formats.to_pact_v3
    try:
        return {"data": export(pact.record(session, footprint))}
    except formats.InvalidFootprint as exc:
        raise pact.PactError("BadRequest", f"not expressible in PACT v{version}: {exc}") from exc


def _documents(session, caller, version: int) -> list[dict[str, Any]]:
    export = formats.to_pact_v2 if version == 2 else formats.to_pact_v3
    documents = []
    for footprint in session.scalars(pact.visible(session, caller)):
        try:
            documents.append(export(pact.record(session, footprint)))
        except formats.InvalidFootprint:
            continue  # a product without what this version requires (e.g. a CPC code for v2)
    return documents


@router.get("/2/footprints", summary="PACT v2.3 ListFootprints")
def list_v2(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    caller: PactCaller,
    limit: int | None = None,
    offset: Annotated[int, Query(ge=0)] = 0,
    filter_: Annotated[str | None, Query(alias="$filter")] = None,
):
    documents = _documents(session, caller, 2)
    if filter_:
        matches = pact.v2_filter(filter_)
        documents = [d for d in documents if matches(d)]
    return _page(request, settings, documents, limit, offset)


@router.get("/2/footprints/{footprint_id}", summary="PACT v2.3 GetFootprint")
def get_v2(footprint_id: str, session: SessionDep, caller: PactCaller):
    return _get(2, footprint_id, session, caller)


@router.get("/3/footprints", summary="PACT v3.0 ListFootprints")
def list_v3(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    caller: PactCaller,
    limit: int | None = None,
    offset: Annotated[int, Query(ge=0)] = 0,
):
    query: dict[str, list[str]] = {}
    for key, value in request.query_params.multi_items():
        if key not in ("limit", "offset"):
            query.setdefault(key, []).append(value)
    documents = [d for d in _documents(session, caller, 3) if pact.v3_matches(d, query)]
    return _page(request, settings, documents, limit, offset)


@router.get("/3/footprints/{footprint_id}", summary="PACT v3.0 GetFootprint")
def get_v3(footprint_id: str, session: SessionDep, caller: PactCaller):
    return _get(3, footprint_id, session, caller)


async def _events(version: int, request: Request, session, caller: Caller) -> Response:
    try:
        event = await request.json()
    except ValueError as exc:
        raise pact.PactError("BadRequest", "the body is not a JSON CloudEvent") from exc
    if not isinstance(event, dict):
        raise pact.PactError("BadRequest", "the body is not a JSON CloudEvent")
    exchange.receive_event(session, caller, version, event)
    return Response(status_code=200)


@router.post("/2/events", summary="PACT v2.3 Events")
async def events_v2(request: Request, session: SessionDep, caller: PactCaller):
    return await _events(2, request, session, caller)


@router.post("/3/events", summary="PACT v3.0 Events")
async def events_v3(request: Request, session: SessionDep, caller: PactCaller):
    return await _events(3, request, session, caller)


# --- Junkan's side of the exchange: partners, requests out, answers -----------------------------

exchange_router = APIRouter(prefix="/pact", tags=["PACT exchange"])


class PartnerIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    base_url: str = Field(description="the other PACT host, e.g. https://pcf.supplier.example")
    client_id: str = Field(min_length=1, max_length=200)
    client_secret: str = Field(min_length=1, max_length=500)


class RequestIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    base_url: str = Field(description="the supplier's PACT host (registered as a partner)")
    product_ids: list[str] = Field(min_length=1, max_length=100)
    comment: str | None = Field(default=None, max_length=2000)
    version: int = Field(default=3, ge=2, le=3)


class FulfilIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    footprint_ids: list[str] = Field(min_length=1, max_length=100)


class RejectIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    message: str = Field(min_length=1, max_length=2000)


def _request_out(request) -> dict[str, Any]:
    return {
        "id": request.id,
        "direction": request.direction,
        "event_id": request.event_id,
        "spec_version": request.spec_version,
        "participant_id": request.participant_id,
        "owner_id": request.owner_id,
        "counterpart": request.counterpart,
        "criteria": request.criteria,
        "comment": request.comment,
        "status": request.status,
        "answer": request.answer,
        "created_at": request.created_at,
        "answered_at": request.answered_at,
    }


@exchange_router.post("/partners", status_code=201)
def add_partner(data: PartnerIn, session: SessionDep, caller: ParticipantCallerDep):
    """Your credentials at another PACT host (sealed at rest), used to send it requests and
    answers."""
    partner = exchange.add_partner(
        session, caller, data.base_url, data.client_id, data.client_secret
    )
    return {"id": partner.id, "base_url": partner.base_url, "client_id": partner.client_id}


@exchange_router.post("/requests", status_code=201)
def send_request(
    data: RequestIn, session: SessionDep, caller: ParticipantCallerDep, settings: SettingsDep
):
    """Ask a supplier's host for footprints; its answer arrives as an event and the footprints
    become yours to use in bills of materials."""
    request = exchange.send_request(
        session,
        caller,
        data.base_url,
        data.product_ids,
        data.comment,
        data.version,
        f"{settings.base_url}/{data.version}/events",
    )
    return _request_out(request)


@exchange_router.get("/requests")
def list_requests(
    session: SessionDep,
    caller: ParticipantCallerDep,
    direction: Annotated[str, Query(pattern="^(received|sent)$")] = "received",
):
    """Requests addressed to you (received) or sent by you (sent)."""
    rows = exchange.requests_of(session, caller.participant_id, direction)
    return {"data": [_request_out(r) for r in rows]}


@exchange_router.post("/requests/{request_id}/fulfil")
def fulfil(
    request_id: str,
    data: FulfilIn,
    session: SessionDep,
    caller: ParticipantCallerDep,
    settings: SettingsDep,
):
    """Release these footprints to the requester only, and answer its host."""
    request = exchange.fulfil(session, caller, request_id, data.footprint_ids, settings.base_url)
    return _request_out(request)


@exchange_router.post("/requests/{request_id}/reject")
def reject(
    request_id: str,
    data: RejectIn,
    session: SessionDep,
    caller: ParticipantCallerDep,
    settings: SettingsDep,
):
    request = exchange.reject(session, caller, request_id, data.message, settings.base_url)
    return _request_out(request)
