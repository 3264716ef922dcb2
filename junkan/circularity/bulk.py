"""The bulk write of accepted readings, column-wise: one COPY (PostgreSQL) or one executemany
(SQLite) for the readings, the daily aggregates of new days computed from the batch itself, and
the newest reading of each battery taken from the batch when nothing stored is newer."""

from __future__ import annotations

import io
import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
from sqlalchemy import func, select, tuple_
from sqlalchemy.orm import Session

from junkan.circularity.ingest import LIMITS
from junkan.circularity.models import DailyAggregate, Reading
from junkan.passport.models import Passport

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
DAY = 86_400_000_000  # microseconds
READING_COLUMNS = ("passport_id", "measured_at", *LIMITS, "events", "batch_id")
DAILY_COLUMNS = (
    "passport_id",
    "day",
    "readings",
    "soce_last",
    "soce_min",
    "full_cycles_last",
    "energy_throughput_last",
    "cell_temp_min",
    "cell_temp_max",
    "events",
)


@dataclass
class Accepted:
    """Readings to store, one per (passport, time), in upload order: passports as codes into
    `passport_ids`, times as UTC microseconds, numbers as float64 with NaN for none."""

    passport_ids: list[str]
    codes: np.ndarray
    micros: np.ndarray
    values: dict[str, np.ndarray]
    events: list[list[str] | None] | None

    def __len__(self) -> int:
        return len(self.micros)

    @classmethod
    def from_rows(cls, rows: list[tuple]) -> Accepted:
        """From the exact reader's tuples (passport_id, measured_at, *LIMITS, events)."""
        ids = sorted({row[0] for row in rows})
        code = {passport_id: i for i, passport_id in enumerate(ids)}
        columns = list(zip(*rows, strict=True))
        events = list(columns[-1])
        return cls(
            passport_ids=ids,
            codes=np.array([code[p] for p in columns[0]], dtype=np.int32),
            micros=np.array([to_micros(m) for m in columns[1]], dtype=np.int64),
            values={
                name: np.array(columns[2 + i], dtype=np.float64)  # None becomes NaN
                for i, name in enumerate(LIMITS)
            },
            events=events if any(events) else None,
        )

    def take(self, keep: np.ndarray) -> Accepted:
        events = None if self.events is None else [self.events[i] for i in keep.tolist()]
        return Accepted(
            self.passport_ids,
            self.codes[keep],
            self.micros[keep],
            {name: column[keep] for name, column in self.values.items()},
            events if events and any(events) else None,
        )


def to_micros(moment: datetime) -> int:
    delta = moment - EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def to_datetime(micros: int) -> datetime:
    return EPOCH + timedelta(microseconds=int(micros))


def first_of_each(codes: np.ndarray, micros: np.ndarray) -> np.ndarray:
    """Indices of the first occurrence of every (passport, time), in upload order."""
    order = np.lexsort((micros, codes))  # stable: among equals, upload order
    c, m = codes[order], micros[order]
    first = np.ones(len(order), dtype=bool)
    first[1:] = (c[1:] != c[:-1]) | (m[1:] != m[:-1])
    return np.sort(order[first])


def newest_stored(session: Session, passport_ids: list[str]) -> dict[str, datetime]:
    """Each battery's newest stored reading time. On PostgreSQL the batteries are locked first
    (FOR NO KEY UPDATE: foreign-key checks still pass) so that a concurrent upload for the same
    battery waits, and what is read here stays true until this batch commits."""
    found, ordered = {}, sorted(passport_ids)  # one lock order for every upload
    for start in range(0, len(ordered), 500):
        chunk = ordered[start : start + 500]
        if session.connection().dialect.name == "postgresql":
            session.execute(
                select(Passport.id)
                .where(Passport.id.in_(chunk))
                .order_by(Passport.id)
                .with_for_update(key_share=True)
            ).all()
        rows = session.execute(
            select(Reading.passport_id, func.max(Reading.measured_at))
            .where(Reading.passport_id.in_(chunk))
            .group_by(Reading.passport_id)
        )
        found.update({passport_id: at for passport_id, at in rows if at is not None})
    return found


# --- Readings ------------------------------------------------------------------------------------


