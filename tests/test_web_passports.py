"""Passport and due-diligence pages through the app: who sees which fields on the QR page, the
operator's list with its filter and pages, state of health, and the report page."""

from __future__ import annotations

import json
import re
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from passport_samples import STATIC
from sqlalchemy import func, select

from junkan.identity.models import Participant
from junkan.passport.models import Passport
from junkan.users import service as users
from junkan.users.schemas import UserIn
from junkan.web.session import SESSION_COOKIE

BATTERY = "/01/04934567000042/21/NMC000042"
MINIMAL = {
    key: STATIC[key]
    for key in (
        "battery_category",
        "manufacturer_name",
        "manufacturing_place",
        "manufacturing_date",
        "battery_mass",
    )
}


def web_session(session, member, language=None) -> dict[str, str]:
    """A real signed-in browser session of a user of `member`, as its cookie."""
    participant = session.get(Participant, member.id)
    email = f"user-{uuid.uuid4().hex[:10]}@example.com"
    data = UserIn(
        email=email, name="Test User", password="correct horse battery", language=language
    )
    user = users.create_user(session, participant, data)
    return {SESSION_COOKIE: users.start_session(session, user)}


def html_get(client, url, cookies=None, **headers):
    client.cookies.clear()
    for name, value in (cookies or {}).items():
        client.cookies.set(name, value)
    return client.get(url, headers={"Accept": "text/html", **headers})


@pytest.fixture
def issued(client, carmaker):
    response = client.post(
        "/passports", headers=carmaker.auth, json={"battery_id": BATTERY, "data": STATIC}
    )
    assert response.status_code == 201, response.text
    return response.json()["id"]


def test_the_qr_page_shows_the_public_fields_to_the_public_and_more_to_a_recycler(
    client, session, make_member, issued
):
    public = html_get(client, BATTERY)
    assert public.status_code == 200 and public.headers["content-language"] == "en"
    text = public.text
    assert "Battery chemistry" in text and "NMC811" in text
    assert "Dismantling and removal manuals" not in text and "Safety measures" not in text
    assert "State of health" not in text  # condition data is not public
    # readable without JavaScript: no inline script, only the verification script deferred
    assert re.findall(r"<script[^>]*>", text) == ['<script src="/static/verify.js" defer>']
    assert f'href="/passports/{issued}?proof=true"' in text  # the proof without JavaScript
    assert "https://junkan.example/dd/AZ-NMC811-75" in text  # the due-diligence report link

    recycler = make_member("recycler", name="Kyushu Recycling")
    seen = html_get(client, BATTERY, web_session(session, recycler)).text
    assert "Dismantling and removal manuals" in seen and "Safety measures" in seen
    assert "Test User · Kyushu Recycling" in seen  # the resolver knows the signed-in user
    assert "Results of test reports" not in seen  # point 3 is for authorities only
    assert "persons with a legitimate interest" in seen


def test_the_passport_page_speaks_japanese(client, session, make_member, issued):
    ja = html_get(client, BATTERY, {"junkan_lang": "ja"})
    assert '<html lang="ja">' in ja.text and ja.headers["content-language"] == "ja"
    assert "識別情報と製品データ" in ja.text and "台帳の証明（JSON）" in ja.text
    assert "Identification and product data" not in ja.text
    # a signed-in user's own setting applies too
    member = make_member("repairer")
    assert '<html lang="ja">' in html_get(client, BATTERY, web_session(session, member, "ja")).text


def test_the_resolver_still_answers_json_and_bearer_callers(client, make_member, issued):
    recycler = make_member("recycler")
    body = client.get(BATTERY, headers={"Accept": "application/json", **recycler.auth}).json()
    assert "dismantling_information" in body["data"]
    page = client.get(BATTERY, headers={"Accept": "text/html", **recycler.auth})
    assert "Dismantling and removal manuals" in page.text


