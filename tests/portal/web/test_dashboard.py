import datetime as dt
import re
from decimal import Decimal

import pytest
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.utils import timezone

from portal.core.actor import Actor, acting_as
from portal.homes import services as homes
from portal.leases import services as leases
from portal.leases.models import LeaseStatus
from portal.locations import services as locations
from portal.locations.models import Kind
from tests.factories import MembershipFactory, UserFactory
from tests.portal.web.conftest import add_homes

pytestmark = pytest.mark.django_db


def stat(html: str, label: str) -> int:
    match = re.search(rf'<span class="value">([\d,]+)</span> <span class="label">{label}</span>', html)
    assert match, label
    return int(match.group(1).replace(",", ""))


def test_the_dashboard_counts_the_portfolio(member_client, portfolio, other_portfolio):
    today = timezone.localdate()
    leases.update_lease(portfolio.lease, start_date=today - dt.timedelta(days=10),
                        end_date=today + dt.timedelta(days=365))
    leases.transition_lease(portfolio.lease, LeaseStatus.ACTIVE)
    vacant = homes.create_home(portfolio.org, location=portfolio.neighborhood, address_line1="2 Oak St", city="Dayton",
                               state="OH", postal_code="45402")
    soon = leases.create_lease(portfolio.org, home=vacant, start_date=today - dt.timedelta(days=300),
                               end_date=today + dt.timedelta(days=30), rent=Decimal(900))
    html = member_client.get("/").content.decode()
    assert stat(html, "Locations") == 4
    assert stat(html, "Homes") == 2
    assert (stat(html, "Occupied"), stat(html, "Vacant")) == (1, 1)
    assert stat(html, "Active leases") == 1
    assert stat(html, "Leases ending in 60 days") == 0  # the lease ending soon is still a draft
    leases.transition_lease(soon, LeaseStatus.ACTIVE)
    html = member_client.get("/").content.decode()
    assert stat(html, "Leases ending in 60 days") == 1
    assert (stat(html, "Occupied"), stat(html, "Vacant")) == (2, 0)
    assert stat(html, "Documents") == 0


def test_the_occupancy_plot_stacks_occupied_and_vacant_homes_per_region(member_client, portfolio):
    leases.transition_lease(portfolio.lease, LeaseStatus.ACTIVE)
    south = locations.create_location(portfolio.org, kind=Kind.REGION, name="South")
    tower = locations.create_location(portfolio.org, kind=Kind.PROPERTY, name="Tower", parent=south)
    for n in range(3):
        homes.create_home(portfolio.org, location=tower, address_line1=f"{n} Main", city="Austin", state="TX",
                          postal_code="73301", unit_number=str(n))
    html = member_client.get("/").content.decode()
    assert "<title>North: 1 occupied</title>" in html
    assert "<title>South: 3 vacant</title>" in html
    assert "<desc id=\"occupancy-desc\">South: 0 occupied, 3 vacant; North: 1 occupied, 0 vacant</desc>" in html


def test_the_leases_ending_plot_counts_active_leases_by_month(member_client, portfolio):
    today = timezone.localdate()
    leases.update_lease(portfolio.lease, start_date=today - dt.timedelta(days=300),
                        end_date=today + dt.timedelta(days=40))
    leases.transition_lease(portfolio.lease, LeaseStatus.ACTIVE)
    month = (today + dt.timedelta(days=40)).strftime("%B %Y")
    html = member_client.get("/").content.decode()
    assert f"{month}: 1" in html


def test_recent_changes_name_who_made_them(member_client, member, portfolio, other_portfolio):
    with acting_as(Actor.for_user(member.user)):
        homes.update_home(portfolio.home, market_rent=Decimal("1750.00"))
    with acting_as(Actor(kind="import", label="CSV import homes.csv by manager@example.com")):
        homes.create_person(portfolio.org, first_name="Imported", last_name="Person")
    html = member_client.get("/").content.decode()
    changes = html.split('id="changes-heading"')[1].split("</section>")[0]
    assert "Created</strong> <a href=\"/people/" in changes and "Imported Person" in changes
    assert "CSV import homes.csv by manager@example.com" in changes
    assert f'Changed</strong> <a href="/homes/{portfolio.home.pk}/">Home 1 Elm St, Dayton</a>' in changes
    assert "manager@example.com" in changes
    assert "ElmX" not in changes and "ParkX" not in changes  # nothing of the other organization
    assert changes.count("<li>") == 10  # every change of this small portfolio


def test_the_integrations_panel_is_the_sync_apps_when_installed_and_a_placeholder_otherwise(member_client, portfolio):
    html = member_client.get("/").content.decode()
    try:
        get_template("integrations/_dashboard_panel.html")
    except TemplateDoesNotExist:
        assert "No connections yet." in html
    else:
        assert "No connections yet." not in html and "Vendor sync" in html


def test_a_member_limited_to_a_neighborhood_sees_only_its_figures(client, org, portfolio):
    other = locations.create_location(org, kind=Kind.NEIGHBORHOOD, name="Elsewhere", parent=portfolio.master)
    homes.create_home(org, location=other, address_line1="9 Far Rd", city="Dayton", state="OH", postal_code="45402")
    scoped_member = MembershipFactory(organization=org, user=UserFactory(email="scoped@example.com"))
    scoped_member.scope.add(other)
    client.force_login(scoped_member.user)
    html = client.get("/").content.decode()
    assert stat(html, "Homes") == 1 and stat(html, "Locations") == 1
    assert "1 Elm St" not in html


def test_the_dashboard_runs_the_same_queries_for_10_and_500_homes(member_client, portfolio, count_queries):
    add_homes(portfolio, 9)
    member_client.get("/")
    small = count_queries(lambda: member_client.get("/"))
    for home in add_homes(portfolio, 491, start=9)[:10]:
        homes.update_home(home, market_rent=Decimal(2000))  # history rows beyond the 15 shown
    large = count_queries(lambda: member_client.get("/"))
    assert small == large
    html = member_client.get("/").content.decode()
    assert html.split('id="changes-heading"')[1].split("</section>")[0].count("<li>") == 15  # the latest 15 only
