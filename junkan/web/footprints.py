"""Footprint pages: the list, one footprint with its stages and lineage, answering requests.

Access is the API's: the same service functions decide, with the signed-in user's caller.
"""

from __future__ import annotations

import json
from functools import partial
from typing import Any

import plotly.graph_objects as go
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, RedirectResponse
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from junkan.deps import SessionDep, SettingsDep
from junkan.errors import InvalidInput, NotFound, Problem
from junkan.exchange.service import active_grant, granted
from junkan.footprint import exchange, formats, pact, service
from junkan.footprint.models import Footprint, FootprintRequest, Product
from junkan.footprint.routes import EXPORTS
from junkan.identity.models import Participant
from junkan.identity.service import Caller
from junkan.web import i18n
from junkan.web.footprint_upload import router as upload_router
from junkan.web.pages import Page, register_page
from junkan.web.session import FormDep, UserDep, render

router = APIRouter(prefix="/app", include_in_schema=False)
router.include_router(upload_router)
register_page(Page("/app/footprints", "nav.footprints"))
register_page(Page("/app/upload", "nav.upload"))
register_page(Page("/app/requests", "nav.requests"))
STAGES = service.STAGES
MAX_DEPTH = 4  # own sub-products opened inside a lineage


def _names(session: Session, ids) -> dict[str, str]:
    ids = set(ids)
    if not ids:
        return {}
    rows = session.execute(select(Participant.id, Participant.name).where(Participant.id.in_(ids)))
    return dict(rows.all())


def _products(session: Session, footprints) -> dict[str, Product]:
    ids = {f.product_id for f in footprints if f.product_id}
    if not ids:
        return {}
    return {p.id: p for p in session.scalars(select(Product).where(Product.id.in_(ids)))}


def may_read(session: Session, caller: Caller, footprint: Footprint) -> bool:
    """Whether a link to the footprint would open for the caller (checked, not logged)."""
    if caller.acts_for(footprint.owner_id):
        return True
    subject = f"footprint:{footprint.id}"
    return active_grant(session, caller, subject, footprint.owner_id) is not None


# --- The list -----------------------------------------------------------------------------------


@router.get("/footprints")
def footprint_list(request: Request, session: SessionDep, user: UserDep):
    me = user.caller.participant_id
    own = session.scalars(
        select(Footprint)
        .where(Footprint.owner_id == me)
        .order_by(Footprint.status, Footprint.created_at.desc())
        .limit(500)
    ).all()
    ids, owners = granted(session, user.caller, "footprint")
    shared = session.scalars(
        select(Footprint)
        .where(
            Footprint.owner_id != me,
            Footprint.product_id.is_not(None),
            or_(Footprint.id.in_(ids), Footprint.owner_id.in_(owners)),
        )
        .order_by(Footprint.status, Footprint.created_at.desc())
        .limit(500)
    ).all()
    everything = [*own, *shared]
    return render(
        request,
        "footprint_list.html",
        user,
        own=[f for f in own if f.product_id],
        received=[f for f in own if not f.product_id],
        shared=shared,
        products=_products(session, everything),
        owners=_names(session, {f.owner_id for f in shared}),
    )


# --- One footprint ------------------------------------------------------------------------------


@router.get("/footprints/{footprint_id}")
def footprint_page(footprint_id: str, request: Request, session: SessionDep, user: UserDep):
    caller = user.caller
    footprint = service.readable_footprint(session, caller, footprint_id)  # 403 as the API
    own = caller.acts_for(footprint.owner_id)
    product = session.get(Product, footprint.product_id) if footprint.product_id else None
    t = partial(i18n.translate, i18n.language_of(request, user.user.language))
    lineage = _lineage(session, caller, footprint, 0) if own and footprint.product_id else None
    return render(
        request,
        "footprint_detail.html",
        user,
        footprint=footprint,
        product=product,
        own=own,
        owner=_names(session, [footprint.owner_id]).get(footprint.owner_id, ""),
        chart=_chart(footprint, t),
        lineage=lineage,
        exports=list(EXPORTS) if footprint.product_id else [],
        stages=STAGES,
    )


def _chart(footprint: Footprint, t) -> dict:
    """kgCO2e per declared unit by stage, as a bar chart for the local plotly.js; drawn after
    the page has been shown, so the script never holds the page up."""
    values = [footprint.stages.get(s, 0.0) for s in STAGES]
    figure = go.Figure(
        go.Bar(
            x=[t(f"stage.{s}") for s in STAGES],
            y=values,
            marker_color="#2e7d32",
            text=[f"{v:.3f}" for v in values],
            textposition="auto",
        )
    )
    figure.update_layout(
        yaxis_title=t("fp.chart_axis", unit=footprint.declared_unit),
        margin={"l": 60, "r": 20, "t": 20, "b": 40},
        height=320,
        plot_bgcolor="#fff",
    )
    return json.loads(figure.to_json())


def _lineage(session: Session, caller: Caller, footprint: Footprint, depth: int) -> list[dict]:
    """Each contribution, with what it came from: a factor, a direct emission, an own
    sub-product (opened, a few levels deep) or a supplier's footprint (linked if readable)."""
    contributions = service.lineage(session, caller, footprint.id)["contributions"]
    targets = {
        c["via"]["footprint"]: session.get(Footprint, c["via"]["footprint"])
        for c in contributions
        if "footprint" in c["via"]
    }
    products = _products(session, [f for f in targets.values() if f])
    owners = _names(session, {f.owner_id for f in targets.values() if f})
    rows = []
    for contribution in contributions:
        via = contribution["via"]
        row: dict[str, Any] = {**contribution, "kind": "direct" if via.get("direct") else "factor"}
        target = targets.get(via.get("footprint", ""))
        if target is not None:
            product = products.get(target.product_id or "")
            provenance = target.provenance or {}
            row |= {
                "target": target,
                "part_number": product.part_number if product else None,
                "company": owners.get(target.owner_id) if product else provenance.get("company"),
                "linked": may_read(session, caller, target),
            }
            if caller.acts_for(target.owner_id) and target.product_id:
                row["kind"] = "product"
                if depth < MAX_DEPTH:
                    row["children"] = _lineage(session, caller, target, depth + 1)
            else:
                row["kind"] = "supplier"
        rows.append(row)
    return rows


