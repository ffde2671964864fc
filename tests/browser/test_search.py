"""Search by a tenant's e-mail address from the top bar and land on their lease."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import shot


def test_a_manager_finds_a_lease_by_its_tenants_e_mail(signed_in, portfolio):
    page = signed_in
    page.goto("/")

    search = page.get_by_role("search").get_by_label("Search")
    search.fill("ada@example.com")
    search.press("Enter")

    leases = page.get_by_role("region", name="Leases")
    expect(leases.get_by_text("ada@example.com")).to_be_visible()
    shot(page, "search")
    leases.get_by_role("link", name="Lease on 1 Elm St, Dayton").click()

    expect(page.get_by_role("heading", name="Lease on 1 Elm St, Dayton")).to_be_visible()
    expect(page.get_by_role("link", name="Ada Park")).to_be_visible()
