"""Demo: the Belgian recycler's report for 2025 on lithium-based batteries.

12,000 t of waste lithium-ion batteries (mostly NMC packs and production scrap) in; 8,160 t of
output fractions counted as recycling (68 %: above the 2025 target of 65 %, short of 70 % for
2030). The metal contents are typical of NMC waste (about 3.5 % Co, 9 % Ni, 1.8 % Li, 8 % Cu).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from junkan.identity.service import Caller
from junkan.recycling import service
from junkan.recycling.models import RecyclerReport
from junkan.recycling.schemas import RecyclerReportIn

REPORT = {
    "year": 2025,
    "chemistry": "lithium_based",
    "plant": "Hoboken hydrometallurgical plant",
    "input_kg": 12_000_000,
    "output_kg": 8_160_000,
    "metals": [
        {"metal": "cobalt", "input_kg": 420_000, "recovered_kg": 394_800},
        {"metal": "nickel", "input_kg": 1_080_000, "recovered_kg": 1_004_400},
        {"metal": "lithium", "input_kg": 216_000, "recovered_kg": 129_600},
        {"metal": "copper", "input_kg": 960_000, "recovered_kg": 921_600},
    ],
}


def seed_recycling(session: Session, callers: dict[str, Caller]) -> None:
    recycler = callers["recycler"]
    filed = session.scalar(
        select(RecyclerReport.id).where(
            RecyclerReport.recycler_id == recycler.participant_id,
            RecyclerReport.year == REPORT["year"],
            RecyclerReport.chemistry == REPORT["chemistry"],
        )
    )
    if filed is None:
        service.create_report(session, recycler, RecyclerReportIn.model_validate(REPORT))
