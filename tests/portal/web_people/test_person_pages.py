"""A person's page, and adding or editing a person: valid input is saved through the service, invalid is not."""

from __future__ import annotations

import pytest
from django.urls import reverse

from portal.homes import services as homes
from portal.homes.models import Person

pytestmark = pytest.mark.django_db

VALID = {"first_name": "Grace", "last_name": "Hopper", "email": "Grace@Example.com", "phone": "555-0100"}


def test_the_detail_page_shows_contact_homes_owned_and_leases(member_client, portfolio):
    homes.set_homeowner(portfolio.home, portfolio.person, "secondary")

    body = member_client.get(reverse("people:detail", args=[portfolio.person.pk])).content.decode()

    assert "ada@example.com" in body
    assert "Homes owned" in body and "Secondary" in body
    assert reverse("leases:detail", args=[portfolio.lease.pk]) in body
    assert "Primary tenant" in body


@pytest.mark.parametrize("name", ["people:detail", "people:edit", "people:link_home"])
def test_another_organizations_person_is_not_found(member_client, portfolio, other_portfolio, name):
    response = member_client.get(reverse(name, args=[other_portfolio.person.pk]))

    assert response.status_code == 404


def test_adding_a_person_saves_them_and_records_who_did_it(member_client, member, org):
    response = member_client.post(reverse("people:create"), VALID)

    person = Person.objects.get(last_name="Hopper")
    assert response.status_code == 302
    assert response["Location"] == reverse("people:detail", args=[person.pk])
    assert person.organization == org
    assert person.email == "grace@example.com"  # the service normalizes e-mail addresses
    assert person.history.get().actor_label == member.user.email


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({**VALID, "last_name": ""}, "last_name", "This field is required."),
        ({**VALID, "email": "not-an-address"}, "email", "Enter a valid email address."),
    ],
)
def test_adding_a_person_with_invalid_input_shows_the_error_and_saves_nothing(
    member_client, org, data, field, message
):
    response = member_client.post(reverse("people:create"), data)

    assert response.status_code == 400
    assert message in response.context["form"].errors[field]
    assert not Person.objects.exists()


def test_a_duplicate_external_id_is_refused_with_the_services_message(member_client, portfolio):
    homes.update_person(portfolio.person, external_id="P-1")

    response = member_client.post(reverse("people:create"), {**VALID, "external_id": "P-1"})

    assert response.status_code == 400
    assert "A record with this external id already exists." in response.content.decode()
    assert Person.objects.filter(external_id="P-1").count() == 1


def test_the_edit_form_starts_from_the_persons_details(member_client, portfolio):
    response = member_client.get(reverse("people:edit", args=[portfolio.person.pk]))

    assert response.context["form"].initial["email"] == "ada@example.com"


def test_editing_a_person_saves_the_change(member_client, portfolio):
    url = reverse("people:edit", args=[portfolio.person.pk])

    response = member_client.post(url, {"first_name": "Ada", "last_name": "Park-Lovelace", "phone": "555-0199"})

    portfolio.person.refresh_from_db()
    assert response.status_code == 302
    assert portfolio.person.last_name == "Park-Lovelace"
    assert portfolio.person.phone == "555-0199"


def test_an_invalid_edit_changes_nothing(member_client, portfolio):
    url = reverse("people:edit", args=[portfolio.person.pk])

    response = member_client.post(url, {"first_name": "", "last_name": "Other"})

    portfolio.person.refresh_from_db()
    assert response.status_code == 400
    assert portfolio.person.last_name == "Park"


def test_editing_another_organizations_person_is_not_found_and_changes_nothing(
    member_client, portfolio, other_portfolio
):
    url = reverse("people:edit", args=[other_portfolio.person.pk])

    response = member_client.post(url, VALID)

    other_portfolio.person.refresh_from_db()
    assert response.status_code == 404
    assert other_portfolio.person.first_name == "Ada"


@pytest.mark.parametrize(
    ("method", "name", "needs_id"),
    [("get", "people:create", False), ("post", "people:create", False), ("get", "people:edit", True),
     ("post", "people:edit", True), ("post", "people:link_home", True)],
)
def test_a_viewer_cannot_add_or_change_people(viewer_client, portfolio, method, name, needs_id):
    url = reverse(name, args=[portfolio.person.pk] if needs_id else [])

    response = getattr(viewer_client, method)(url, VALID if method == "post" else None)

    assert response.status_code == 403
    assert "can view records but not change them" in response.content.decode()
    assert Person.objects.count() == 1


def test_a_viewer_sees_the_person_without_edit_or_link_controls(viewer_client, portfolio):
    body = viewer_client.get(reverse("people:detail", args=[portfolio.person.pk])).content.decode()

    assert "Ada Park" in body
    assert "Edit person" not in body
    assert "Link home" not in body
