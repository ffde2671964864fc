"""Browser tests: headless system Chromium driven by Playwright against pytest-django's live server.

One Chromium serves the browser tests that run in a row (starting Playwright costs seconds); each test has its own
browser context (cookies, pages). Playwright's sync API keeps an event loop running in the test thread, and Django
refuses database calls from a thread with a running loop unless DJANGO_ALLOW_ASYNC_UNSAFE is set: the flag is set
while Playwright runs and cleared when it stops, after the last browser test, so the other tests keep the check.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client

from portal.accounts.models import Role
from tests.factories import MembershipFactory, UserFactory
from tests.needs import missing

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
VIEWPORT = {"width": 1280, "height": 800}
PASSWORD = "correct horse battery"
TIMEOUT_MS = 10_000


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


class _Chromium:
    """The running Playwright and browser, started by the first browser test and stopped after the last."""

    playwright = None
    browser = None

    @classmethod
    def get(cls):
        if cls.browser is None:
            from playwright.sync_api import sync_playwright

            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
            cls.playwright = sync_playwright().start()
            cls.browser = cls.playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        return cls.browser

    @classmethod
    def stop(cls) -> None:
        if cls.browser is not None:
            cls.browser.close()
            cls.playwright.stop()
            cls.browser = cls.playwright = None
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.hookimpl(trylast=True)  # after the test's fixtures (its browser context) are torn down
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> None:
    here = Path(__file__).parent
    if nextitem is None or here not in Path(str(nextitem.fspath)).parents:
        _Chromium.stop()


@pytest.fixture(autouse=True)
def _browser_friendly_settings(settings):
    # The live server speaks plain HTTP on 127.0.0.1.
    settings.SECURE_SSL_REDIRECT = False
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False


@pytest.fixture
def browser():
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        missing(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    return _Chromium.get()


@pytest.fixture
def staff(org):
    """A manager of the organization, with a password to sign in with."""
    return MembershipFactory(organization=org, role=Role.MANAGER, user=UserFactory(email="pat@example.com"))


@pytest.fixture
def context(browser, live_server):
    ctx = browser.new_context(base_url=live_server.url, viewport=VIEWPORT, accept_downloads=True)
    ctx.set_default_timeout(TIMEOUT_MS)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context) -> Iterator:
    yield context.new_page()


@pytest.fixture
def signed_in(context, page, staff, live_server):
    """``page`` with the manager already signed in (the sign-in form itself is tested in test_sign_in)."""
    client = Client()
    client.force_login(staff.user)
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
    return page


def shot(page, name: str) -> Path | None:
    """Save what the page shows (the 1280×800 viewport, to keep the PNGs small) as docs/screenshots/<name>.png,
    only when LINTEL_SCREENSHOTS=1: the README's pictures are refreshed on purpose, not rewritten by every run."""
    if os.environ.get("LINTEL_SCREENSHOTS") != "1":
        return None
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=False)
    return path
