"""Passport API: issue, read (filtered for the caller), change, versions, dynamic data."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, status

from junkan.deps import CallerDep, SessionDep, require_roles
from junkan.identity.models import Role
from junkan.identity.service import Caller
from junkan.ledger.proofs import proof_of
from junkan.passport import schemas, service
from junkan.passport.attributes import STATUSES, Category

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
    return {"data": [service.view(session, p, caller) for p in rows]}


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
