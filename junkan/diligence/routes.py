"""Due-diligence API: the supply map, assessments with findings and actions, and the public
report that passports link to."""

from __future__ import annotations

import json
from typing import Annotated, Literal

from fastapi import APIRouter, Query, status
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select

from junkan.db import utcnow
from junkan.deps import CallerDep, ParticipantCallerDep, SessionDep, SettingsDep
from junkan.diligence import assess, content, report, rules, schemas, service
from junkan.diligence.models import Assessment, Finding, Lot, MitigationAction
from junkan.errors import InvalidInput, NotFound, Problem
from junkan.identity.models import Participant
from junkan.identity.service import Caller
from junkan.ledger.models import LedgerEntry
from junkan.ledger.service import write

router = APIRouter(prefix="/diligence", tags=["due diligence"])


@router.post("/map", status_code=status.HTTP_201_CREATED)
def import_map(document: schemas.SupplyMapIn, session: SessionDep, caller: ParticipantCallerDep):
    """Record entities (with their owners), sites (with certifications and audits) and lots
    (with their inputs) as one document: all stored, or none with every problem named.
    Records refer to each other by key, or to stored records by id. Lots are confidential to
    you and those you grant `lot:<id>` or `lot:*`; entities and sites are visible to members."""
    return service.import_map(session, caller, document)


@router.get("/sites")
def list_sites(session: SessionDep, caller: ParticipantCallerDep):
    return service.list_sites(session)


@router.get("/lots")
def list_lots(session: SessionDep, caller: ParticipantCallerDep, battery_model: str | None = None):
    """Your lots and the lots granted to you."""
    return service.list_lots(session, caller, battery_model)


@router.get("/lots/{lot_id}")
def get_lot(lot_id: str, session: SessionDep, caller: CallerDep):
    return service.get_lot(session, caller, lot_id)


@router.get("/recycled-content")
def recycled_content(
    session: SessionDep,
    caller: ParticipantCallerDep,
    battery_model: Annotated[str | None, Query(min_length=1, max_length=200)] = None,
    plant: Annotated[str | None, Query(min_length=1, max_length=300)] = None,
    year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
):
    """Recycled cobalt, lithium, nickel and lead (pre- and post-consumer) per battery model,
    plant (the cell or cathode site that made the model's lots; id or name) and year, traced
    by mass from the recycled lots, against the Art. 8 targets for 2031 and 2036. Only model
    lots you may read count; the others are counted in `withheld_lots`."""
    return content.recycled_content(session, caller, battery_model, plant, year)


@router.get("/entities/{entity_id}/feoc")
def entity_feoc(
    entity_id: str, session: SessionDep, settings: SettingsDep, caller: ParticipantCallerDep
):
    """Whether an entity is a foreign entity of concern, why, and through which chains."""
    limits = assess.limits_of(settings)
    return service.entity_status(
        session, entity_id, set(limits.feoc_jurisdictions), limits.feoc_threshold
    )


@router.get("/cahra")
def cahra_list(settings: SettingsDep):
    """The conflict-affected and high-risk areas this node's rules use, and where from."""
    found = rules.load_cahra(settings.cahra_file)
    return {
        "source": found.source,
        "sha256": found.sha256,
        "areas": [
            {"country": c, "region": r}
            for c, regions in sorted(found.areas.items())
            for r in sorted(regions, key=str)
        ],
    }


@router.post("/assessments", status_code=status.HTTP_201_CREATED)
def run_assessment(
    request: schemas.AssessmentIn,
    session: SessionDep,
    settings: SettingsDep,
    caller: ParticipantCallerDep,
):
    """Trace the lots of your battery model made in the period back to mines, recyclers and
    unknown sources; run the declared rules, FEOC and CRMA checks; keep the findings. With
    publish=true the report link and supply-chain indices go into your live passports."""
    url = assess.report_url(settings, caller.participant_id, request.battery_model)
    cahra = rules.load_cahra(settings.cahra_file)
    found = assess.run(session, caller, request, assess.limits_of(settings), cahra, url)
    return {"id": found.id, "created_at": found.created_at, **found.result}


def _readable(session, caller: Caller, assessment: Assessment) -> set[str] | None:
    """None when the caller sees every lot (the assessment's owner)."""
    if caller.acts_for(assessment.owner_id):
        return None
    lot_ids = {
        lot
        for f in assessment.result["findings"]
        for key in report.LOT_KEYS
        for lot in f["evidence"].get(key, [])
    }
    lots = session.scalars(select(Lot).where(Lot.id.in_(lot_ids))).all()
    return service.readable_lot_ids(session, caller, lots)


