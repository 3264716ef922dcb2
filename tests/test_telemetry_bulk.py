"""The column-wise reader and bulk write give exactly what the line-by-line reader gives: the
same parsed readings for any upload it accepts, and the same stored readings, daily aggregates
and passport values for random uploads (repeats, any order, gzip, CSV and JSON lines)."""

import gzip
import json
from datetime import UTC, datetime, timedelta, timezone
from itertools import count

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from junkan.circularity import columnar
from junkan.circularity.bulk import to_micros
from junkan.circularity.ingest import EVENT_KINDS, LIMITS, parse
from junkan.circularity.models import DailyAggregate, Reading
from junkan.circularity.service import ingest
from junkan.identity.service import Caller
from junkan.passport import service as passports
from junkan.passport.models import DynamicValue

START = datetime(2026, 3, 1, 20, 0, tzinfo=UTC)
HEADER = ["battery_id", "measured_at", *LIMITS, "events"]
DATA = {
    "battery_model": "AZ-NMC811-75",
    "battery_category": "ev",
    "manufacturer_name": "Aizu Motors Corporation",
    "manufacturing_place": "Aizuwakamatsu, JP",
    "manufacturing_date": "2026-01",
    "battery_mass": 452.0,
}


def _rows_of(columns: columnar.Columns) -> list[tuple]:
    out = []
    for i in range(len(columns)):
        values = [columns.values[n][i] for n in LIMITS]
        events = columns.events[i] if columns.events else None
        out.append(
            (
                columns.batteries[columns.codes[i]],
                int(columns.micros[i]),
                *(None if np.isnan(v) else float(v) for v in values),
                events or None,
            )
        )
    return out


def _exact_rows(parsed) -> list[tuple]:
    return [(r[0], to_micros(r[1]), *r[2:10], r[10] or None) for r in parsed.rows]


# --- The readers agree ---------------------------------------------------------------------------

