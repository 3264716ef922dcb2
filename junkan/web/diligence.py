"""Due-diligence pages: the operator's battery models with their latest assessments, and each
report inside the web interface (the same report body as the public address)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from sqlalchemy import select

from junkan.deps import SessionDep
from junkan.diligence import assess, report
from junkan.diligence.models import Assessment, Finding
from junkan.identity.models import Participant, Role
from junkan.ledger.models import LedgerEntry
from junkan.web.pages import Page, register_page
from junkan.web.session import UserDep, render

router = APIRouter(prefix="/app", include_in_schema=False)

register_page(Page("/app/diligence", "nav.diligence", (Role.ECONOMIC_OPERATOR.value,)))


def _public_url(assessment: Assessment) -> str:
    return f"/diligence/reports/{assessment.owner_id}/{assessment.battery_model}"


@router.get("/diligence")
def diligence_overview(request: Request, session: SessionDep, user: UserDep):
    """Each battery model's latest assessment: when, findings by severity, report links."""
    me = user.caller.participant_id
    latest: dict[str, Assessment] = {}
    for found in session.scalars(
        select(Assessment)
        .where(Assessment.owner_id == me)
        .order_by(Assessment.created_at.desc(), Assessment.id)
    ):
        latest.setdefault(found.battery_model, found)
    rows = []
    for model in sorted(latest):
        found = latest[model]
        findings = found.result.get("findings", [])
        rows.append(
            {
                "assessment": found,
                "findings": len(findings),
                "high": sum(1 for f in findings if f.get("severity") == "high"),
                "public_url": _public_url(found),
            }
        )
    return render(request, "diligence_overview.html", user, rows=rows)


@router.get("/diligence/{battery_model:path}")
def diligence_report(battery_model: str, request: Request, session: SessionDep, user: UserDep):
    """The latest report of one of the operator's models; its Sankey loads local plotly.js."""
    found = assess.latest(session, user.caller.participant_id, battery_model)
    shown = report.redact(found.result, None)  # the owner sees every lot
    findings = session.scalars(select(Finding).where(Finding.assessment_id == found.id)).all()
    operator = session.get(Participant, found.owner_id)
    seq = session.scalar(
        select(LedgerEntry.seq).where(LedgerEntry.subject == f"dd-assessment:{found.id}")
    )
    context = report.context(
        result=shown,
        assessment=found,
        operator=operator.name if operator else found.owner_id,
        actions=assess.actions_by_finding(session, [f["id"] for f in shown["findings"]]),
        statuses={f.id: f.status for f in findings},
        ledger_seq=seq,
        chart=True,
        plotlyjs=False,
    )
    return render(request, "diligence_page.html", user, public_url=_public_url(found), **context)
