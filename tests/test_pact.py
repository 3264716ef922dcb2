"""The PACT host, v2.3 and v3.0 side by side: every response checked against the official
OpenAPI document of its version."""

from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from junkan.footprint.formats import validate, validate_response
from junkan.footprint.models import FootprintRequest

POWER = "name,unit,kgco2e,region,year,source,licence\ngrid,kWh,0.45,JP,2024,IEA 2024,CC-BY-4.0\n"


def _post(client, member, path, body=None, expect=201):
    response = client.post(path, headers=member.auth, json=body)
    assert response.status_code == expect, response.text
    return response.json()


@pytest.fixture
def shared(client, make_member):
    """A cathode maker with two footprint versions of one product, and a third product; the
    latest footprint is granted to the cell maker."""
    maker = make_member("supplier", name="Cathode Co")
    imported = client.post(
        "/footprints/factors/import",
        content=POWER,
        headers=maker.auth | {"Content-Type": "text/csv"},
    )
    factor = imported.json()[0]["id"]
    details = {
        "description": "NMC811 cathode active material",
        "cpc_code": "34250",
        "mass_per_declared_unit_kg": 1.0,
        "un_region": "Eastern Asia",
    }
    products = []
    for part in ("NMC811-CAM", "LFP-CAM"):
        product = _post(
            client,
            maker,
            "/footprints/products",
            {
                "part_number": part,
                "plant": "Himeji",
                "name": part,
                "declared_unit": "kg",
                "country": "JP",
                "details": details,
            },
        )["id"]
        _post(
            client,
            maker,
            f"/footprints/products/{product}/activities",
            {
                "kind": "energy",
                "stage": "main_production",
                "description": "power",
                "quantity": 12.0,
                "unit": "kWh",
                "factor_id": factor,
                "quality": {"technological": 1, "geographical": 1, "temporal": 2},
            },
        )
        products.append(product)
    first = _post(client, maker, f"/footprints/products/{products[0]}/compute")
    latest = _post(client, maker, f"/footprints/products/{products[0]}/compute")
    other = _post(client, maker, f"/footprints/products/{products[1]}/compute")
    cell_maker = make_member("supplier", name="Cell Co")
    until = (datetime.now(UTC) + timedelta(days=30)).isoformat()
    _post(
        client,
        maker,
        "/grants",
        {
            "grantee": cell_maker.id,
            "subject": f"footprint:{latest['id']}",
            "purpose": "PCF exchange",
            "valid_until": until,
        },
    )
    return maker, cell_maker, first, latest, other


def test_list_and_get_in_both_versions_validate(client, shared):
    maker, cell_maker, first, latest, other = shared
    for version, kind in ((2, "pact-v2"), (3, "pact-v3")):
        own = client.get(f"/{version}/footprints", headers=maker.auth)
        assert own.status_code == 200
        assert validate_response(version, "ListFootprints", 200, own.json()) == []
        ids = [d["id"] for d in own.json()["data"]]
        assert set(ids) == {first["id"], latest["id"], other["id"]}
        granted = client.get(f"/{version}/footprints", headers=cell_maker.auth).json()["data"]
        assert [d["id"] for d in granted] == [latest["id"]]
        document = client.get(f"/{version}/footprints/{latest['id']}", headers=cell_maker.auth)
        assert document.status_code == 200
        assert validate_response(version, "GetFootprint", 200, document.json()) == []
        data = document.json()["data"]
        assert validate(kind, data) == []
        assert data["precedingPfIds"] == [first["id"]]
    v3 = client.get(f"/3/footprints/{latest['id']}", headers=maker.auth).json()["data"]
    assert v3["pcf"]["pcfExcludingBiogenicUptake"] == str(12 * 0.45)  # decimals as strings
    old = client.get(f"/3/footprints/{first['id']}", headers=maker.auth).json()["data"]
    assert old["status"] == "Deprecated"


def test_pages_follow_the_link_header_on_the_same_host(client, shared):
    maker = shared[0]
    seen, url = [], "/3/footprints?limit=2"
    while url:
        response = client.get(url, headers=maker.auth)
        assert response.status_code == 200
        seen += [d["id"] for d in response.json()["data"]]
        link = response.headers.get("link")
        if link:
            target = link.split(";")[0].strip("<>")
            assert target.startswith("http://testserver/3/footprints?") and 'rel="next"' in link
            parts = urlsplit(target)
            url = f"{parts.path}?{parts.query}"
        else:
            url = None
    assert len(seen) == 3 and len(set(seen)) == 3


