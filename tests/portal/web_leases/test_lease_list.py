"""The lease list: filters by status, end date and location subtree; paged; a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.homes import services as homes
from portal.leases import services as leases
from portal.locations import services as locations
from portal.locations.models import Kind
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db
URL = reverse("leases:list")


def add_leases(portfolio, count: int, home=None, **terms) -> list:
    made = []
    for n in range(count):
        tenant = homes.create_person(portfolio.org, first_name=f"T{n}", last_name="Renter")
        made.append(leases.create_lease(
            portfolio.org, home=home or portfolio.home, tenants=[tenant], start_date=dt.date(2025, 1, 1),
            end_date=terms.get("end_date", dt.date(2025, 12, 31)), rent=Decimal(1000 + n),
        ))
    return made


def test_the_list_shows_the_organizations_leases_and_not_another_organizations(
    member_client, portfolio, other_portfolio
):
    body = member_client.get(URL).content.decode()

    assert reverse("leases:detail", args=[portfolio.lease.pk]) in body
    assert "Ada Park" in body
    assert reverse("leases:detail", args=[other_portfolio.lease.pk]) not in body


def test_filtering_by_status_shows_only_leases_in_that_status(member_client, portfolio):
    active = add_leases(portfolio, 1)[0]
    leases.transition_lease(active, "active")

    response = member_client.get(URL, {"status": "active"})

    assert [lease.pk for lease in response.context["leases"]] == [active.pk]


def test_filtering_by_end_date_shows_leases_ending_before_it(member_client, portfolio):
    early = add_leases(portfolio, 1, end_date=dt.date(2025, 3, 31))[0]

    response = member_client.get(URL, {"ending_before": "2025-06-01"})

    assert [lease.pk for lease in response.context["leases"]] == [early.pk]


def test_filtering_by_location_includes_its_whole_subtree(member_client, portfolio):
    region2 = locations.create_location(portfolio.org, kind=Kind.REGION, name="South")
    prop = locations.create_location(portfolio.org, kind=Kind.PROPERTY, name="Tower", parent=region2)
    unit = homes.create_home(portfolio.org, location=prop, address_line1="9 Tower Rd", unit_number="4B",
                             city="Akron", state="OH", postal_code="44308")
    south = add_leases(portfolio, 1, home=unit)[0]

    north = member_client.get(URL, {"location": portfolio.region.pk}).context["leases"]
    southern = member_client.get(URL, {"location": region2.pk}).context["leases"]

    assert [lease.pk for lease in north] == [portfolio.lease.pk]
    assert [lease.pk for lease in southern] == [south.pk]


def test_another_organizations_location_is_not_a_valid_filter(member_client, portfolio, other_portfolio):
    response = member_client.get(URL, {"location": other_portfolio.region.pk})

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_no_match_explains_and_offers_to_clear_the_filters(member_client, portfolio):
    body = member_client.get(URL, {"status": "terminated"}).content.decode()

    assert "No leases match these filters" in body
    assert "Clear filters" in body


def test_an_organization_without_leases_is_shown_how_to_create_one(member_client, org):
    body = member_client.get(URL).content.decode()

    assert "No leases yet" in body
    assert reverse("leases:create") in body


def test_sorting_by_rent_orders_the_rows(member_client, portfolio):
    add_leases(portfolio, 3)

    rents = [lease.rent for lease in member_client.get(URL, {"sort": "-rent"}).context["leases"]]

    assert rents == sorted(rents, reverse=True)


def test_an_htmx_filter_answers_with_the_results_only(member_client, portfolio):
    body = member_client.get(URL, {"status": "draft"}, headers={"HX-Request": "true"}).content.decode()

    assert "<html" not in body and "Ada Park" in body


def test_the_list_runs_the_same_number_of_queries_for_10_and_500_leases(member_client, portfolio):
    add_leases(portfolio, 9)
    member_client.get(URL)
    with CaptureQueriesContext(connection) as small:
        assert member_client.get(URL, {"location": portfolio.region.pk}).status_code == 200
    add_leases(portfolio, 490)
    with CaptureQueriesContext(connection) as large:
        assert member_client.get(URL, {"location": portfolio.region.pk, "page": 4}).status_code == 200

    assert len(large.captured_queries) and len(large) == len(small), [q["sql"] for q in large.captured_queries]
    assert len(large) <= 12


def test_a_member_limited_to_a_location_sees_only_the_leases_under_it(client, portfolio):
    region2 = locations.create_location(portfolio.org, kind=Kind.REGION, name="South")
    hood2 = locations.create_location(portfolio.org, kind=Kind.PROPERTY, name="Tower", parent=region2)
    unit = homes.create_home(portfolio.org, location=hood2, address_line1="9 Tower Rd", city="Akron", state="OH",
                             postal_code="44308")
    south = add_leases(portfolio, 1, home=unit)[0]
    membership = MembershipFactory(organization=portfolio.org, user=UserFactory())
    membership.scope.add(region2)
    client.force_login(membership.user)

    listed = [lease.pk for lease in client.get(URL).context["leases"]]
    outside = client.get(reverse("leases:detail", args=[portfolio.lease.pk]))

    assert listed == [south.pk]
    assert outside.status_code == 404