def test_the_signed_in_passport_view_needs_a_user(client, session, carmaker, issued):
    anonymous = html_get(client, f"/app/passports/{issued}")
    assert anonymous.status_code == 200 and "/app/login" in str(anonymous.url)
    mine = html_get(client, f"/app/passports/{issued}", web_session(session, carmaker))
    assert mine.status_code == 200 and "Dismantling and removal manuals" in mine.text
    assert "Test User · Aizu Motors Corporation" in mine.text
    assert 'href="/app/passports" aria-current="page"' in mine.text
    missing = html_get(client, "/app/passports/nope", web_session(session, carmaker))
    assert missing.status_code == 404 and "<html" in missing.text


def test_the_list_filters_and_pages_the_operators_own_passports(
    client, session, carmaker, make_member
):
    lines = [
        {"battery_id": f"urn:junkan:battery:L{n:03d}", "data": MINIMAL | {"battery_model": model}}
        for n, model in enumerate(["M-A"] * 22 + ["M-B"] * 3)
    ]
    body = "\n".join(json.dumps(line) for line in lines).encode()
    created = client.post(
        "/passports/import",
        headers=carmaker.auth | {"Content-Type": "application/x-ndjson"},
        content=body,
    )
    assert created.status_code == 200 and created.json()["created"] == 25, created.text
    other = make_member("economic_operator", name="Other Maker")
    client.post(
        "/passports",
        headers=other.auth,
        json={"battery_id": "urn:junkan:battery:OTHER", "data": MINIMAL | {"battery_model": "X"}},
    )
    cookies = web_session(session, carmaker)

    first = html_get(client, "/app/passports", cookies).text
    assert first.count("urn:junkan:battery:L") == 20 * 2  # link text and its public address
    assert "urn:junkan:battery:OTHER" not in first
    assert 'rel="next" href="/app/passports?page=2&amp;model=&amp;status="' in first
    assert '<label for="filter-model">Battery model</label>' in first
    second = html_get(client, "/app/passports?page=2", cookies).text
    assert second.count('href="/app/passports/') == 5 and 'rel="prev"' in second
    assert 'rel="next"' not in second

    only_b = html_get(client, "/app/passports?model=M-B", cookies).text
    assert only_b.count('href="/app/passports/') == 3
    assert '<option value="M-B" selected>' in only_b
    assert (
        html_get(client, "/app/passports?status=waste", cookies).text.count('href="/app/passports/')
        == 0
    )
    unknown = html_get(client, "/app/passports?status=stolen", cookies).text
    assert unknown.count('href="/app/passports/') == 20  # an unknown status filters nothing

    recycler = make_member("recycler")
    refused = html_get(client, "/app/passports", web_session(session, recycler))
    assert refused.status_code == 403
    assert 'href="/app/passports"' not in refused.text  # not in a recycler's navigation


def test_state_of_health_for_the_entitled_with_local_plotly(client, session, carmaker, issued):
    start = datetime(2026, 1, 1, 12, tzinfo=UTC)
    readings = [
        {
            "measured_at": (start + timedelta(days=d)).isoformat(),
            "soce": round(100 - 0.03 * d, 3),
            "full_cycles": d * 0.8,
        }
        for d in range(0, 200, 2)
    ]
    uploaded = client.post(
        f"/passports/{issued}/telemetry",
        headers=carmaker.auth | {"Content-Type": "application/x-ndjson"},
        content="\n".join(json.dumps(r) for r in readings).encode(),
    )
    assert uploaded.status_code == 200, uploaded.text
    page = html_get(client, f"/app/passports/{issued}", web_session(session, carmaker)).text
    assert "State of health" in page and "Second-life grade" in page
    assert "Reasons for the grade" in page
    assert '<script src="/static/vendor/plotly.min.js"></script>' in page
    assert "Plotly.newPlot" in page and len(page) < 400_000  # plotly.js itself is not inlined
    assert "State of health" not in html_get(client, BATTERY).text
    # the API's chart stays a self-contained page
    chart = client.get(f"/passports/{issued}/health/chart", headers=carmaker.auth)
    assert chart.status_code == 200 and len(chart.text) > 1_000_000


