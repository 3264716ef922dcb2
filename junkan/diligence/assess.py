"""An assessment: trace a battery model's lots to their origins, run the rules, check FEOC
and CRMA, keep findings across runs, and publish the result to the model's passports."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any
from urllib.parse import quote

from sqlalchemy import select
from sqlalchemy.orm import Session

from junkan.circularity.recycled import RECYCLED_CONTENT_TARGETS
from junkan.config import Settings
from junkan.db import utcnow
from junkan.diligence import feoc, rules
from junkan.diligence.models import (
    Assessment,
    Audit,
    Certification,
    Finding,
    Lot,
    LotInput,
    MitigationAction,
    SupplySite,
)
from junkan.diligence.schemas import DD_MATERIALS, MINERAL_STAGES, AssessmentIn, Stage
from junkan.diligence.service import ownership_graph
from junkan.diligence.trace import UNKNOWN, Trace, TraceError, TraceInput, TraceLot, trace
from junkan.errors import Conflict, InvalidInput, NotFound
from junkan.identity.models import new_id
from junkan.identity.service import Caller
from junkan.ledger.service import register_record_type, write, write_many
from junkan.passport import service as passports
from junkan.passport.models import Passport

RECYCLED_METALS = ("cobalt", "lithium", "nickel", "lead")  # Annex XIII 1(m)


def limits_of(settings: Settings) -> rules.Limits:
    return rules.Limits(
        unknown_share_percent=settings.dd_unknown_share_percent,
        audit_max_age_days=settings.dd_audit_max_age_days,
        crma_cap_percent=settings.crma_cap_percent,
        feoc_threshold=settings.feoc_threshold_percent / 100,
        feoc_jurisdictions=frozenset(j.upper() for j in settings.feoc_jurisdictions),
    )


def report_url(settings: Settings, operator_id: str, battery_model: str) -> str:
    return f"{settings.base_url}/diligence/reports/{operator_id}/{quote(battery_model, safe='')}"


def load_graph(session: Session, finals: list[Lot]) -> tuple[dict[str, Lot], list[LotInput]]:
    """Every lot upstream of the finals, one query per level of the chain."""
    lots = {lot.id: lot for lot in finals}
    links: list[LotInput] = []
    frontier = set(lots)
    while frontier:
        level = session.scalars(select(LotInput).where(LotInput.output_id.in_(frontier))).all()
        links.extend(level)
        new = {link.input_id for link in level} - lots.keys()
        for lot in session.scalars(select(Lot).where(Lot.id.in_(new))):
            lots[lot.id] = lot
        frontier = new
    return lots, links


def trace_lots(
    lots: dict[str, Lot], links: list[LotInput], sites: dict[str, SupplySite]
) -> dict[str, TraceLot]:
    """The stored lots and links as the tracer sees them."""
    inputs: dict[str, list[TraceInput]] = defaultdict(list)
    for link in links:
        inputs[link.output_id].append(
            TraceInput(link.input_id, link.mass_kg, link.chain_of_custody == "mass_balance")
        )
    return {
        lot.id: TraceLot(
            lot.id,
            lot.site_id,
            lot.material,
            lot.mass_kg,
            lot.origin,
            sites[lot.site_id].stage == Stage.MINE.value,
            tuple(inputs[lot.id]),
        )
        for lot in lots.values()
    }


def _by_site(session: Session, model, site_ids: set[str]) -> dict[str, list]:
    grouped: dict[str, list] = defaultdict(list)
    for row in session.scalars(select(model).where(model.site_id.in_(site_ids))):
        grouped[row.site_id].append(row)
    return grouped


def build_chain(
    session: Session,
    caller: Caller,
    battery_model: str,
    start: date,
    end: date,
    limits: rules.Limits,
    cahra: rules.CahraList,
) -> rules.Chain:
    selected = session.scalars(
        select(Lot).where(
            Lot.owner_id == caller.participant_id,
            Lot.battery_model == battery_model,
            Lot.produced_on >= start,
            Lot.produced_on <= end,
        )
    ).all()
    if not selected:
        raise Conflict(
            f"you recorded no lots of battery model {battery_model} made from {start} to {end}"
        )
    lots, links = load_graph(session, list(selected))
    # a model lot that went into another model lot (cells into packs) is not counted twice
    consumed = {link.input_id for link in links}
    finals = [lot for lot in selected if lot.id not in consumed]
    sites = {s.id: s for s in session.scalars(select(SupplySite).where(
        SupplySite.id.in_({lot.site_id for lot in lots.values()})))}  # fmt: skip
    graph = trace_lots(lots, links, sites)
    by_material: dict[str, list[str]] = defaultdict(list)
    for lot in finals:
        by_material[lot.material].append(lot.id)
    try:
        traces = {m: trace(graph, ids) for m, ids in sorted(by_material.items())}
    except TraceError as exc:
        raise InvalidInput(str(exc)) from None
    jurisdictions, holdings, names = ownership_graph(session)
    statuses = feoc.assess(
        jurisdictions, holdings, limits.feoc_jurisdictions, limits.feoc_threshold, names
    )
    return rules.Chain(
        as_of=end,
        traces=traces,
        lots=lots,
        sites=sites,
        certifications=_by_site(session, Certification, set(sites)),
        audits=_by_site(session, Audit, set(sites)),
        feoc=statuses,
        entity_names=names,
        cahra=cahra,
        limits=limits,
    )


def _share(kg: float, total: float) -> float:
    return 100 * kg / total if total else 0.0


def _origins(chain: rules.Chain, material: str, found: Trace) -> dict[str, Any]:
    by_site: dict[str, float] = defaultdict(float)
    recycled = {"pre_consumer": 0.0, "post_consumer": 0.0}
    for lot_id, kg in found.origins.items():
        if lot_id == UNKNOWN:
            continue
        lot = chain.lots[lot_id]
        by_site[lot.site_id] += kg
        if lot.origin in recycled:
            recycled[lot.origin] += kg
    mines = [
        {
            "site": s,
            "name": chain.sites[s].name,
            "stage": chain.sites[s].stage,
            "country": chain.sites[s].country,
            "kg": kg,
            "share_percent": _share(kg, found.total),
        }
        for s, kg in sorted(by_site.items(), key=lambda x: -x[1])
    ]
    countries: dict[str, float] = defaultdict(float)
    for entry in mines:
        countries[entry["country"]] += entry["kg"]
    stages: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for lot_id, kg in found.through.items():
        site = chain.sites[chain.lots[lot_id].site_id]
        stages[site.stage][site.country] += kg
    return {
        "total_kg": found.total,
        "origins": mines,
        "origin_countries": {
            c: _share(kg, found.total) for c, kg in sorted(countries.items(), key=lambda x: -x[1])
        },
        "unknown_percent": _share(found.unknown, found.total),
        "recycled_percent": {k: _share(v, found.total) for k, v in recycled.items()},
        "recycled_content_targets": _art8(material, _share(sum(recycled.values()), found.total)),
        "mass_balance_percent": _share(sum(found.mass_balance.values()), found.total),
        "stages": {
            stage: {
                "traced_percent": _share(sum(c.values()), found.total),
                "countries": {k: _share(v, found.total) for k, v in sorted(c.items())},
            }
            for stage, c in stages.items()
        },
    }


def _art8(material: str, achieved: float) -> dict[str, dict[str, Any]]:
    """Art. 8(2)-(3) minimum recycled content for the metals that have one."""
    return {
        str(applies): {"target_percent": target, "met": achieved >= target}
        for applies, targets in RECYCLED_CONTENT_TARGETS.items()
        if (target := targets.get(material)) is not None
    }


def _feoc_verdict(chain: rules.Chain, findings: list[dict]) -> dict[str, Any]:
    """Per IRA category: 'yes' (FEOC-free), 'no' (with the lots that break it), or 'unknown'
    when a traced site's operator or part of the origin is not known."""
    out = {}
    for category, in_category in (
        ("critical_minerals", lambda stage: stage in MINERAL_STAGES),
        ("components", lambda stage: stage not in MINERAL_STAGES),
    ):
        breaking = [
            f for f in findings if f["rule"] == "feoc" and in_category(f["evidence"]["stage"])
        ]
        unknown = [f for f in findings if f["rule"] == "operator-unknown"
                   and in_category(f["evidence"]["stage"])]  # fmt: skip
        if category == "critical_minerals":
            unknown += [f for f in findings if f["rule"] == "unknown-origin"]
        out[category] = {
            "feoc_free": "no" if breaking else "unknown" if unknown else "yes",
            "breaking_lots": sorted({lot for f in breaking for lot in f["evidence"]["lots"]}),
            "breaking_sites": [f["evidence"]["site_name"] for f in breaking],
            "unresolved": [f["summary"] for f in unknown],
        }
    return out


