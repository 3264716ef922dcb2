"""Two Junkan servers on loopback exchange footprints as PACT hosts: the cell maker's node asks
the cathode maker's node, the cathode maker fulfils, the answer arrives by itself, and the
footprint is used in the cell maker's own bill of materials. Both run the real CLI."""

import json
import os
import subprocess
import sys
import time

import httpx
import pytest
from servers import running_server

FAST = {"JUNKAN_PACT_DELIVERY_SECONDS": "0.3"}


def _credentials(workdir, key):
    people = json.loads((workdir / "var" / "demo-credentials.json").read_text())["participants"]
    return next(p for p in people if p["key"] == key)


def _token(base, person):
    response = httpx.post(
        f"{base}/auth/token",
        data={"grant_type": "client_credentials"},
        auth=(person["client_id"], person["client_secret"]),
    )
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def _eventually(check, seconds=20.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.2)
    pytest.fail("the event did not arrive in time")


@pytest.fixture(scope="module")
def hosts(tmp_path_factory):
    with (
        running_server(tmp_path_factory.mktemp("supplier"), passports=0, **FAST) as supplier,
        running_server(tmp_path_factory.mktemp("customer"), passports=0, **FAST) as customer,
    ):
        yield supplier, customer


def test_request_fulfil_callback_between_two_hosts(hosts):
    (a, a_dir), (b, b_dir) = hosts
    cathode_at_a, cells_at_a = (
        _credentials(a_dir, "cathode_maker"),
        _credentials(a_dir, "cell_maker"),
    )
    cathode_at_b, cells_at_b = (
        _credentials(b_dir, "cathode_maker"),
        _credentials(b_dir, "cell_maker"),
    )
    supplier, customer = _token(a, cathode_at_a), _token(b, cells_at_b)
    own = httpx.get(f"{a}/3/footprints", headers=supplier).json()["data"]
    cam = next(d for d in own if d["productNameCompany"] == "NMC811-CAM")

    # each side holds credentials at the other host
    for host, headers, person in ((b, customer, cells_at_a), (a, supplier, cathode_at_b)):
        other = a if host == b else b
        response = httpx.post(
            f"{host}/pact/partners",
            headers=headers,
            json={
                "base_url": other,
                "client_id": person["client_id"],
                "client_secret": person["client_secret"],
            },
        )
        assert response.status_code == 201, response.text

    sent = httpx.post(
        f"{b}/pact/requests",
        headers=customer,
        json={"base_url": a, "product_ids": cam["productIds"], "comment": "for our cell PCF"},
    )
    assert sent.status_code == 201, sent.text
    received = _eventually(  # the demo holds a request of its own: wait for this one
        lambda: [
            r
            for r in httpx.get(f"{a}/pact/requests", headers=supplier).json()["data"]
            if r["event_id"] == sent.json()["event_id"]
        ]
    )
    assert received[0]["event_id"] == sent.json()["event_id"]
    assert received[0]["comment"] == "for our cell PCF"

    fulfilled = httpx.post(
        f"{a}/pact/requests/{received[0]['id']}/fulfil",
        headers=supplier,
        json={"footprint_ids": [cam["id"]]},
    )
    assert fulfilled.status_code == 200, fulfilled.text

    def answered():
        mine = httpx.get(f"{b}/pact/requests", headers=customer, params={"direction": "sent"})
        request = mine.json()["data"][0]
        return request if request["status"] == "fulfilled" else None

    request = _eventually(answered)
    [local_id] = request["answer"]["footprints"]
    held = httpx.get(f"{b}/footprints/{local_id}", headers=customer).json()
    assert held["total"] == pytest.approx(float(cam["pcf"]["pcfExcludingBiogenicUptake"]))
    # the supplier released it to this customer only: the customer reads it at the supplier too
    assert (
        httpx.get(f"{a}/3/footprints/{cam['id']}", headers=_token(a, cells_at_a)).status_code == 200
    )

    product = httpx.post(
        f"{b}/footprints/products",
        headers=customer,
        json={"part_number": "CELL-X", "plant": "Himeji", "name": "cell", "declared_unit": "piece"},
    )
    line = {
        "description": "cathode",
        "quantity": 0.35,
        "unit": "kg",
        "supplier_footprint_id": local_id,
    }
    assert (
        httpx.post(
            f"{b}/footprints/products/{product.json()['id']}/components",
            headers=customer,
            json=line,
        ).status_code
        == 201
    )
    cell = httpx.post(f"{b}/footprints/products/{product.json()['id']}/compute", headers=customer)
    assert cell.json()["total"] == pytest.approx(0.35 * held["total"])

    # the supplier recomputes: the customer who received v1 is told, and fetches v2 by itself
    product_at_a = httpx.get(f"{a}/footprints/{cam['id']}", headers=supplier).json()["product_id"]
    newer = httpx.post(f"{a}/footprints/products/{product_at_a}/compute", headers=supplier).json()

    def published():
        held_now = httpx.get(f"{b}/footprints", headers=customer, params={"received": "true"})
        ids = {f["provenance"]["id"] for f in held_now.json()}
        return ids if newer["id"] in ids else None

    assert _eventually(published) >= {cam["id"], newer["id"]}


