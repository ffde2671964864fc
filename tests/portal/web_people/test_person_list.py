"""The people list: the organization's people only, searchable by name, e-mail and phone, paged, fast."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.homes import services as homes

pytestmark = pytest.mark.django_db
URL = reverse("people:list")


def add_people(org, count: int, start: int = 0) -> None:
    for n in range(start, start + count):
        homes.create_person(org, first_name=f"Pat{n:04d}", last_name="Lee", email=f"pat{n}@example.com",
                            phone=f"555-{n:04d}")


def test_the_list_shows_the_organizations_people_and_not_another_organizations(
    member_client, portfolio, other_portfolio
):
    response = member_client.get(URL)

    assert response.status_code == 200
    assert "Ada Park" in response.content.decode()
    assert "ParkX" not in response.content.decode()


@pytest.mark.parametrize("query", ["ada park", "ADA@example", "555-0142"])
def test_search_finds_a_person_by_name_e_mail_or_phone(member_client, portfolio, query):
    homes.update_person(portfolio.person, phone="555-0142")
    homes.create_person(portfolio.org, first_name="Bo", last_name="Smith", email="bo@example.com", phone="555-9999")

    body = member_client.get(URL, {"q": query}).content.decode()

    assert "Ada Park" in body
    assert "Bo Smith" not in body


def test_a_search_that_matches_no_one_says_so_and_offers_to_show_everyone(member_client, portfolio):
    body = member_client.get(URL, {"q": "nobody-like-this"}).content.decode()

    assert "No one matches" in body
    assert "Show everyone" in body


def test_an_htmx_search_answers_with_the_results_only(member_client, portfolio):
    response = member_client.get(URL, {"q": "ada"}, headers={"HX-Request": "true"})

    body = response.content.decode()
    assert "Ada Park" in body
    assert "<html" not in body


def test_an_organization_without_people_sees_how_to_add_one(member_client, org):
    body = member_client.get(URL).content.decode()

    assert "No people yet" in body
    assert reverse("people:create") in body


def test_a_viewer_sees_the_list_without_the_add_button(viewer_client, portfolio):
    body = viewer_client.get(URL).content.decode()

    assert "Ada Park" in body
    assert "Add a person" not in body


def test_a_visitor_who_is_not_signed_in_is_sent_to_sign_in(client, portfolio):
    response = client.get(URL)

    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_the_list_pages_through_many_people(member_client, org):
    add_people(org, 60)

    first = member_client.get(URL).content.decode()
    second = member_client.get(URL, {"page": 2}).content.decode()

    assert "Showing 1–50 of 60" in first
    assert "Showing 51–60 of 60" in second
    assert "Pat0059" in second and "Pat0059" not in first


def test_the_list_runs_the_same_number_of_queries_for_10_and_500_people(member_client, portfolio):
    add_people(portfolio.org, 9)
    member_client.get(URL)  # warm the session
    with CaptureQueriesContext(connection) as small:
        assert member_client.get(URL).status_code == 200
    add_people(portfolio.org, 490, start=9)
    with CaptureQueriesContext(connection) as large:
        assert member_client.get(URL, {"page": 3}).status_code == 200

    assert len(small) == len(large), [q["sql"] for q in large.captured_queries]
    assert len(large) <= 10
