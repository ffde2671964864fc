"""Creating and editing a lease: home, tenants, type, dates, rent, deposit, due day; refusals save nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from portal.homes import services as homes
from portal.leases.models import Lease, LeaseStatus

pytestmark = pytest.mark.django_db
CREATE = reverse("leases:create")


@pytest.fixture
def valid(portfolio) -> dict:
    return {
        "home": portfolio.home.pk, "tenants": [portfolio.person.pk], "lease_type": "fixed",
        "start_date": "2027-01-01", "end_date": "2027-12-31", "rent": "1750.00", "deposit": "1750", "due_day": "3",
    }


def test_creating_a_lease_saves_a_draft_with_its_tenants_and_terms(member_client, portfolio, valid):
    bo = homes.create_person(portfolio.org, first_name="Bo", last_name="Smith")

    response = member_client.post(CREATE, {**valid, "tenants": [portfolio.person.pk, bo.pk]})

    lease = Lease.objects.latest("id")
    assert response.status_code == 302
    assert response["Location"] == reverse("leases:detail", args=[lease.pk])
    assert lease.status == LeaseStatus.DRAFT
    assert (lease.start_date, lease.end_date) == (dt.date(2027, 1, 1), dt.date(2027, 12, 31))
    assert (lease.rent, lease.deposit, lease.due_day) == (Decimal("1750.00"), Decimal("1750.00"), 3)
    assert set(lease.tenants.all()) == {portfolio.person, bo}


def test_the_create_form_preselects_the_home_given_in_the_address(member_client, portfolio):
    response = member_client.get(CREATE, {"home": portfolio.home.pk})

    assert f'<option value="{portfolio.home.pk}" selected>' in response.content.decode()


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"end_date": ""}, "end_date", "A fixed-term lease needs an end date."),
        ({"end_date": "2026-06-01"}, "end_date", "The end date is before the start date."),
        ({"rent": "-5"}, "rent", "Ensure this value is greater than or equal to 0."),
        ({"due_day": "32"}, "due_day", "Ensure this value is less than or equal to 31."),
        ({"home": ""}, "home", "This field is required."),
        ({"lease_type": "forever"}, "lease_type", "Select a valid choice."),
    ],
)
def test_invalid_terms_are_shown_on_their_field_and_nothing_is_saved(member_client, portfolio, valid, change,
                                                                      field, message):
    response = member_client.post(CREATE, {**valid, **change})

    assert response.status_code == 400
    assert any(message in error for error in response.context["form"].errors[field])
    assert Lease.objects.count() == 1


def test_an_at_will_lease_needs_no_end_date(member_client, portfolio, valid):
    response = member_client.post(CREATE, {**valid, "lease_type": "at_will", "end_date": ""})

    assert response.status_code == 302
    assert Lease.objects.latest("id").end_date is None


def test_another_organizations_home_or_tenant_cannot_be_used(member_client, portfolio, other_portfolio, valid):
    home_response = member_client.post(CREATE, {**valid, "home": other_portfolio.home.pk})
    tenant_response = member_client.post(CREATE, {**valid, "tenants": [other_portfolio.person.pk]})

    assert home_response.status_code == tenant_response.status_code == 400
    assert "home" in home_response.context["form"].errors
    assert "tenants" in tenant_response.context["form"].errors
    assert Lease.objects.filter(organization=portfolio.org).count() == 1


def test_editing_a_lease_changes_its_terms_and_tenants(member_client, portfolio, valid):
    bo = homes.create_person(portfolio.org, first_name="Bo", last_name="Smith")
    url = reverse("leases:edit", args=[portfolio.lease.pk])

    response = member_client.post(url, {**valid, "tenants": [bo.pk], "rent": "1600"})

    portfolio.lease.refresh_from_db()
    assert response.status_code == 302
    assert portfolio.lease.rent == Decimal("1600")
    assert list(portfolio.lease.tenants.all()) == [bo]


def test_the_edit_form_starts_from_the_lease(member_client, portfolio):
    form = member_client.get(reverse("leases:edit", args=[portfolio.lease.pk])).context["form"]

    assert form.initial["rent"] == Decimal("1500.00")
    assert form.initial["tenants"] == [portfolio.person.pk]
    assert "home" not in form.fields  # a lease stays on its home


def test_an_invalid_edit_changes_neither_terms_nor_tenants(member_client, portfolio, valid):
    url = reverse("leases:edit", args=[portfolio.lease.pk])

    response = member_client.post(url, {**valid, "tenants": [], "end_date": "", "rent": "999"})

    portfolio.lease.refresh_from_db()
    assert response.status_code == 400
    assert portfolio.lease.rent == Decimal("1500.00")
    assert list(portfolio.lease.tenants.all()) == [portfolio.person]


def test_editing_another_organizations_lease_is_not_found(member_client, portfolio, other_portfolio, valid):
    response = member_client.post(reverse("leases:edit", args=[other_portfolio.lease.pk]), valid)

    other_portfolio.lease.refresh_from_db()
    assert response.status_code == 404
    assert other_portfolio.lease.rent == Decimal("1500.00")


@pytest.mark.parametrize(("method", "name"), [("get", "create"), ("post", "create"), ("get", "edit"),
                                              ("post", "edit")])
def test_a_viewer_cannot_create_or_edit_leases(viewer_client, portfolio, valid, method, name):
    url = reverse(f"leases:{name}", args=[portfolio.lease.pk] if name == "edit" else [])

    response = getattr(viewer_client, method)(url, valid if method == "post" else None)

    assert response.status_code == 403
    assert Lease.objects.count() == 1
