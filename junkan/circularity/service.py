"""Telemetry ingest: readings stored once each (repeats and out-of-order data are fine), daily
aggregates kept for charts and the health model, the passports' dynamic data kept current,
and every accepted batch signed into the ledger."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections import defaultdict
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import Date, cast, delete, func, select
from sqlalchemy.orm import Session

from junkan.circularity import health
from junkan.circularity.ingest import LIMITS, inflate, parse
from junkan.circularity.models import Batch, DailyAggregate, Reading
from junkan.errors import InvalidInput
from junkan.identity.service import Caller
from junkan.ledger.service import register_record_type, write
from junkan.passport import service as passports
from junkan.passport.models import Passport

READING_COLUMNS = ("passport_id", "measured_at", *LIMITS, "events", "batch_id")
DYNAMIC = {  # reading column -> passport dynamic attribute
    "soce": "state_of_certified_energy",
    "soc": "state_of_charge",
    "full_cycles": "full_cycles",
    "energy_throughput": "energy_throughput",
}
EVENT_ATTRIBUTES = {"deep_discharge": "deep_discharge_events", "overcharge": "overcharge_events"}


def ingest(
    session: Session,
    caller: Caller,
    body: bytes,
    content_type: str,
    content_encoding: str | None = None,
    partial: bool = False,
    passport_id: str | None = None,
    channel: str = "api",
) -> dict[str, Any]:
    """Store an upload: all lines or none, unless `partial` (then the good lines only)."""
    try:
        text = inflate(body, content_encoding).decode("utf-8-sig")
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"cannot read the upload: {exc}") from exc
    only = passports.get_passport(session, passport_id) if passport_id else None
    parsed = parse(text, content_type, only.battery_id if only else None)
    rows, errors = _owned_rows(session, caller, parsed, only)
    if errors and not partial:
        raise InvalidInput(
            f"{len(errors)} problem(s); nothing was stored",
            errors=sorted(errors, key=lambda e: e["line"]),
        )
    if not rows:
        raise InvalidInput("no reading to store", errors=errors)
    batch = Batch(
        id=str(uuid.uuid4()),
        participant_id=caller.participant_id,
        channel=channel,
        received=len(rows),
        stored=0,
        digest=hashlib.sha256(body).hexdigest(),
    )
    session.add(batch)
    session.flush()
    batch.stored = _insert(session, batch.id, rows)
    write(session, batch, actor=caller.participant_id, kind="telemetry.batch", commit=False)
    _update_passports(session, caller, _refresh_daily(session, rows))
    session.commit()
    return {
        "batch_id": batch.id,
        "received": len(rows) + len(errors),
        "stored": batch.stored,
        "repeats": len(rows) - batch.stored,
        "errors": sorted(errors, key=lambda e: e["line"]),
    }


def _owned_rows(session, caller, parsed, only) -> tuple[list[tuple], list[dict]]:
    """Readings of live passports the caller operates, first of each (battery, time)."""
    errors = list(parsed.errors)
    by_battery: dict[str, Passport | str] = {}
    for raw in {row[0] for row in parsed.rows}:
        try:
            by_battery[raw] = passports.normalize_battery_id(raw)
        except ValueError as exc:
            by_battery[raw] = f"!{exc}"
    found = {
        p.battery_id: p
        for p in session.scalars(
            select(Passport).where(
                Passport.battery_id.in_([v for v in by_battery.values() if v[0] != "!"]),
                Passport.superseded_by.is_(None),
            )
        )
    }
    rows, seen = [], set()
    for line, (battery, *values) in zip(parsed.lines, parsed.rows, strict=True):
        passport = found.get(by_battery[battery])
        problem = None
        if by_battery[battery][0] == "!":
            problem = by_battery[battery][1:]
        elif passport is None:
            problem = f"no passport for battery {battery}"
        elif only is not None and passport.id != only.id:
            problem = f"belongs to another battery than {only.battery_id}"
        elif not caller.acts_for(passport.operator_id):
            problem = "only the battery's economic operator reports its telemetry"
        elif passport.closed_at is not None:
            problem = "the battery was recycled; its passport is closed"
        if problem:
            errors.append({"line": line, "field": "battery_id", "message": problem})
            continue
        key = (passport.id, values[0])
        if key not in seen:
            seen.add(key)
            rows.append((passport.id, *values))
    return rows, errors


# --- The bulk write ------------------------------------------------------------------------------


def _insert(session: Session, batch_id: str, rows: list[tuple]) -> int:
    """Insert, skipping readings already stored; returns how many were new."""
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        return _insert_postgres(connection, batch_id, rows)
    processor = Reading.__table__.c.measured_at.type.dialect_impl(
        connection.dialect
    ).bind_processor(connection.dialect)
    columns = ", ".join(READING_COLUMNS)
    placeholders = ", ".join("?" * len(READING_COLUMNS))
    before = connection.exec_driver_sql("SELECT total_changes()").scalar()
    connection.exec_driver_sql(
        f"INSERT OR IGNORE INTO telemetry_readings ({columns}) VALUES ({placeholders})",  # noqa: S608
        [
            (r[0], processor(r[1]) if processor else r[1], *r[2:10], _json(r[10]), batch_id)
            for r in rows
        ],
    )
    return connection.exec_driver_sql("SELECT total_changes()").scalar() - before


def _insert_postgres(connection, batch_id: str, rows: list[tuple]) -> int:
    """COPY into a scratch table, then one INSERT … ON CONFLICT DO NOTHING: COPY's speed with
    idempotency kept."""
    raw = connection.connection.driver_connection
    with raw.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE IF NOT EXISTS telemetry_incoming "
            "(LIKE telemetry_readings INCLUDING DEFAULTS) ON COMMIT DELETE ROWS"
        )
        columns = ", ".join(READING_COLUMNS)
        with cursor.copy(f"COPY telemetry_incoming ({columns}) FROM STDIN") as copy:
            for r in rows:
                copy.write_row((*r[:10], _json(r[10]), batch_id))
        cursor.execute(
            f"INSERT INTO telemetry_readings ({columns}) "  # noqa: S608 (fixed column names)
            f"SELECT {columns} FROM telemetry_incoming "
            "ON CONFLICT (passport_id, measured_at) DO NOTHING"
        )
        stored = cursor.rowcount
        cursor.execute("TRUNCATE telemetry_incoming")
    return stored


def _json(events: list[str] | None) -> str | None:
    return json.dumps(events) if events else None


# --- Daily aggregates and the passports ----------------------------------------------------------


def _day_of(connection):
    if connection.dialect.name == "postgresql":
        return cast(func.timezone("UTC", Reading.measured_at), Date)
    return func.date(Reading.measured_at)


def _refresh_daily(session: Session, rows: list[tuple]) -> list[str]:
    """Recompute the aggregates of the touched batteries from the earliest touched day on, from
    the stored readings, so repeats and late readings give the same result as an orderly feed.
    Three set-based queries, whatever the number of batteries."""
    ids = sorted({row[0] for row in rows})
    since = min(row[1] for row in rows).astimezone(UTC).date()
    start = datetime.combine(since, time(), tzinfo=UTC)
    day = _day_of(session.connection()).label("day")
    scope = (Reading.passport_id.in_(ids), Reading.measured_at >= start)
    stats = (
        select(
            Reading.passport_id,
            day,
            func.count().label("readings"),
            func.min(Reading.soce).label("soce_min"),
            func.min(Reading.cell_temp_min).label("cell_temp_min"),
            func.max(Reading.cell_temp_max).label("cell_temp_max"),
            func.max(Reading.measured_at).label("last_at"),
        )
        .where(*scope)
        .group_by(Reading.passport_id, day)
        .subquery()
    )
    latest = session.execute(
        select(
            stats,
            Reading.soce,
            Reading.full_cycles,
            Reading.energy_throughput,
        ).join(
            Reading,
            (Reading.passport_id == stats.c.passport_id) & (Reading.measured_at == stats.c.last_at),
        )
    ).all()
    events: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for passport_id, when, kinds in session.execute(
        select(Reading.passport_id, Reading.measured_at, Reading.events).where(
            *scope, Reading.events.is_not(None)
        )
    ):
        for kind in kinds or ():
            events[(passport_id, when.astimezone(UTC).date().isoformat())][kind] += 1
    session.execute(
        delete(DailyAggregate).where(
            DailyAggregate.passport_id.in_(ids), DailyAggregate.day >= since
        )
    )
    fresh = [
        {
            "passport_id": row.passport_id,
            "day": date.fromisoformat(str(row.day)[:10]),
            "readings": row.readings,
            "soce_last": row.soce,
            "soce_min": row.soce_min,
            "full_cycles_last": row.full_cycles,
            "energy_throughput_last": row.energy_throughput,
            "cell_temp_min": row.cell_temp_min,
            "cell_temp_max": row.cell_temp_max,
            "events": dict(events.get((row.passport_id, str(row.day)[:10]), {})),
        }
        for row in latest
    ]
    if fresh:  # Core insert: the ORM's bulk path costs more than the rows
        session.connection().execute(DailyAggregate.__table__.insert(), fresh)
    return ids


def _update_passports(session: Session, caller: Caller, ids: list[str]) -> None:
    """The newest reading of each battery becomes its passport's dynamic data, if it is newer
    than what the passport shows; negative-event counts are lifetime totals. One signature."""
    latest = passports.latest_dynamic(session, ids)
    newest_at = (
        select(Reading.passport_id, func.max(Reading.measured_at).label("at"))
        .where(Reading.passport_id.in_(ids))
        .group_by(Reading.passport_id)
        .subquery()
    )
    newest = session.scalars(
        select(Reading).join(
            newest_at,
            (Reading.passport_id == newest_at.c.passport_id)
            & (Reading.measured_at == newest_at.c.at),
        )
    ).all()
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for passport_id, daily_events in session.execute(
        select(DailyAggregate.passport_id, DailyAggregate.events).where(
            DailyAggregate.passport_id.in_(ids)
        )
    ):
        for kind, count in daily_events.items():
            counts[passport_id][kind] += count
    items = []
    for reading in newest:
        shown = latest[reading.passport_id]
        values = {
            attribute: getattr(reading, column)
            for column, attribute in DYNAMIC.items()
            if getattr(reading, column) is not None
            and (attribute not in shown or shown[attribute][1] < reading.measured_at)
        }
        for kind, attribute in EVENT_ATTRIBUTES.items():
            total = counts[reading.passport_id].get(kind, 0)
            if shown.get(attribute, (None,))[0] != total and (total or attribute in shown):
                values[attribute] = total
        if values:
            items.append((reading.passport_id, reading.measured_at, values))
    if items:
        passports.add_dynamic_many(session, caller, items, commit=False)


# --- Reading back --------------------------------------------------------------------------------


def daily(session: Session, passport_id: str) -> list[DailyAggregate]:
    return list(
        session.scalars(
            select(DailyAggregate)
            .where(DailyAggregate.passport_id == passport_id)
            .order_by(DailyAggregate.day)
        )
    )


def fleet_reports(session: Session, fleet: list[Passport]) -> list[health.HealthReport]:
    """Every battery's report, with all their daily history read in one query."""
    days: dict[str, list[DailyAggregate]] = defaultdict(list)
    for row in session.scalars(
        select(DailyAggregate)
        .where(DailyAggregate.passport_id.in_([p.id for p in fleet]))
        .order_by(DailyAggregate.day)
    ):
        days[row.passport_id].append(row)
    return [health_report(session, p, days=days[p.id])[0] for p in fleet]


def health_report(
    session: Session,
    passport: Passport,
    new_price_per_kwh: float | None = None,
    days: list[DailyAggregate] | None = None,
) -> tuple[health.HealthReport, list[DailyAggregate]]:
    """The battery's state of health from its daily history and its passport's ratings."""
    if days is None:
        days = daily(session, passport.id)
    history = [
        health.HealthPoint(
            day=d.day,
            soce_percent=d.soce_last,
            full_cycles=d.full_cycles_last,
            **{kind: d.events.get(kind, 0) for kind in health.EVENT_KINDS},
        )
        for d in days
        if d.soce_last is not None and d.full_cycles_last is not None
    ]
    data = passport.data
    warranty = data.get("warranty_period")
    report = health.assess(
        history,
        capacity_threshold_percent=data.get("capacity_threshold_for_exhaustion", 70.0),
        expected_lifetime_cycles=data.get("expected_lifetime_cycles"),
        warranty_years=warranty / 12 if warranty else None,
        rated_energy_kwh=data.get("rated_energy"),
        chemistry=data.get("battery_chemistry"),
        new_price_per_kwh=new_price_per_kwh,
    )
    return report, days


register_record_type("telemetry-batch", Batch)
