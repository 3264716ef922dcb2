"""Telemetry ingest: readings stored once each (repeats and out-of-order data are fine), daily
aggregates kept for charts and the health model, the passports' dynamic data kept current,
and every accepted batch signed into the ledger."""

from __future__ import annotations

import hashlib
import uuid
from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import numpy as np
from sqlalchemy import Date, Text, cast, delete, func, select
from sqlalchemy.orm import Session

from junkan.circularity import bulk, columnar, health
from junkan.circularity.ingest import inflate, parse
from junkan.circularity.models import Batch, DailyAggregate, Reading
from junkan.errors import InvalidInput
from junkan.identity.service import Caller
from junkan.ledger.service import register_record_type, write
from junkan.passport import service as passports
from junkan.passport.models import Passport

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
    """Store an upload: all lines or none, unless `partial` (then the good lines only). A clean
    upload is read column-wise; anything else goes through the exact line-by-line reader."""
    try:
        text = inflate(body, content_encoding).decode("utf-8-sig")
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"cannot read the upload: {exc}") from exc
    only = passports.get_passport(session, passport_id) if passport_id else None
    default = only.battery_id if only else None
    accepted, errors = None, []
    columns = columnar.read(text, content_type, default)
    if columns is not None:
        accepted = _owned_columns(session, caller, columns, only)
    if accepted is None:
        rows, errors = _owned_rows(session, caller, parse(text, content_type, default), only)
        if errors and not partial:
            raise InvalidInput(
                f"{len(errors)} problem(s); nothing was stored",
                errors=sorted(errors, key=lambda e: e["line"]),
            )
        if not rows:
            raise InvalidInput("no reading to store", errors=errors)
        accepted = bulk.Accepted.from_rows(rows)
    batch = Batch(
        id=str(uuid.uuid4()),
        participant_id=caller.participant_id,
        channel=channel,
        received=len(accepted),
        stored=0,
        digest=hashlib.sha256(body).hexdigest(),
    )
    session.add(batch)
    session.flush()
    stored_newest = bulk.newest_stored(session, accepted.passport_ids)
    last = np.array(
        [bulk.to_micros(stored_newest.get(p, _DAWN)) for p in accepted.passport_ids],
        dtype=np.int64,
    )
    fresh = bool(np.all(accepted.micros > last[accepted.codes]))
    batch.stored = bulk.insert(session, batch.id, accepted, fresh)
    write(session, batch, actor=caller.participant_id, kind="telemetry.batch", commit=False)
    groups = bulk.group_days(accepted)
    existing = bulk.existing_days(session, accepted, groups)
    bulk.insert_new_days(session, accepted, groups, existing)
    if existing:
        _refresh_daily(session, existing)
    _update_passports(session, caller, accepted, groups, last)
    session.commit()
    return {
        "batch_id": batch.id,
        "received": len(accepted) + len(errors),
        "stored": batch.stored,
        "repeats": len(accepted) - batch.stored,
        "errors": sorted(errors, key=lambda e: e["line"]),
    }


_DAWN = datetime(1, 1, 1, tzinfo=UTC)  # before any reading


def _problem(passport: Passport | None, battery: str, caller: Caller, only) -> str | None:
    if passport is None:
        return f"no passport for battery {battery}"
    if only is not None and passport.id != only.id:
        return f"belongs to another battery than {only.battery_id}"
    if not caller.acts_for(passport.operator_id):
        return "only the battery's economic operator reports its telemetry"
    if passport.closed_at is not None:
        return "the battery was recycled; its passport is closed"
    return None


def _live_passports(session: Session, battery_ids) -> dict[str, Passport]:
    return {
        p.battery_id: p
        for p in session.scalars(
            select(Passport).where(
                Passport.battery_id.in_(sorted(set(battery_ids))),
                Passport.superseded_by.is_(None),
            )
        )
    }


def _owned_columns(session, caller, columns: columnar.Columns, only) -> bulk.Accepted | None:
    """The clean upload's readings if every battery is the caller's and live, else None (the
    exact reader then names the lines)."""
    try:
        normal = [passports.normalize_battery_id(b) for b in columns.batteries]
    except ValueError:
        return None
    found = _live_passports(session, normal)
    ids: dict[str, int] = {}
    code = np.empty(len(normal), dtype=np.int32)
    for i, (battery, key) in enumerate(zip(columns.batteries, normal, strict=True)):
        passport = found.get(key)
        if _problem(passport, battery, caller, only):
            return None
        code[i] = ids.setdefault(passport.id, len(ids))
    accepted = bulk.Accepted(
        list(ids), code[columns.codes], columns.micros, columns.values, columns.events
    )
    return accepted.take(bulk.first_of_each(accepted.codes, accepted.micros))


