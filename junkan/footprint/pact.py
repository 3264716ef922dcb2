"""PACT host: the footprints a caller may see, as PACT v2.3 and v3.0 ProductFootprints, with
the filters and paging of each version, and footprint requests received as CloudEvents.

A caller sees its own footprints and those whose owner granted it (`footprint:{id}` or
`footprint:*`). Footprints are immutable: a recomputation is a new id that lists its
predecessor in precedingPfIds, and the predecessor turns Deprecated.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from decimal import Decimal
from urllib.parse import quote

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from junkan.exchange.service import granted
from junkan.footprint import formats
from junkan.footprint.models import Contribution, EmissionFactor, Footprint, Product
from junkan.identity.models import Participant
from junkan.identity.service import Caller

PACT_UNITS = {
    "kg": "kilogram",
    "l": "liter",
    "m**3": "cubic meter",
    "kWh": "kilowatt hour",
    "MJ": "megajoule",
    "t*km": "ton kilometer",
    "m**2": "square meter",
    "piece": "piece",
}
COMPANY_URN = {"bpnl": "urn:bpn:{}", "lei": "urn:lei:{}"}


class PactError(Exception):
    """An error with the code the PACT specification names for it."""

    def __init__(self, code: str, message: str):
        self.code, self.message = code, message
        super().__init__(message)


def _dec(value: float) -> Decimal:
    return Decimal(repr(float(value)))


def record(session: Session, footprint: Footprint) -> formats.Footprint:
    """Our stored footprint as the format-neutral PACT record."""
    product = session.get(Product, footprint.product_id)
    owner = session.get(Participant, footprint.owner_id)
    details = product.details or {}
    stages = {k: _dec(v) for k, v in footprint.stages.items()}
    cradle_to_gate = stages["raw_materials"] + stages["main_production"]
    biogenic = min(_dec(footprint.biogenic), cradle_to_gate)
    successor = session.scalar(select(Footprint.id).where(Footprint.preceding_id == footprint.id))
    sources = session.execute(
        select(EmissionFactor.name, EmissionFactor.source, EmissionFactor.version).where(
            EmissionFactor.id.in_(_factor_ids(session, footprint))
        )
    ).all()
    quality = footprint.quality
    rated = all(quality.get(k) is not None for k in ("technological", "geographical", "temporal"))
    return formats.Footprint(
        id=footprint.id,
        version=footprint.version,
        created=footprint.created_at,
        status=footprint.status,
        status_comment=f"superseded by {successor}" if successor else None,
        preceding_ids=(footprint.preceding_id,) if footprint.preceding_id else (),
        company_name=owner.name,
        company_ids=tuple(_company_urns(owner)),
        product_ids=(product_urn(product),),
        product_name=product.name,
        product_description=details.get("description") or product.name,
        product_category_cpc=details.get("cpc_code"),
        declared_unit=PACT_UNITS.get(product.declared_unit, product.declared_unit),
        unitary_product_amount=Decimal(1),
        product_mass_per_declared_unit=_optional(details.get("mass_per_declared_unit_kg")),
        geography_country=product.country,
        geography_region=details.get("un_region"),
        reference_period_start=footprint.reference_period_start or footprint.created_at,
        reference_period_end=footprint.reference_period_end or footprint.created_at,
        pcf_excluding_biogenic=cradle_to_gate - biogenic,
        pcf_including_biogenic=cradle_to_gate,
        fossil_emissions=cradle_to_gate - biogenic,
        fossil_carbon_content=_dec(details.get("fossil_carbon_content_kgc") or 0),
        biogenic_carbon_content=_dec(details.get("biogenic_carbon_content_kgc") or 0),
        stage_emissions=stages,
        primary_data_share=_dec(footprint.primary_data_share),
        dqi=formats.DataQuality(
            technological=_dec(quality["technological"]),
            geographical=_dec(quality["geographical"]),
            temporal=_dec(quality["temporal"]),
            scale=3,
        )
        if rated
        else None,
        characterization_factors=("AR6",),
        cross_sectoral_standards=("ISO14067",),
        secondary_emission_factor_sources=tuple(
            formats.EmissionFactorSource(name=f"{name} ({source})", version=str(version))
            for name, source, version in sources
        ),
        comment="Computed by Junkan from activity data and supplier footprints; lineage at "
        f"/footprints/{footprint.id}/lineage for the owner.",
    )


def _optional(value: float | None) -> Decimal | None:
    return None if value is None else _dec(value)


def _factor_ids(session: Session, footprint: Footprint) -> list[str]:
    vias = session.scalars(
        select(Contribution.via).where(Contribution.footprint_id == footprint.id)
    )
    return sorted({via["factor"] for via in vias if "factor" in via})


def _company_urns(owner: Participant) -> list[str]:
    urns = [
        COMPANY_URN.get(i.scheme, "urn:pathfinder:company:customcode:vendor-assigned:{}").format(
            i.value if i.scheme in COMPANY_URN else f"{i.scheme}:{i.value}"
        )
        for i in owner.identifiers
        if i.site_id is None
    ]
    return urns or [f"urn:pathfinder:company:customcode:vendor-assigned:junkan:{owner.id}"]


def product_urn(product: Product) -> str:
    return (
        f"urn:pathfinder:product:customcode:vendor-assigned:{quote(product.part_number, safe='')}"
    )


# --- What a caller may list ----------------------------------------------------------------------


def visible(session: Session, caller: Caller):
    """A query of the footprints the caller owns or was granted, newest first."""
    ids, owners = granted(session, caller, "footprint")
    return (
        select(Footprint)
        .where(Footprint.product_id.is_not(None))
        .where(
            or_(
                Footprint.owner_id == caller.participant_id,
                Footprint.id.in_(ids),
                Footprint.owner_id.in_(owners),
            )
        )
        .order_by(Footprint.created_at.desc(), Footprint.id)
    )


def one(session: Session, caller: Caller, footprint_id: str, version: int) -> Footprint:
    footprint = session.scalar(visible(session, caller).where(Footprint.id == footprint_id))
    if footprint is None:
        exists = session.get(Footprint, footprint_id) is not None
        if exists:
            raise PactError("AccessDenied", "this footprint is not shared with you")
        raise PactError(
            "NoSuchFootprint" if version == 2 else "NotFound", f"no footprint {footprint_id}"
        )
    return footprint


# --- v2 $filter (OData subset) -------------------------------------------------------------------

_V2_FIELDS = {
    "created": "created",
    "updated": "updated",
    "productCategoryCpc": "productCategoryCpc",
    "pcf/geographyCountry": "geographyCountry",
    "pcf/referencePeriodStart": "referencePeriodStart",
    "pcf/referencePeriodEnd": "referencePeriodEnd",
}
_COMPARISON = re.compile(r"^\s*([\w/]+)\s+(eq|lt|le|gt|ge)\s+('([^']*)'|[\w:.+-]+)\s*$")
_ANY = re.compile(
    r"^\s*(companyIds|productIds)/any\(\s*(\w+)\s*:\s*\(?\s*\2\s+eq\s+'([^']*)'\s*\)?\s*\)\s*$"
)
_OPS = {
    "eq": lambda a, b: a == b,
    "lt": lambda a, b: a < b,
    "le": lambda a, b: a <= b,
    "gt": lambda a, b: a > b,
    "ge": lambda a, b: a >= b,
}


def v2_filter(expression: str):
    """A predicate over PACT v2 documents, or PactError BadRequest for what it cannot parse."""
    predicates = []
    for clause in re.split(r"\s+and\s+", expression.strip()):
        clause = clause.strip()
        if clause.startswith("(") and clause.endswith(")"):
            clause = clause[1:-1].strip()
        match = _ANY.match(clause)
        if match:
            field, value = match[1], match[3]
            predicates.append(lambda doc, f=field, v=value: v in doc.get(f, []))
            continue
        match = _COMPARISON.match(clause)
        if not match or match[1] not in _V2_FIELDS:
            raise PactError("BadRequest", f"unsupported $filter clause: {clause.strip()!r}")
        field, op, raw, quoted = match[1], match[2], match[3], match[4]
        value = quoted if quoted is not None else raw
        predicates.append(lambda doc, f=field, o=op, v=value: _compare(doc, f, o, v))
    return lambda doc: all(p(doc) for p in predicates)


def _compare(doc: dict, field: str, op: str, value: str) -> bool:
    source = doc["pcf"] if field.startswith("pcf/") else doc
    actual = source.get(field.removeprefix("pcf/"))
    if actual is None:
        return False
    if field in ("created", "updated", "pcf/referencePeriodStart", "pcf/referencePeriodEnd"):
        try:
            return _OPS[op](_instant(actual), _instant(value))
        except ValueError as exc:
            raise PactError("BadRequest", f"{value!r} is not an RFC 3339 date-time") from exc
    return _OPS[op](str(actual), value)


def _instant(text: str) -> datetime:
    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if value.tzinfo is None:
        raise ValueError(text)
    return value


# --- v3 filters ----------------------------------------------------------------------------------


def v3_matches(doc: dict, query: dict[str, list[str]]) -> bool:
    """PACT v3 ListFootprints filters: values of one parameter OR-ed, parameters AND-ed,
    case-insensitive."""

    def any_of(values: list[str], candidates: list[str]) -> bool:
        wanted = {v.lower() for v in values}
        return any(c.lower() in wanted for c in candidates if c)

    pcf = doc["pcf"]
    checks = {
        "productId": lambda v: any_of(v, doc["productIds"]),
        "companyId": lambda v: any_of(v, doc["companyIds"]),
        "geography": lambda v: any_of(
            v,
            [
                pcf.get("geographyRegionOrSubregion"),
                pcf.get("geographyCountry"),
                pcf.get("geographyCountrySubdivision"),
            ],
        ),
        "classification": lambda v: any_of(v, doc.get("productClassifications") or []),
        "status": lambda v: any_of(v, [doc["status"]]),
    }
    for name, values in query.items():
        if name in checks and not checks[name](values):
            return False
    start, end = _validity(doc)
    for name, test in (
        ("validOn", lambda t: start <= t <= end),
        ("validAfter", lambda t: start > t),
        ("validBefore", lambda t: end < t),
    ):
        for text in query.get(name, []):
            try:
                instant = _instant(text)
            except ValueError as exc:
                raise PactError("BadRequest", f"{name}: {text!r} is not a date-time") from exc
            if not test(instant):
                return False
    return True


def _validity(doc: dict) -> tuple[datetime, datetime]:
    start = doc.get("validityPeriodStart") or doc["pcf"]["referencePeriodEnd"]
    end = doc.get("validityPeriodEnd")
    start_at = _instant(start)
    return start_at, _instant(end) if end else start_at + timedelta(days=3 * 365)
