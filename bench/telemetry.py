"""Telemetry ingest against the database's own bulk load, timed in the same run.

- PostgreSQL: 1,000,000 readings (1,000 batteries x 1,000 readings, CSV) through Junkan's bulk
  path (`junkan.circularity.service.ingest`: parse and check every line, resolve batteries,
  COPY, daily aggregates, passport dynamic data, signed ledger entries) against a raw `COPY` of
  the same rows. Target: ratio >= 0.5.
- SQLite: the same through the bulk path against a plain `executemany` INSERT.

The baseline loads the same rows, already resolved to passport ids, into a table of the same
shape as `telemetry_readings`: its primary key, the unique (passport, time) key that makes ingest
idempotent, and the foreign keys to passports and batches. Those constraints are part of the
data's integrity and Junkan keeps them, so the ratio measures what Junkan adds on top of the
database's own cheapest load into such a table. On PostgreSQL the foreign-key checks alone cost
several times a load into a bare table, so the run also prints the bare-table load (no keys,
no indexes) for reference; that line has no target.

Reports rows per second and the ratio (baseline time / Junkan time). Usage:
python bench/telemetry.py [readings] — PostgreSQL from JUNKAN_BENCH_DATABASE_URL, default the
local test server.
"""

from __future__ import annotations

import io
import os
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from junkan import migrate
from junkan.db import make_engine, make_sessionmaker
from junkan.identity import schemas
from junkan.identity import service as identity
from junkan.identity.service import Caller
from junkan.passport import service as passports

PG = os.environ.get(
    "JUNKAN_BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
BATTERIES = 1000
START = datetime(2025, 1, 1, tzinfo=UTC)
DATA = {
    "battery_model": "BENCH-1",
    "battery_category": "ev",
    "manufacturer_name": "Bench Motors",
    "manufacturing_place": "Bench",
    "manufacturing_date": "2024-12",
    "battery_mass": 400.0,
}


def upload(readings: int) -> bytes:
    per = readings // BATTERIES
    out = io.StringIO()
    out.write(
        "battery_id,measured_at,soce,soc,voltage,current,cell_temp_min,cell_temp_max,"
        "full_cycles,energy_throughput\n"
    )
    for b in range(BATTERIES):
        for i in range(per):
            at = (START + timedelta(hours=6 * i)).strftime("%Y-%m-%dT%H:%M:%SZ")
            out.write(
                f"urn:junkan:battery:B{b},{at},{100 - i * 0.001:.3f},{50 + i % 40},"
                f"360.5,12.5,18.0,31.0,{i * 0.25:.2f},{i * 18.75:.2f}\n"
            )
    return out.getvalue().encode()


def prepare(url: str, key_dir: Path):
    migrate.upgrade(url)
    engine = make_engine(url)
    session = make_sessionmaker(engine, key_dir)()
    member = identity.create_participant(
        session,
        schemas.ParticipantIn(name=f"Bench {uuid.uuid4().hex[:6]}", roles=["economic_operator"]),
        actor="bench",
    )
    caller = Caller(participant_id=member.id, roles=frozenset({"economic_operator"}))
    batch = [passports.prepare(f"urn:junkan:battery:B{b}", DATA) for b in range(BATTERIES)]
    passports.issue_passports(session, caller, batch)
    session.commit()
    return engine, session, caller


def junkan_ingest(session, caller, body: bytes) -> tuple[float, str]:
    from junkan.circularity.service import ingest

    start = time.perf_counter()
    result = ingest(session, caller, body, "text/csv")
    elapsed = time.perf_counter() - start
    assert result["stored"] == body.count(b"\n") - 1, result
    return elapsed, result["batch_id"]


def baseline_rows(body: bytes):
    lines = body.decode().splitlines()[1:]
    return [line.split(",") for line in lines]


def shaped_rows(session, body: bytes, batch_id: str):
    """The same rows as the real table holds them: passport id first, batch id last."""
    ids = dict(session.execute(text("SELECT battery_id, id FROM passports")).all())
    return [[ids[row[0]], *row[1:], None, batch_id] for row in baseline_rows(body)]


SHAPED = (
    "passport_id, measured_at, soce, soc, voltage, current, cell_temp_min, cell_temp_max, "
    "full_cycles, energy_throughput, events, batch_id"
)


def postgres(readings: int) -> None:
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG)
    with admin.begin() as c:
        c.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(PG).update_query_dict({"options": f"-csearch_path={schema}"})
    url = url.render_as_string(hide_password=False)
    try:
        with tempfile.TemporaryDirectory() as keys:
            engine, session, caller = prepare(url, Path(keys))
            body = upload(readings)
            ours, batch_id = junkan_ingest(session, caller, body)
            shaped = shaped_rows(session, body, batch_id)
            rows = baseline_rows(body)
            raw = engine.raw_connection()
            cursor = raw.cursor()
            cursor.execute("CREATE TABLE shaped (LIKE telemetry_readings INCLUDING ALL)")
            cursor.execute(
                "ALTER TABLE shaped ADD FOREIGN KEY (passport_id) REFERENCES passports (id), "
                "ADD FOREIGN KEY (batch_id) REFERENCES telemetry_batches (id)"
            )
            cursor.execute(
                "CREATE TABLE bare (battery_id text, measured_at timestamptz, soce float8, "
                "soc float8, voltage float8, current float8, cell_temp_min float8, "
                "cell_temp_max float8, full_cycles float8, energy_throughput float8)"
            )
            raw.commit()
            start = time.perf_counter()
            with cursor.copy(f"COPY shaped ({SHAPED}) FROM STDIN") as copy:
                for row in shaped:
                    copy.write_row(row)
            raw.commit()
            theirs = time.perf_counter() - start
            start = time.perf_counter()
            with cursor.copy("COPY bare FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            raw.commit()
            bare = time.perf_counter() - start
            raw.close()
            session.close()
            engine.dispose()
        report("PostgreSQL", readings, ours, theirs, "raw COPY, same keys", 0.5)
        report("PostgreSQL", readings, ours, bare, "raw COPY, bare table", None)
    finally:
        with admin.begin() as c:
            c.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))


