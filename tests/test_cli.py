"""The command line: readable output, readable errors, nothing stored on bad input."""

import json

import pytest
from alembic.script import ScriptDirectory
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from junkan import cli as cli_module
from junkan import migrate
from junkan.app import create_app
from junkan.cli import app as cli
from junkan.config import get_settings
from junkan.identity.demo import CAST
from junkan.identity.identifiers import normalize


@pytest.fixture
def run(monkeypatch, settings):
    monkeypatch.setenv("JUNKAN_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("JUNKAN_DEMO_CREDENTIALS_PATH", str(settings.demo_credentials_path))
    monkeypatch.setenv("COLUMNS", "250")
    # Rich sizes its consoles when the module is imported; a test worker has no terminal.
    monkeypatch.setattr(cli_module.console, "width", 250)
    monkeypatch.setattr(cli_module.err_console, "width", 250)
    get_settings.cache_clear()
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(cli, list(args))

    yield invoke
    get_settings.cache_clear()


def test_db_upgrade_creates_the_schema(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path}/fresh.db"
    monkeypatch.setenv("JUNKAN_DATABASE_URL", url)
    get_settings.cache_clear()
    result = CliRunner().invoke(cli, ["db", "upgrade"])
    get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    head = ScriptDirectory.from_config(migrate.alembic_config()).get_current_head()
    assert f"revision {head}" in result.output
    assert migrate.current(url) == head


def test_commands_on_an_unmigrated_database_say_what_to_do(tmp_path, monkeypatch):
    monkeypatch.setenv("JUNKAN_DATABASE_URL", f"sqlite:///{tmp_path}/empty.db")
    get_settings.cache_clear()
    result = CliRunner().invoke(cli, ["participant", "list"])
    get_settings.cache_clear()
    assert result.exit_code == 2
    assert "junkan db upgrade" in result.output


def test_participant_add_and_list(run):
    added = run(
        "participant",
        "add",
        "Kokkola Cobalt Refining Oy",
        "--role",
        "supplier",
        "--id",
        "bpnl:BPNL00000003B2OM",
        "--id",
        "did:web:cobalt.example.fi",
        "--country",
        "fi",
    )
    assert added.exit_code == 0, added.output
    listed = run("participant", "list", "--role", "supplier")
    assert "Kokkola Cobalt Refining Oy" in listed.output
    assert "bpnl:BPNL00000003B2OM" in listed.output
    assert "did:web:cobalt.example.fi" in listed.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--role", "supplier", "--id", "bpnl:BPNL00000003B2OX"], "should be 'OM'"),
        (["--role", "wizard"], "roles[0]"),
        (["--role", "supplier", "--country", "XX"], "ISO 3166-1"),
        (["--role", "supplier", "--id", "BPNL00000003B2OM"], "SCHEME:VALUE"),
    ],
)
def test_participant_add_refuses_bad_input_readably(run, args, message):
    result = run("participant", "add", "Bad Co", *args)
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output
    assert "Bad Co" not in run("participant", "list").output


def test_duplicate_identifier_is_a_readable_conflict(run):
    first = run("participant", "add", "A", "-r", "supplier", "-i", "lei:529900T8BM49AURSDO55")
    assert first.exit_code == 0
    second = run("participant", "add", "B", "-r", "supplier", "-i", "lei:529900T8BM49AURSDO55")
    assert second.exit_code == 2
    assert "already identifies another record" in second.output


def test_client_create_gives_a_working_credential(run, settings):
    run("participant", "add", "Recycler", "-r", "recycler", "-i", "bpnl:BPNL00000003CML1")
    result = run("client", "create", "BPNL00000003CML1", "--name", "erp")
    assert result.exit_code == 0, result.output
    fields = dict(
        line.split(maxsplit=1) for line in result.output.splitlines() if line.startswith("client_")
    )
    app = create_app(settings)
    with TestClient(app) as client:
        token = client.post(
            "/auth/token",
            data={"grant_type": "client_credentials"},
            auth=(fields["client_id"], fields["client_secret"]),
        )
    app.state.engine.dispose()
    assert token.status_code == 200