def _flows(chain: rules.Chain) -> list[dict[str, Any]]:
    """Material flow between sites, for the Sankey chart: no lot ids, so public."""
    totals: dict[tuple[str, str, str], float] = defaultdict(float)
    for material, found in chain.traces.items():
        for (source, target), kg in found.flows.items():
            origin = UNKNOWN if source == UNKNOWN else chain.lots[source].site_id
            totals[(origin, chain.lots[target].site_id, material)] += kg
    return [
        {"from": a, "to": b, "material": m, "kg": kg}
        for (a, b, m), kg in sorted(totals.items())
        if a != b and kg > 0
    ]


def run(
    session: Session,
    caller: Caller,
    request: AssessmentIn,
    limits: rules.Limits,
    cahra: rules.CahraList,
    report_url: str,
) -> Assessment:
    chain = build_chain(
        session, caller, request.battery_model, request.period_start, request.period_end,
        limits, cahra,
    )  # fmt: skip
    findings = rules.run_rules(chain)
    indices = rules.crma_indices(chain)
    result = {
        "battery_model": request.battery_model,
        "period": {"start": str(request.period_start), "end": str(request.period_end)},
        "materials": {m: _origins(chain, m, t) for m, t in chain.traces.items()},
        "crma": indices,
        "feoc": _feoc_verdict(chain, findings),
        "findings": findings,
        "sites": {
            s.id: {
                "name": s.name,
                "stage": s.stage,
                "country": s.country,
                "region": s.region,
                "artisanal": s.artisanal,
                "method": s.method,
            }
            for s in chain.sites.values()
            if s.id in chain.site_kg
        },  # fmt: skip
        "flows": _flows(chain),
        "rules": rules.declared_rules(limits),
        "cahra_list": {
            "source": cahra.source,
            "sha256": cahra.sha256,
            "areas": sum(len(r) for r in cahra.areas.values()),
        },  # fmt: skip
        "due_diligence_materials": list(DD_MATERIALS),
        "report_url": report_url,
    }
    assessment = Assessment(
        id=new_id(),
        owner_id=caller.participant_id,
        battery_model=request.battery_model,
        period_start=request.period_start,
        period_end=request.period_end,
        created_at=utcnow(),
    )
    changes = _match_findings(session, caller, assessment, findings)
    assessment.result = result  # with the findings' ids, before the ledger vouches for it
    write(session, assessment, actor=caller.participant_id, kind="dd.assessed", commit=False)
    write_many(session, changes, actor=caller.participant_id, commit=False)
    if request.publish:
        _publish(session, caller, request.battery_model, report_url, indices, result["materials"])
    session.commit()
    return assessment