@router.get("/footprints/{footprint_id}/export/{format_name}")
def footprint_export(footprint_id: str, format_name: str, session: SessionDep, user: UserDep):
    """The API's exports, downloadable from the page with the browser's session."""
    if format_name not in EXPORTS:
        raise NotFound(f"no footprint format {format_name!r}; known: {', '.join(EXPORTS)}")
    footprint = service.readable_footprint(session, user.caller, footprint_id, commit=False)
    if footprint.product_id is None:
        raise InvalidInput("a footprint received from another host is exported by its owner")
    try:
        document = EXPORTS[format_name](pact.record(session, footprint))
    except formats.InvalidFootprint as exc:
        raise InvalidInput(f"not expressible as {format_name}: {exc}") from exc
    session.commit()  # a read under a grant is logged
    filename = f"footprint-{footprint.id}-{format_name}.json"
    return JSONResponse(
        document, headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )


# --- Requests -----------------------------------------------------------------------------------


@router.get("/requests")
def request_list(request: Request, session: SessionDep, user: UserDep):
    me = user.caller.participant_id
    received = exchange.requests_of(session, me, "received")
    sent = exchange.requests_of(session, me, "sent")
    return render(
        request,
        "footprint_requests.html",
        user,
        received=received,
        sent=sent,
        requesters=_names(session, {r.participant_id for r in received}),
    )


def _visible_request(session: Session, caller: Caller, request_id: str) -> FootprintRequest:
    row = session.get(FootprintRequest, request_id)
    me = caller.participant_id
    if row is None or not (
        (row.direction == "received" and row.owner_id == me)
        or (row.direction == "sent" and row.participant_id == me)
    ):
        raise NotFound(f"no request {request_id} of yours")
    return row


def _requested_ids(row: FootprintRequest) -> list:
    """PACT v2 asks by `productIds`, v3 by `productId`."""
    return row.criteria.get("productIds") or row.criteria.get("productId") or []


def _wanted(row: FootprintRequest) -> set[str]:
    return {str(i).lower() for i in _requested_ids(row)}


@router.get("/requests/{request_id}")
def request_page(request_id: str, request: Request, session: SessionDep, user: UserDep):
    return _request_view(request_id, request, session, user)


def _request_view(request_id, request, session, user, error=None, status_code=200):
    row = _visible_request(session, user.caller, request_id)
    choices = []
    if row.direction == "received" and row.status == "pending":
        footprints = session.scalars(
            select(Footprint)
            .where(
                Footprint.owner_id == user.caller.participant_id,
                Footprint.status == "Active",
                Footprint.product_id.is_not(None),
            )
            .order_by(Footprint.created_at.desc())
        ).all()
        products = _products(session, footprints)
        wanted = _wanted(row)
        for footprint in footprints:
            product = products[footprint.product_id]
            asked = pact.product_urn(product).lower() in wanted
            choices.append((footprint, product, asked))
        choices.sort(key=lambda c: (not c[2], c[1].part_number))
    answered = []
    if row.answer and row.answer.get("footprints"):
        answered = [session.get(Footprint, i) for i in row.answer["footprints"]]
    return render(
        request,
        "request.html",
        user,
        status_code=status_code,
        row=row,
        requester=_names(session, [row.participant_id]).get(row.participant_id, ""),
        products=", ".join(requested_products(row)),
        choices=choices,
        answered=[f for f in answered if f is not None],
        error=error,
    )


def requested_products(row: FootprintRequest) -> list[str]:
    prefix = "urn:pathfinder:product:customcode:vendor-assigned:"
    return [str(i).removeprefix(prefix) for i in _requested_ids(row)]


@router.post("/requests/{request_id}/fulfil")
def request_fulfil(
    request_id: str,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    user: UserDep,
    form: FormDep,
):
    chosen = [str(v) for v in form.getlist("footprint_ids")]
    if not chosen:
        return _again(request_id, request, session, user, "req.choose_one")
    try:
        exchange.fulfil(session, user.caller, request_id, chosen, settings.base_url)
    except Problem as exc:
        session.rollback()
        return _again(request_id, request, session, user, exc.detail)
    return RedirectResponse(f"/app/requests/{request_id}", status_code=303)


@router.post("/requests/{request_id}/reject")
def request_reject(
    request_id: str,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    user: UserDep,
    form: FormDep,
):
    reason = str(form.get("reason", "")).strip()
    if not reason:
        return _again(request_id, request, session, user, "req.reason_needed")
    try:
        exchange.reject(session, user.caller, request_id, reason[:2000], settings.base_url)
    except Problem as exc:
        session.rollback()
        return _again(request_id, request, session, user, exc.detail)
    return RedirectResponse(f"/app/requests/{request_id}", status_code=303)


def _again(request_id, request, session, user, error: str):
    """The request page again with what went wrong; nothing was stored."""
    return _request_view(request_id, request, session, user, error=error, status_code=422)