def sqlite(readings: int) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        url = f"sqlite:///{scratch}/bench.db"
        engine, session, caller = prepare(url, Path(scratch) / "keys")
        body = upload(readings)
        ours, batch_id = junkan_ingest(session, caller, body)
        shaped = shaped_rows(session, body, batch_id)
        rows = baseline_rows(body)
        raw = engine.raw_connection()
        ddl = raw.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'telemetry_readings'"
        ).fetchone()[0]
        raw.execute(ddl.replace("telemetry_readings", "shaped", 1))
        raw.execute(
            "CREATE TABLE bare (battery_id text, measured_at text, soce real, soc real, "
            "voltage real, current real, cell_temp_min real, cell_temp_max real, "
            "full_cycles real, energy_throughput real)"
        )
        raw.commit()
        start = time.perf_counter()
        insert = f"INSERT INTO shaped ({SHAPED}) VALUES ({', '.join('?' * 12)})"  # noqa: S608
        raw.executemany(insert, shaped)
        raw.commit()
        theirs = time.perf_counter() - start
        start = time.perf_counter()
        raw.executemany("INSERT INTO bare VALUES (?,?,?,?,?,?,?,?,?,?)", rows)
        raw.commit()
        bare = time.perf_counter() - start
        raw.close()
        session.close()
        engine.dispose()
    report("SQLite", readings, ours, theirs, "plain executemany, same keys", 0.5)
    report("SQLite", readings, ours, bare, "plain executemany, bare table", None)


def report(name, readings, ours, theirs, baseline, target) -> None:
    ratio = theirs / ours
    goal = f" (target >= {target}: {'met' if ratio >= target else 'MISSED'})" if target else ""
    print(
        f"{name}: junkan {readings / ours:,.0f} rows/s ({ours:.1f} s), {baseline} "
        f"{readings / theirs:,.0f} rows/s ({theirs:.1f} s); ratio {ratio:.2f}{goal}"
    )


def main() -> None:
    readings = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    try:
        create_engine(PG).connect().close()
    except Exception as exc:  # noqa: BLE001
        print(f"PostgreSQL: skipped ({exc.__class__.__name__}: no server at {PG})")
    else:
        postgres(readings)
    sqlite(readings)


if __name__ == "__main__":
    main()
