"""/api/v1/homes/: create under an active neighborhood or property, validate, update; no delete (status)."""

from __future__ import annotations

import pytest

from portal.homes.models import Home
from tests.portal.api.conftest import error_of

pytestmark = pytest.mark.django_db
URL = "/api/v1/homes/"


def new_home(portfolio, **extra) -> dict:
    return {"location": portfolio.neighborhood.pk, "address_line1": " 9 Birch Rd ", "city": "Dayton", "state": "oh",
            "postal_code": "45402", "bedrooms": 3, "bathrooms": 2.5, "market_rent": "1750.00", **extra}


def test_a_home_is_created_normalized_and_read_back(api, portfolio):
    response = api.post(URL, new_home(portfolio), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["address_line1"], body["state"], body["bathrooms"], body["market_rent"]) == \
        ("9 Birch Rd", "OH", "2.5", "1750.00")
    assert api.get(f"{URL}{body['id']}/").json() == body


def test_a_home_under_a_region_is_refused(api, portfolio):
    response = api.post(URL, new_home(portfolio, location=portfolio.region.pk), format="json")
    assert response.status_code == 400
    assert "must stand under a neighborhood or property" in error_of(response)["fields"]["location"][0]


@pytest.mark.parametrize(("field", "value", "expected"), [
    ("postal_code", "!!", "valid postal code"),
    ("bedrooms", 51, "less than or equal to 50"),
    ("bedrooms", "3", "Expected a whole number, got a string"),
    ("bathrooms", "2.55", "valid number"),
    ("market_rent", -5, "greater than or equal to 0"),
    ("home_type", "castle", "not a valid choice"),
    ("status", True, "Expected a string, got true or false"),
])
def test_invalid_values_are_refused_field_by_field(api, portfolio, field, value, expected):
    response = api.post(URL, new_home(portfolio, **{field: value}), format="json")
    assert response.status_code == 400
    error = error_of(response)
    assert list(error["fields"]) == [field]
    assert expected in error["fields"][field][0]
    assert Home.objects.count() == 1


def test_missing_required_fields_are_listed(api, portfolio):
    error = error_of(api.post(URL, {"location": portfolio.neighborhood.pk}, format="json"))
    assert set(error["fields"]) == {"address_line1", "city", "state", "postal_code"}
    assert error["message"] == "4 fields are invalid: address_line1, city, postal_code, state."


def test_a_home_is_updated_moved_and_retired_through_its_status(api, portfolio):
    prop = api.post("/api/v1/locations/", {"parent": portfolio.neighborhood.pk, "kind": "property",
                                           "name": "Tower"}, format="json").json()
    url = f"{URL}{portfolio.home.pk}/"
    moved = api.patch(url, {"location": prop["id"], "unit_number": "4B", "status": "inactive"}, format="json")
    assert moved.status_code == 200
    assert (moved.json()["location"], moved.json()["unit_number"], moved.json()["status"]) == (prop["id"], "4B",
                                                                                               "inactive")
    assert api.delete(url).status_code == 405
