"""Passports: creation, the access filter of Art. 77(2), versions and dynamic data."""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from typing import Any

import stdnum.ean
from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from junkan.db import utcnow
from junkan.errors import Conflict, Forbidden, InvalidInput, NotFound
from junkan.identity.models import Participant, Role
from junkan.identity.service import Caller
from junkan.ledger.service import columns_snapshot, record_many, register_record_type, write_many
from junkan.passport.attributes import (
    ATTRIBUTES,
    BY_KEY,
    Access,
    clean_data,
    missing_mandatory,
)
from junkan.passport.models import DynamicValue, Passport, PassportVersion

LEGITIMATE_INTEREST_ROLES = (
    Role.REPAIRER,
    Role.REMANUFACTURER,
    Role.SECOND_LIFE_OPERATOR,
    Role.RECYCLER,
)
AUTHORITY_ROLES = (Role.NOTIFIED_BODY, Role.MARKET_SURVEILLANCE, Role.EUROPEAN_COMMISSION)
REQUIRED_AT_CREATION = (
    "battery_model",
    "battery_category",
    "manufacturer_name",
    "manufacturing_place",
    "manufacturing_date",
    "battery_mass",
)


# --- Battery identifiers -----------------------------------------------------------------------

_URN = re.compile(r"urn:[a-z0-9][a-z0-9-]{0,31}:[\x21-\x7e]{1,200}", re.IGNORECASE)
_DIGITAL_LINK = re.compile(
    r"(?:https?://[^/\s]+)?/01/(?P<gtin>\d{14})/21/(?P<serial>[!%-?A-Z_a-z\"]{1,20})"
)


def normalize_battery_id(value: str) -> str:
    """A URN, or a GS1 Digital Link reduced to its path /01/{GTIN-14}/21/{serial}."""
    value = value.strip()
    match = _DIGITAL_LINK.fullmatch(value)
    if match:
        try:
            stdnum.ean.validate(match["gtin"])
        except Exception as exc:  # noqa: BLE001 (stdnum raises several ValidationError kinds)
            raise ValueError(f"GTIN {match['gtin']} fails its GS1 check digit") from exc
        return f"/01/{match['gtin']}/21/{match['serial']}"
    if _URN.fullmatch(value):
        return value
    raise ValueError("must be a URN (urn:…) or a GS1 Digital Link /01/{GTIN-14}/21/{serial}")


# --- Who sees what (Art. 77(2)) -----------------------------------------------------------------


def access_levels(caller: Caller, passport: Passport) -> frozenset[Access]:
    """Public for everyone; points 2+4 for persons with a legitimate interest; points 2+3 for
    notified bodies, market surveillance and the Commission; all of it for the operator."""
    levels = {Access.PUBLIC}
    if caller.acts_for(passport.operator_id):
        return frozenset(Access)
    if caller.has_role(*LEGITIMATE_INTEREST_ROLES):
        levels |= {Access.INTEREST_AND_AUTHORITIES, Access.LEGITIMATE_INTEREST}
    if caller.has_role(*AUTHORITY_ROLES):
        levels |= {Access.INTEREST_AND_AUTHORITIES, Access.AUTHORITIES}
    return frozenset(levels)


def visible(values: dict[str, Any], levels: frozenset[Access]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if BY_KEY[k].access in levels}


# --- Reading -------------------------------------------------------------------------------------


def get_passport(session: Session, passport_id: str) -> Passport:
    passport = session.get(Passport, passport_id)
    if passport is None:
        raise NotFound(f"no passport {passport_id}")
    return passport


Latest = dict[str, tuple[Any, datetime]]  # attribute -> (value, measured at)


