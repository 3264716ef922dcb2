"""Footprint pages through the real app: upload checked whole, footprint and lineage, answering
requests; access exactly as the API."""

from __future__ import annotations

import io
import re

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import func, select

from junkan.exchange.models import Grant
from junkan.footprint import exchange
from junkan.footprint.demo import FACTORS
from junkan.footprint.models import (
    ActivityLine,
    Component,
    Footprint,
    FootprintRequest,
    OutboundEvent,
    Product,
)
from junkan.footprint.service import import_factors
from junkan.identity.models import Participant
from junkan.identity.service import Caller
from junkan.ledger.models import LedgerEntry
from junkan.users import schemas as user_schemas
from junkan.users import service as users

PASSWORD = "correct horse battery"
HEADER = "line,kind,stage,description,quantity,unit,factor,region,supplier_footprint,primary\n"
GOOD = (
    HEADER + "activity,energy,main_production,kiln power,12,kWh,grid electricity,JP,,yes\n"
    "activity,process,main_production,stack CO2,0.5,kgCO2e,,,,yes\n"
    "component,,raw_materials,lithium hydroxide,0.48,kg,lithium hydroxide monohydrate,GLO,,\n"
)
# 12 kWh x 0.45 + 0.5 + 0.48 kg x 9.8 (the demo factors)
GOOD_TOTAL = 12 * 0.45 + 0.5 + 0.48 * 9.8


@pytest.fixture
def web(app, session, make_member):
    """Sign a new web user of a member in through POST /app/login; one browser per user."""
    clients = []
    import_factors(session, "test", None, FACTORS.read_text(encoding="utf-8"))

    def sign_in(member) -> TestClient:
        participant = session.get(Participant, member.id)
        email = f"user-{member.id[:8]}@example.com"
        users.create_user(
            session, participant, user_schemas.UserIn(email=email, name="Web", password=PASSWORD)
        )
        browser = TestClient(app, raise_server_exceptions=False)
        clients.append(browser)
        token = _csrf(browser.get("/app/login").text)
        response = browser.post(
            "/app/login",
            data={"email": email, "password": PASSWORD, "csrf_token": token, "next": "/app"},
            follow_redirects=False,
        )
        assert response.status_code == 303, response.text
        return browser

    yield sign_in
    for browser in clients:
        browser.close()


def _csrf(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def _upload(browser, text, filename="lines.csv", **fields):
    token = _csrf(browser.get("/app/upload").text)
    data = {"csrf_token": token, "product_id": "new"} | fields
    content = text.encode() if isinstance(text, str) else text
    return browser.post(
        "/app/upload", data=data, files={"file": (filename, content)}, follow_redirects=False
    )


NEW = {
    "part_number": "CAM-X",
    "plant": "Niihama",
    "name": "Cathode X",
    "declared_unit": "kg",
    "mass_per_declared_unit_kg": "1",
}


def _counts(session) -> tuple[int, ...]:
    session.expire_all()
    models = (Product, ActivityLine, Component, Footprint, LedgerEntry)
    return tuple(session.scalar(select(func.count()).select_from(m)) for m in models)


def _row(page: str, number: int) -> str:
    return re.search(rf'<tr id="row-{number}"[^>]*>.*?</tr>', page, re.S).group(0)


def test_a_bad_row_is_shown_on_its_row_and_nothing_is_stored(web, session, make_member):
    browser = web(make_member("supplier", name="Cathode Co"))
    before = _counts(session)
    bad = GOOD.replace("12,kWh", "12,kgg").replace("0.48,kg", "-1,kg")
    response = _upload(browser, bad, **NEW)
    assert response.status_code == 422
    assert 'class="error"' in _row(response.text, 2)
    assert "unknown unit &#39;kgg&#39;" in _row(response.text, 2)
    assert "use a unit such as kg" in _row(response.text, 2)
    assert 'class="error"' not in _row(response.text, 3)
    assert "-1 is not allowed" in _row(response.text, 4)
    assert "nothing was stored" in response.text
    assert 'value="CAM-X"' in response.text  # the form keeps what was typed
    assert _counts(session) == before

    response = _upload(browser, GOOD, **NEW)
    assert response.status_code == 303
    page = browser.get(response.headers["location"])
    assert page.status_code == 200
    footprint = session.get(Footprint, response.headers["location"].rsplit("/", 1)[1])
    assert footprint.total == pytest.approx(GOOD_TOTAL)
    assert f"{GOOD_TOTAL:.3f} kgCO₂e" in page.text
    assert 'id="stage-chart"' in page.text and "/static/vendor/plotly.min.js" in page.text
    assert '<td>Main product production</td><td class="num">5.9000</td>' in page.text
    assert "cdn" not in page.text.lower()
    assert "emission factor grid electricity (v1)" in page.text
    after = _counts(session)
    assert after[:4] == (before[0] + 1, before[1] + 2, before[2] + 1, before[3] + 1)


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("part,qty\nx,1\n", "missing column(s): line, description, quantity, unit"),
        ("", "the file is empty"),
        (HEADER, "the file holds no lines below its header row"),
        (GOOD.replace("grid electricity,JP", "grid electricity,XX"), "no factor for region"),
        (GOOD.replace("12,kWh", "12,kg"), "cannot be converted to &#39;kWh&#39;"),
        (GOOD.replace("12,kWh", '"1,5",kWh'), "use a dot as the decimal separator"),
        (GOOD.replace("main_production,kiln", "making,kiln"), "is not a life-cycle stage"),
    ],
)
def test_bad_files_say_what_to_fix_and_store_nothing(web, session, make_member, text, shown):
    browser = web(make_member("supplier"))
    before = _counts(session)
    response = _upload(browser, text, **NEW)
    assert response.status_code == 422
    assert shown in response.text
    assert _counts(session) == before


