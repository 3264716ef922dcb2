"""Footprint API: emission factors, products with inventories and bills of materials, the
exact roll-up, and lineage."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Request, status
from sqlalchemy import select

from junkan.deps import CallerDep, ParticipantCallerDep, SessionDep, SettingsDep
from junkan.errors import InvalidInput, NotFound
from junkan.footprint import battery, exchange, formats, pact, schemas, service
from junkan.footprint.models import Footprint
from junkan.identity.models import Role

router = APIRouter(prefix="/footprints", tags=["footprints"])


@router.post(
    "/factors/import",
    status_code=status.HTTP_201_CREATED,
    response_model=list[schemas.FactorOut],
    openapi_extra={"requestBody": {"content": {"text/csv": {"schema": {"type": "string"}}}}},
)
async def import_factors(
    request: Request, session: SessionDep, caller: ParticipantCallerDep, shared: bool = False
):
    """Emission factors from CSV: name, unit, kgco2e, region, year, source, licence and
    optionally biogenic_share. Your own library, or with shared=true (platform operator) the
    library every participant may use. All rows or none."""
    if "csv" not in request.headers.get("content-type", ""):
        raise InvalidInput("send text/csv")
    if shared and not caller.has_role(Role.PLATFORM_OPERATOR):
        raise InvalidInput("only the platform operator adds shared factors", field="shared")
    text = (await request.body()).decode("utf-8-sig", errors="replace")
    owner = None if shared else caller.participant_id
    return service.import_factors(session, caller.participant_id, owner, text)


@router.get("/factors", response_model=list[schemas.FactorOut])
def list_factors(
    session: SessionDep,
    caller: ParticipantCallerDep,
    name: str | None = None,
    region: str | None = None,
):
    """Shared factors and your own, optionally by name (substring) and region."""
    return service.list_factors(session, caller, name, region)


@router.post("/products", status_code=status.HTTP_201_CREATED)
def create_product(data: schemas.ProductIn, session: SessionDep, caller: ParticipantCallerDep):
    product = service.create_product(session, caller, data)
    return {"id": product.id, **data.model_dump()}


@router.post("/products/{product_id}/activities", status_code=status.HTTP_201_CREATED)
def add_activity(
    product_id: str, data: schemas.ActivityIn, session: SessionDep, caller: ParticipantCallerDep
):
    """One line of the product's own inventory, per declared unit."""
    line = service.add_activity(session, caller, product_id, data)
    return {"id": line.id, **data.model_dump()}


@router.post("/products/{product_id}/components", status_code=status.HTTP_201_CREATED)
def add_component(
    product_id: str, data: schemas.ComponentIn, session: SessionDep, caller: ParticipantCallerDep
):
    """One bill-of-materials line: one of your products, a supplier's footprint shared with
    you, or a secondary emission factor."""
    line = service.add_component(session, caller, product_id, data)
    return {"id": line.id, **data.model_dump()}


@router.post(
    "/products/{product_id}/compute",
    status_code=status.HTTP_201_CREATED,
    response_model=schemas.FootprintOut,
)
def compute(
    product_id: str,
    session: SessionDep,
    caller: ParticipantCallerDep,
    settings: SettingsDep,
    period_start: datetime | None = None,
    period_end: datetime | None = None,
):
    """A new footprint version for the product and every own product it is made of, for the
    reference period of its activity data (default: the last calendar year). Customers who
    received an earlier version through a PACT request get the new one, announced to their
    host."""
    if (period_start is None) != (period_end is None):
        raise InvalidInput("give both period_start and period_end, or neither")
    for name, value in (("period_start", period_start), ("period_end", period_end)):
        if value is not None and value.tzinfo is None:
            raise InvalidInput(f"{name} needs a time zone", field=name)
    period = (period_start, period_end) if period_start else None
    footprint = service.compute(session, caller, product_id, period)
    exchange.publish_update(session, caller, footprint, settings.base_url)
    return footprint


@router.get("", response_model=list[schemas.FootprintOut])
def list_footprints(
    session: SessionDep, caller: ParticipantCallerDep, received: bool | None = None
):
    """Your footprints, newest first: computed here, or (received=true) obtained from other
    PACT hosts, with their provenance."""
    query = select(Footprint).where(Footprint.owner_id == caller.participant_id)
    if received is not None:
        query = query.where(
            Footprint.product_id.is_(None) if received else Footprint.product_id.is_not(None)
        )
    return list(session.scalars(query.order_by(Footprint.created_at.desc()).limit(1000)))


@router.get("/{footprint_id}", response_model=schemas.FootprintOut)
def get_footprint(footprint_id: str, session: SessionDep, caller: CallerDep):
    """Yours, or one its owner granted you (`POST /grants` with subject footprint:{id})."""
    footprint = service.readable_footprint(session, caller, footprint_id)
    session.commit()  # the logged read
    return footprint


@router.get("/{footprint_id}/lineage", response_model=schemas.LineageOut)
def get_lineage(footprint_id: str, session: SessionDep, caller: CallerDep):
    """Every contribution to the footprint and the activity line, factor or supplier footprint
    (id and version) it came from."""
    body = service.lineage(session, caller, footprint_id)
    session.commit()
    return body


@router.post("/{footprint_id}/battery-declaration")
def declare_battery_footprint(
    footprint_id: str,
    data: schemas.BatteryDeclarationIn,
    session: SessionDep,
    caller: ParticipantCallerDep,
    settings: SettingsDep,
):
    """The EU battery carbon-footprint declaration (kgCO2e per kWh of lifetime energy, per
    stage, performance class) from your footprint per battery, written into every live
    passport of the model you operate. Class boundaries are provisional configuration."""
    return battery.declare(
        session,
        caller,
        footprint_id,
        boundaries=settings.cfp_class_boundaries,
        **data.model_dump(),
    )


EXPORTS = {
    "pact-v2": formats.to_pact_v2,
    "pact-v3": formats.to_pact_v3,
    "catenax-pcf-7": formats.to_catenax_pcf_7,
    "catenax-pcf-9": formats.to_catenax_pcf_9,
}


@router.get("/{footprint_id}/export/{format_name}")
def export_footprint(footprint_id: str, format_name: str, session: SessionDep, caller: CallerDep):
    """The footprint as PACT v2.3, PACT v3.0, Catena-X PCF 7.0.0 or 9.0.0 (each valid against
    its official schema); 422 names what the product lacks for that format."""
    if format_name not in EXPORTS:
        raise NotFound(f"no footprint format {format_name!r}; known: {', '.join(EXPORTS)}")
    footprint = service.readable_footprint(session, caller, footprint_id)
    if footprint.product_id is None:
        raise InvalidInput("a footprint received from another host is exported by its owner")
    try:
        document = EXPORTS[format_name](pact.record(session, footprint))
    except formats.InvalidFootprint as exc:
        raise InvalidInput(
            f"not expressible as {format_name}: {exc}",
            errors=[{"field": exc.field, "message": str(exc)}],
        ) from exc
    session.commit()  # a read under a grant is logged
    return document
