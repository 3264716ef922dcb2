"""Demo footprints: a cathode maker, a cell maker and the carmaker's pack, each computing from
its own activity data and its supplier's footprint (shared under a grant), ending in the EU
battery declaration written into the NMC811 passports.

The factors are rounded public figures, good for a demonstration, not for a declaration: check
each against its source before use. Idempotent: a second run changes nothing.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from junkan.config import Settings
from junkan.exchange.models import Grant
from junkan.exchange.service import create_grant
from junkan.footprint import battery, exchange, schemas, service
from junkan.footprint.models import EmissionFactor, Footprint, FootprintRequest, Product
from junkan.identity.service import Caller
from junkan.passport.models import Passport

FACTORS = Path(__file__).parent / "data" / "demo-factors.csv"

QUALITY = {"technological": 1, "geographical": 1, "temporal": 2}
CHAIN = (
    # (company, part, declared unit, activities (factor, region, qty, unit, stage), components
    #  from factors (factor, region, qty, unit), supplier part and quantity)
    (
        "cathode_maker",
        "NMC811-CAM",
        "kg",
        [("grid electricity", "JP", 12.0, "kWh", "main_production")],
        [
            ("lithium hydroxide monohydrate", "GLO", 0.48, "kg"),
            ("nickel sulfate (per kg Ni)", "ID", 0.6, "kg"),
            ("cobalt sulfate (per kg Co)", "GLO", 0.06, "kg"),
        ],
        None,
    ),
    (
        "cell_maker",
        "CELL-NMC811-60AH",
        "piece",
        [("grid electricity", "JP", 3.0, "kWh", "main_production")],
        [
            ("spherical graphite anode material", "CN", 0.2, "kg"),
            ("aluminium and copper (cell hardware)", "GLO", 0.15, "kg"),
        ],
        ("NMC811-CAM", 0.35, "kg"),
    ),
    (
        "carmaker",
        "AZ-NMC811-75",
        "piece",
        [("grid electricity", "JP", 150.0, "kWh", "main_production")],
        [("aluminium (pack housing)", "GLO", 60.0, "kg")],
        ("CELL-NMC811-60AH", 342, "piece"),
    ),
)
MASS_KG = {"NMC811-CAM": 1.0, "CELL-NMC811-60AH": 0.9, "AZ-NMC811-75": 452.0}
# UN CPC 2.1: 342 basic inorganic chemicals n.e.c.; 4642 electric accumulators
CPC = {"NMC811-CAM": "342", "CELL-NMC811-60AH": "4642", "AZ-NMC811-75": "4642"}
CUSTOMER = {"cathode_maker": "cell_maker", "cell_maker": "carmaker"}


def seed_footprints(
    session: Session, callers: dict[str, Caller], boundaries: dict[str, float | None]
) -> None:
    if session.scalar(select(EmissionFactor.id).where(EmissionFactor.owner_id.is_(None))) is None:
        operator = callers["platform_operator"]
        text = FACTORS.read_text(encoding="utf-8")
        service.import_factors(session, operator.participant_id, None, text)
    factors = {
        (f.name, f.region): f.id
        for f in session.scalars(select(EmissionFactor).where(EmissionFactor.owner_id.is_(None)))
    }
    latest: dict[str, Footprint] = {}
    for company, part, unit, activities, materials, supplier in CHAIN:
        caller = callers[company]
        product = session.scalar(
            select(Product).where(
                Product.owner_id == caller.participant_id, Product.part_number == part
            )
        )
        if product is None:
            product = _product(session, caller, part, unit, activities, materials, factors)
            if supplier:
                supplier_part, quantity, supplier_unit = supplier
                line = schemas.ComponentIn(
                    description=supplier_part,
                    quantity=quantity,
                    unit=supplier_unit,
                    supplier_footprint_id=latest[supplier_part].id,
                )
                service.add_component(session, caller, product.id, line)
        footprint = session.scalar(
            select(Footprint).where(
                Footprint.product_id == product.id, Footprint.status == "Active"
            )
        ) or service.compute(session, caller, product.id)
        latest[part] = footprint
        if company in CUSTOMER:
            _share(session, caller, callers[CUSTOMER[company]], footprint)
    _pending_request(session, callers["carmaker"], callers["cathode_maker"], "NMC811-CAM")
    model = select(Passport.id).where(Passport.battery_model == "AZ-NMC811-75").limit(1)
    if session.scalar(model):
        battery.declare(
            session,
            callers["carmaker"],
            latest["AZ-NMC811-75"].id,
            battery_model="AZ-NMC811-75",
            vehicle_category="M1",
            study_url="https://junkan.example/cf-studies/AZ-NMC811-75.pdf",
            boundaries=boundaries,
        )


def _product(session, caller, part, unit, activities, materials, factors) -> Product:
    product = service.create_product(
        session,
        caller,
        schemas.ProductIn(
            part_number=part,
            plant=part.split("-")[0],
            name=part,
            declared_unit=unit,
            country="JP",
            details=schemas.ProductDetails(
                description=part,
                cpc_code=CPC[part],
                mass_per_declared_unit_kg=MASS_KG[part],
                un_region="Eastern Asia",
            ),
        ),
    )
    for name, region, quantity, line_unit, stage in activities:
        service.add_activity(
            session,
            caller,
            product.id,
            schemas.ActivityIn(
                kind="energy",
                stage=stage,
                description=name,
                quantity=quantity,
                unit=line_unit,
                factor_id=factors[(name, region)],
                quality=QUALITY,
            ),
        )
    for name, region, quantity, line_unit in materials:
        service.add_component(
            session,
            caller,
            product.id,
            schemas.ComponentIn(
                description=name,
                quantity=quantity,
                unit=line_unit,
                factor_id=factors[(name, region)],
            ),
        )
    return product


def _share(session: Session, owner: Caller, customer: Caller, footprint: Footprint) -> None:
    subject = f"footprint:{footprint.id}"
    exists = session.scalar(
        select(Grant.id).where(
            Grant.subject == subject, Grant.grantee_id == customer.participant_id
        )
    )
    if not exists:
        create_grant(
            session,
            owner,
            customer.participant_id,
            subject,
            "carbon footprint of a supplied part",
            datetime.now(UTC) + timedelta(days=365),
        )


def _pending_request(session: Session, requester: Caller, supplier: Caller, part: str) -> None:
    """The carmaker asks the cathode maker for its footprint directly (it is two tiers up the
    chain), so the cathode maker has a request to answer; made once."""
    exists = session.scalar(
        select(FootprintRequest.id).where(
            FootprintRequest.direction == "received",
            FootprintRequest.participant_id == requester.participant_id,
            FootprintRequest.owner_id == supplier.participant_id,
        )
    )
    if exists:
        return
    product = session.scalar(
        select(Product).where(
            Product.owner_id == supplier.participant_id, Product.part_number == part
        )
    )
    comment = "Carbon footprint of the cathode material in our AZ-NMC811-75 pack, please."
    exchange.request_locally(session, requester, [product], comment, Settings().base_url)
