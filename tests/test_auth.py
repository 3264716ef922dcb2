"""OAuth2 client credentials (PACT's Authenticate action) and the authorisation layer."""

from datetime import timedelta

from sqlalchemy import select, update

from junkan.db import utcnow
from junkan.identity.models import AccessToken, ApiClient

TOKEN = "/auth/token"
GRANT = {"grant_type": "client_credentials"}


def test_client_credentials_with_basic_auth_give_a_bearer_token(client, make_member):
    member = make_member("supplier")
    response = client.post(TOKEN, data=GRANT, auth=(member.client_id, member.client_secret))
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 3600
    me = client.get("/me", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.json() == {
        "participant_id": member.id,
        "name": member.name,
        "roles": ["supplier"],
        "client_id": member.client_id,
        "anonymous": False,
    }


def test_client_credentials_in_the_form_body_are_accepted(client, make_member):
    member = make_member("supplier")
    response = client.post(
        TOKEN, data={**GRANT, "client_id": member.client_id, "client_secret": member.client_secret}
    )
    assert response.status_code == 200


def test_wrong_secret_is_invalid_client_per_rfc6749(client, make_member):
    member = make_member("supplier")
    response = client.post(TOKEN, data=GRANT, auth=(member.client_id, "wrong"))
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Basic")
    assert response.json()["error"] == "invalid_client"
    assert response.json()["status"] == 401


def test_unknown_client_is_invalid_client(client):
    response = client.post(TOKEN, data=GRANT, auth=("jk_nobody", "secret"))
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"


def test_missing_and_unsupported_grant_types(client, make_member):
    member = make_member("supplier")
    creds = (member.client_id, member.client_secret)
    missing = client.post(TOKEN, data={}, auth=creds)
    assert (missing.status_code, missing.json()["error"]) == (400, "invalid_request")
    other = client.post(TOKEN, data={"grant_type": "password"}, auth=creds)
    assert (other.status_code, other.json()["error"]) == (400, "unsupported_grant_type")


def test_malformed_basic_header_and_missing_credentials(client):
    bad = client.post(TOKEN, data=GRANT, headers={"Authorization": "Basic !!!notbase64"})
    assert (bad.status_code, bad.json()["error"]) == (401, "invalid_client")
    none = client.post(TOKEN, data=GRANT)
    assert (none.status_code, none.json()["error"]) == (401, "invalid_client")


def test_secrets_and_tokens_are_stored_only_as_hashes(session, make_member):
    member = make_member("supplier")
    stored = session.get(ApiClient, member.client_id)
    assert stored.secret_hash.startswith("$argon2id$")
    assert member.client_secret not in stored.secret_hash
    digests = session.scalars(select(AccessToken.token_sha256)).all()
    assert member.token not in digests and len(digests) == 1 and len(digests[0]) == 64


def test_expired_token_is_refused_with_token_expired(client, session, make_member):
    member = make_member("supplier")
    session.execute(update(AccessToken).values(expires_at=utcnow() - timedelta(seconds=1)))
    session.commit()
    response = client.get("/me", headers=member.auth)
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "TokenExpired"
    assert 'error="invalid_token"' in response.headers["www-authenticate"]


def test_invalid_token_and_malformed_header(client):
    invalid = client.get("/me", headers={"Authorization": "Bearer not-a-token"})
    assert invalid.status_code == 401 and invalid.json()["code"] == "AccessDenied"
    malformed = client.get("/me", headers={"Authorization": "Token abc"})
    assert malformed.status_code == 401


def test_no_token_means_the_anonymous_public(client):
    assert client.get("/me").json()["anonymous"] is True


def test_revoking_a_client_ends_its_tokens_and_its_logins(client, make_member):
    member = make_member("supplier")
    response = client.delete(
        f"/participants/{member.id}/clients/{member.client_id}", headers=member.auth
    )
    assert response.status_code == 204
    assert client.get("/me", headers=member.auth).status_code == 401
    again = client.post(TOKEN, data=GRANT, auth=(member.client_id, member.client_secret))
    assert again.status_code == 401


def test_a_participant_can_issue_itself_another_client(client, make_member):
    member = make_member("supplier")
    created = client.post(
        f"/participants/{member.id}/clients", json={"name": "erp"}, headers=member.auth
    )
    assert created.status_code == 201
    body = created.json()
    token = client.post(TOKEN, data=GRANT, auth=(body["client_id"], body["client_secret"]))
    assert token.status_code == 200
    listed = client.get(f"/participants/{member.id}/clients", headers=member.auth).json()["data"]
    assert {c["name"] for c in listed} == {"test", "erp"}
    assert all("client_secret" not in c and "secret_hash" not in c for c in listed)


def test_another_company_cannot_manage_my_clients(client, make_member):
    mine, other = make_member("supplier"), make_member("supplier")
    response = client.post(f"/participants/{mine.id}/clients", json={}, headers=other.auth)
    assert response.status_code == 403
    assert response.headers["content-type"] == "application/problem+json"


def test_openid_configuration_names_the_token_endpoint(client):
    body = client.get("/.well-known/openid-configuration").json()
    assert body["token_endpoint"] == "http://testserver/auth/token"
    assert body["grant_types_supported"] == ["client_credentials"]
