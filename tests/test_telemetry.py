"""Telemetry ingest: idempotent, order-free, all-or-nothing by default, gzip and CSV, and the
passport's dynamic data and daily aggregates kept current."""

import gzip
import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from junkan.circularity.models import DailyAggregate, Reading
from junkan.ledger.verify import verify_database

NMC = {
    "battery_model": "AZ-NMC811-75",
    "battery_category": "ev",
    "manufacturer_name": "Aizu Motors Corporation",
    "manufacturing_place": "Aizuwakamatsu, JP",
    "manufacturing_date": "2026-01",
    "battery_mass": 452.0,
}
START = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)


def _passport(client, member, battery="urn:junkan:battery:T1"):
    response = client.post(
        "/passports", headers=member.auth, json={"battery_id": battery, "data": NMC}
    )
    assert response.status_code == 201, response.text
    return response.json()["id"]


def _lines(readings):
    return "\n".join(json.dumps(r) for r in readings).encode()


def _readings(days, battery=None):
    out = []
    for day in range(days):
        for hour in (0, 6):
            reading = {
                "measured_at": (START + timedelta(days=day, hours=hour)).isoformat(),
                "soce": round(100 - 0.02 * day - 0.001 * hour, 4),
                "soc": 80.0 - hour,
                "voltage": 360.0,
                "current": 12.5,
                "cell_temp_min": 18.0,
                "cell_temp_max": 31.0 + hour,
                "full_cycles": day * 0.5 + hour / 24,
                "energy_throughput": day * 37.5,
            }
            if battery:
                reading["battery_id"] = battery
            out.append(reading)
    return out


def _post(client, member, path, body, content_type="application/x-ndjson", **headers):
    return client.post(
        path, headers=member.auth | {"Content-Type": content_type} | headers, content=body
    )


def _count(session):
    session.expire_all()
    return session.scalar(select(func.count()).select_from(Reading))


def test_readings_are_stored_once_in_any_order(client, session, carmaker):
    passport = _passport(client, carmaker)
    readings = _readings(10)
    path = f"/passports/{passport}/telemetry"
    first = _post(client, carmaker, path, _lines(list(reversed(readings[5:]))))
    assert first.status_code == 200, first.text
    assert first.json()["stored"] == 15
    again = _post(client, carmaker, path, _lines(readings))  # repeats and older ones
    assert again.json() | {"batch_id": None} == {
        "batch_id": None,
        "received": 20,
        "stored": 5,
        "repeats": 15,
        "errors": [],
    }
    assert _count(session) == 20
    shown = client.get(f"/passports/{passport}", headers=carmaker.auth).json()
    assert shown["data"]["state_of_certified_energy"] == readings[-1]["soce"]
    assert shown["dynamic_updated_at"]["state_of_certified_energy"].startswith("2026-06-10T14:00")
    days = client.get(f"/passports/{passport}/telemetry/daily", headers=carmaker.auth).json()
    assert [d["readings"] for d in days["data"]] == [2] * 10
    assert days["data"][3]["soce_last"] == readings[7]["soce"]
    assert days["data"][3]["cell_temp_max"] == 37.0
    assert verify_database(session).ok


def test_fleet_csv_gzip_and_events(client, session, carmaker):
    _passport(client, carmaker, "urn:junkan:battery:F1")
    _passport(client, carmaker, "urn:junkan:battery:F2")
    rows = ["battery_id,measured_at,soce,events"]
    rows += [f"urn:junkan:battery:F1,2026-06-0{d}T10:00:00Z,99.{d},deep_discharge" for d in (1, 2)]
    rows += ["urn:junkan:battery:F2,2026-06-01T10:00:00Z,98.0,over_temperature;accident"]
    body = gzip.compress("\n".join(rows).encode())
    response = _post(
        client, carmaker, "/telemetry", body, "text/csv", **{"Content-Encoding": "gzip"}
    )
    assert response.status_code == 200, response.text
    assert response.json()["stored"] == 3
    f1 = client.get(
        "/id/urn:junkan:battery:F1", headers=carmaker.auth | {"Accept": "application/json"}
    )
    assert f1.json()["data"]["deep_discharge_events"] == 2
    daily = session.scalars(select(DailyAggregate).order_by(DailyAggregate.day)).all()
    assert {tuple(sorted(d.events)) for d in daily} == {
        ("deep_discharge",),
        ("accident", "over_temperature"),
    }