def test_a_failure_while_storing_leaves_nothing_half_imported(web, session, make_member):
    browser = web(make_member("supplier"))
    assert _upload(browser, GOOD, **NEW).status_code == 303
    before = _counts(session)
    response = _upload(browser, GOOD, **NEW)  # the same part at the same plant again
    assert response.status_code == 409
    assert "exists" in response.text
    assert _counts(session) == before


def test_the_templates_upload_as_they_are(web, session, make_member):
    browser = web(make_member("supplier"))
    csv_template = browser.get("/app/upload/template.csv")
    assert csv_template.status_code == 200
    text = csv_template.content.decode("utf-8-sig")
    assert text.startswith(HEADER.strip())
    assert "# aluminium (pack housing)" in text  # the usable factors are listed
    xlsx = browser.get("/app/upload/template.xlsx")
    book = load_workbook(io.BytesIO(xlsx.content))
    assert [c.value for c in book["lines"][1]] == HEADER.strip().split(",")
    assert book["factors"].max_row > 5
    response = _upload(browser, csv_template.content, "template.csv", **NEW)
    assert response.status_code == 303, response.text
    product = session.scalar(select(Product).where(Product.part_number == "CAM-X"))
    response = _upload(browser, xlsx.content, "template.xlsx", product_id=product.id)
    assert response.status_code == 303, response.text
    session.expire_all()
    versions = session.scalars(select(Footprint).where(Footprint.product_id == product.id)).all()
    assert sorted(f.version for f in versions) == [1, 2]
    assert sorted(f.status for f in versions) == ["Active", "Deprecated"]
    lines = session.scalar(
        select(func.count()).select_from(ActivityLine).where(ActivityLine.product_id == product.id)
    )
    assert lines == 4  # the second upload adds its lines to the product