def test_a_rejection_arrives_and_a_pull_fetches_what_is_shared(hosts):
    (a, a_dir), (b, b_dir) = hosts
    supplier = _token(a, _credentials(a_dir, "cathode_maker"))
    customer = _token(b, _credentials(b_dir, "cell_maker"))
    own = httpx.get(f"{a}/3/footprints", headers=supplier).json()["data"]
    cam = next(d for d in own if d["productNameCompany"] == "NMC811-CAM")
    sent = httpx.post(
        f"{b}/pact/requests",
        headers=customer,
        json={"base_url": a, "product_ids": cam["productIds"], "version": 2},
    )
    assert sent.status_code == 201, sent.text

    def pending():
        rows = httpx.get(f"{a}/pact/requests", headers=supplier).json()["data"]
        return next((r for r in rows if r["event_id"] == sent.json()["event_id"]), None)

    request = _eventually(pending)
    rejected = httpx.post(
        f"{a}/pact/requests/{request['id']}/reject",
        headers=supplier,
        json={"message": "the 2026 PCF is not verified yet"},
    )
    assert rejected.status_code == 200

    def answered():
        rows = httpx.get(f"{b}/pact/requests", headers=customer, params={"direction": "sent"})
        row = next(r for r in rows.json()["data"] if r["event_id"] == sent.json()["event_id"])
        return row if row["status"] == "rejected" else None

    row = _eventually(answered)
    assert row["answer"]["error"]["message"] == "the 2026 PCF is not verified yet"

    # the pull client, as a user runs it on the customer's node
    cells_at_a = _credentials(a_dir, "cell_maker")
    cells_here = _credentials(b_dir, "cell_maker")
    env = {"JUNKAN_DATABASE_URL": f"sqlite:///{b_dir}/var/junkan.db"}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "junkan.cli",
            "pact",
            "pull",
            "--from",
            a,
            "--client-id",
            cells_at_a["client_id"],
            "--client-secret",
            cells_at_a["client_secret"],
            "--as",
            cells_here["id"],
        ],
        cwd=b_dir,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    # what the cell maker may see at the supplier's host: both versions of the cathode
    # footprint released to it, and its own cell footprint there
    assert "3 footprint(s)" in result.stdout
    bad = subprocess.run(
        [
            sys.executable,
            "-m",
            "junkan.cli",
            "pact",
            "pull",
            "--from",
            a,
            "--client-id",
            "nobody",
            "--client-secret",
            "wrong",
            "--as",
            cells_here["id"],
        ],
        cwd=b_dir,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
    )
    assert bad.returncode != 0 and "token refused" in bad.stderr