@pytest.mark.parametrize(
    "line, field, message",
    [
        ({"measured_at": "2026-06-01T10:00:00Z", "soce": 120}, "soce", "outside 0…100"),
        ({"measured_at": "2030-01-01T00:00:00Z", "soce": 90}, "measured_at", "future"),
        ({"measured_at": "2026-06-01T10:00:00", "soce": 90}, "measured_at", "time zone"),
        (
            {"measured_at": "2026-06-01T10:00:00Z", "cell_temp_min": 40, "cell_temp_max": 30},
            "cell_temp_min",
            "above cell_temp_max",
        ),
        ({"measured_at": "2026-06-01T10:00:00Z", "events": ["meteor"]}, "events", "unknown kind"),
        (
            {"measured_at": "2026-06-01T10:00:00Z", "battery_id": "urn:junkan:battery:nope"},
            "battery_id",
            "no passport",
        ),
        ({"measured_at": "2026-06-01T10:00:00Z", "colour": "red"}, "colour", "not a telemetry"),
    ],
)
def test_a_bad_line_is_named_and_nothing_is_stored(client, session, carmaker, line, field, message):
    _passport(client, carmaker)
    good = {"battery_id": "urn:junkan:battery:T1", "measured_at": "2026-06-01T09:00:00Z"}
    bad = {"battery_id": "urn:junkan:battery:T1"} | line
    response = _post(client, carmaker, "/telemetry", _lines([good, bad]))
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert error["line"] == 2 and error["field"] == field and message in error["message"]
    assert _count(session) == 0
    partial = _post(client, carmaker, "/telemetry?partial=true", _lines([good, bad]))
    assert partial.status_code == 200 and partial.json()["stored"] == 1
    assert partial.json()["errors"][0]["line"] == 2
    assert _count(session) == 1


def test_malformed_uploads_and_foreign_batteries(client, session, carmaker, make_member):
    passport = _passport(client, carmaker)
    broken = _post(client, carmaker, "/telemetry", b'{"battery_id": "x"\nnot json')
    assert broken.status_code == 422 and broken.json()["errors"][0]["line"] == 1
    damaged = _post(client, carmaker, "/telemetry", b"\x1f\x8b\x08garbage")
    assert damaged.status_code == 422 and "gzip" in damaged.json()["detail"]
    stranger = make_member("economic_operator")
    foreign = _post(client, stranger, f"/passports/{passport}/telemetry", _lines(_readings(1)))
    assert foreign.status_code == 422
    assert "economic operator" in foreign.json()["errors"][0]["message"]
    assert _count(session) == 0


def test_condition_series_is_for_the_entitled_only(client, carmaker, make_member):
    passport = _passport(client, carmaker)
    _post(client, carmaker, f"/passports/{passport}/telemetry", _lines(_readings(2)))
    assert client.get(f"/passports/{passport}/telemetry/daily").status_code == 403
    recycler = make_member("recycler")
    seen = client.get(f"/passports/{passport}/telemetry/daily", headers=recycler.auth)
    assert seen.status_code == 200 and len(seen.json()["data"]) == 2


def test_mqtt_readings_reach_the_passport(app, client, session, carmaker):
    import threading
    import time

    import paho.mqtt.publish as publish

    from junkan.circularity.mqtt import listen, wait_for_broker
    from junkan.identity.service import Caller

    if not wait_for_broker("127.0.0.1", 1883, seconds=1):
        pytest.skip("no MQTT broker answers on 127.0.0.1:1883")
    _passport(client, carmaker, "urn:junkan:battery:M1")
    caller = Caller(participant_id=carmaker.id, roles=frozenset({"economic_operator"}))
    stop, batches = threading.Event(), []
    listener = threading.Thread(
        target=listen,
        args=(app.state.sessionmaker, caller),
        kwargs={"flush_seconds": 0.2, "stop": stop, "on_batch": batches.append},
        daemon=True,
    )
    listener.start()
    time.sleep(0.5)  # subscribed
    topic = "junkan/telemetry/urn:junkan:battery:M1"
    messages = [
        {
            "topic": topic,
            "payload": json.dumps({"measured_at": f"2026-06-0{d}T10:00:00Z", "soce": 99.0 - d}),
            "qos": 1,
        }
        for d in (1, 2, 3)
    ] + [
        {
            "topic": topic,
            "payload": '{"measured_at": "2026-06-04T10:00:00Z", "soce": 140}',
            "qos": 1,
        }
    ]
    publish.multiple(messages, hostname="127.0.0.1", port=1883)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and sum(b["stored"] for b in batches) < 3:
        time.sleep(0.1)
    stop.set()
    listener.join(timeout=5)
    assert sum(b["stored"] for b in batches) == 3
    assert any("outside 0…100" in e["message"] for b in batches for e in b["errors"])
    shown = client.get(
        "/id/urn:junkan:battery:M1", headers=carmaker.auth | {"Accept": "application/json"}
    )
    assert shown.json()["data"]["state_of_certified_energy"] == 96.0


