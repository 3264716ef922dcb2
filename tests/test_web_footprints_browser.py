"""Footprint pages in a real browser (Debian's Chromium through Playwright) on the demo."""

from __future__ import annotations

import re

from playwright.sync_api import expect
from servers import sign_in

HEADER = "line,kind,stage,description,quantity,unit,factor,region,supplier_footprint,primary\n"
LINES = (
    HEADER + "activity,energy,main_production,kiln power,12,kWh,grid electricity,JP,,yes\n"
    "activity,process,main_production,stack CO2,0.5,{unit},,,,yes\n"
    "component,,raw_materials,lithium hydroxide,0.48,kg,lithium hydroxide monohydrate,GLO,,\n"
)
TOTAL = 12 * 0.45 + 0.5 + 0.48 * 9.8  # the demo's factors
SLOW = 20_000  # ms: a page computing a footprint on a busy test machine


def _choose_file(page, text: str) -> None:
    page.get_by_label("File (.csv or .xlsx)").set_input_files(
        files=[{"name": "lines.csv", "mimeType": "text/csv", "buffer": text.encode()}]
    )


def test_an_upload_with_a_bad_row_is_fixed_and_becomes_a_footprint(page, live_server):
    base, _ = live_server
    sign_in(page, live_server, "cathode_maker")
    page.get_by_role("link", name="Upload data").click()
    page.get_by_label("Part number").fill("NMC811-CAM-B")
    page.get_by_label("Plant").fill("Niihama line B")
    page.get_by_label("Name", exact=True).fill("NMC811 cathode, line B")
    page.get_by_label("Declared unit", exact=True).fill("kg")
    _choose_file(page, LINES.format(unit="kgg"))
    page.get_by_role("button", name="Check and import").click()
    bad = page.locator("tr#row-3")
    expect(bad).to_have_class("error", timeout=SLOW)
    expect(bad).to_contain_text("unknown unit 'kgg'")
    expect(bad).to_contain_text("use a unit such as kg")
    expect(page.locator("tr#row-2")).not_to_have_class("error")
    expect(page.get_by_role("alert")).to_contain_text("nothing was stored")
    page.get_by_role("link", name="Footprints", exact=True).click()
    expect(page.get_by_role("heading", name="My footprints")).to_be_visible()
    expect(page.get_by_text("NMC811-CAM-B")).to_have_count(0)  # no partial import
    page.go_back()
    expect(page.get_by_label("Part number")).to_have_value("NMC811-CAM-B")
    _choose_file(page, LINES.format(unit="kgCO2e"))
    page.get_by_role("button", name="Check and import").click()
    expect(page).to_have_url(re.compile(f"{base}/app/footprints/[0-9a-f-]+$"), timeout=SLOW)
    expect(page.locator("#total")).to_contain_text(f"{TOTAL:.3f} kgCO₂e", timeout=SLOW)
    chart = page.locator("#stage-chart .main-svg").first  # drawn by plotly.js
    expect(chart).to_be_visible(timeout=SLOW)
    expect(page.get_by_role("cell", name=re.compile("kiln power"))).to_be_visible()


def test_the_cell_maker_sees_the_cathode_footprint_in_its_own(page, live_server):
    sign_in(page, live_server, "cell_maker")
    page.get_by_role("link", name="Footprints", exact=True).click()
    page.get_by_role("link", name="CELL-NMC811-60AH").first.click()
    expect(page.get_by_role("heading", name="Where it comes from")).to_be_visible(timeout=SLOW)
    supplier = page.get_by_role("link", name=re.compile(r"Niihama Cathode Materials.*NMC811-CAM"))
    expect(supplier).to_be_visible()
    supplier.click()
    shared = page.get_by_text(re.compile("Shared with you by Niihama Cathode"))
    expect(shared).to_be_visible(timeout=SLOW)
    expect(page.get_by_text("The lineage is its owner's recipe")).to_be_visible()


def test_the_cathode_maker_answers_the_carmakers_request(page, live_server):
    sign_in(page, live_server, "cathode_maker")
    page.get_by_role("link", name="Requests", exact=True).click()
    page.get_by_role("link", name="Answer").first.click()
    expect(page.get_by_text("Aizu Motors", exact=False).first).to_be_visible()
    asked = page.get_by_role("checkbox", name=re.compile("NMC811-CAM · NMC811 · v1"))
    expect(asked).to_be_checked()
    page.get_by_role("button", name="Release to the requester").focus()
    page.keyboard.press("Enter")  # the form works from the keyboard
    expect(page.locator("#request-status")).to_have_text("answered", timeout=SLOW)
    expect(page.get_by_text(re.compile("Released to Aizu Motors .* only"))).to_be_visible()