def insert(session: Session, batch_id: str, accepted: Accepted, fresh: bool) -> int:
    """Store the readings, skipping ones already stored; `fresh` says none can be (each is newer
    than its battery's newest stored one), so PostgreSQL can COPY straight into the table."""
    connection = session.connection()
    table = _reading_table(accepted, batch_id)
    if connection.dialect.name == "postgresql":
        return _copy(connection, "telemetry_readings", READING_COLUMNS, table, fresh)
    columns = ", ".join(READING_COLUMNS)
    placeholders = ", ".join("?" * len(READING_COLUMNS))
    before = connection.exec_driver_sql("SELECT total_changes()").scalar()
    connection.exec_driver_sql(
        f"INSERT OR IGNORE INTO telemetry_readings ({columns}) VALUES ({placeholders})",  # noqa: S608
        _python_rows(table),
    )
    return connection.exec_driver_sql("SELECT total_changes()").scalar() - before


def _reading_table(accepted: Accepted, batch_id: str) -> pa.Table:
    """Times as UTC text ("2025-01-01 06:00:00.000000", SQLite's stored form; PostgreSQL gets
    a Z appended): cast to text is fifty times faster than formatting zone-aware stamps."""
    n = len(accepted)
    ids = pa.array(accepted.passport_ids, pa.string())
    stamps = pc.cast(pa.array(accepted.micros, pa.timestamp("us")), pa.string())
    events = None if accepted.events is None else [_json(e) for e in accepted.events]
    columns = {
        "passport_id": pa.DictionaryArray.from_arrays(pa.array(accepted.codes), ids),
        "measured_at": stamps,
        **{name: _nullable(column) for name, column in accepted.values.items()},
        "events": pa.array(events if events else [None] * n, pa.string()),
        "batch_id": pa.DictionaryArray.from_arrays(
            pa.array(np.zeros(n, dtype=np.int32)), pa.array([batch_id])
        ),
    }
    return pa.table(columns)


def _nullable(column: np.ndarray) -> pa.Array:
    return pa.array(column, pa.float64(), from_pandas=True)  # NaN becomes null


def _python_rows(table: pa.Table) -> list[tuple]:
    columns = []
    for column in table.columns:
        column = column.combine_chunks()
        if pa.types.is_dictionary(column.type):
            values = np.array(column.dictionary.to_pylist(), dtype=object)
            columns.append(values[column.indices.to_numpy()].tolist())
        elif pa.types.is_floating(column.type) and column.null_count == 0:
            columns.append(column.to_numpy().tolist())
        else:
            columns.append(column.to_pylist())
    return list(zip(*columns, strict=True))


def _copy(connection, target: str, names: tuple[str, ...], table: pa.Table, fresh: bool) -> int:
    """CSV written by pyarrow (shortest round-trip floats), loaded with one COPY. Unless `fresh`,
    through a scratch table and INSERT … ON CONFLICT DO NOTHING, so repeats are skipped."""
    if "measured_at" in names:
        table = table.set_column(
            names.index("measured_at"),
            "measured_at",
            pc.binary_join_element_wise(table["measured_at"], "Z", ""),
        )
    data = io.BytesIO()
    pa_csv.write_csv(table, data, write_options=pa_csv.WriteOptions(include_header=False))
    columns = ", ".join(names)
    raw = connection.connection.driver_connection
    with raw.cursor() as cursor:
        into = target
        if not fresh:
            into = f"{target}_incoming"
            cursor.execute(
                f"CREATE TEMP TABLE IF NOT EXISTS {into} "
                f"(LIKE {target} INCLUDING DEFAULTS) ON COMMIT DELETE ROWS"
            )
        with cursor.copy(f"COPY {into} ({columns}) FROM STDIN (FORMAT csv)") as copy:
            view = data.getbuffer()
            for start in range(0, len(view), 1 << 20):
                copy.write(view[start : start + (1 << 20)])
            del view
        if fresh:
            return table.num_rows
        cursor.execute(
            f"INSERT INTO {target} ({columns}) SELECT {columns} FROM {into} "  # noqa: S608
            "ON CONFLICT DO NOTHING"
        )
        stored = cursor.rowcount
        cursor.execute(f"TRUNCATE {into}")
    return stored


def _json(events: list[str] | None) -> str | None:
    return json.dumps(events) if events else None


# --- Daily aggregates ----------------------------------------------------------------------------


