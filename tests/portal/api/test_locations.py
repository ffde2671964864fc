"""/api/v1/locations/: the tree's rules through the API; locations are deactivated, never deleted."""

from __future__ import annotations

import pytest

from portal.locations.models import Location
from tests.portal.api.conftest import error_of

pytestmark = pytest.mark.django_db
URL = "/api/v1/locations/"


def test_a_location_is_created_under_its_parent_and_read_back(api, portfolio):
    response = api.post(URL, {"parent": portfolio.master.pk, "kind": "neighborhood", "name": "Dune",
                              "external_id": "BB-N-9"}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["parent"] == portfolio.master.pk and body["is_active"] is True
    assert body["path"] == f"{portfolio.master.path}{body['id']}/"
    assert response["Location"].endswith(f"{URL}{body['id']}/")
    assert api.get(f"{URL}{body['id']}/").json() == body


def test_a_kind_the_tree_does_not_allow_there_is_refused_with_the_reason(api, portfolio):
    response = api.post(URL, {"parent": portfolio.region.pk, "kind": "neighborhood", "name": "Skip"}, format="json")
    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "validation_error"
    assert "cannot stand under a region" in error["fields"]["kind"][0]


def test_a_duplicate_external_id_is_a_409_conflict(api, portfolio):
    response = api.post(URL, {"kind": "region", "name": "Again", "external_id": portfolio.region.external_id},
                        format="json")
    assert response.status_code == 409
    assert error_of(response)["code"] == "conflict"
    assert Location.objects.filter(external_id=portfolio.region.external_id).count() == 1


def test_editable_fields_change_but_kind_and_parent_are_not_accepted_on_update(api, portfolio):
    url = f"{URL}{portfolio.division.pk}/"
    assert api.patch(url, {"display_name": "Lakes Division"}, format="json").json()["display_name"] == \
        "Lakes Division"
    refused = api.patch(url, {"kind": "region"}, format="json")
    assert refused.status_code == 400 and "kind" in error_of(refused)["fields"]
    replaced = api.put(url, {"name": "Lakes West"}, format="json")
    assert replaced.status_code == 200 and replaced.json()["name"] == "Lakes West"


def test_a_location_with_active_homes_cannot_be_deactivated_and_there_is_no_delete(api, portfolio):
    url = f"{URL}{portfolio.neighborhood.pk}/"
    refused = api.post(f"{url}deactivate/")
    assert refused.status_code == 409
    assert "1 active home" in error_of(refused)["message"]
    deleted = api.delete(url)
    assert deleted.status_code == 405 and error_of(deleted)["code"] == "method_not_allowed"
    assert Location.objects.filter(pk=portfolio.neighborhood.pk, is_active=True).exists()


def test_an_empty_location_is_deactivated_then_activated(api, portfolio):
    empty = api.post(URL, {"parent": portfolio.master.pk, "kind": "neighborhood", "name": "Empty"},
                     format="json").json()
    off = api.post(f"{URL}{empty['id']}/deactivate/")
    assert off.status_code == 200 and off.json()["is_active"] is False
    blocked = api.post(URL, {"parent": empty["id"], "kind": "property", "name": "Tower"}, format="json")
    assert blocked.status_code == 400 and "is inactive" in error_of(blocked)["message"]
    on = api.post(f"{URL}{empty['id']}/activate/")
    assert on.status_code == 200 and on.json()["is_active"] is True
