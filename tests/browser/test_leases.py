"""Create a lease, activate it, and see an out-of-date transition refused with its reason."""

from __future__ import annotations

from playwright.sync_api import expect

from portal.leases.models import Lease
from tests.browser.conftest import shot


def test_a_manager_creates_and_activates_a_lease_and_a_stale_transition_is_refused(signed_in, context, portfolio):
    page = signed_in
    page.goto(f"/homes/{portfolio.home.pk}/")
    page.get_by_role("link", name="Create a lease").click()

    expect(page.get_by_label("Home", exact=True)).to_have_value(str(portfolio.home.pk))
    page.get_by_label("Search people").fill("ada")  # the picker refreshes its options (htmx)
    page.get_by_label("Tenants").select_option(label="Ada Park <ada@example.com>")
    page.get_by_label("Start date").fill("2027-02-01")
    page.get_by_label("End date").fill("2028-01-31")
    page.get_by_label("Monthly rent").fill("1850")
    page.get_by_label("Deposit").fill("1850")
    page.get_by_role("button", name="Create lease").click()

    expect(page.get_by_text("was created as a draft")).to_be_visible()
    lease = Lease.objects.latest("id")
    status = page.locator("#lease-status")
    expect(status).to_have_text("Draft")
    expect(page.get_by_role("button", name="End lease")).to_have_count(0)  # only what the lifecycle allows

    page.get_by_role("button", name="Activate lease").click()
    expect(page.get_by_text("The lease is now active.")).to_be_visible()
    expect(status).to_have_text("Active")

    # A colleague ends the lease in another tab; this tab still offers "Mark as renewed".
    other = context.new_page()
    other.goto(f"/leases/{lease.pk}/")
    other.once("dialog", lambda dialog: dialog.accept())
    other.get_by_role("button", name="End lease").click()
    expect(other.locator("#lease-status")).to_have_text("Ended")
    other.close()

    page.get_by_role("button", name="Mark as renewed").click()
    expect(page.get_by_text("Invalid status transition: ended -> renewed")).to_be_visible()
    expect(status).to_have_text("Ended")
    lease.refresh_from_db()
    assert lease.status == "ended"
    shot(page, "lease_detail")
