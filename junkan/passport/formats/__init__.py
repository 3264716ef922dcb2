"""Passports in the industry's formats, out and back in, each checked against its official schema.

An export is built from the passport as the caller may see it, so it never leaks what the
caller may not read; if that view lacks what the format requires, the answer says which fields
are missing instead of inventing values.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from junkan.errors import InvalidInput, NotFound
from junkan.identity.models import Participant
from junkan.identity.service import Caller
from junkan.passport import service
from junkan.passport.formats import batterypass, catenax, idta
from junkan.passport.formats.base import Format, Source
from junkan.passport.models import Passport

FORMATS: dict[str, Format] = {f.name: f for f in (catenax.FORMAT, batterypass.FORMAT, idta.FORMAT)}


def get_format(name: str) -> Format:
    if name not in FORMATS:
        raise NotFound(f"no passport format {name!r}; known: {', '.join(FORMATS)}")
    return FORMATS[name]


def source_for(session: Session, passport: Passport, caller: Caller, base_url: str) -> Source:
    operator = session.get(Participant, passport.operator_id)
    sites = [
        {
            "name": site.name,
            "country": site.country,
            "identifiers": [{"scheme": i.scheme, "value": i.value} for i in site.identifiers],
        }
        for site in operator.sites
    ]
    return Source(
        passport=service.view(session, passport, caller),
        status=passport.status,
        issued_at=passport.created_at,
        updated_at=passport.updated_at,
        sites=sites,
        resolver_url=service.resolver_url(base_url, passport.battery_id),
    )


def export_passport(
    session: Session, caller: Caller, passport_id: str, name: str, base_url: str
) -> dict[str, Any]:
    """The passport in format `name`, valid against the format's schema, or InvalidInput."""
    fmt = get_format(name)
    passport = service.get_passport(session, passport_id)
    exported = fmt.export(source_for(session, passport, caller, base_url))
    errors = fmt.validate(exported)
    if errors:
        raise InvalidInput(
            f"The passport, as you may see it, lacks what {fmt.title} requires "
            f"({len(errors)} field(s)); add the attributes named in errors[].",
            errors=errors,
        )
    return exported


def import_document(
    session: Session, caller: Caller, name: str, document: dict[str, Any]
) -> Passport:
    """A new passport from a document in format `name`; all of it is stored, or nothing."""
    fmt = get_format(name)
    errors = fmt.validate(document)
    if errors:
        raise InvalidInput(f"not a valid {fmt.title} document", errors=errors)
    imported = fmt.read(document)
    passport = service.create_passport(
        session, caller, imported.battery_id, imported.data, commit=False
    )
    try:
        for measured_at, values in sorted(imported.dynamic.items()):
            service.add_dynamic(session, caller, passport.id, measured_at, values, commit=False)
    except Exception:
        session.rollback()
        raise
    session.commit()
    return passport