@router.get("/assessments/{assessment_id}")
def get_assessment(assessment_id: str, session: SessionDep, caller: CallerDep):
    """The public sees the result with lot ids withheld; the owner and grantees see the lots."""
    found = session.get(Assessment, assessment_id)
    if found is None:
        raise NotFound(f"no assessment {assessment_id}")
    shown = report.redact(found.result, _readable(session, caller, found))
    return {"id": found.id, "created_at": found.created_at, **shown}


def _own_finding(session, caller: Caller, finding_id: str) -> Finding:
    finding = session.get(Finding, finding_id)
    if finding is None or not caller.acts_for(finding.owner_id):
        raise NotFound(f"you have no finding {finding_id}")
    return finding


def _action_out(action: MitigationAction) -> dict:
    return {
        "id": action.id,
        "finding": action.finding_id,
        "description": action.description,
        "responsible": action.responsible,
        "due_on": action.due_on,
        "state": action.state,
        "updated_at": action.updated_at,
    }


@router.get("/findings")
def list_findings(
    session: SessionDep,
    caller: ParticipantCallerDep,
    battery_model: str | None = None,
    status_: Literal["open", "resolved"] | None = None,
):
    query = select(Finding).where(Finding.owner_id == caller.participant_id)
    if battery_model:
        query = query.where(Finding.battery_model == battery_model)
    if status_:
        query = query.where(Finding.status == status_)
    findings = session.scalars(query.order_by(Finding.oecd_step, Finding.rule)).all()
    actions = assess.actions_by_finding(session, [f.id for f in findings])
    return [
        {
            "id": f.id,
            "battery_model": f.battery_model,
            "rule": f.rule,
            "severity": f.severity,
            "oecd_step": f.oecd_step,
            "summary": f.summary,
            "status": f.status,
            "first_found_at": f.first_found_at,
            "resolved_at": f.resolved_at,
            "evidence": f.evidence,
            "actions": [_action_out(a) for a in actions[f.id]],
        }
        for f in findings
    ]


@router.post("/findings/{finding_id}/actions", status_code=status.HTTP_201_CREATED)
def add_action(
    finding_id: str, data: schemas.ActionIn, session: SessionDep, caller: ParticipantCallerDep
):
    """OECD step 3: a mitigation action on one of your findings."""
    finding = _own_finding(session, caller, finding_id)
    action = MitigationAction(
        finding_id=finding.id, updated_at=utcnow(), **data.model_dump(mode="python")
    )
    write(session, action, actor=caller.participant_id, kind="dd.action")
    return _action_out(action)


@router.patch("/actions/{action_id}")
def update_action(
    action_id: str, data: schemas.ActionUpdate, session: SessionDep, caller: ParticipantCallerDep
):
    action = session.get(MitigationAction, action_id)
    if action is None:
        raise NotFound(f"you have no action {action_id}")
    _own_finding(session, caller, action.finding_id)
    for key, value in data.model_dump(exclude_unset=True, mode="python").items():
        if value is None:
            raise InvalidInput(f"{key} cannot be cleared", field=key)
        setattr(action, key, value)
    action.updated_at = utcnow()
    write(session, action, actor=caller.participant_id, kind="dd.action.updated")
    return _action_out(action)


@router.get(
    "/reports/{operator_id}/{battery_model:path}",
    response_class=HTMLResponse,
    responses={200: {"content": {"application/json": {}, "application/pdf": {}}}},
)
def public_report(
    operator_id: str,
    battery_model: str,
    session: SessionDep,
    caller: CallerDep,
    format: Literal["html", "json", "pdf"] = "html",
):
    """The latest due-diligence report of a battery model: the stable, public address that
    its passports link to. Lot ids are shown only to those who may read the lots."""
    found = assess.latest(session, operator_id, battery_model)
    shown = report.redact(found.result, _readable(session, caller, found))
    if format == "json":
        return Response(
            content=json.dumps({"id": found.id, **shown}, default=str),
            media_type="application/json",
        )
    findings = session.scalars(select(Finding).where(Finding.assessment_id == found.id)).all()
    operator = session.get(Participant, found.owner_id)
    seq = session.scalar(
        select(LedgerEntry.seq).where(LedgerEntry.subject == f"dd-assessment:{found.id}")
    )
    arguments = {
        "result": shown,
        "assessment": found,
        "operator": operator.name if operator else found.owner_id,
        "actions": assess.actions_by_finding(session, [f["id"] for f in shown["findings"]]),
        "statuses": {f.id: f.status for f in findings},
        "ledger_seq": seq,
    }
    if format == "pdf":
        try:
            body = report.pdf(**arguments)
        except report.PdfUnavailable as exc:
            raise Problem(str(exc)) from exc
        return Response(body, media_type="application/pdf")
    return HTMLResponse(report.html(**arguments))
