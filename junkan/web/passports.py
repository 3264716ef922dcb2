"""Passport pages: the one page the QR resolver and signed-in users see, and the operator's list.

The page is built from `service.view` with the caller's access groups, exactly as the API
answers; a signed-in web user is the same Caller as an API client of their company.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from junkan.circularity import charts
from junkan.circularity import service as circularity
from junkan.deps import SessionDep
from junkan.diligence.models import Assessment
from junkan.errors import Forbidden
from junkan.identity.models import Role
from junkan.identity.service import Caller
from junkan.passport import service
from junkan.passport.attributes import STATUSES, Access
from junkan.passport.models import Passport
from junkan.users.service import SignedIn
from junkan.web import i18n
from junkan.web.pages import Page, register_page
from junkan.web.session import UserDep, render

router = APIRouter(prefix="/app", include_in_schema=False)
PAGE_SIZE = 20
CHART_KEYS = ("soce", "projected", "band", "threshold", "axis")

register_page(Page("/app/passports", "nav.passports", (Role.ECONOMIC_OPERATOR.value,)))


def _health(session: Session, passport: Passport, language: str) -> dict[str, Any] | None:
    """State of health for those who may see condition data (the API's rule)."""
    report, days = circularity.health_report(session, passport)
    usable = [d for d in days if d.soce_last is not None]
    if not usable:
        return {"report": report, "chart": None}
    chart = charts.soce_chart(
        report,
        [d.day for d in usable],
        [d.soce_last for d in usable],
        [d.full_cycles_last for d in usable],
        i18n.translate(language, "health.chart_title"),
        fragment=True,
        labels={k: i18n.translate(language, f"health.chart.{k}") for k in CHART_KEYS},
    )
    return {"report": report, "chart": chart}


def _diligence_link(session: Session, passport: Passport, body: dict, caller: Caller):
    """The web page of the report for the operator; the public report address otherwise."""
    if caller.acts_for(passport.operator_id):
        assessed = session.scalar(
            select(Assessment.id)
            .where(
                Assessment.owner_id == passport.operator_id,
                Assessment.battery_model == passport.battery_model,
            )
            .limit(1)
        )
        if assessed:
            return f"/app/diligence/{passport.battery_model}"
    return body["data"].get("due_diligence_report")


def passport_page(
    request: Request,
    session: Session,
    passport: Passport,
    user: SignedIn | None,
    caller: Caller,
) -> HTMLResponse:
    """The passport as `caller` may see it; without JavaScript everything but the chart shows."""
    body = service.view(session, passport, caller)
    language = i18n.language_of(request, user.user.language if user else None)
    health = None
    if Access.LEGITIMATE_INTEREST.value in body["access"]:
        health = _health(session, passport, language)
    return render(
        request,
        "passport_page.html",
        user,
        passport=body,
        groups=service.grouped_for_page(body["data"]),
        health=health,
        diligence_url=_diligence_link(session, passport, body, caller),
        qr_url=service.resolver_url("", passport.battery_id),
        proof_url=f"/passports/{passport.id}?proof=true",
    )


@router.get("/passports")
def passport_list(
    request: Request,
    session: SessionDep,
    user: UserDep,
    model: Annotated[str, Query(max_length=200)] = "",
    status: Annotated[str, Query(max_length=40)] = "",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
):
    """The operator's own passports, filtered by model and status, PAGE_SIZE at a time."""
    caller = user.caller
    if not caller.has_role(Role.ECONOMIC_OPERATOR):
        raise Forbidden("Only economic operators issue passports.")
    if status not in STATUSES:
        status = ""  # an unknown status (an old bookmark) filters nothing
    rows = service.list_passports(
        session, caller, model or None, None, status or None, PAGE_SIZE + 1, (page - 1) * PAGE_SIZE
    )
    models = session.scalars(
        select(Passport.battery_model)
        .where(Passport.operator_id == caller.participant_id)
        .distinct()
        .order_by(Passport.battery_model)
    ).all()
    return render(
        request,
        "passport_list.html",
        user,
        passports=rows[:PAGE_SIZE],
        models=models,
        statuses=STATUSES,
        model=model,
        status=status,
        page=page,
        has_next=len(rows) > PAGE_SIZE,
        resolver_url=service.resolver_url,
    )


@router.get("/passports/{passport_id}")
def passport_view(passport_id: str, request: Request, session: SessionDep, user: UserDep):
    """The signed-in view: the same page as the QR address, for the user's company."""
    passport = service.get_passport(session, passport_id)
    return passport_page(request, session, passport, user, user.caller)
