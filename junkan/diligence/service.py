"""The supply map: recording entities, sites and lots as one all-or-nothing document, and
reading them back as far as the caller may."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from graphlib import CycleError, TopologicalSorter
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from junkan.diligence import feoc
from junkan.diligence.models import (
    Audit,
    Certification,
    Entity,
    Lot,
    LotInput,
    Ownership,
    SupplySite,
)
from junkan.diligence.schemas import SupplyMapIn
from junkan.errors import InvalidInput, NotFound
from junkan.exchange.service import authorize_read, granted
from junkan.identity.models import Participant, new_id
from junkan.identity.service import Caller
from junkan.ledger.service import register_record_type, write_many

WRITE_ORDER = (Entity, Ownership, SupplySite, Certification, Audit, Lot, LotInput)
MASS_TOLERANCE = 1e-9  # relative: rounding in a client's sums is not an overdraw


class MapErrors:
    """Collects every problem in a document so that one answer names them all."""

    def __init__(self) -> None:
        self.errors: list[dict[str, str]] = []

    def add(self, field: str, message: str) -> None:
        self.errors.append({"field": field, "message": message})

    def raise_any(self) -> None:
        if self.errors:
            first = self.errors[0]
            more = f" (and {len(self.errors) - 1} more)" if len(self.errors) > 1 else ""
            raise InvalidInput(
                f"{first['field']}: {first['message']}{more}; nothing was stored",
                errors=self.errors,
            )


def _duplicates(keys: Iterable[str], kind: str, problems: MapErrors) -> None:
    seen: set[str] = set()
    for index, key in enumerate(keys):
        if key in seen:
            problems.add(f"{kind}[{index}].key", f"{key!r} appears twice in the document")
        seen.add(key)


def _stored(session: Session, model, ids: set[str]) -> dict[str, Any]:
    return {r.id: r for r in session.scalars(select(model).where(model.id.in_(ids)))} if ids else {}


def readable_lot_ids(session: Session, caller: Caller, lots: Iterable[Lot]) -> set[str]:
    """The lots the caller owns or holds a live grant for: who may see lot-level data."""
    ids, owners = granted(session, caller, "lot")
    return {
        lot.id
        for lot in lots
        if caller.acts_for(lot.owner_id) or lot.id in ids or lot.owner_id in owners
    }


def import_map(session: Session, caller: Caller, document: SupplyMapIn) -> dict[str, dict]:
    """Store a document of entities, sites and lots, all or none, and say which ids each key
    got. Every problem is reported with the path of the record that has it."""
    problems = MapErrors()
    _duplicates((e.key for e in document.entities), "entities", problems)
    _duplicates((s.key for s in document.sites), "sites", problems)
    _duplicates((lot.key for lot in document.lots), "lots", problems)

    # ids now, so that records of the document can point at each other before the flush
    entities = {
        e.key: Entity(id=new_id(), name=e.name, jurisdiction=e.jurisdiction)
        for e in document.entities
    }
    sites = {
        s.key: SupplySite(id=new_id(), name=s.name, stage=s.stage.value) for s in document.sites
    }
    lots = {lot.key: Lot(id=new_id(), reference=lot.key) for lot in document.lots}

    refs = {
        ref
        for group in (
            [h.owner for e in document.entities for h in e.owners],
            [s.operator for s in document.sites if s.operator],
        )
        for ref in group
        if ref not in entities
    }
    stored_entities = _stored(session, Entity, refs)
    stored_sites = _stored(session, SupplySite, {lot.site for lot in document.lots} - sites.keys())
    stored_lots = _stored(
        session, Lot, {i.lot for lot in document.lots for i in lot.inputs} - lots.keys()
    )
    readable = readable_lot_ids(session, caller, stored_lots.values())

    def entity_id(ref: str, field: str) -> str | None:
        if ref in entities:
            return entities[ref].id
        if ref in stored_entities:
            return ref
        problems.add(field, f"no entity {ref!r} in the document or stored")
        return None

    members = _stored(session, Participant, {e.participant for e in document.entities} - {None})
    changes: list[tuple[Any, str]] = []
    holdings: list[feoc.Holding] = []
    for index, doc in enumerate(document.entities):
        entity = entities[doc.key]
        if doc.participant and doc.participant not in members:
            problems.add(f"entities[{index}].participant", "no such participant")
        entity.participant_id = doc.participant
        entity.recorded_by = caller.participant_id
        changes.append((entity, "dd.entity.recorded"))
        for h_index, holding in enumerate(doc.owners):
            owner = entity_id(holding.owner, f"entities[{index}].owners[{h_index}].owner")
            if owner:
                row = Ownership(
                    owned_id=entity.id,
                    owner_id=owner,
                    share_percent=holding.share_percent,
                    control=holding.control,
                    recorded_by=caller.participant_id,
                )
                holdings.append(feoc.Holding(owner, entity.id, holding.share_percent / 100))
                changes.append((row, "dd.ownership.recorded"))
    _check_ownership(session, document, entities, holdings, problems)

    for index, doc in enumerate(document.sites):
        site = sites[doc.key]
        site.recorded_by = caller.participant_id
        site.country, site.region, site.artisanal, site.method = (
            doc.country,
            doc.region,
            doc.artisanal,
            doc.method,
        )
        site.latitude, site.longitude = doc.latitude, doc.longitude
        site.operator_id = (
            entity_id(doc.operator, f"sites[{index}].operator") if doc.operator else None
        )
        changes.append((site, "dd.site.recorded"))
        for cert in doc.certifications:
            row = Certification(
                site_id=site.id, recorded_by=caller.participant_id, **cert.model_dump()
            )
            changes.append((row, "dd.certification.recorded"))
        for audit in doc.audits:
            data = audit.model_dump(mode="json") | {"audited_on": audit.audited_on}
            row = Audit(site_id=site.id, recorded_by=caller.participant_id, **data)
            changes.append((row, "dd.audit.recorded"))

    taken = set(
        session.scalars(
            select(Lot.reference).where(
                Lot.owner_id == caller.participant_id, Lot.reference.in_(lots.keys())
            )
        )
    )
    drawn: dict[str, float] = defaultdict(float)
    links: list[LotInput] = []
    for index, doc in enumerate(document.lots):
        lot = lots[doc.key]
        if doc.key in taken:
            problems.add(f"lots[{index}].key", f"you already recorded a lot {doc.key!r}")
        lot.owner_id = caller.participant_id
        lot.material, lot.form, lot.mass_kg = doc.material, doc.form, doc.mass_kg
        lot.origin, lot.produced_on, lot.battery_model = (
            doc.origin.value,
            doc.produced_on,
            doc.battery_model,
        )
        if doc.site in sites:
            lot.site_id = sites[doc.site].id
        elif doc.site in stored_sites:
            lot.site_id = doc.site
        else:
            problems.add(f"lots[{index}].site", f"no site {doc.site!r} in the document or stored")
        changes.append((lot, "dd.lot.recorded"))
        for i_index, link in enumerate(doc.inputs):
            field = f"lots[{index}].inputs[{i_index}]"
            source = lots.get(link.lot) or stored_lots.get(link.lot)
            if source is None:
                problems.add(f"{field}.lot", f"no lot {link.lot!r} in the document or stored")
                continue
            if link.lot in stored_lots and source.id not in readable:
                problems.add(f"{field}.lot", f"lot {link.lot} is not yours and not granted to you")
                continue
            material = source.material if link.lot in stored_lots else lots[link.lot].material
            if material != doc.material:
                problems.add(
                    f"{field}.lot", f"lot {link.lot!r} holds {material}, this lot {doc.material}"
                )
            drawn[source.id] += link.mass_kg
            links.append(
                LotInput(
                    output_id=lot.id,
                    input_id=source.id,
                    mass_kg=link.mass_kg,
                    chain_of_custody=link.chain_of_custody.value,
                )
            )
    _check_cycles(document, problems)
    _check_overdraw(session, document, lots, stored_lots, drawn, problems)
    problems.raise_any()
    changes.extend((link, "dd.lot.input") for link in links)
    for model in WRITE_ORDER:  # parents first: the tables have no ORM relationships to sort by
        group = [change for change in changes if type(change[0]) is model]
        write_many(session, group, actor=caller.participant_id, commit=False)
    session.commit()
    return {
        "entities": {key: e.id for key, e in entities.items()},
        "sites": {key: s.id for key, s in sites.items()},
        "lots": {key: lot.id for key, lot in lots.items()},
    }


def _check_ownership(
    session: Session,
    document: SupplyMapIn,
    entities: dict[str, Entity],
    new: list[feoc.Holding],
    problems: MapErrors,
) -> None:
    """New holdings plus stored ones may not own any entity above 100 %."""
    owned = {h.owned for h in new}
    stored = [
        feoc.Holding(o.owner_id, o.owned_id, o.share_percent / 100)
        for o in session.scalars(select(Ownership).where(Ownership.owned_id.in_(owned)))
    ]
    index_of = {entities[e.key].id: i for i, e in enumerate(document.entities)}
    names = {entities[e.key].id: e.key for e in document.entities}
    for owned_id in owned:
        try:
            feoc.check_holdings([h for h in stored + new if h.owned == owned_id], names)
        except feoc.OwnershipError as exc:
            problems.add(f"entities[{index_of[owned_id]}].owners", str(exc))


def _check_cycles(document: SupplyMapIn, problems: MapErrors) -> None:
    keys = {lot.key for lot in document.lots}
    graph = {lot.key: {i.lot for i in lot.inputs if i.lot in keys} for lot in document.lots}
    try:
        TopologicalSorter(graph).prepare()
    except CycleError as exc:
        cycle = " -> ".join(exc.args[1])
        problems.add("lots", f"the lots form a cycle: {cycle}")


def _check_overdraw(
    session: Session,
    document: SupplyMapIn,
    lots: dict[str, Lot],
    stored_lots: dict[str, Lot],
    drawn: dict[str, float],
    problems: MapErrors,
) -> None:
    """No lot may give more mass than it holds, counting what it already gave."""
    already = dict(
        session.execute(
            select(LotInput.input_id, func.sum(LotInput.mass_kg))
            .where(LotInput.input_id.in_(drawn.keys()))
            .group_by(LotInput.input_id)
        ).all()
    )
    by_id = {lot.id: (key, lot) for key, lot in lots.items()}
    by_id |= {lot.id: (lot.id, lot) for lot in stored_lots.values()}
    for lot_id, mass in drawn.items():
        key, lot = by_id[lot_id]
        total = mass + float(already.get(lot_id) or 0.0)
        if lot.mass_kg is not None and total > lot.mass_kg * (1 + MASS_TOLERANCE):
            problems.add(
                "lots",
                f"lot {key!r} holds {lot.mass_kg:g} kg but {total:g} kg are drawn from it",
            )


def get_lot(session: Session, caller: Caller, lot_id: str) -> dict[str, Any]:
    lot = session.get(Lot, lot_id)
    if lot is None:
        raise NotFound(f"no lot {lot_id}")
    authorize_read(session, caller, f"lot:{lot.id}", lot.owner_id)
    inputs = session.scalars(select(LotInput).where(LotInput.output_id == lot.id)).all()
    drawn = session.scalar(
        select(func.coalesce(func.sum(LotInput.mass_kg), 0.0)).where(LotInput.input_id == lot.id)
    )
    return lot_out(lot) | {
        "inputs": [
            {"lot": i.input_id, "mass_kg": i.mass_kg, "chain_of_custody": i.chain_of_custody}
            for i in inputs
        ],
        "mass_drawn_kg": float(drawn),
    }


def lot_out(lot: Lot) -> dict[str, Any]:
    return {
        "id": lot.id,
        "reference": lot.reference,
        "owner": lot.owner_id,
        "site": lot.site_id,
        "material": lot.material,
        "form": lot.form,
        "mass_kg": lot.mass_kg,
        "origin": lot.origin,
        "produced_on": lot.produced_on.isoformat(),
        "battery_model": lot.battery_model,
    }


def list_lots(
    session: Session, caller: Caller, battery_model: str | None = None
) -> list[dict[str, Any]]:
    """The caller's own lots and those granted to it."""
    ids, owners = granted(session, caller, "lot")
    query = select(Lot).where(
        or_(
            Lot.owner_id == caller.participant_id,
            Lot.owner_id.in_(owners),
            Lot.id.in_(ids),
        )
    )
    if battery_model:
        query = query.where(Lot.battery_model == battery_model)
    return [lot_out(lot) for lot in session.scalars(query.order_by(Lot.produced_on, Lot.id))]


