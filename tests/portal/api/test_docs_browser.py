"""In Chromium: /api/docs/ runs under the portal's CSP (no violation), and a key authorizes a real request."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.needs import missing

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def chromium():
    if not (shutil.which(CHROMIUM) or Path(CHROMIUM).exists()):
        missing(f"Chromium is not installed at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the live server's database calls are elsewhere.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu",
                                                                          "--disable-dev-shm-usage"])
    try:
        yield browser
    finally:
        browser.close()
        playwright.stop()
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


def test_the_docs_run_under_the_csp_and_authorize_takes_a_key(chromium, live_server, settings, write_key, portfolio):
    settings.SECURE_SSL_REDIRECT = False
    page = chromium.new_page(base_url=live_server.url)
    page.set_default_timeout(15_000)
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))

    page.goto("/api/docs/")
    page.locator(".opblock-tag", has_text="homes").first.wait_for()  # the bundle ran and read /api/schema/
    page.get_by_role("button", name="Authorize").first.click()
    page.locator(".auth-container input").first.fill(write_key.plaintext)
    page.locator(".auth-btn-wrapper button", has_text="Authorize").first.click()
    page.locator(".auth-btn-wrapper button", has_text="Close").first.click()

    operation = page.locator("#operations-homes-homes_list")
    operation.locator(".opblock-summary").click()
    operation.get_by_role("button", name="Try it out").click()
    operation.get_by_role("button", name="Execute").click()
    status = operation.locator(".live-responses-table tbody .response-col_status").first
    status.wait_for()
    assert status.inner_text().strip().startswith("200")
    assert portfolio.home.address_line1 in operation.locator(".live-responses-table").inner_text()
    assert not [p for p in problems if "Content Security Policy" in p or "Refused" in p], problems
