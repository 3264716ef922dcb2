"""Screenshots of the main web pages, taken from a running node loaded with the demo.

    python docs/screenshots/take.py http://127.0.0.1:8000 .   # the directory holding var/

Each shot is one line of SHOTS: file name, the demo company signed in (None: the public),
the path, a selector to wait for, and optionally a link to follow first.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import NamedTuple

from playwright.sync_api import sync_playwright

HERE = Path(__file__).resolve().parent
QR = "/01/04934567000011/21/NMC811000002"  # a demo NMC pack with telemetry and a DD report
SCROLL = "e => { e.scrollIntoView(); window.scrollBy(0, -60); }"


class Shot(NamedTuple):
    name: str
    company: str | None
    path: str
    ready: str = "main"
    language: str = "en"
    scroll: str | None = None  # shown at the top of the shot
    follow: str | None = None  # the first link with this text, followed before the shot


SHOTS = [
    Shot("sign-in.png", None, "/app/login", "form"),
    Shot("dashboard.png", "cathode_maker", "/app", "main h1"),
    Shot("passport-public.png", None, QR, "#ledger-mark[data-verified]"),
    Shot("passport-public-ja.png", None, QR, "#ledger-mark[data-verified]", "ja"),
    Shot("passport-recycler-health.png", "recycler", QR, ".card .plot-container", scroll=".card"),
    Shot("passport-list.png", "carmaker", "/app/passports", "table"),
    Shot("due-diligence-overview.png", "carmaker", "/app/diligence", "table"),
    Shot(
        "due-diligence-report.png",
        "carmaker",
        "/app/diligence/AZ-NMC811-75",
        ".sankey",
        scroll="figure",
    ),
    Shot("footprints.png", "cell_maker", "/app/footprints", "table"),
    Shot("footprint.png", "cell_maker", "/app/footprints", ".plot-container", follow="CELL-"),
    Shot("upload.png", "cathode_maker", "/app/upload", "form"),
    Shot("request.png", "cathode_maker", "/app/requests", "form", follow="Answer"),
]


def credentials(directory: Path) -> dict[str, dict[str, str]]:
    found = json.loads((directory / "var" / "demo-credentials.json").read_text())
    return {p["key"]: p["user"] for p in found["participants"]}


def take(base: str, directory: Path, browser, out: Path = HERE, shots=SHOTS) -> list[Path]:
    """Each shot in a fresh browser context of `browser` (a Playwright Chromium)."""
    users = credentials(directory)
    written = []
    for shot in shots:
        context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
        page = context.new_page()
        if shot.company:
            user = users[shot.company]
            page.goto(f"{base}/app/login")
            page.get_by_label("E-mail address").fill(user["email"])
            page.get_by_label("Password").fill(user["password"])
            page.get_by_role("button", name="Sign in").click()
            page.wait_for_url(f"{base}/app**")
        if shot.language != "en":
            page.goto(f"{base}/app/language/{shot.language}?next=/app/login")
        page.goto(base + shot.path)
        if shot.follow:
            page.get_by_role("link", name=shot.follow).first.click()
        page.wait_for_selector(shot.ready, timeout=15_000)
        if shot.scroll:
            page.locator(shot.scroll).first.evaluate(SCROLL)
        target = out / shot.name
        page.screenshot(path=str(target))
        written.append(target)
        context.close()
    return written


def main(base: str, directory: Path) -> None:
    executable = os.environ.get("JUNKAN_TEST_CHROMIUM", "/usr/bin/chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        for path in take(base, directory, browser):
            print(path)
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1].rstrip("/"), Path(sys.argv[2]).resolve())