def _map(client, carmaker, supplier):
    """A refiner's certified lot granted to the carmaker, and the carmaker's pack lot."""

    def post(member, path, body):
        response = client.post(path, json=body, headers=member.auth)
        assert response.status_code == 201, response.text
        return response.json()

    lot = {"material": "cobalt", "produced_on": "2026-02-01"}
    made = post(supplier, "/diligence/map", {
        "entities": [{"key": "op", "name": "Mine Operator SA", "jurisdiction": "CL"}],
        "sites": [{"key": "mine", "name": "Good mine", "stage": "mine", "country": "CL",
                   "operator": "op"},
                  {"key": "ref", "name": "Good refiner", "stage": "refiner", "country": "FI",
                   "operator": "op"}],
        "lots": [lot | {"key": "M1", "site": "mine", "mass_kg": 1000, "inputs": []},
                 lot | {"key": "R1", "site": "ref", "mass_kg": 900,
                        "inputs": [{"lot": "M1", "mass_kg": 1000}]}],
    })  # fmt: skip
    until = (datetime.now(UTC) + timedelta(days=30)).isoformat()
    post(supplier, "/grants", {"grantee": carmaker.id, "subject": "lot:*",
                               "purpose": "due diligence", "valid_until": until})  # fmt: skip
    post(carmaker, "/diligence/map", {
        "entities": [{"key": "me", "name": "Aizu Motors Corporation", "jurisdiction": "JP"}],
        "sites": [{"key": "plant", "name": "Pack plant", "stage": "pack", "country": "JP",
                   "operator": "me"}],
        "lots": [lot | {"key": "P1", "site": "plant", "mass_kg": 900, "battery_model": "DD-1",
                        "produced_on": "2026-03-01",
                        "inputs": [{"lot": made["lots"]["R1"], "mass_kg": 900}]}],
    })  # fmt: skip
    post(
        carmaker,
        "/diligence/assessments",
        {"battery_model": "DD-1", "period_start": "2026-01-01", "period_end": "2026-06-30"},
    )


def test_due_diligence_overview_and_report_page(client, session, carmaker, make_member):
    supplier = make_member("supplier", name="Refiner Oy", country="FI")
    _map(client, carmaker, supplier)
    cookies = web_session(session, carmaker)
    overview = html_get(client, "/app/diligence", cookies).text
    assert 'href="/app/diligence/DD-1"' in overview
    public = f"/diligence/reports/{carmaker.id}/DD-1"
    assert f'href="{public}?format=pdf"' in overview and f'href="{public}?format=json"' in overview
    report = html_get(client, "/app/diligence/DD-1", cookies)
    assert report.status_code == 200
    assert "Step 2" in report.text and "Good refiner" in report.text
    assert '<script src="/static/vendor/plotly.min.js"></script>' in report.text
    assert '"type":"sankey"' in report.text and len(report.text) < 400_000
    assert "Test User · Aizu Motors Corporation" in report.text  # inside the web interface
    # the public report keeps working as a self-contained page
    assert client.get(public).status_code == 200
    assert html_get(client, "/app/diligence/NOPE", cookies).status_code == 404
    other = make_member("economic_operator")
    assert html_get(client, "/app/diligence/DD-1", web_session(session, other)).status_code == 404


def test_pages_write_nothing(client, session, carmaker, issued):
    """Reading pages stores no passport data (only the session that signs in)."""
    before = session.scalar(select(func.count()).select_from(Passport))
    cookies = web_session(session, carmaker)
    for url in ("/app/passports", f"/app/passports/{issued}", BATTERY, "/app/diligence"):
        assert html_get(client, url, cookies).status_code == 200
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(Passport)) == before
