"""Signing in with an e-mail and a password lands on the dashboard."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from django.utils import timezone
from playwright.sync_api import expect

from portal.homes import services as homes
from portal.leases import services as leases
from tests.browser.conftest import PASSWORD, shot


def occupy_some_homes(portfolio, count: int = 5) -> None:
    """A few let homes with leases ending over the coming months, so the dashboard has something to plot."""
    leases.transition_lease(portfolio.lease, "active")
    today = timezone.localdate()
    for n in range(count):
        home = homes.create_home(portfolio.org, location=portfolio.neighborhood, address_line1=f"{n + 2} Elm St",
                                 city="Dayton", state="OH", postal_code="45402")
        if n % 2 == 0:
            continue  # vacant
        lease = leases.create_lease(portfolio.org, home=home, start_date=today - dt.timedelta(days=200),
                                    end_date=today + dt.timedelta(days=30 * (n + 1)), rent=Decimal("1400"))
        leases.transition_lease(lease, "active")


def test_a_manager_signs_in_and_lands_on_the_dashboard(page, staff, portfolio):
    occupy_some_homes(portfolio)
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))

    page.get_by_label("Email").fill("pat@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("heading", name="Dashboard", level=1)).to_be_visible()
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="Leases")).to_be_visible()
    shot(page, "dashboard")


def test_a_wrong_password_is_refused_on_the_sign_in_page(page, staff):
    page.goto("/accounts/login/")

    page.get_by_label("Email").fill("pat@example.com")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_text(re.compile("not correct", re.I))).to_be_visible()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
