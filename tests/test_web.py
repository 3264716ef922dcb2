"""Web foundation: users, sign-in, sessions, CSRF, the rate limit and the two languages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from junkan.users.models import SignInAttempt, User, WebSession
from junkan.users.service import LIMIT_PER_EMAIL
from junkan.web import i18n
from junkan.web.session import SESSION_COOKIE, safe_next

PASSWORD = "correct horse battery"
TEMPLATES = Path(i18n.__file__).parent / "templates"


@pytest.fixture
def person(client, make_member):
    """A member with one web user, created through the API by the member itself."""
    member = make_member("supplier", name="Niihama Cathode Materials K.K.")
    body = {"email": "Aiko@Example.jp", "name": "Aiko Sato", "password": PASSWORD}
    response = client.post(f"/participants/{member.id}/users", json=body, headers=member.auth)
    assert response.status_code == 201, response.text
    assert response.json()["email"] == "aiko@example.jp"
    return member


def login_token(client) -> str:
    page = client.get("/app/login")
    return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)


def sign_in(client, email="aiko@example.jp", password=PASSWORD, next_path="/app"):
    data = {"email": email, "password": password, "next": next_path}
    data["csrf_token"] = login_token(client)
    return client.post("/app/login", data=data, follow_redirects=False)


def test_pages_need_a_signed_in_user(client):
    response = client.get("/app?x=1", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/app/login?next=/app%3Fx%3D1"


def test_sign_in_sets_a_protected_session_cookie_and_shows_the_dashboard(client, person, session):
    response = sign_in(client, email="  AIKO@example.jp ")
    assert response.status_code == 303 and response.headers["location"] == "/app"
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{SESSION_COOKIE}=")
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie
    token = cookie.split(";")[0].split("=", 1)[1]
    stored = session.scalars(select(WebSession.token_sha256)).all()
    assert len(stored) == 1 and token not in stored  # only the digest is kept
    dashboard = client.get("/app", headers={"accept-language": "en"})
    assert dashboard.status_code == 200
    assert "Aiko Sato" in dashboard.text and "My products" in dashboard.text


def test_a_wrong_password_is_refused_and_counted(client, person, session):
    response = sign_in(client, password="wrong password!")
    assert response.status_code == 401
    assert "The e-mail address or password is wrong." in response.text
    assert SESSION_COOKIE not in response.headers.get("set-cookie", "")
    unknown = sign_in(client, email="nobody@example.jp")
    assert unknown.status_code == 401  # the same answer: no account enumeration
    attempts = session.scalars(select(SignInAttempt.succeeded)).all()
    assert attempts == [False, False]


def test_too_many_failures_lock_the_account_for_a_while_even_with_the_right_password(
    client, person
):
    for _ in range(LIMIT_PER_EMAIL):
        assert sign_in(client, password="guess guess guess").status_code == 401
    locked = sign_in(client)
    assert locked.status_code == 429
    assert locked.headers["retry-after"] == "900"
    assert "Too many failed sign-ins" in locked.text
    assert SESSION_COOKIE not in locked.headers.get("set-cookie", "")


def test_a_sign_in_form_without_its_token_is_refused(client, person):
    data = {"email": "aiko@example.jp", "password": PASSWORD, "csrf_token": "forged"}
    response = client.post("/app/login", data=data, follow_redirects=False)
    assert response.status_code == 400
    assert SESSION_COOKIE not in response.headers.get("set-cookie", "")


def test_forms_of_a_session_need_its_csrf_token(client, person, session):
    sign_in(client)
    refused = client.post("/app/logout", data={"csrf_token": "forged"})
    assert refused.status_code == 403 and "reload the page" in refused.text
    assert session.scalar(select(func.count()).select_from(WebSession)) == 1
    dashboard = client.get("/app")
    token = re.search(r'name="csrf_token" value="([^"]+)"', dashboard.text).group(1)
    signed_out = client.post("/app/logout", data={"csrf_token": token}, follow_redirects=False)
    assert signed_out.status_code == 303
    assert session.scalar(select(func.count()).select_from(WebSession)) == 0
    assert client.get("/app", follow_redirects=False).status_code == 303


def test_sign_in_only_sends_back_to_this_site(client, person):
    assert sign_in(client, next_path="//evil.example/x").headers["location"] == "/app"
    assert safe_next("/app/footprints?a=1") == "/app/footprints?a=1"
    assert safe_next("https://evil.example") == "/app"
    assert safe_next("/\\evil.example") == "/app"


def test_language_follows_the_browser_until_switched_and_is_remembered(client, person, session):
    sign_in(client)
    japanese = client.get("/app", headers={"accept-language": "ja-JP,ja;q=0.9,en;q=0.8"})
    assert '<html lang="ja">' in japanese.text and "自社製品" in japanese.text
    english = client.get("/app", headers={"accept-language": "de-DE,en;q=0.5"})
    assert '<html lang="en">' in english.text and "My products" in english.text
    switched = client.get("/app/language/ja?next=/app", follow_redirects=False)
    assert switched.headers["location"] == "/app"
    assert session.scalar(select(User.language)) == "ja"
    client.cookies.clear()
    sign_in(client)  # a new browser: the user's own setting wins over its Accept-Language
    assert "自社製品" in client.get("/app", headers={"accept-language": "en"}).text


def test_errors_on_pages_are_pages_and_errors_in_the_api_stay_problem_documents(client):
    page = client.get("/app/no-such-page")
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    api = client.get("/no-such-endpoint")
    assert api.headers["content-type"] == "application/problem+json"


def test_browsers_are_sent_to_the_pages_and_programs_get_the_entry_points(client):
    assert (
        client.get("/", headers={"accept": "text/html"}, follow_redirects=False).status_code == 303
    )
    assert client.get("/").json()["openapi"] == "/openapi.json"


def test_assets_are_served_locally(client):
    assert client.get("/static/app.css").status_code == 200
    plotly = client.get("/static/vendor/plotly.min.js")
    assert plotly.status_code == 200 and len(plotly.content) > 1_000_000


def test_user_api_checks_input_ownership_and_duplicates(client, person, make_member, session):
    stranger = make_member("supplier")
    body = {"email": "b@example.jp", "name": "B", "password": PASSWORD}
    url = f"/participants/{person.id}/users"
    assert client.post(url, json=body, headers=stranger.auth).status_code == 403
    short = client.post(url, json={**body, "password": "short"}, headers=person.auth)
    assert short.status_code == 422
    assert short.headers["content-type"] == "application/problem+json"
    duplicate = {**body, "email": "AIKO@example.jp"}
    assert client.post(url, json=duplicate, headers=person.auth).status_code == 409
    assert session.scalar(select(func.count()).select_from(User)) == 1
    listed = client.get(url, headers=person.auth).json()["data"]
    assert [u["email"] for u in listed] == ["aiko@example.jp"]
    assert "password" not in str(listed)


def test_every_message_is_in_both_languages_and_every_key_used_exists():
    catalogue = i18n.catalogue()
    for key, texts in catalogue.items():
        for language in i18n.LANGUAGES:
            assert texts.get(language, "").strip(), f"{key} has no {language} text"
    used = set()
    for template in TEMPLATES.glob("*.html"):
        used |= set(re.findall(r"""\bt\(\s*["']([a-z0-9_.]+)["']\s*[,)]""", template.read_text()))
    missing = sorted(used - set(catalogue))
    assert not missing, f"keys used in templates but not defined: {missing}"


def test_accept_language_is_read_by_quality():
    assert i18n.from_accept_language("en;q=0.4, ja;q=0.8") == "ja"
    assert i18n.from_accept_language("fr, en-US;q=0.7") == "en"
    assert i18n.from_accept_language("fr, de") is None
    assert i18n.from_accept_language("ja;q=0") is None
    assert i18n.from_accept_language("ja;q=abc, en") == "en"