def test_footprints_are_read_as_the_api_allows(web, session, make_member):
    maker, customer, stranger = (make_member("supplier", name=n) for n in ("Cam", "Cell", "X"))
    maker_web, customer_web, stranger_web = web(maker), web(customer), web(stranger)
    location = _upload(maker_web, GOOD, **NEW).headers["location"]
    footprint_id = location.rsplit("/", 1)[1]
    assert stranger_web.get(location).status_code == 403
    assert "CAM-X" not in stranger_web.get("/app/footprints").text
    # released through a request: the customer then uses it in its own bill of materials
    product = session.get(Footprint, footprint_id).product_id
    asker = Caller(participant_id=customer.id, roles=frozenset({"supplier"}), name="Cell")
    request = exchange.request_locally(
        session, asker, [session.get(Product, product)], None, "http://testserver"
    )
    page = maker_web.get(f"/app/requests/{request.id}")
    assert "asked for" in page.text and f'value="{footprint_id}" checked' in page.text
    released = maker_web.post(
        f"/app/requests/{request.id}/fulfil",
        data={"csrf_token": _csrf(page.text), "footprint_ids": footprint_id},
        follow_redirects=False,
    )
    assert released.status_code == 303, re.findall(
        r'alert error" role="alert">[^<]*', released.text
    )
    assert "answered" in maker_web.get(f"/app/requests/{request.id}").text
    session.expire_all()
    grants = session.scalars(select(Grant).where(Grant.subject == f"footprint:{footprint_id}"))
    assert [g.grantee_id for g in grants] == [customer.id]  # to that customer only
    assert session.scalar(select(func.count()).select_from(OutboundEvent)) == 0  # answered here
    sent = session.scalar(
        select(FootprintRequest).where(
            FootprintRequest.direction == "sent", FootprintRequest.event_id == request.event_id
        )
    )
    assert sent.status == "fulfilled" and sent.answer == {"footprints": [footprint_id]}
    assert stranger_web.get(location).status_code == 403

    shared = customer_web.get(location)
    assert shared.status_code == 200 and "Shared with you by Cam" in shared.text
    assert "recipe" in shared.text  # the lineage stays the owner's
    listing = customer_web.get("/app/footprints").text
    assert "shared with me" in listing and f'href="{location}"' in listing
    cell = HEADER + "component,,raw_materials,cathode,350,g,,,CAM-X,\n"
    cell_location = _upload(customer_web, cell, **NEW | {"declared_unit": "piece"})
    cell_page = customer_web.get(cell_location.headers["location"]).text
    assert "supplier&#39;s footprint" in cell_page
    assert f'<a href="{location}">Cam / CAM-X · v1</a>' in cell_page
    assert f"{0.35 * GOOD_TOTAL:.3f} kgCO₂e" in cell_page


def test_a_request_is_rejected_with_a_reason(web, session, make_member):
    maker, customer = make_member("supplier", name="Cam"), make_member("supplier", name="Cell")
    maker_web = web(maker)
    location = _upload(maker_web, GOOD, **NEW).headers["location"]
    product = session.get(Footprint, location.rsplit("/", 1)[1]).product_id
    asker = Caller(participant_id=customer.id, roles=frozenset({"supplier"}), name="Cell")
    request = exchange.request_locally(
        session, asker, [session.get(Product, product)], "please", "http://testserver"
    )
    listing = maker_web.get("/app/requests").text
    assert f'href="/app/requests/{request.id}"' in listing and "Cell" in listing
    page = maker_web.get(f"/app/requests/{request.id}").text
    empty = maker_web.post(
        f"/app/requests/{request.id}/reject", data={"csrf_token": _csrf(page), "reason": " "}
    )
    assert empty.status_code == 422 and "Give a reason" in empty.text
    forged = maker_web.post(
        f"/app/requests/{request.id}/reject", data={"csrf_token": "x", "reason": "no"}
    )
    assert forged.status_code == 403
    done = maker_web.post(
        f"/app/requests/{request.id}/reject",
        data={"csrf_token": _csrf(page), "reason": "not produced any more"},
    )
    assert done.status_code == 200 and "rejected" in done.text
    assert "not produced any more" in done.text
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(Grant)) == 0
    other = web(make_member("supplier"))
    assert other.get(f"/app/requests/{request.id}").status_code == 404


def test_fulfilling_with_a_footprint_the_format_cannot_express_is_invalid_input(
    web, client, session, make_member
):
    """PACT v2 needs a CPC code, which this product does not have: 422, nothing kept."""
    maker, customer = make_member("supplier"), make_member("supplier")
    location = _upload(web(maker), GOOD, **NEW).headers["location"]
    footprint = session.get(Footprint, location.rsplit("/", 1)[1])
    asker = Caller(participant_id=customer.id, roles=frozenset({"supplier"}), name="Cell")
    product = session.get(Product, footprint.product_id)
    request = exchange.request_locally(
        session, asker, [product], None, "http://testserver", version=2
    )
    response = client.post(
        f"/pact/requests/{request.id}/fulfil",
        headers=maker.auth,
        json={"footprint_ids": [footprint.id]},
    )
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert "PACT v2" in response.json()["detail"]
    session.expire_all()
    assert session.get(FootprintRequest, request.id).status == "pending"
    assert session.scalar(select(func.count()).select_from(Grant)) == 0


def test_pages_speak_japanese_too(web, make_member):
    browser = web(make_member("supplier"))
    browser.cookies.set("junkan_lang", "ja")
    response = _upload(browser, GOOD.replace("12,kWh", "12,kgg"), **NEW)
    assert "不明な単位 &#39;kgg&#39;" in response.text
    for path in ("/app/upload", "/app/footprints", "/app/requests"):
        text = browser.get(path).text
        assert not re.search(r"\b(fp|req|upload|sheet|stage|nav)\.[a-z_]+\b", text), path
