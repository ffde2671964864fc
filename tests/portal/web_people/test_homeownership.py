"""Linking a person to a home as its owner, with a type, and unlinking them."""

from __future__ import annotations

import pytest
from django.urls import reverse

from portal.homes import services as homes
from portal.homes.models import Homeownership

pytestmark = pytest.mark.django_db


def link_url(person) -> str:
    return reverse("people:link_home", args=[person.pk])


def test_linking_a_home_makes_the_person_its_owner_of_the_chosen_type(member_client, portfolio):
    data = {"home": portfolio.home.pk, "ownership_type": "secondary"}

    response = member_client.post(link_url(portfolio.person), data)

    link = Homeownership.objects.get()
    assert response.status_code == 302
    assert (link.person, link.home, link.ownership_type) == (portfolio.person, portfolio.home, "secondary")


def test_linking_the_same_home_again_changes_the_type_instead_of_doubling_the_link(member_client, portfolio):
    homes.set_homeowner(portfolio.home, portfolio.person, "primary")

    member_client.post(link_url(portfolio.person), {"home": portfolio.home.pk, "ownership_type": "other"})

    assert list(Homeownership.objects.values_list("ownership_type", flat=True)) == ["other"]


def test_another_organizations_home_cannot_be_linked(member_client, portfolio, other_portfolio):
    response = member_client.post(
        link_url(portfolio.person), {"home": other_portfolio.home.pk, "ownership_type": "primary"}
    )

    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not Homeownership.objects.exists()


def test_an_unknown_ownership_type_is_refused(member_client, portfolio):
    response = member_client.post(link_url(portfolio.person), {"home": portfolio.home.pk, "ownership_type": "landlord"})

    assert response.status_code == 400
    assert not Homeownership.objects.exists()


def test_an_htmx_link_answers_with_the_refreshed_homes_owned_section(member_client, portfolio):
    response = member_client.post(
        link_url(portfolio.person), {"home": portfolio.home.pk, "ownership_type": "primary"},
        headers={"HX-Request": "true"},
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="homes-owned"' in body and "<html" not in body
    assert "is now an owner of 1 Elm St, Dayton" in body  # the message comes along out of band


def test_the_link_page_preselects_the_home_given_in_the_address(member_client, portfolio):
    response = member_client.get(link_url(portfolio.person), {"home": portfolio.home.pk})

    assert f'<option value="{portfolio.home.pk}" selected>' in response.content.decode()


def test_unlinking_removes_the_ownership(member_client, portfolio):
    link = homes.set_homeowner(portfolio.home, portfolio.person)

    response = member_client.post(reverse("people:unlink_home", args=[portfolio.person.pk, link.pk]))

    assert response.status_code == 302
    assert not Homeownership.objects.exists()


def test_unlinking_needs_a_post(member_client, portfolio):
    link = homes.set_homeowner(portfolio.home, portfolio.person)

    response = member_client.get(reverse("people:unlink_home", args=[portfolio.person.pk, link.pk]))

    assert response.status_code == 405
    assert Homeownership.objects.exists()


def test_another_organizations_ownership_cannot_be_unlinked(member_client, portfolio, other_portfolio):
    theirs = homes.set_homeowner(other_portfolio.home, other_portfolio.person)

    response = member_client.post(reverse("people:unlink_home", args=[portfolio.person.pk, theirs.pk]))

    assert response.status_code == 404
    assert Homeownership.objects.filter(pk=theirs.pk).exists()


def test_a_viewer_cannot_unlink(viewer_client, portfolio):
    link = homes.set_homeowner(portfolio.home, portfolio.person)

    response = viewer_client.post(reverse("people:unlink_home", args=[portfolio.person.pk, link.pk]))

    assert response.status_code == 403
    assert Homeownership.objects.exists()