def _owned_rows(session, caller, parsed, only) -> tuple[list[tuple], list[dict]]:
    """Readings of live passports the caller operates, first of each (battery, time)."""
    errors = list(parsed.errors)
    by_battery: dict[str, str] = {}
    for raw in {row[0] for row in parsed.rows}:
        try:
            by_battery[raw] = passports.normalize_battery_id(raw)
        except ValueError as exc:
            by_battery[raw] = f"!{exc}"
    found = _live_passports(session, [v for v in by_battery.values() if v[0] != "!"])
    rows, seen = [], set()
    for line, (battery, *values) in zip(parsed.lines, parsed.rows, strict=True):
        passport = found.get(by_battery[battery])
        if by_battery[battery][0] == "!":
            problem = by_battery[battery][1:]
        else:
            problem = _problem(passport, battery, caller, only)
        if problem:
            errors.append({"line": line, "field": "battery_id", "message": problem})
            continue
        key = (passport.id, values[0])
        if key not in seen:
            seen.add(key)
            rows.append((passport.id, *values))
    return rows, errors


# --- Daily aggregates and the passports ----------------------------------------------------------


def _day_of(connection):
    if connection.dialect.name == "postgresql":
        return cast(func.timezone("UTC", Reading.measured_at), Date)
    return func.date(Reading.measured_at)


def _refresh_daily(session: Session, pairs: set[tuple[str, date]]) -> None:
    """Recompute the aggregates of (battery, day) pairs that had readings before this batch,
    from the stored readings, so repeats and late readings give the same result as an orderly
    feed. Three set-based queries, whatever the number of batteries."""
    ids = sorted({passport_id for passport_id, _ in pairs})
    since, until = min(day for _, day in pairs), max(day for _, day in pairs)
    start = datetime.combine(since, time(), tzinfo=UTC)
    end = datetime.combine(until + timedelta(days=1), time(), tzinfo=UTC)
    day = _day_of(session.connection()).label("day")
    scope = (Reading.passport_id.in_(ids), Reading.measured_at >= start, Reading.measured_at < end)
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
    session.execute(delete(DailyAggregate).where(bulk.pairs_filter(pairs)))
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
        if (row.passport_id, date.fromisoformat(str(row.day)[:10])) in pairs
    ]
    if fresh:  # Core insert: the ORM's bulk path costs more than the rows
        session.connection().execute(DailyAggregate.__table__.insert(), fresh)


def _update_passports(
    session: Session, caller: Caller, accepted: bulk.Accepted, groups: bulk.Days, last
) -> None:
    """The newest reading of each battery becomes its passport's dynamic data, if it is newer
    than what the passport shows; negative-event counts are lifetime totals. One signature.
    The newest reading is the batch's own unless a stored one is at least as new."""
    ids = accepted.passport_ids
    latest = passports.latest_dynamic(session, ids)
    sorted_codes = accepted.codes[groups.order]
    ends = np.flatnonzero(np.append(sorted_codes[1:] != sorted_codes[:-1], True))
    newest: dict[str, tuple[datetime, dict[str, Any]]] = {}
    older = []
    for position in ends.tolist():
        row = int(groups.order[position])
        code = int(accepted.codes[row])
        if accepted.micros[row] > last[code]:
            values = {column: accepted.values[column][row] for column in DYNAMIC}
            newest[ids[code]] = (
                bulk.to_datetime(accepted.micros[row]),
                {k: None if np.isnan(v) else float(v) for k, v in values.items()},
            )
        else:
            older.append(ids[code])
    if older:
        newest_at = (
            select(Reading.passport_id, func.max(Reading.measured_at).label("at"))
            .where(Reading.passport_id.in_(older))
            .group_by(Reading.passport_id)
            .subquery()
        )
        for reading in session.scalars(
            select(Reading).join(
                newest_at,
                (Reading.passport_id == newest_at.c.passport_id)
                & (Reading.measured_at == newest_at.c.at),
            )
        ):
            newest[reading.passport_id] = (
                reading.measured_at,
                {column: getattr(reading, column) for column in DYNAMIC},
            )
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for passport_id, daily_events in session.execute(
        select(DailyAggregate.passport_id, DailyAggregate.events).where(
            DailyAggregate.passport_id.in_(ids), cast(DailyAggregate.events, Text) != "{}"
        )
    ):
        for kind, count in daily_events.items():
            counts[passport_id][kind] += count
    items = []
    for passport_id in ids:
        measured_at, reading = newest[passport_id]
        shown = latest[passport_id]
        values = {
            attribute: reading[column]
            for column, attribute in DYNAMIC.items()
            if reading[column] is not None
            and (attribute not in shown or shown[attribute][1] < measured_at)
        }
        for kind, attribute in EVENT_ATTRIBUTES.items():
            total = counts[passport_id].get(kind, 0)
            if shown.get(attribute, (None,))[0] != total and (total or attribute in shown):
                values[attribute] = total
        if values:
            items.append((passport_id, measured_at, values))
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
