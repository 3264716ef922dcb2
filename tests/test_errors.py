"""Every error is RFC 9457 problem+json, and unexpected failures leak nothing."""

from fastapi.testclient import TestClient


def test_unexpected_errors_are_500_problems_without_internals(app):
    @app.get("/boom")
    def boom():
        raise RuntimeError("secret internal detail at /srv/junkan/db.py line 42")

    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/boom")
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/problem+json"
    assert "secret internal detail" not in response.text
    assert "Traceback" not in response.text
    assert response.json()["type"] == "urn:junkan:problem:internal-error"


def test_unknown_routes_and_methods_are_problems(client):
    missing = client.get("/no/such/thing")
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"
    assert missing.json()["instance"] == "/no/such/thing"
    wrong_method = client.put("/participants")
    assert wrong_method.status_code == 405
    assert wrong_method.headers["content-type"] == "application/problem+json"


def test_health_touches_the_database(client):
    assert client.get("/health").json() == {"status": "ok"}


def test_a_busy_sqlite_database_is_a_503_and_stores_nothing(settings, operator, client, session):
    """A second writer on the embedded database gets a clear retry, not a crash."""
    import sqlite3

    import pytest
    from sqlalchemy import func, select

    from junkan.app import create_app
    from junkan.identity.models import Participant

    if not settings.database_url.startswith("sqlite"):
        pytest.skip("PostgreSQL does not lock the whole database for a writer")
    busy = create_app(settings.model_copy(update={"sqlite_busy_seconds": 0.2}))
    holder = sqlite3.connect(settings.database_url.removeprefix("sqlite:///"))
    holder.execute("BEGIN IMMEDIATE")  # another process is writing
    try:
        with TestClient(busy, raise_server_exceptions=False) as other:
            response = other.post(
                "/participants",
                headers=operator.auth,
                json={"name": "Blocked Co", "roles": ["supplier"]},
            )
    finally:
        holder.rollback()
        holder.close()
        busy.state.engine.dispose()
    assert response.status_code == 503, response.text
    assert response.headers["retry-after"] == "1"
    assert response.json()["type"] == "urn:junkan:problem:busy"
    session.expire_all()
    assert (
        session.scalar(
            select(func.count()).select_from(Participant).where(Participant.name == "Blocked Co")
        )
        == 0
    )