def site_out(site: SupplySite, certifications=(), audits=()) -> dict[str, Any]:
    return {
        "id": site.id,
        "name": site.name,
        "stage": site.stage,
        "country": site.country,
        "region": site.region,
        "latitude": site.latitude,
        "longitude": site.longitude,
        "operator": site.operator_id,
        "artisanal": site.artisanal,
        "method": site.method,
        "certifications": [
            {
                "scheme": c.scheme,
                "reference": c.reference,
                "valid_from": c.valid_from.isoformat(),
                "valid_until": c.valid_until.isoformat(),
            }
            for c in certifications
        ],
        "audits": [
            {
                "auditor": a.auditor,
                "audited_on": a.audited_on.isoformat(),
                "standard": a.standard,
                "outcome": a.outcome,
                "report_url": a.report_url,
            }
            for a in audits
        ],
    }


def list_sites(session: Session) -> list[dict[str, Any]]:
    sites = session.scalars(select(SupplySite).order_by(SupplySite.stage, SupplySite.name)).all()
    certs: dict[str, list] = defaultdict(list)
    audits: dict[str, list] = defaultdict(list)
    for c in session.scalars(select(Certification).order_by(Certification.valid_from)):
        certs[c.site_id].append(c)
    for a in session.scalars(select(Audit).order_by(Audit.audited_on)):
        audits[a.site_id].append(a)
    return [site_out(s, certs[s.id], audits[s.id]) for s in sites]