def _match_findings(
    session: Session, caller: Caller, assessment: Assessment, found: list[dict]
) -> list[tuple[Finding, str]]:
    """Findings found again keep their id (and their actions); those not found are resolved."""
    existing = {
        (f.rule, f.subject): f
        for f in session.scalars(
            select(Finding).where(
                Finding.owner_id == caller.participant_id,
                Finding.battery_model == assessment.battery_model,
            )
        )
    }
    changes = []
    now = utcnow()
    for item in found:
        finding = existing.pop((item["rule"], item["subject"]), None)
        if finding is None:
            finding = Finding(
                id=new_id(),
                owner_id=caller.participant_id,
                battery_model=assessment.battery_model,
                rule=item["rule"],
                subject=item["subject"],
                first_found_at=now,
            )
        finding.severity, finding.oecd_step = item["severity"], item["oecd_step"]
        finding.summary, finding.evidence = item["summary"], item["evidence"]
        finding.assessment_id, finding.status, finding.resolved_at = assessment.id, "open", None
        changes.append((finding, "dd.finding"))
        item["id"] = finding.id
    for finding in existing.values():
        if finding.status == "open":
            finding.status, finding.resolved_at = "resolved", now
            changes.append((finding, "dd.finding.resolved"))
    return changes


def _indices_for_passport(indices: dict[str, dict[str, dict]]) -> list[str]:
    lines = []
    for material, stages in indices.items():
        for stage, index in stages.items():
            top = ", ".join(f"{c} {s:.0f} %" for c, s in list(index["countries"].items())[:3])
            lines.append(f"{material} {stage}: HHI {index['hhi']:.0f} ({top})")
    return lines


def _publish(session, caller, battery_model, report_url, indices, materials) -> None:
    """Report link, indices and recycled shares into the operator's live passports."""
    live = session.scalars(
        select(Passport.id).where(
            Passport.operator_id == caller.participant_id,
            Passport.battery_model == battery_model,
            Passport.superseded_by.is_(None),
            Passport.closed_at.is_(None),
        )
    ).all()
    if not live:
        raise Conflict(
            f"you operate no live passport of battery model {battery_model} to publish to"
        )
    changes = {
        "due_diligence_report": report_url,
        "supply_chain_indices": _indices_for_passport(indices),
        **{
            f"recycled_{material}_{origin}": round(share, 2)
            for material, traced in materials.items()
            if material in RECYCLED_METALS
            for origin, share in traced["recycled_percent"].items()
        },
    }
    for passport_id in live:
        passports.update_passport(session, caller, passport_id, changes, commit=False)


def latest(session: Session, owner_id: str, battery_model: str) -> Assessment:
    found = session.scalars(
        select(Assessment)
        .where(Assessment.owner_id == owner_id, Assessment.battery_model == battery_model)
        .order_by(Assessment.created_at.desc(), Assessment.id)
        .limit(1)
    ).first()
    if found is None:
        raise NotFound(f"no due-diligence assessment of battery model {battery_model}")
    return found


def actions_by_finding(session: Session, finding_ids: list[str]) -> dict[str, list]:
    grouped: dict[str, list] = defaultdict(list)
    for action in session.scalars(
        select(MitigationAction)
        .where(MitigationAction.finding_id.in_(finding_ids))
        .order_by(MitigationAction.due_on)
    ):
        grouped[action.finding_id].append(action)
    return grouped


register_record_type("dd-assessment", Assessment)
register_record_type("dd-finding", Finding)
register_record_type("dd-action", MitigationAction)
