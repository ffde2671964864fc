"""/api/v1/people/ and /api/v1/homeownerships/."""

from __future__ import annotations

import pytest

from portal.homes.models import Homeownership
from tests.portal.api.conftest import error_of

pytestmark = pytest.mark.django_db


def test_a_person_is_created_with_a_normalized_email_and_updated(api, portfolio):
    created = api.post("/api/v1/people/", {"first_name": "Lee", "last_name": "Ng", "email": " Lee@Example.COM "},
                       format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["email"] == "lee@example.com"
    url = f"/api/v1/people/{created.json()['id']}/"
    assert api.patch(url, {"phone": "+1 555 0101"}, format="json").json()["phone"] == "+1 555 0101"
    assert api.get(url).json()["first_name"] == "Lee"
    assert api.delete(url).status_code == 405


def test_a_person_needs_a_name_and_a_valid_email(api, db):
    error = error_of(api.post("/api/v1/people/", {"email": "nope"}, format="json"))
    assert set(error["fields"]) == {"first_name", "last_name", "email"}


def test_a_duplicate_external_id_is_a_409(api, portfolio):
    assert api.patch(f"/api/v1/people/{portfolio.person.pk}/", {"external_id": "P1"}, format="json").status_code == 200
    response = api.post("/api/v1/people/", {"first_name": "A", "last_name": "B", "external_id": "P1"}, format="json")
    assert response.status_code == 409 and error_of(response)["code"] == "conflict"


def test_a_homeownership_is_created_retyped_listed_and_ended(api, portfolio):
    url = "/api/v1/homeownerships/"
    created = api.post(url, {"home": portfolio.home.pk, "person": portfolio.person.pk}, format="json")
    assert created.status_code == 201, created.json()
    link = created.json()
    assert (link["home"], link["person"], link["ownership_type"]) == (portfolio.home.pk, portfolio.person.pk,
                                                                       "primary")
    again = api.post(url, {"home": portfolio.home.pk, "person": portfolio.person.pk}, format="json")
    assert again.status_code == 409 and "already owns" in error_of(again)["message"]
    retyped = api.patch(f"{url}{link['id']}/", {"ownership_type": "secondary"}, format="json")
    assert retyped.json()["ownership_type"] == "secondary"
    assert api.get(url, {"home": portfolio.home.pk}).json()["results"] == [retyped.json()]
    assert api.patch(f"{url}{link['id']}/", {"person": 99}, format="json").status_code == 400
    assert api.delete(f"{url}{link['id']}/").status_code == 204
    assert not Homeownership.objects.exists()
