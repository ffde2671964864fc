"""The location tree: create a neighborhood, add a home under it, and see a home refused under an inactive one."""

from __future__ import annotations

from playwright.sync_api import expect

from portal.homes.models import Home
from tests.browser.conftest import shot


def add_neighborhood(page, parent: str, name: str) -> None:
    page.goto("/locations/")
    page.get_by_role("link", name=f"Add a location under {parent}").click()
    page.get_by_label("Kind").select_option(label="Neighborhood")
    page.get_by_label("Name", exact=True).fill(name)
    page.get_by_role("button", name="Create location").click()
    expect(page.get_by_text(f"Neighborhood “{name}” created.")).to_be_visible()


def add_home(page, location_label: str, address: str) -> None:
    page.goto("/homes/")
    page.get_by_role("link", name="Add a home").click()
    page.get_by_label("Location").select_option(label=location_label)
    page.get_by_label("Address line 1").fill(address)
    page.get_by_label("City").fill("Dayton")
    page.get_by_label("State").fill("oh")
    page.get_by_label("Postal code").fill("45402")
    page.get_by_role("button", name="Create home").click()


def test_a_manager_creates_a_neighborhood_and_a_home_under_it(signed_in, portfolio):
    page = signed_in
    add_neighborhood(page, "Bay", "Harbor")

    tree = page.get_by_role("list", name="Location tree")
    # After a create, the tree opens down to the new location.
    expect(tree.get_by_role("link", name="Harbor", exact=True)).to_be_visible()
    shot(page, "locations")

    add_home(page, "Harbor — neighborhood", "7 Harbor Way")
    expect(page.get_by_role("heading", name="7 Harbor Way")).to_be_visible()
    assert Home.objects.get(address_line1="7 Harbor Way").location.name == "Harbor"
    page.goto("/homes/")
    expect(page.get_by_role("link", name="7 Harbor Way", exact=False)).to_be_visible()
    shot(page, "homes_list")


def test_a_home_is_refused_under_an_inactive_neighborhood(signed_in, portfolio):
    page = signed_in
    add_neighborhood(page, "Bay", "Inlet")  # the tree opens down to the new neighborhood
    page.get_by_role("button", name="Deactivate Inlet").click()
    expect(page.get_by_text("“Inlet” deactivated.")).to_be_visible()

    add_home(page, "Inlet — neighborhood (inactive)", "9 Inlet Way")

    expect(page.get_by_text("neighborhood “Inlet” is inactive. Activate it first.")).to_be_visible()
    assert not Home.objects.filter(address_line1="9 Inlet Way").exists()
