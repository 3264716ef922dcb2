"""Change one stored byte anywhere and `verify` must name the record and say how."""

import json

import pytest
from sqlalchemy import select, text
from typer.testing import CliRunner

from junkan.cli import app as cli
from junkan.config import get_settings
from junkan.identity.models import ApiClient, Participant, Site
from junkan.ledger.models import LedgerEntry
from junkan.ledger.verify import verify_database, verify_export


def _bypass_guard(session, table: str) -> None:
    """What an attacker with database rights does first: switch off the append-only guard."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text(f"ALTER TABLE {table} DISABLE TRIGGER {table}_append_only"))
    else:
        for verb in ("update", "delete"):
            session.execute(text(f"DROP TRIGGER IF EXISTS {table}_no_{verb}"))


@pytest.fixture
def world(client, session, operator, make_member):
    """A small ledger: onboarding with a site, a second member, and a signed tree head."""
    created = client.post(
        "/participants",
        headers=operator.auth,
        json={
            "name": "Himeji Battery Cell Co., Ltd.",
            "country": "JP",
            "roles": ["supplier"],
            "identifiers": [{"scheme": "jp-corporate-number", "value": "7000012050002"}],
            "sites": [{"name": "Himeji plant", "country": "JP"}],
        },
    ).json()
    member = make_member("recycler")
    client.get("/ledger/sth")
    assert verify_database(session).ok
    yield {"participant": created["id"], "site": created["sites"][0]["id"], "member": member}
    if session.get_bind().dialect.name == "postgresql":
        session.rollback()
        for table in ("ledger_entries", "ledger_nodes", "ledger_tree_heads"):
            session.execute(text(f"ALTER TABLE {table} ENABLE TRIGGER {table}_append_only"))
        session.commit()


def _findings(session):
    session.commit()
    session.expire_all()
    return [str(f) for f in verify_database(session).findings]


def _entry_seq(session, subject: str) -> int:
    return session.scalar(
        select(LedgerEntry.seq)
        .where(LedgerEntry.subject == subject)
        .order_by(LedgerEntry.seq.desc())
        .limit(1)
    )


def test_changed_participant_name(session, world):
    session.execute(
        text("UPDATE participants SET name = 'Himeji Battery Cell Co., Ltd!' WHERE id = :id"),
        {"id": world["participant"]},
    )
    seq = _entry_seq(session, f"participant:{world['participant']}")
    assert _findings(session) == [
        f"participant {world['participant']}: the stored row differs from what ledger entry "
        f"{seq} (participant.created) recorded"
    ]


def test_changed_identifier_value(session, world):
    session.execute(
        text("UPDATE identifiers SET value = '7900012050002' WHERE participant_id = :id"),
        {"id": world["participant"]},
    )
    assert [f for f in _findings(session) if f.startswith(f"participant {world['participant']}")]


def test_changed_site_country(session, world):
    session.execute(text("UPDATE sites SET country = 'CN' WHERE id = :id"), {"id": world["site"]})
    [finding] = _findings(session)
    assert finding.startswith(f"site {world['site']}: the stored row differs")


def test_planted_client_secret(session, world):
    client_id = world["member"].client_id
    session.execute(
        text("UPDATE api_clients SET secret_hash = '$argon2id$planted' WHERE client_id = :id"),
        {"id": client_id},
    )
    [finding] = _findings(session)
    assert finding.startswith(f"client {client_id}: the stored row differs")


def test_row_inserted_behind_the_platforms_back(session, world):
    session.execute(
        text(
            "INSERT INTO participants (id, name, created_at) "
            "VALUES ('intruder', 'Ghost Co', '2026-01-01 00:00:00')"
        )
    )
    assert _findings(session) == [
        "participant intruder: stored, but no ledger entry records it (written outside Junkan)"
    ]


def test_deleted_site(session, world):
    session.execute(text("DELETE FROM sites WHERE id = :id"), {"id": world["site"]})
    [finding] = _findings(session)
    assert finding.startswith(f"site {world['site']}: deleted: ledger entry")


def test_altered_ledger_entry(session, world):
    _bypass_guard(session, "ledger_entries")
    seq = _entry_seq(session, f"site:{world['site']}")
    session.execute(text("UPDATE ledger_entries SET actor = 'mallory' WHERE seq = :s"), {"s": seq})
    findings = _findings(session)
    assert any(
        f.startswith("ledger entr") and f"{seq}" in f and "signature does not verify" in f
        for f in findings
    )
    assert (
        f"ledger entry {seq}: its stored leaf hash differs from the entry: the entry changed "
        "after it was appended" in findings
    )
    assert any(f.startswith("tree head") for f in findings)


def test_deleted_ledger_entry(session, world):
    _bypass_guard(session, "ledger_entries")
    seq = _entry_seq(session, f"site:{world['site']}")
    session.execute(text("DELETE FROM ledger_entries WHERE seq = :s"), {"s": seq})
    findings = _findings(session)
    assert f"ledger entry {seq}: missing: entry {seq - 1} is followed by {seq + 1}" in findings


def test_reordered_ledger_entries(session, world):
    _bypass_guard(session, "ledger_entries")
    a = _entry_seq(session, f"participant:{world['participant']}")
    b = _entry_seq(session, f"site:{world['site']}")
    subjects = dict(
        session.execute(
            select(LedgerEntry.seq, LedgerEntry.subject).where(LedgerEntry.seq.in_([a, b]))
        ).all()
    )
    for seq, other in ((a, b), (b, a)):
        session.execute(
            text("UPDATE ledger_entries SET subject = :s WHERE seq = :q"),
            {"s": subjects[other], "q": seq},
        )
    findings = " | ".join(_findings(session))
    assert "signature does not verify" in findings
    assert f"ledger entry {a}: its stored leaf hash differs" in findings
    assert f"ledger entry {b}: its stored leaf hash differs" in findings


def test_altered_merkle_node(session, world):
    _bypass_guard(session, "ledger_nodes")
    session.execute(
        text('UPDATE ledger_nodes SET hash = :h WHERE level = 1 AND "index" = 0'), {"h": bytes(32)}
    )
    assert _findings(session) == [
        "merkle node (1, 0): does not hash its children: proofs served from it would fail"
    ]


def test_altered_tree_head(session, world):
    _bypass_guard(session, "ledger_tree_heads")
    session.execute(text("UPDATE ledger_tree_heads SET root_hash = :r"), {"r": "00" * 32})
    findings = _findings(session)
    assert any(f.startswith("tree head") and "differs from the signed root" in f for f in findings)
    assert any(f.startswith("tree head") and "signature does not verify" in f for f in findings)


def test_swapped_public_key(session, world):
    key_id = session.scalar(
        select(LedgerEntry.key_id).where(LedgerEntry.actor == world["member"].id).limit(1)
    ) or session.scalar(select(LedgerEntry.key_id).limit(1))
    session.execute(
        text("UPDATE signing_keys SET public_key = :p WHERE key_id = :k"),
        {"p": "A" * 43, "k": key_id},
    )
    findings = _findings(session)
    assert any(f.startswith(f"key {key_id}: the stored row differs") for f in findings)
    assert any("signature does not verify" in f for f in findings)


def test_verify_cli_names_the_record_and_exits_1(session, world, settings, monkeypatch, tmp_path):
    monkeypatch.setenv("JUNKAN_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("JUNKAN_KEY_DIR", str(settings.key_dir))
    monkeypatch.setenv("COLUMNS", "250")
    get_settings.cache_clear()
    runner = CliRunner()
    try:
        clean = runner.invoke(cli, ["verify"])
        assert clean.exit_code == 0, clean.output
        assert "verified" in clean.output
        export = tmp_path / "ledger.jsonl"
        assert runner.invoke(cli, ["export-ledger", str(export)]).exit_code == 0
        assert runner.invoke(cli, ["verify", "--file", str(export)]).exit_code == 0
        session.execute(
            text("UPDATE sites SET name = 'Moved' WHERE id = :id"), {"id": world["site"]}
        )
        session.commit()
        dirty = runner.invoke(cli, ["verify"])
        assert dirty.exit_code == 1
        assert f"site {world['site']}: the stored row differs" in dirty.output
    finally:
        get_settings.cache_clear()


def test_export_file_tampering_is_found_offline(client, session, world, operator, tmp_path):
    response = client.get("/ledger/export", headers=operator.auth)
    assert response.status_code == 200
    lines = response.text.splitlines()
    path = tmp_path / "ledger.jsonl"
    path.write_text("\n".join(lines) + "\n")
    assert verify_export(path).ok
    entries = [i for i, line in enumerate(lines) if json.loads(line)["type"] == "entry"]
    target = json.loads(lines[entries[3]])
    target["kind"] = target["kind"] + "x"
    lines[entries[3]] = json.dumps(target)
    path.write_text("\n".join(lines) + "\n")
    findings = [str(f) for f in verify_export(path).findings]
    assert any(f"{target['seq']}" in f and "signature does not verify" in f for f in findings)
    assert any(f.startswith("tree head") for f in findings)


def test_models_are_untouched_by_a_clean_verify(session, world):
    before = (
        session.scalars(select(Participant.name)).all(),
        session.scalars(select(Site.name)).all(),
        session.scalars(select(ApiClient.client_id)).all(),
    )
    assert _findings(session) == []
    after = (
        session.scalars(select(Participant.name)).all(),
        session.scalars(select(Site.name)).all(),
        session.scalars(select(ApiClient.client_id)).all(),
    )
    assert before == after


def test_verify_a_live_node_over_http(live_server):
    """`junkan verify --url` downloads the export with a client credential and checks it."""
    base, workdir = live_server
    people = json.loads((workdir / "var/demo-credentials.json").read_text())["participants"]
    auditor = next(p for p in people if p["key"] == "market_surveillance")
    result = CliRunner().invoke(
        cli,
        [
            "verify",
            "--url",
            base,
            "--client-id",
            auditor["client_id"],
            "--client-secret",
            auditor["client_secret"],
        ],
    )
    assert result.exit_code == 0, result.output
    assert "verified" in result.output
    wrong = CliRunner().invoke(
        cli, ["verify", "--url", base, "--client-id", "jk_nobody", "--client-secret", "nope"]
    )
    assert wrong.exit_code == 2
    assert "refused the credentials" in wrong.output