def latest_dynamic(session: Session, passport_ids: list[str]) -> dict[str, Latest]:
    """The newest reading of every dynamic attribute, for many passports in one query."""
    newest = (
        select(
            DynamicValue.passport_id,
            DynamicValue.attribute,
            func.max(DynamicValue.measured_at).label("at"),
        )
        .where(DynamicValue.passport_id.in_(passport_ids))
        .group_by(DynamicValue.passport_id, DynamicValue.attribute)
        .subquery()
    )
    rows = session.execute(
        select(
            DynamicValue.passport_id,
            DynamicValue.attribute,
            DynamicValue.value,
            DynamicValue.measured_at,
        ).join(
            newest,
            (DynamicValue.passport_id == newest.c.passport_id)
            & (DynamicValue.attribute == newest.c.attribute)
            & (DynamicValue.measured_at == newest.c.at),
        )
    )
    found: dict[str, Latest] = {passport_id: {} for passport_id in passport_ids}
    for passport_id, attribute, value, at in rows:
        found[passport_id][attribute] = (value, at)
    return found


def current_values(
    session: Session, passport: Passport, latest: Latest | None = None
) -> tuple[dict, dict]:
    if latest is None:
        latest = latest_dynamic(session, [passport.id])[passport.id]
    values = dict(passport.data)
    values["battery_status"] = passport.status
    updated = {}
    for attribute, (value, at) in latest.items():
        values[attribute] = value
        updated[attribute] = at
    return values, updated


def completeness(passport: Passport, values: dict[str, Any]) -> dict[str, Any]:
    now, later = missing_mandatory(passport.category, values)
    return {"complete": not now, "missing": now, "missing_when_due": later}


def view(
    session: Session, passport: Passport, caller: Caller, latest: Latest | None = None
) -> dict[str, Any]:
    """The passport as `caller` may see it: only the attributes of its access groups."""
    levels = access_levels(caller, passport)
    values, updated = current_values(session, passport, latest)
    operator = session.get(Participant, passport.operator_id)
    shown = visible(values, levels)
    entitled = Access.AUTHORITIES in levels
    return {
        "id": passport.id,
        "battery_id": passport.battery_id,
        "operator": {
            "id": operator.id,
            "name": operator.name,
            "identifiers": [
                {"scheme": i.scheme, "value": i.value}
                for i in operator.identifiers
                if i.site_id is None
            ],
        },
        "version": passport.version,
        "predecessor_id": passport.predecessor_id,
        "successor_id": passport.superseded_by,
        "closed": passport.closed_at is not None,
        "access": sorted(level.value for level in levels),
        "data": shown,
        "dynamic_updated_at": {k: v for k, v in updated.items() if k in shown},
        "completeness": completeness(passport, values) if entitled else None,
    }


def views(session: Session, passports: list[Passport], caller: Caller) -> list[dict[str, Any]]:
    """Many passports as `caller` may see them, with one query for all their dynamic data."""
    latest = latest_dynamic(session, [p.id for p in passports]) if passports else {}
    return [view(session, p, caller, latest[p.id]) for p in passports]


def list_passports(
    session: Session,
    caller: Caller,
    battery_model: str | None,
    category: str | None,
    status: str | None,
    limit: int,
    offset: int,
) -> list[Passport]:
    query = select(Passport).where(Passport.operator_id == caller.participant_id)
    if battery_model:
        query = query.where(Passport.battery_model == battery_model)
    if category:
        query = query.where(Passport.category == category)
    if status:
        query = query.where(Passport.status == status)
    return list(
        session.scalars(
            query.order_by(Passport.created_at, Passport.id).limit(limit).offset(offset)
        )
    )


# --- Writing ---------------------------------------------------------------------------------


register_record_type("passport", Passport, owner_column=Passport.operator_id)
register_record_type("passport-version", PassportVersion)
register_record_type("dynamic", DynamicValue)


def invalid_input(errors: list[dict[str, str]]) -> InvalidInput:
    first = errors[0]
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return InvalidInput(f"{first['field']}: {first['message']}{more}", errors=errors)