@dataclass
class Days:
    """The batch's (passport, day) groups, over the readings sorted by passport and time."""

    order: np.ndarray
    starts: np.ndarray
    ends: np.ndarray  # inclusive
    codes: np.ndarray
    days: np.ndarray  # days since the epoch


def group_days(accepted: Accepted) -> Days:
    order = np.lexsort((accepted.micros, accepted.codes))
    codes = accepted.codes[order]
    days = accepted.micros[order] // DAY
    change = np.ones(len(order), dtype=bool)
    change[1:] = (codes[1:] != codes[:-1]) | (days[1:] != days[:-1])
    starts = np.flatnonzero(change)
    ends = np.append(starts[1:], len(order)) - 1
    return Days(order, starts, ends, codes[starts], days[starts])


def existing_days(session: Session, accepted: Accepted, groups: Days) -> set[tuple[str, date]]:
    """The batch's (passport, day) pairs that already have an aggregate (hence readings)."""
    first, last = _date(int(groups.days.min())), _date(int(groups.days.max()))
    found = set()
    for start in range(0, len(accepted.passport_ids), 500):
        chunk = accepted.passport_ids[start : start + 500]
        found.update(
            (passport_id, day)
            for passport_id, day in session.execute(
                select(DailyAggregate.passport_id, DailyAggregate.day).where(
                    DailyAggregate.passport_id.in_(chunk),
                    DailyAggregate.day.between(first, last),
                )
            )
        )
    return found


def insert_new_days(
    session: Session, accepted: Accepted, groups: Days, skip: set[tuple[str, date]]
) -> None:
    """Aggregates of days no stored reading falls on, from the batch alone: every reading of
    such a day is new, so the batch's figures are the day's figures."""
    ids = np.array(accepted.passport_ids, dtype=object)
    keep = np.ones(len(groups.starts), dtype=bool)
    if skip:
        keep = np.array(
            [
                (p, _date(int(d))) not in skip
                for p, d in zip(ids[groups.codes], groups.days, strict=True)
            ],
            dtype=bool,
        )
    if not keep.any():
        return
    values = {name: column[groups.order] for name, column in accepted.values.items()}
    starts, ends = groups.starts, groups.ends
    with np.errstate(invalid="ignore"):
        stats = {
            "readings": ends - starts + 1,
            "soce_last": values["soce"][ends],
            "soce_min": np.fmin.reduceat(values["soce"], starts),
            "full_cycles_last": values["full_cycles"][ends],
            "energy_throughput_last": values["energy_throughput"][ends],
            "cell_temp_min": np.fmin.reduceat(values["cell_temp_min"], starts),
            "cell_temp_max": np.fmax.reduceat(values["cell_temp_max"], starts),
        }
    events = ["{}"] * len(starts)
    if accepted.events is not None:
        counts: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        sorted_events = [accepted.events[i] for i in groups.order.tolist()]
        for position, kinds in enumerate(sorted_events):
            if kinds:
                group = int(np.searchsorted(starts, position, side="right")) - 1
                for kind in kinds:
                    counts[group][kind] += 1
        for group, kinds in counts.items():
            events[group] = json.dumps(dict(kinds))
    table = pa.table(
        {
            "passport_id": pa.DictionaryArray.from_arrays(
                pa.array(groups.codes), pa.array(accepted.passport_ids, pa.string())
            ),
            "day": pa.array(groups.days.astype(np.int32), pa.date32()),
            "readings": pa.array(stats["readings"], pa.int64()),
            **{name: _nullable(column) for name, column in stats.items() if name != "readings"},
            "events": pa.array(events, pa.string()),
        }
    ).filter(pa.array(keep))
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        _copy(connection, "telemetry_daily", DAILY_COLUMNS, table, fresh=True)
        return
    table = table.set_column(1, "day", pc.cast(table["day"], pa.string()))
    columns = ", ".join(DAILY_COLUMNS)
    placeholders = ", ".join("?" * len(DAILY_COLUMNS))
    connection.exec_driver_sql(
        f"INSERT INTO telemetry_daily ({columns}) VALUES ({placeholders})",  # noqa: S608
        _python_rows(table),
    )


def _date(days: int) -> date:
    return date(1970, 1, 1) + timedelta(days=days)


def pairs_filter(pairs: set[tuple[str, date]]):
    return tuple_(DailyAggregate.passport_id, DailyAggregate.day).in_(sorted(pairs))
