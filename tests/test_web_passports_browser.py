"""Passport pages in a real browser: the QR address for the public and for a recycler, the
language switch, the ledger check in the page (and a tampered proof), and the screenshots."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from playwright.sync_api import expect
from servers import sign_in

QR = "/01/04934567000011/21/NMC811000002"  # a demo NMC pack with telemetry and a DD report
MARK = "#ledger-mark"


def test_the_qr_address_shows_the_public_less_than_a_signed_in_recycler(page, live_server):
    base, _ = live_server
    page.goto(base + QR)
    expect(page.get_by_role("heading", name="Materials and composition")).to_be_visible()
    expect(page.get_by_role("rowheader", name="Battery chemistry")).to_be_visible()
    expect(page.get_by_role("rowheader", name="Dismantling and removal manuals")).to_have_count(0)
    expect(page.get_by_role("rowheader", name="Safety measures")).to_have_count(0)
    expect(page.get_by_role("heading", name="State of health")).to_have_count(0)
    expect(page.get_by_role("link", name="Due-diligence report")).to_be_visible()

    sign_in(page, live_server, "recycler")
    page.goto(base + QR)
    expect(page.get_by_role("rowheader", name="Dismantling and removal manuals")).to_be_visible()
    expect(page.get_by_role("rowheader", name="Safety measures")).to_be_visible()
    expect(page.get_by_role("heading", name="State of health")).to_be_visible()
    expect(page.locator(".card .plot-container")).to_be_visible()  # the SOCE chart drew
    expect(page.get_by_role("rowheader", name="Results of test reports")).to_have_count(0)


def test_the_public_passport_switches_to_japanese(page, live_server):
    base, _ = live_server
    page.goto(base + QR)
    page.get_by_role("link", name="日本語").click()
    expect(page.get_by_role("heading", name="識別情報と製品データ")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "ja")
    expect(page.locator(MARK + " .mark")).to_have_text("台帳で検証済み")
    page.get_by_role("link", name="English").click()
    expect(page.get_by_role("heading", name="Identification and product data")).to_be_visible()


def test_the_ledger_mark_verifies_and_a_tampered_proof_does_not(page, live_server):
    base, _ = live_server
    page.goto(base + QR)
    expect(page.locator(MARK + " .mark")).to_have_text("Verified in the ledger")
    expect(page.locator(MARK)).to_contain_text("tree head signature (Ed25519)")
    results = page.evaluate(
        """async () => {
        const mark = document.querySelector("#ledger-mark");
        const record = await (await fetch(mark.dataset.proofUrl)).json();
        const keys = (await (await fetch("/ledger/keys")).json()).data;
        const subject = mark.dataset.subject;
        const copy = () => JSON.parse(JSON.stringify(record.ledger));
        const flip = (hex) => (hex[0] === "0" ? "1" : "0") + hex.slice(1);
        const check = async (ledger, who = subject) =>
            (await window.junkanVerify.verifyRecord(ledger, keys, who)).ok;
        const leaf = copy(); leaf.leaf_data = leaf.leaf_data.replace('"seq":', '"seq": ');
        const path = copy(); path.proof.hashes[0] = flip(path.proof.hashes[0]);
        const root = copy(); root.proof.root_hash = root.proof.tree_head.root_hash =
            flip(root.proof.root_hash);
        const signature = copy(); const h = signature.proof.tree_head;
        h.timestamp = h.timestamp.replace(/T\\d\\d/, "T00");
        return {
            genuine: await check(copy()),
            leaf: await check(leaf),
            path: await check(path),
            root: await check(root),
            signature: await check(signature),
            subject: await check(copy(), "passport:another"),
        };
    }"""
    )
    assert results == {
        "genuine": True,
        "leaf": False,
        "path": False,
        "root": False,
        "signature": False,
        "subject": False,
    }


def test_the_public_passport_is_readable_without_javascript(browser, live_server):
    base, _ = live_server
    context = browser.new_context(java_script_enabled=False, locale="en-GB")
    page = context.new_page()
    page.goto(base + QR)
    expect(page.get_by_role("rowheader", name="Battery chemistry")).to_be_visible()
    expect(page.get_by_role("link", name="Ledger proof (JSON)")).to_be_visible()
    expect(page.locator(MARK + " .mark")).to_be_empty()
    context.close()


def test_the_passport_list_works_from_the_keyboard(page, live_server):
    base, _ = live_server
    sign_in(page, live_server, "carmaker")
    page.goto(f"{base}/app/passports")
    page.get_by_label("Battery model").focus()
    page.keyboard.press("End")  # the last model in the list
    model = page.get_by_label("Battery model").input_value()
    page.get_by_role("button", name="Filter").focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{base}/app/passports?model={model}&status=")
    rows = page.locator("tbody tr")
    expect(rows.first).to_be_visible()
    for text in rows.all_inner_texts():
        assert model in text


def test_screenshots_of_the_main_pages(browser, live_server, tmp_path):
    """docs/screenshots/take.py against the live demo, so the README's pictures stay takeable."""
    base, directory = live_server
    path = Path(__file__).resolve().parent.parent / "docs" / "screenshots" / "take.py"
    spec = importlib.util.spec_from_file_location("take", path)
    take = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(take)
    shots = [s for s in take.SHOTS if s.name in ("passport-public.png", "due-diligence-report.png")]
    written = take.take(base, directory, browser, tmp_path, shots)
    assert [p.name for p in written] == [s.name for s in shots]
    assert all(p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for p in written)
