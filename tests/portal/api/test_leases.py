"""/api/v1/leases/: terms, tenants and the status lifecycle; an invalid transition is a 409 that changes nothing."""

from __future__ import annotations

import pytest

from portal.homes import services as homes
from portal.leases.models import Lease
from tests.portal.api.conftest import error_of

pytestmark = pytest.mark.django_db
URL = "/api/v1/leases/"


def test_a_lease_is_created_with_its_tenants_primary_first(api, portfolio):
    cotenant = homes.create_person(portfolio.org, first_name="Bo", last_name="Lind")
    response = api.post(URL, {"home": portfolio.home.pk, "tenants": [portfolio.person.pk, cotenant.pk],
                              "start_date": "2027-01-01", "end_date": "2027-12-31", "rent": 1600,
                              "deposit": "800.50", "due_day": 5}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["tenants"] == [portfolio.person.pk, cotenant.pk]
    assert (body["status"], body["allowed_transitions"], body["rent"], body["deposit"]) == \
        ("draft", ["active"], "1600.00", "800.50")


@pytest.mark.parametrize(("change", "field", "expected"), [
    ({"end_date": "2025-01-01"}, "", "end"),  # before the start: the lease's constraint
    ({"end_date": None}, "end_date", "needs an end date"),
    ({"due_day": 32}, "due_day", "less than or equal to 31"),
    ({"rent": "12.345"}, "rent", "valid number"),
    ({"tenants": [999999]}, "tenants", "No person with id 999999"),
    ({"tenants": ["1"]}, "tenants", "Expected a whole number, got a string"),
    ({"status": "renewed"}, "status", "transition"),
])
def test_invalid_terms_are_refused_and_nothing_changes(api, portfolio, change, field, expected):
    before = api.get(f"{URL}{portfolio.lease.pk}/").json()
    response = api.patch(f"{URL}{portfolio.lease.pk}/", change, format="json")
    assert response.status_code == 400, response.json()
    error = error_of(response)
    text = " ".join(error["fields"].get(field, [])) if field else error["message"]
    assert expected in text.lower() or expected in text, error
    assert api.get(f"{URL}{portfolio.lease.pk}/").json() == before


def test_tenants_are_replaced_on_update(api, portfolio):
    other = homes.create_person(portfolio.org, first_name="Cy", last_name="Dunn")
    response = api.patch(f"{URL}{portfolio.lease.pk}/", {"tenants": [other.pk], "rent": "1550"}, format="json")
    assert response.status_code == 200
    assert (response.json()["tenants"], response.json()["rent"]) == ([other.pk], "1550.00")


def test_a_lease_moves_through_its_lifecycle(api, portfolio):
    url = f"{URL}{portfolio.lease.pk}/transition/"
    active = api.post(url, {"status": "active"}, format="json")
    assert active.status_code == 200
    assert active.json()["allowed_transitions"] == ["renewed", "ended", "terminated"]
    assert api.post(url, {"status": "ended"}, format="json").json()["status"] == "ended"


def test_an_invalid_transition_is_refused_with_409_and_changes_nothing(api, portfolio):
    url = f"{URL}{portfolio.lease.pk}/transition/"
    response = api.post(url, {"status": "renewed"}, format="json")
    assert response.status_code == 409
    assert error_of(response) == {"code": "invalid_transition", "fields": {},
                                  "message": "Invalid status transition: draft -> renewed"}
    assert Lease.objects.get(pk=portfolio.lease.pk).status == "draft"
    assert portfolio.lease.history.count() == 1


def test_a_transition_needs_a_known_status(api, portfolio):
    response = api.post(f"{URL}{portfolio.lease.pk}/transition/", {"status": "paused"}, format="json")
    assert response.status_code == 400
    assert "status" in error_of(response)["fields"]
