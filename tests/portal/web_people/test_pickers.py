"""Record pickers list a few matching records of the organization; forms accept any of its records."""

from __future__ import annotations

import pytest
from django.urls import reverse

from portal.accounts.scoping import Tenant
from portal.homes import services as homes
from portal.homes.people_forms import LinkHomeForm
from portal.homes.pickers import LIMIT

pytestmark = pytest.mark.django_db


def options(client, kind: str, **params) -> str:
    return client.get(reverse("people:picker_options", args=[kind]), params).content.decode()


def add_homes(portfolio, count: int) -> list:
    return [
        homes.create_home(portfolio.org, location=portfolio.neighborhood, address_line1=f"{n} Oak Ave",
                          city="Dayton", state="OH", postal_code="45402")
        for n in range(100, 100 + count)
    ]


def test_typing_part_of_an_address_lists_the_matching_homes_only(member_client, portfolio):
    add_homes(portfolio, 3)

    body = options(member_client, "home", name="home", home_q="101 oak")

    assert "101 Oak Ave" in body
    assert "102 Oak Ave" not in body and "1 Elm St" not in body


def test_the_options_never_include_another_organizations_records(member_client, portfolio, other_portfolio):
    body = options(member_client, "person", name="tenants", tenants_q="ada", multiple="1")

    assert "ada@example.com" in body
    assert "adaX@example.com" not in body


def test_chosen_records_stay_chosen_while_searching(member_client, portfolio):
    bo = homes.create_person(portfolio.org, first_name="Bo", last_name="Smith")

    body = options(member_client, "person", name="tenants", tenants_q="smith", tenants=[portfolio.person.pk],
                   multiple="1")

    assert f'<option value="{portfolio.person.pk}" selected>' in body
    assert f'<option value="{bo.pk}">' in body


def test_an_unknown_kind_of_picker_is_not_found(member_client, portfolio):
    response = member_client.get(reverse("people:picker_options", args=["secrets"]))

    assert response.status_code == 404


def test_a_picker_lists_a_bounded_number_of_records(member_client, portfolio, member):
    add_homes(portfolio, LIMIT + 5)

    form = LinkHomeForm(Tenant.for_membership(member))

    assert len(form.fields["home"].widget.choices) == LIMIT + 1  # plus the empty choice


def test_a_record_not_in_the_short_list_can_still_be_chosen(portfolio, member):
    last = add_homes(portfolio, LIMIT + 5)[-1]

    form = LinkHomeForm(Tenant.for_membership(member), {"home": last.pk, "ownership_type": "primary"})

    assert form.is_valid(), form.errors
    assert f'value="{last.pk}" selected' in str(form["home"])


def test_a_refreshed_single_choice_picker_keeps_its_blank_choice(member_client, portfolio):
    body = options(member_client, "home", name="home", home_q="elm", empty="Choose a home")

    assert body.startswith('<option value="">Choose a home</option>')
    assert "1 Elm St" in body