def test_client_create_for_an_unknown_participant(run):
    result = run("client", "create", "BPNL00000003AYRE")
    assert result.exit_code == 2
    assert "no participant" in result.output


def test_demo_writes_a_full_cast_with_valid_identifiers_and_working_credentials(run, settings):
    result = run("demo", "--passports", "20")
    assert result.exit_code == 0, result.output
    data = json.loads(settings.demo_credentials_path.read_text())
    people = data["participants"]
    assert len(people) == len(CAST)
    keys = {p["key"] for p in people}
    assert {
        "lithium_refiner",
        "cobalt_refiner",
        "nickel_producer",
        "anode_maker",
        "cathode_maker",
        "cell_maker",
        "pack_maker",
        "carmaker",
        "repairer",
        "second_life_operator",
        "recycler",
        "notified_body",
        "market_surveillance",
    } <= keys
    for person in people:
        assert set(person) >= {"name", "roles", "client_id", "client_secret", "identifiers"}
        for identifier in person["identifiers"]:
            assert normalize(identifier["scheme"], identifier["value"]) == identifier["value"]
    cathode = next(p for p in people if p["key"] == "cathode_maker")
    assert "jp-corporate-number" in {i["scheme"] for i in cathode["identifiers"]}
    carmaker = next(p for p in people if p["key"] == "carmaker")
    assert carmaker["roles"] == ["economic_operator"]

    app = create_app(settings)
    with TestClient(app) as client:
        for person in people:
            token = client.post(
                "/auth/token",
                data={"grant_type": "client_credentials"},
                auth=(person["client_id"], person["client_secret"]),
            )
            assert token.status_code == 200, person["name"]
    app.state.engine.dispose()


def test_demo_twice_keeps_one_cast_and_replaces_the_credentials(run, settings):
    assert run("demo", "--passports", "10").exit_code == 0
    first = json.loads(settings.demo_credentials_path.read_text())["participants"]
    assert run("demo", "--passports", "10").exit_code == 0
    second = json.loads(settings.demo_credentials_path.read_text())["participants"]
    assert [p["id"] for p in first] == [p["id"] for p in second]
    app = create_app(settings)
    with TestClient(app) as client:
        old = client.post(
            "/auth/token",
            data={"grant_type": "client_credentials"},
            auth=(first[0]["client_id"], first[0]["client_secret"]),
        )
        new = client.post(
            "/auth/token",
            data={"grant_type": "client_credentials"},
            auth=(second[0]["client_id"], second[0]["client_secret"]),
        )
    app.state.engine.dispose()
    assert (old.status_code, new.status_code) == (401, 200)
    listed = run("participant", "list").output
    assert listed.count("Aizu Motors Corporation") == 1
    users = run("user", "list").output
    assert users.count("cathode-maker@demo.junkan.example") == 1
    assert first[0]["user"]["password"] != second[0]["user"]["password"]


def test_user_add_creates_a_web_user_and_explains_bad_input(run):
    assert run("demo", "--passports", "0").exit_code == 0
    ok = run(
        "user",
        "add",
        "BPNL00000001JKND",
        "--email",
        "ken@example.jp",
        "--name",
        "Ken",
        "--password",
        "long enough password",
    )
    assert ok.exit_code == 0, ok.output
    assert "ken@example.jp" in ok.output
    short = run(
        "user",
        "add",
        "BPNL00000001JKND",
        "--email",
        "k@example.jp",
        "--name",
        "K",
        "--password",
        "short",
    )
    assert short.exit_code == 2 and "at least 10 characters" in short.output
    unknown = run(
        "user",
        "add",
        "nobody",
        "--email",
        "n@example.jp",
        "--name",
        "N",
        "--password",
        "long enough password",
    )
    assert unknown.exit_code == 2 and "error" in unknown.output
    assert run("user", "list").output.count("@example.jp") == 1