def test_health_from_uploaded_telemetry(client, carmaker, make_member):
    from junkan.circularity.health import synthetic_history

    passport = client.post(
        "/passports",
        headers=carmaker.auth,
        json={
            "battery_id": "urn:junkan:battery:H1",
            "data": NMC
            | {
                "capacity_threshold_for_exhaustion": 70.0,
                "rated_energy": 75.0,
                "battery_chemistry": "NMC811",
                "warranty_period": 96,
            },
        },
    ).json()["id"]
    history = synthetic_history(400, 1.0, a=0.3, b=0.004, noise_sd=0.05, seed=7)
    readings = [
        {
            "measured_at": f"{p.day.isoformat()}T12:00:00Z",
            "soce": min(100.0, round(p.soce_percent, 4)),
            "full_cycles": p.full_cycles,
        }
        for p in history
    ]
    stored = _post(client, carmaker, f"/passports/{passport}/telemetry", _lines(readings))
    assert stored.status_code == 200, stored.text
    assert stored.json()["stored"] == 400
    report = client.get(
        f"/passports/{passport}/health?new_price_per_kwh=120", headers=carmaker.auth
    ).json()
    assert report["rul_status"] == "estimated"
    assert report["fit"]["a"] == pytest.approx(0.3, rel=0.1)
    assert report["fit"]["b"] == pytest.approx(0.004, rel=0.2)
    # SOCE reaches 70 % where 0.3 sqrt(N) + 0.004 N = 30: N ~ 3,234 cycles, 1 cycle a day
    assert report["rul_days"] == pytest.approx(3234 - 399, rel=0.05)
    assert report["rul_days_low"] < report["rul_days"] < report["rul_days_high"]
    assert report["grade"] == "A" and report["grade_reasons"]
    assert report["residual_value"]["value"] > 0
    chart = client.get(f"/passports/{passport}/health/chart", headers=carmaker.auth)
    assert chart.status_code == 200 and "Plotly.newPlot" in chart.text
    assert 'src="http' not in chart.text  # plotly.js inlined: works on a closed network
    assert client.get(f"/passports/{passport}/health").status_code == 403
    fleet = client.get("/fleet/health", headers=carmaker.auth).json()
    assert fleet["total"] == 1 and fleet["grades"]["A"] == 1


def test_the_demo_has_two_years_of_telemetry_and_two_ended_lives(session, tmp_path):
    from junkan.circularity.service import health_report
    from junkan.demo import run_demo
    from junkan.passport.models import Passport

    run_demo(session, tmp_path / "credentials.json", passports=60)
    assert _count(session) == 36 * 730
    repurposed = session.scalar(select(Passport).where(Passport.status == "repurposed"))
    assert repurposed.predecessor_id and repurposed.category == "stationary"
    closed = session.scalar(select(Passport).where(Passport.closed_at.is_not(None)))
    assert closed.status == "waste"
    live = session.scalars(
        select(Passport).where(Passport.battery_model == "SBS-LFP-100").limit(3)
    ).all()
    reports = [health_report(session, p)[0] for p in live]
    assert {r.rul_status for r in reports} <= {"estimated", "beyond_horizon"}
    assert all(r.grade in ("A", "B") for r in reports)
    before = _count(session)
    run_demo(session, tmp_path / "credentials.json", passports=60)  # idempotent
    assert _count(session) == before