def prepare(battery_id: str, data: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """Checked battery identifier and attribute values, or InvalidInput naming every problem."""
    errors = []
    try:
        battery_id = normalize_battery_id(battery_id)
    except ValueError as exc:
        errors.append({"field": "battery_id", "message": str(exc)})
    values, value_errors = clean_data(data)
    errors += value_errors
    for key in REQUIRED_AT_CREATION:
        if key not in values and not any(e["field"] == f"data.{key}" for e in errors):
            errors.append({"field": f"data.{key}", "message": "is mandatory"})
    if errors:
        raise invalid_input(errors)
    return battery_id, values


def version_changes(passport: Passport, actor: str, change: str) -> list[tuple[Any, str]]:
    """The passport's new state and its version row, each with its ledger kind."""
    version = PassportVersion(
        passport_id=passport.id,
        version=passport.version,
        data=passport.data,
        status=passport.status,
        actor=actor,
        change=change,
        created_at=utcnow(),
    )
    return [(passport, f"passport.{change}"), (version, f"passport.version.{change}")]


def new_version(session: Session, passport: Passport, actor: str, change: str) -> None:
    write_many(session, version_changes(passport, actor, change), actor=actor, commit=False)


def require_issuer(caller: Caller) -> None:
    if not caller.has_role(Role.ECONOMIC_OPERATOR):
        raise Forbidden(
            "Only an economic operator issues battery passports.",
            required_roles=[Role.ECONOMIC_OPERATOR.value],
        )


def issue_passports(
    session: Session, caller: Caller, prepared: list[tuple[str, dict[str, Any]]]
) -> list[Passport]:
    """Passports from checked (battery id, values) pairs, written and signed as one batch.

    The caller must already have passed `require_issuer`, as the entry points do.
    """
    now = utcnow()
    passports = [
        Passport(
            id=str(uuid.uuid4()),
            battery_id=battery_id,
            operator_id=caller.participant_id,
            category=values["battery_category"],
            battery_model=values["battery_model"],
            status="original",
            version=1,
            data=values,
            created_at=now,
            updated_at=now,
        )
        for battery_id, values in prepared
    ]
    changes = [c for p in passports for c in version_changes(p, caller.participant_id, "created")]
    if changes:
        write_many(session, changes, actor=caller.participant_id, commit=False)
    return passports


def create_passport(
    session: Session, caller: Caller, battery_id: str, data: dict[str, Any], commit: bool = True
) -> Passport:
    require_issuer(caller)
    battery_id, values = prepare(battery_id, data)
    live = session.scalar(
        select(Passport.id).where(
            Passport.battery_id == battery_id, Passport.superseded_by.is_(None)
        )
    )
    if live is not None:
        raise Conflict(
            f"battery {battery_id} already has a passport",
            passport_id=live,
            errors=[{"field": "battery_id", "message": "duplicate battery identifier"}],
        )
    [passport] = issue_passports(session, caller, [(battery_id, values)])
    if commit:
        session.commit()
    return passport


def _operated(
    session: Session, caller: Caller, passport_id: str, passport: Passport | None = None
) -> Passport:
    passport = passport or get_passport(session, passport_id)
    if not caller.acts_for(passport.operator_id):
        raise Forbidden("Only the passport's economic operator may change it.")
    if passport.closed_at is not None:
        raise Conflict("The passport is closed (the battery was recycled); it is read-only.")
    if passport.superseded_by is not None:
        raise Conflict(f"The passport was superseded by {passport.superseded_by}; change that one.")
    return passport


def update_passport(
    session: Session,
    caller: Caller,
    passport_id: str,
    changes: dict[str, Any],
    commit: bool = True,
) -> Passport:
    """A new version with `changes` applied; every earlier version is kept."""
    passport = _operated(session, caller, passport_id)
    removals = [k for k, v in changes.items() if v is None]
    values, errors = clean_data({k: v for k, v in changes.items() if v is not None})
    if "battery_category" in changes:
        errors.append({"field": "data.battery_category", "message": "cannot be changed"})
    for key in removals:
        if key not in BY_KEY:
            errors.append({"field": f"data.{key}", "message": "not a passport attribute"})
        elif key in REQUIRED_AT_CREATION:
            errors.append({"field": f"data.{key}", "message": "is mandatory and cannot be removed"})
    if errors:
        raise invalid_input(errors)
    data = {k: v for k, v in passport.data.items() if k not in removals} | values
    if data == passport.data:
        return passport
    passport.data = data
    passport.battery_model = data["battery_model"]
    passport.version += 1
    passport.updated_at = utcnow()
    new_version(session, passport, caller.participant_id, "updated")
    if commit:
        session.commit()
    return passport


def versions(session: Session, passport: Passport) -> list[PassportVersion]:
    return list(
        session.scalars(
            select(PassportVersion)
            .where(PassportVersion.passport_id == passport.id)
            .order_by(PassportVersion.version)
        )
    )


def add_dynamic(
    session: Session,
    caller: Caller,
    passport_id: str,
    measured_at: datetime,
    values: dict[str, Any],
    commit: bool = True,
) -> list[DynamicValue]:
    """Timestamped condition data; each reading is its own ledger entry."""
    return add_dynamic_many(session, caller, [(passport_id, measured_at, values)], commit)


def add_dynamic_many(
    session: Session,
    caller: Caller,
    items: list[tuple[str, datetime, dict[str, Any]]],
    commit: bool = True,
) -> list[DynamicValue]:
    """Dynamic data of many passports at once, recorded under one signature (the bulk path)."""
    ids = sorted({passport_id for passport_id, _, _ in items})
    known = {p.id: p for p in session.scalars(select(Passport).where(Passport.id.in_(ids)))}
    now = utcnow()
    params = []
    for passport_id, measured_at, values in items:
        passport = _operated(session, caller, passport_id, known.get(passport_id))
        cleaned, errors = clean_data(values, dynamic_allowed=True, prefix="values")
        for key in cleaned:
            if not BY_KEY[key].dynamic:
                message = "is static: PATCH the passport"
                errors.append({"field": f"values.{key}", "message": message})
        if measured_at.tzinfo is None:
            errors.append({"field": "measured_at", "message": "needs a time zone"})
        elif measured_at > now:
            errors.append({"field": "measured_at", "message": "is in the future"})
        if errors:
            raise invalid_input(errors)
        params += [
            {
                "passport_id": passport.id,
                "attribute": key,
                "value": value,
                "measured_at": measured_at,
                "recorded_at": now,
            }
            for key, value in cleaned.items()
        ]
    # one multi-row INSERT … RETURNING: the rows as stored (times in UTC), without a flush
    rows = (
        list(
            session.scalars(
                insert(DynamicValue).returning(DynamicValue, sort_by_parameter_order=True), params
            )
        )
        if params
        else []
    )
    record_many(
        session,
        actor=caller.participant_id,
        items=[("passport.dynamic", f"dynamic:{row.id}", columns_snapshot(row)) for row in rows],
    )
    if commit:
        session.commit()
    return rows


def attribute_catalogue() -> list[dict[str, Any]]:
    return [
        {
            "key": a.key,
            "group": a.group,
            "label": a.label,
            "kind": a.kind,
            "unit": a.unit,
            "access": a.access.value,
            "dynamic": a.dynamic,
            "mandatory": sorted(c.value for c in a.mandatory),
            "choices": list(a.choices),
            "due_from": a.due_from,
            "annex": a.annex,
        }
        for a in ATTRIBUTES
    ]


# --- Resolver and QR ----------------------------------------------------------------------


def resolver_url(base_url: str, battery_id: str) -> str:
    """The address the QR code carries: GS1 Digital Link path, or /id/{battery-id}."""
    if battery_id.startswith("/01/"):
        return f"{base_url}{battery_id}"
    return f"{base_url}/id/{battery_id}"


def passport_for_battery(session: Session, battery_id: str) -> Passport:
    """The battery's live passport, or its newest one if all were superseded or closed."""
    try:
        battery_id = normalize_battery_id(battery_id)
    except ValueError as exc:
        raise NotFound(f"{battery_id!r} is not a battery identifier") from exc
    passport = session.scalar(
        select(Passport)
        .where(Passport.battery_id == battery_id)
        .order_by(Passport.superseded_by.is_not(None), Passport.created_at.desc())
        .limit(1)
    )
    if passport is None:
        raise NotFound(f"no passport for battery {battery_id}")
    return passport


def grouped_for_page(shown: dict[str, Any]) -> list[tuple[str, list[tuple]]]:
    groups: dict[str, list[tuple]] = {}
    for attribute in ATTRIBUTES:
        if attribute.key in shown:
            row = (attribute.label, shown[attribute.key], attribute.unit)
            groups.setdefault(attribute.group, []).append(row)
    return list(groups.items())
