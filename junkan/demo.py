"""`junkan demo`: a realistic, repeatable data set so the platform is useful on first start."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy.orm import Session

from junkan.circularity.demo import seed_telemetry
from junkan.config import Settings
from junkan.diligence.demo import seed_diligence
from junkan.footprint.demo import seed_footprints
from junkan.identity.demo import seed_cast
from junkan.identity.service import Caller
from junkan.passport.demo import seed_passports
from junkan.recycling.demo import seed_recycling
from junkan.users.demo import seed_users


def run_demo(
    session: Session,
    credentials_path: Path,
    passports: int = 1000,
    class_boundaries: dict[str, float | None] | None = None,
) -> list[dict]:
    participants = seed_cast(session)
    callers = {
        p["key"]: Caller(participant_id=p["id"], roles=frozenset(p["roles"]), name=p["name"])
        for p in participants
    }
    seed_passports(session, callers, passports)
    seed_footprints(session, callers, class_boundaries or Settings().cfp_class_boundaries)
    seed_telemetry(session, callers)
    seed_diligence(session, callers, Settings())
    seed_users(session, participants)
    seed_recycling(session, callers)
    credentials_path.parent.mkdir(parents=True, exist_ok=True)
    credentials_path.write_text(
        json.dumps({"participants": participants}, indent=2, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )
    credentials_path.chmod(0o600)
    return participants
