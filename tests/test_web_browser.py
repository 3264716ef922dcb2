"""The web pages in a real browser (Debian's Chromium through Playwright)."""

from __future__ import annotations

from playwright.sync_api import expect
from servers import demo_user, sign_in


def test_sign_in_shows_the_dashboard_and_switches_language(page, live_server):
    base, _ = live_server
    page.goto(f"{base}/app")
    expect(page).to_have_url(f"{base}/app/login?next=/app")  # sign in first
    sign_in(page, live_server, "cathode_maker")
    expect(page.get_by_role("heading", name="My products")).to_be_visible()
    expect(page.get_by_role("cell", name="NMC811-CAM").first).to_be_visible()
    page.get_by_role("link", name="日本語").click()
    expect(page.get_by_role("heading", name="自社製品")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "ja")
    page.get_by_role("link", name="English").click()
    expect(page.get_by_role("heading", name="My products")).to_be_visible()


def test_a_wrong_password_is_told_plainly(page, live_server):
    base, _ = live_server
    user = demo_user(live_server, "recycler")
    page.goto(f"{base}/app/login")
    page.get_by_label("E-mail address").fill(user["email"])
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_have_text("The e-mail address or password is wrong.")
    expect(page.get_by_label("E-mail address")).to_have_value(user["email"])
