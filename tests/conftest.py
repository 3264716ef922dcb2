"""Fixtures: every database test runs on SQLite, and on PostgreSQL when one is configured."""

from __future__ import annotations

import os
import shutil
import uuid
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from servers import running_server
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from junkan import migrate
from junkan.app import create_app
from junkan.config import Settings
from junkan.identity import schemas, service
from junkan.identity.identifiers import bpn_with_check

PG_URL = os.environ.get("JUNKAN_TEST_DATABASE_URL")
BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("template") / "junkan.db"
    migrate.upgrade(f"sqlite:///{path}")
    return str(path)


@pytest.fixture(scope="session")
def postgres_schema_url():
    """A private schema in the test database, migrated once for the whole run."""
    if not PG_URL:
        pytest.skip("JUNKAN_TEST_DATABASE_URL is not set")
    schema = f"junkan_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_URL)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(PG_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    url_text = url.render_as_string(hide_password=False)
    migrate.upgrade(url_text)
    yield url_text
    with admin.begin() as connection:
        connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


def _reset_postgres(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as connection:
        tables = (
            connection.execute(
                text(
                    "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
                    "AND tablename <> 'alembic_version'"
                )
            )
            .scalars()
            .all()
        )
        if tables:
            names = ", ".join(f'"{t}"' for t in tables)
            connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture(params=BACKENDS)
def database_url(request, tmp_path) -> str:
    if request.param == "sqlite":
        path = tmp_path / "junkan.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    url = request.getfixturevalue("postgres_schema_url")
    _reset_postgres(url)
    return url


@pytest.fixture
def settings(database_url, tmp_path) -> Settings:
    return Settings(
        database_url=database_url,
        public_base_url="http://testserver",
        key_dir=tmp_path / "keys",
        demo_credentials_path=tmp_path / "demo-credentials.json",
        max_body_bytes=64 * 1024,
        pact_delivery_seconds=0,  # tests deliver explicitly
    )


@pytest.fixture
def app(settings):
    application = create_app(settings)
    yield application
    application.state.engine.dispose()


@pytest.fixture
def client(app):
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture
def session(app):
    with app.state.sessionmaker() as db_session:
        yield db_session


@dataclass
class Member:
    """A participant with a working credential and bearer token, as a test sees it."""

    id: str
    name: str
    client_id: str
    client_secret: str
    token: str

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


_counter = iter(range(1, 10**6))


@pytest.fixture
def make_member(session, client):
    """Create a participant with the given roles and log it in through /auth/token."""

    def make(
        *roles: str, name: str | None = None, country: str = "DE", site: str | None = None
    ) -> Member:
        """`site` names one plant, given a BPNS and a BPNA derived from the member's number."""
        number = next(_counter)
        sites = [
            {
                "name": site,
                "country": country,
                "identifiers": [
                    {"scheme": f"bpn{k.lower()}", "value": bpn_with_check(k, f"{number:08d}T{k}")}
                    for k in "SA"
                ],
            }
        ]
        data = schemas.ParticipantIn.model_validate(
            {
                "name": name or f"Member {number}",
                "country": country,
                "roles": list(roles),
                "identifiers": [
                    {"scheme": "bpnl", "value": bpn_with_check("L", f"{number:08d}TS")}
                ],
                "sites": sites if site else [],
            }
        )
        participant = service.create_participant(session, data, actor="test")
        api_client, secret = service.create_client(session, participant, "test", actor="test")
        response = client.post(
            "/auth/token",
            data={"grant_type": "client_credentials"},
            auth=(api_client.client_id, secret),
        )
        assert response.status_code == 200, response.text
        return Member(
            participant.id,
            participant.name,
            api_client.client_id,
            secret,
            response.json()["access_token"],
        )

    return make


@pytest.fixture
def carmaker(make_member) -> Member:
    """An economic operator that issues battery passports."""
    return make_member("economic_operator", name="Aizu Motors Corporation")


@pytest.fixture
def operator(make_member) -> Member:
    return make_member("platform_operator", name="Node operator")


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    with running_server(tmp_path_factory.mktemp("live")) as server:
        yield server


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright; skipped with the reason where it is missing."""
    executable = os.environ.get("JUNKAN_TEST_CHROMIUM", "/usr/bin/chromium")
    if not os.path.exists(executable):
        pytest.skip(f"no Chromium at {executable} (apt-get install chromium; .ci/run does)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()
