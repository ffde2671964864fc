"""Who may write: write keys and non-viewer members; read keys and viewers are refused every write with 403.
Sessions need the CSRF token; every write names its actor in the history."""

from __future__ import annotations

import pytest
from django.middleware.csrf import get_token
from django.test import RequestFactory
from django.urls import reverse
from rest_framework.test import APIClient

from portal.accounts.models import Role
from portal.api.routes import router
from portal.homes.models import Person
from portal.locations.models import Location
from tests.factories import MembershipFactory, UserFactory
from tests.portal.api.conftest import error_of

pytestmark = pytest.mark.django_db
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


def write_routes() -> list[tuple[str, str, bool]]:
    """(url name, method, takes an id) for every write the router exposes."""
    found = []
    for _prefix, viewset, basename in router.registry:
        for route in router.get_routes(viewset):
            for method in router.get_method_map(viewset, route.mapping):
                if method.upper() in UNSAFE:
                    found.append((f"api:{route.name.format(basename=basename)}", method.upper(), route.detail))
    return found


def _ids(portfolio) -> dict[str, int]:
    return {"location": portfolio.neighborhood.pk, "home": portfolio.home.pk, "person": portfolio.person.pk,
            "lease": portfolio.lease.pk, "homeownership": 1, "document": 1}


def _refused_everywhere(client: APIClient, portfolio, message: str) -> None:
    ids = _ids(portfolio)
    before = (Location.objects.count(), Person.objects.count())
    for name, method, detail in write_routes():
        basename = name.split(":")[1].split("-")[0]
        url = reverse(name, kwargs={"pk": ids[basename]} if detail else None)
        response = getattr(client, method.lower())(url, {"name": "x"}, format="json")
        assert response.status_code == 403, (method, url, response.status_code)
        assert error_of(response)["code"] == "permission_denied"
        assert message in error_of(response)["message"]
    assert (Location.objects.count(), Person.objects.count()) == before


def test_a_read_key_reads_but_every_write_is_refused_with_403(read_api, portfolio):
    assert read_api.get("/api/v1/leases/").status_code == 200
    _refused_everywhere(read_api, portfolio, "read-only")


def test_a_viewer_reads_but_every_write_is_refused_with_403(org, portfolio):
    viewer = MembershipFactory(organization=org, role=Role.VIEWER, user=UserFactory())
    client = APIClient()
    client.force_login(viewer.user)
    assert client.get("/api/v1/homes/").status_code == 200
    _refused_everywhere(client, portfolio, "viewer")


def test_a_session_write_needs_the_csrf_token(member, portfolio):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(member.user)
    body = {"first_name": "Cy", "last_name": "Dunn"}
    refused = client.post("/api/v1/people/", body, format="json")
    assert refused.status_code == 403
    assert "CSRF" in error_of(refused)["message"]
    token = get_token(RequestFactory().get("/"))  # what the portal's pages put in the cookie and the meta tag
    client.cookies["csrftoken"] = token
    accepted = client.post("/api/v1/people/", body, format="json", HTTP_X_CSRFTOKEN=token)
    assert accepted.status_code == 201


def test_a_signed_in_person_of_no_organization_is_refused(db):
    client = APIClient()
    client.force_login(UserFactory())
    response = client.get("/api/v1/homes/")
    assert response.status_code == 403
    assert "not a member" in error_of(response)["message"]


def test_history_names_the_api_key_behind_a_write(api, write_key, portfolio):
    response = api.patch(f"/api/v1/homes/{portfolio.home.pk}/", {"market_rent": 1900}, format="json")
    assert response.status_code == 200
    record = portfolio.home.history.latest()
    assert record.actor_kind == "api_key"
    assert record.actor_label == f"API key {write_key.key.prefix} (CRM sync)"
    assert record.history_user is None


def test_history_names_the_member_behind_a_session_write(member, portfolio):
    client = APIClient()
    client.force_login(member.user)
    response = client.patch(f"/api/v1/people/{portfolio.person.pk}/", {"phone": "555 0100"}, format="json")
    assert response.status_code == 200
    record = portfolio.person.history.latest()
    assert (record.actor_kind, record.actor_label, record.history_user) == ("user", member.user.email, member.user)