def ownership_graph(session: Session) -> tuple[dict[str, str], list[feoc.Holding], dict[str, str]]:
    """Every entity's jurisdiction, every holding, and the names for messages."""
    entities = session.scalars(select(Entity)).all()
    holdings = [
        feoc.Holding(o.owner_id, o.owned_id, o.share_percent / 100, o.control)
        for o in session.scalars(select(Ownership))
    ]
    return (
        {e.id: e.jurisdiction for e in entities},
        holdings,
        {e.id: e.name for e in entities},
    )


def entity_status(
    session: Session, entity_id: str, concern: set[str], threshold: float
) -> dict[str, Any]:
    entity = session.get(Entity, entity_id)
    if entity is None:
        raise NotFound(f"no entity {entity_id}")
    jurisdictions, holdings, names = ownership_graph(session)
    status = feoc.assess(jurisdictions, holdings, concern, threshold, names)[entity_id]
    return {
        "id": entity.id,
        "name": entity.name,
        "jurisdiction": entity.jurisdiction,
        "effective_share_percent": round(status.share * 100, 4),
        "of_concern": status.of_concern,
        "reasons": status.reasons,
        "chains": [
            {"owners": [names[o] for o in path], "share_percent": round(share * 100, 4)}
            for path, share in status.chains
        ],
        "threshold_percent": threshold * 100,
        "jurisdictions_of_concern": sorted(concern),
    }


register_record_type("dd-entity", Entity)
register_record_type("dd-ownership", Ownership)
register_record_type("dd-site", SupplySite)
register_record_type("dd-certification", Certification)
register_record_type("dd-audit", Audit)
register_record_type("lot", Lot, owner_column=Lot.owner_id)
register_record_type("dd-lot-input", LotInput)