NUMBER_TEXT = st.one_of(
    st.floats(-100, 2000, allow_nan=False).map(repr),
    st.integers(-10, 10**4).map(str),
    st.text(alphabet="0123456789.e-+_ naifINF", max_size=6),
)
TIME_TEXT = st.one_of(
    st.integers(0, 10**6).map(lambda s: (START + timedelta(seconds=s)).isoformat()),
    st.integers(0, 10**6).map(
        lambda s: (START + timedelta(seconds=s)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    ),
    st.sampled_from(
        [
            "2026-02-30T10:00:00Z",
            "2026-03-01T24:00:00Z",
            "2026-03-01 10:00:00Z",
            "2026-03-01T10:00Z",
            "2026-03-01T10:00:00",
            "2026-03-01T10:00:00.1234567Z",
            "2099-01-01T00:00:00Z",
            "2026-03-01T10:00:60Z",
            "",
        ]
    ),
)
EVENTS_TEXT = st.one_of(
    st.just(""),
    st.lists(st.sampled_from([*sorted(EVENT_KINDS), "meteor", " ", ""]), max_size=3).map(";".join),
)


@st.composite
def csv_uploads(draw):
    columns = draw(st.permutations(HEADER).map(lambda h: h[: draw(st.integers(2, len(h)))]))
    lines = [",".join(columns)]
    for _ in range(draw(st.integers(0, 6))):
        cells = {
            "battery_id": draw(st.sampled_from(["urn:junkan:battery:A", "", "B", " C"])),
            "measured_at": draw(TIME_TEXT),
            "events": draw(EVENTS_TEXT),
        }
        lines.append(",".join(cells.get(c) or draw(NUMBER_TEXT | st.just("")) for c in columns))
    end = draw(st.sampled_from(["\n", "\r\n"]))
    return end.join(lines) + draw(st.sampled_from(["", end, end + end]))


@st.composite
def json_uploads(draw):
    lines = []
    for _ in range(draw(st.integers(1, 5))):
        record = {}
        for name in draw(st.lists(st.sampled_from(HEADER), unique=True)):
            if name == "battery_id":
                record[name] = draw(st.sampled_from(["urn:junkan:battery:A", "", None, 7]))
            elif name == "measured_at":
                record[name] = draw(TIME_TEXT | st.none())
            elif name == "events":
                record[name] = draw(
                    st.lists(st.sampled_from([*sorted(EVENT_KINDS), "meteor"]), max_size=2)
                    | EVENTS_TEXT
                    | st.none()
                )
            else:
                record[name] = draw(
                    st.floats(-10, 2000, allow_nan=False)
                    | st.integers(-10, 10**30)
                    | NUMBER_TEXT
                    | st.booleans()
                    | st.none()
                )
        lines.append(json.dumps(record))
        if draw(st.integers(0, 9)) == 0:
            lines.append(draw(st.sampled_from(["", "  ", "[1]", "{}{}", '{"soce": NaN}'])))
    return "\n".join(lines) + draw(st.sampled_from(["", "\n"]))


@settings(max_examples=120, deadline=None)
@given(upload=csv_uploads() | json_uploads(), default=st.sampled_from([None, "urn:x:1"]))
def test_the_column_reader_accepts_only_what_the_exact_reader_accepts_and_agrees(upload, default):
    kind = "text/csv" if upload.startswith(tuple(HEADER)) else "application/x-ndjson"
    columns = columnar.read(upload, kind, default)
    if columns is None:
        return
    parsed = parse(upload, kind, default)
    assert parsed.errors == []
    assert _rows_of(columns) == _exact_rows(parsed)


def test_clean_uploads_take_the_column_reader():
    lines = [
        "battery_id,measured_at,soce,events",
        "urn:junkan:battery:A,2026-03-01T10:00:00Z,99.5,deep_discharge;accident",
        "urn:junkan:battery:A,2026-03-01T11:00:00.25+02:00,,",
    ]
    columns = columnar.read("\r\n".join(lines), "text/csv")
    assert columns is not None and len(columns) == 2
    assert _rows_of(columns) == _exact_rows(parse("\n".join(lines), "text/csv"))
    record = {"measured_at": "2026-03-01T10:00:00Z", "soce": 99, "events": ["overcharge"]}
    assert columnar.read(json.dumps(record), "application/x-ndjson", "urn:x:1") is not None


# --- The stored results agree --------------------------------------------------------------------

_batteries = count()


@st.composite
def readings(draw):
    out = []
    for _ in range(draw(st.integers(1, 12))):
        values = {}
        for name, (low, high) in LIMITS.items():
            if draw(st.booleans()):
                values[name] = draw(st.floats(low, high, allow_nan=False, allow_infinity=False))
        if values.get("cell_temp_min", -99) > values.get("cell_temp_max", 999):
            values["cell_temp_min"], values["cell_temp_max"] = (
                values["cell_temp_max"],
                values["cell_temp_min"],
            )
        moment = START + timedelta(hours=draw(st.integers(0, 60)))  # repeats, day boundaries
        zone = timezone(timedelta(hours=draw(st.sampled_from([0, 2, -5]))))
        events = draw(st.lists(st.sampled_from(sorted(EVENT_KINDS)), max_size=2))
        out.append((draw(st.integers(0, 1)), moment.astimezone(zone), values, events))
    return out


def _upload(batch, batteries, csv, exact) -> str:
    """The readings as an upload; `exact` makes it one the column reader hands over (a quoted
    CSV field, a blank JSON line) without changing a single reading."""
    if csv:
        lines = [",".join(HEADER)]
        for which, moment, values, events in batch:
            battery = f'"{batteries[which]}"' if exact else batteries[which]
            cells = [repr(values[n]) if n in values else "" for n in LIMITS]
            lines.append(",".join([battery, moment.isoformat(), *cells, ";".join(events)]))
        return "\n".join(lines) + "\n"
    lines = [""] if exact else []
    for which, moment, values, events in batch:
        record = {"battery_id": batteries[which], "measured_at": moment.isoformat(), **values}
        lines.append(json.dumps(record | ({"events": events} if events else {})))
    return "\n".join(lines)


def _stored(session, passport_ids):
    session.expire_all()
    index = {p: i for i, p in enumerate(passport_ids)}
    reading_rows = session.execute(
        select(Reading).where(Reading.passport_id.in_(passport_ids))
    ).scalars()
    stored = sorted(
        (index[r.passport_id], r.measured_at, r.soce, r.soc, r.voltage, r.current)
        + (r.cell_temp_min, r.cell_temp_max, r.full_cycles, r.energy_throughput, r.events)
        for r in reading_rows
    )
    days = sorted(
        (index[d.passport_id], d.day, d.readings, d.soce_last, d.soce_min, d.full_cycles_last)
        + (d.energy_throughput_last, d.cell_temp_min, d.cell_temp_max, sorted(d.events.items()))
        for d in session.scalars(
            select(DailyAggregate).where(DailyAggregate.passport_id.in_(passport_ids))
        )
    )
    dynamic = sorted(
        (index[v.passport_id], v.attribute, json.dumps(v.value), v.measured_at)
        for v in session.scalars(
            select(DynamicValue).where(DynamicValue.passport_id.in_(passport_ids))
        )
    )
    return stored, days, dynamic


@pytest.fixture
def operator_caller(session):
    from junkan.identity import schemas
    from junkan.identity import service as identity

    member = identity.create_participant(
        session, schemas.ParticipantIn(name="Bulk Motors", roles=["economic_operator"]), "test"
    )
    session.commit()
    return Caller(participant_id=member.id, roles=frozenset({"economic_operator"}))


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    uploads=st.lists(readings(), min_size=1, max_size=3),
    csv=st.booleans(),
    zipped=st.booleans(),
)
def test_both_paths_store_the_same(session, operator_caller, uploads, csv, zipped):
    n = next(_batteries)
    names = {
        path: [f"urn:junkan:battery:bulk-{n}-{path}-{i}" for i in range(2)]
        for path in ("fast", "exact")
    }
    issued = {}
    for path, batteries in names.items():
        batch = [passports.prepare(b, DATA) for b in batteries]
        issued[path] = [p.id for p in passports.issue_passports(session, operator_caller, batch)]
    session.commit()
    kind = "text/csv" if csv else "application/x-ndjson"
    for batch in uploads:
        answers = {}
        for path, batteries in names.items():
            text = _upload(batch, batteries, csv, exact=path == "exact")
            assert (columnar.read(text, kind) is None) == (path == "exact")
            body = gzip.compress(text.encode()) if zipped else text.encode()
            answer = ingest(session, operator_caller, body, kind)
            answers[path] = {k: v for k, v in answer.items() if k != "batch_id"}
        assert answers["fast"] == answers["exact"]
    assert _stored(session, issued["fast"]) == _stored(session, issued["exact"])


def test_an_integer_too_large_is_a_problem_on_its_line(client, session, make_member):
    member = make_member("economic_operator")
    created = client.post(
        "/passports",
        headers=member.auth,
        json={"battery_id": "urn:junkan:battery:BIG", "data": DATA},
    )
    assert created.status_code == 201, created.text
    good = '{"measured_at": "2026-03-01T10:00:00Z", "soce": 90}'
    huge = '{"measured_at": "2026-03-01T11:00:00Z", "soce": 1' + "0" * 400 + "}"
    endless = '{"measured_at": "2026-03-01T12:00:00Z", "full_cycles": 1' + "0" * 5000 + "}"
    response = client.post(
        f"/passports/{created.json()['id']}/telemetry",
        headers=member.auth | {"Content-Type": "application/x-ndjson"},
        content="\n".join([good, huge, endless]).encode(),
    )
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    errors = response.json()["errors"]
    assert [(e["line"], e["field"]) for e in errors] == [(2, "soce"), (3, "(line)")]
    assert session.scalar(select(func.count()).select_from(Reading)) == 0
