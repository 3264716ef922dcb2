"""Demo telemetry: two years of daily readings for a sample of the demo batteries, fading by
chemistry and use, and the end of two lives: one NMC pack repurposed into a stationary battery
by the second-life operator, one handed over as waste and recycled. Idempotent."""

from __future__ import annotations

import io
import random
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from junkan.circularity.health import synthetic_history
from junkan.circularity.models import Reading
from junkan.circularity.service import ingest
from junkan.identity.service import Caller
from junkan.passport import lifecycle
from junkan.passport.models import Passport

DAYS = 730
PER_MODEL = 12
# model: (fade a, fade b, full cycles per day range) — NMC fades faster than LFP
FADE = {
    "AZ-NMC811-75": (0.45, 0.008, (0.3, 0.9)),
    "AZ-LFP-60": (0.25, 0.003, (0.3, 0.9)),
    "SBS-LFP-100": (0.20, 0.002, (0.8, 1.2)),
}
COLUMNS = "battery_id,measured_at,soce,soc,cell_temp_min,cell_temp_max,full_cycles,events\n"


def seed_telemetry(session: Session, callers: dict[str, Caller]) -> None:
    if session.scalar(select(Reading.id).limit(1)) is not None:
        return
    rng = random.Random(730)  # noqa: S311 (deterministic demo data)
    end = datetime.now(UTC).replace(hour=12, minute=0, second=0, microsecond=0) - timedelta(days=1)
    start = end - timedelta(days=DAYS - 1)
    uploads: dict[str, io.StringIO] = {}
    worn = None
    for model, (a, b, (low, high)) in FADE.items():
        batteries = session.scalars(
            select(Passport)
            .where(Passport.battery_model == model, Passport.superseded_by.is_(None))
            .order_by(Passport.battery_id)
            .limit(PER_MODEL)
        ).all()
        for index, passport in enumerate(batteries):
            hard_use = model.startswith("AZ-NMC") and index == 0  # taxi duty: fades fastest
            cycles = 1.6 if hard_use else rng.uniform(low, high)
            history = synthetic_history(
                DAYS,
                cycles,
                a * rng.uniform(0.8, 1.3),
                b * rng.uniform(0.8, 1.3),
                0.15,
                seed=rng.randrange(10**6),
                start=start.date(),
            )
            if passport.operator_id not in uploads:
                uploads[passport.operator_id] = io.StringIO()
                uploads[passport.operator_id].write(COLUMNS)
            out = uploads[passport.operator_id]
            for day, point in enumerate(history):
                at = (start + timedelta(days=day)).strftime("%Y-%m-%dT%H:%M:%SZ")
                events = "deep_discharge" if rng.random() < (0.01 if hard_use else 0.001) else ""
                out.write(
                    f"{passport.battery_id},{at},{min(100.0, point.soce_percent):.3f},"
                    f"{rng.uniform(20, 90):.1f},{rng.uniform(5, 20):.1f},"
                    f"{rng.uniform(25, 38):.1f},{point.full_cycles:.2f},{events}\n"
                )
            if hard_use:
                worn = passport
    operators = {c.participant_id: c for c in callers.values()}
    for operator_id, upload in uploads.items():
        ingest(session, operators[operator_id], upload.getvalue().encode(), "text/csv")
    _end_of_life(session, callers, worn)


def _end_of_life(session: Session, callers: dict[str, Caller], worn: Passport | None) -> None:
    """The worn taxi pack becomes a stationary battery; another NMC pack is recycled."""
    if worn is not None:
        lifecycle.lifecycle(
            session,
            callers["second_life_operator"],
            worn.id,
            "repurpose",
            battery_id=f"urn:junkan:battery:KSL-{worn.battery_id.rsplit('/', 1)[-1]}",
            data={"battery_category": "stationary"},
            responsible=None,
            note="repurposed for a solar storage site in Kitakyushu",
        )
    scrap = session.scalars(
        select(Passport)
        .where(
            Passport.battery_model == "AZ-NMC811-75",
            Passport.superseded_by.is_(None),
            Passport.status == "original",
        )
        .order_by(Passport.battery_id.desc())
        .limit(1)
    ).first()
    if scrap is not None:
        recycler = callers["recycler"]
        lifecycle.lifecycle(
            session,
            callers["carmaker"],
            scrap.id,
            "waste",
            battery_id=None,
            data=None,
            responsible=recycler.participant_id,
            note="crash-damaged pack",
        )
        lifecycle.lifecycle(
            session,
            recycler,
            scrap.id,
            "recycled",
            battery_id=None,
            data=None,
            responsible=None,
            note="hydrometallurgical recycling, Hoboken",
        )