def test_demo_passports_cover_three_models_and_are_complete_enough(run, session):
    from sqlalchemy import func, select

    from junkan.passport import service
    from junkan.passport.models import Passport

    assert run("demo", "--passports", "40").exit_code == 0
    session.expire_all()
    counts = dict(
        session.execute(
            select(Passport.battery_model, func.count()).group_by(Passport.battery_model)
        ).all()
    )
    # 40 issued, plus the passport of the NMC pack the demo repurposes
    assert counts == {"AZ-NMC811-75": 19, "AZ-LFP-60": 14, "SBS-LFP-100": 8}
    stationary = session.scalar(select(Passport).where(Passport.battery_model == "SBS-LFP-100"))
    values, _ = service.current_values(session, stationary)
    assert service.completeness(stationary, values)["missing"] == []
    missing = set()
    for ev in session.scalars(
        select(Passport).where(Passport.category == "ev", Passport.superseded_by.is_(None))
    ):
        values, _ = service.current_values(session, ev)
        missing.add(tuple(service.completeness(ev, values)["missing"]))
    # SOCE is dynamic: it arrives with the battery's first telemetry, not at issue; the demo
    # sends two years of it for some batteries only.
    assert missing == {(), ("state_of_certified_energy",)}
    assert run("demo", "--passports", "40").exit_code == 0  # idempotent
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(Passport)) == 41


def test_demo_supply_map_is_assessed_and_linked_from_the_passports(run, session, settings):
    from sqlalchemy import func, select

    from junkan.diligence.models import Assessment
    from junkan.passport import service
    from junkan.passport.models import Passport

    assert run("demo", "--passports", "20").exit_code == 0
    [assessment] = session.scalars(select(Assessment)).all()
    result = assessment.result
    assert set(result["materials"]) == {"cobalt", "lithium", "nickel", "natural_graphite"}
    summaries = {f["rule"]: [] for f in result["findings"]}
    for finding in result["findings"]:
        summaries[finding["rule"]].append(finding["summary"])
    assert any("Morowali HPAL plant" in s and "30.0 % held" in s for s in summaries["feoc"])
    assert any("Suining lithium hydroxide plant" in s for s in summaries["feoc"])
    assert any("Kasulo" in s for s in summaries["artisanal-mining"])
    assert result["feoc"]["critical_minerals"]["feoc_free"] == "no"
    cobalt = result["materials"]["cobalt"]
    assert cobalt["recycled_percent"]["post_consumer"] > 0
    assert {o["country"] for o in cobalt["origins"]} == {"CD", "BE"}
    nmc = session.scalar(
        select(Passport).where(
            Passport.battery_model == "AZ-NMC811-75", Passport.superseded_by.is_(None)
        )
    )
    values, _ = service.current_values(session, nmc)
    assert values["due_diligence_report"] == result["report_url"]
    assert values["recycled_cobalt_post_consumer"] == 12.0  # 600 of 5,000 kg at the cathode
    assert values["recycled_lithium_pre_consumer"] == pytest.approx(4.29)
    assert cobalt["recycled_content_targets"]["2031-08-18"] == {
        "target_percent": 16.0,
        "met": False,
    }
    # per plant and year: the Himeji cells of 2026 (the pack plant draws only on them)
    from junkan.diligence.content import recycled_content
    from junkan.identity.service import Caller
    from junkan.recycling.models import RecyclerReport

    carmaker = Caller(participant_id=nmc.operator_id)
    rows = {r["metal"]: r for r in recycled_content(session, carmaker, "AZ-NMC811-75")["rows"]}
    assert {(r["plant"]["name"], r["year"]) for r in rows.values()} == {("Himeji cell plant", 2026)}
    assert rows["cobalt"]["post_consumer_percent"] == pytest.approx(12.0)
    assert rows["nickel"]["targets"]["2031"]["met"] is True  # 4,000 of 45,000 kg: 8.9 %
    [report] = session.scalars(select(RecyclerReport)).all()
    assert (report.year, report.chemistry) == (2025, "lithium_based")
    assert report.result["recycling_efficiency"]["percent"] == pytest.approx(68)
    assert run("demo", "--passports", "20").exit_code == 0  # idempotent
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(Assessment)) == 1
    assert session.scalar(select(func.count()).select_from(RecyclerReport)) == 1