def test_v2_filter_and_v3_parameters(client, shared):
    maker, _, first, latest, other = shared
    product = client.get(f"/3/footprints/{other['id']}", headers=maker.auth).json()["data"]
    urn = product["productIds"][0]
    found = client.get(
        "/2/footprints",
        headers=maker.auth,
        params={"$filter": f"productIds/any(productId:(productId eq '{urn}'))"},
    ).json()["data"]
    assert [d["id"] for d in found] == [other["id"]]
    found = client.get(
        "/2/footprints",
        headers=maker.auth,
        params={"$filter": "pcf/geographyCountry eq 'JP' and created ge 2020-01-01T00:00:00Z"},
    ).json()["data"]
    assert len(found) == 3
    deprecated = client.get(
        "/3/footprints", headers=maker.auth, params={"status": "deprecated"}
    ).json()["data"]
    assert [d["id"] for d in deprecated] == [first["id"]]
    by_product = client.get(
        "/3/footprints",
        headers=maker.auth,
        params=[("productId", urn.upper()), ("productId", "urn:x:y")],
    ).json()
    assert [d["id"] for d in by_product["data"]] == [other["id"]]


@pytest.mark.parametrize(
    "version, path, params, status, code",
    [
        (2, "/2/footprints", {"$filter": "colour eq 'blue'"}, 400, "BadRequest"),
        (2, "/2/footprints", {"$filter": "created ge yesterday"}, 400, "BadRequest"),
        (3, "/3/footprints", {"validOn": "soon"}, 400, "BadRequest"),
        (3, "/3/footprints/00000000-0000-4000-8000-000000000000", {}, 404, "NotFound"),
        (2, "/2/footprints/00000000-0000-4000-8000-000000000000", {}, 404, "NoSuchFootprint"),
    ],
)
def test_errors_use_each_versions_codes(client, shared, version, path, params, status, code):
    response = client.get(path, headers=shared[1].auth, params=params)
    assert response.status_code == status
    assert response.json()["code"] == code and response.json()["message"]
    if code != "NoSuchFootprint":  # v2's prose names it; its OpenAPI file says NotFound
        operation = "GetFootprint" if path.count("/") == 3 else "ListFootprints"
        assert validate_response(version, operation, status, response.json()) == []


def test_unshared_and_anonymous_access_is_denied(client, shared, make_member):
    maker, cell_maker, first, latest, other = shared
    response = client.get(f"/3/footprints/{other['id']}", headers=cell_maker.auth)
    assert response.status_code == 403 and response.json()["code"] == "AccessDenied"
    for version in (2, 3):
        response = client.get(f"/{version}/footprints")
        assert response.status_code == 403 and response.json()["code"] == "AccessDenied"
    expired = client.get("/3/footprints", headers={"Authorization": "Bearer not-a-token"})
    assert expired.status_code in (401, 403)


def _requests(session):
    return session.scalar(select(func.count()).select_from(FootprintRequest))


def test_a_request_event_is_queued_once_and_bad_events_store_nothing(client, session, shared):
    maker, cell_maker, first, latest, other = shared
    urn = client.get(f"/3/footprints/{other['id']}", headers=maker.auth).json()["data"][
        "productIds"
    ][0]
    event = {
        "type": "org.wbcsd.pact.ProductFootprint.RequestCreatedEvent.3",
        "specversion": "1.0",
        "id": "4c1a2f9e-request-1",
        "source": "//cells.example/3/events",
        "time": "2026-11-20T09:00:00Z",
        "data": {"productId": [urn], "comment": "for our 2026 cell PCF"},
    }
    headers = cell_maker.auth | {"Content-Type": "application/cloudevents+json"}
    for _ in range(2):  # a retried delivery is stored once
        response = client.post("/3/events", headers=headers, json=event)
        assert response.status_code == 200 and response.content == b""
    assert _requests(session) == 1
    before = _requests(session)
    for bad in (
        {**event, "type": "org.wbcsd.pact.Nonsense.3"},
        {k: v for k, v in event.items() if k != "source"},
        {**event, "id": "other", "data": {"productId": ["urn:pact:unknown:product"]}},
    ):
        response = client.post("/3/events", headers=headers, json=bad)
        assert response.status_code == 400, response.text
        assert response.json()["code"] == "BadRequest"
    response = client.post("/3/events", headers=headers, content=b"{not json")
    assert response.status_code == 400
    assert _requests(session) == before


def test_a_footprint_exports_to_every_format_valid_against_its_schema(client, shared, make_member):
    maker, cell_maker, first, latest, other = shared
    for name in ("pact-v2", "pact-v3", "catenax-pcf-7", "catenax-pcf-9"):
        response = client.get(f"/footprints/{latest['id']}/export/{name}", headers=cell_maker.auth)
        assert response.status_code == 200, response.text
        assert validate(name, response.json()) == []
    assert (
        client.get(f"/footprints/{latest['id']}/export/pact-v9", headers=maker.auth).status_code
        == 404
    )
    bare = make_member("supplier")
    product = _post(
        client,
        bare,
        "/footprints/products",
        {"part_number": "X", "plant": "P", "name": "x", "declared_unit": "kg", "country": "JP"},
    )
    _post(
        client,
        bare,
        f"/footprints/products/{product['id']}/activities",
        {
            "kind": "process",
            "stage": "main_production",
            "description": "kiln",
            "quantity": 1,
            "unit": "kgCO2e",
        },
    )
    footprint = _post(client, bare, f"/footprints/products/{product['id']}/compute")
    refused = client.get(f"/footprints/{footprint['id']}/export/catenax-pcf-9", headers=bare.auth)
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"]
