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
