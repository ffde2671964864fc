"""Every detail route and action, generated from the router: another organization's id is a 404 (never a 403),
for an API key and for a signed-in member alike. A route added later is covered without editing this file."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import resolve, reverse
from rest_framework.test import APIClient

from portal.accounts.models import Role
from portal.api.routes import router
from portal.documents import services as documents
from portal.homes import services as homes
from portal.locations import services as locations
from portal.locations.models import Kind
from tests.factories import MembershipFactory, UserFactory
from tests.portal.api.conftest import error_of

pytestmark = pytest.mark.django_db


def detail_routes() -> list[tuple[str, str, str, type]]:
    """(basename, url name, HTTP method, viewset) for every route that takes an id."""
    found = []
    for _prefix, viewset, basename in router.registry:
        for route in router.get_routes(viewset):
            if not route.detail:
                continue
            for method in router.get_method_map(viewset, route.mapping):
                found.append((basename, f"api:{route.name.format(basename=basename)}", method.upper(), viewset))
    return found


ROUTES = detail_routes()


def records_of(portfolio) -> dict[str, object]:
    """One record per basename; a new resource without an entry here fails loudly (KeyError)."""
    pdf = SimpleUploadedFile("lease.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    return {
        "location": portfolio.neighborhood,
        "home": portfolio.home,
        "person": portfolio.person,
        "homeownership": homes.set_homeowner(portfolio.home, portfolio.person),
        "lease": portfolio.lease,
        "document": documents.create_document(portfolio.org, target=portfolio.home, title="Deed", file=pdf),
    }


def test_the_matrix_covers_every_resource_and_action():
    names = {(basename, name.split("-", 1)[1]) for basename, name, _method, _viewset in ROUTES}
    assert {("location", "activate"), ("location", "deactivate"), ("lease", "transition"),
            ("document", "download")} <= names
    assert {basename for basename, *_ in ROUTES} == {"location", "home", "person", "homeownership", "lease",
                                                     "document"}


def _call(client: APIClient, method: str, url: str):
    return getattr(client, method.lower())(url, {}, format="json") if method != "GET" else client.get(url)


def _check_matrix(client: APIClient, theirs: dict[str, object], ours: dict[str, object]) -> None:
    for basename, name, method, viewset in ROUTES:
        url = reverse(name, kwargs={"pk": theirs[basename].pk})
        assert resolve(url).func.cls is viewset, url  # the 404 below is the view's, not an unknown URL's
        response = _call(client, method, url)
        assert response.status_code == 404, (method, url, response.status_code)
        assert error_of(response)["code"] == "not_found"
        if method == "GET" and name.endswith("-detail"):
            assert client.get(reverse(name, kwargs={"pk": ours[basename].pk})).status_code == 200


def test_another_organizations_ids_are_404_for_an_api_key(api, portfolio, other_portfolio):
    _check_matrix(api, records_of(other_portfolio), records_of(portfolio))
    other_portfolio.lease.refresh_from_db()
    assert other_portfolio.lease.status == "draft"  # nothing of theirs changed


def test_another_organizations_ids_are_404_for_a_signed_in_member(member, portfolio, other_portfolio):
    client = APIClient()
    client.force_login(member.user)
    _check_matrix(client, records_of(other_portfolio), records_of(portfolio))


@pytest.mark.parametrize(("url", "body", "field"), [
    ("/api/v1/homes/", {"location": "neighborhood", "address_line1": "2 Oak", "city": "X", "state": "OH",
                        "postal_code": "45000"}, "location"),
    ("/api/v1/locations/", {"parent": "region", "kind": "division", "name": "Theirs"}, "parent"),
    ("/api/v1/leases/", {"home": "home", "start_date": "2026-01-01", "end_date": "2026-06-30", "rent": "10"}, "home"),
    ("/api/v1/homeownerships/", {"home": "home", "person": "person"}, "home"),
])
def test_referring_to_another_organizations_record_reads_as_no_such_record(api, portfolio, other_portfolio, url,
                                                                           body, field):
    body = {k: getattr(other_portfolio, v).pk if k in ("location", "parent", "home", "person") else v
            for k, v in body.items()}
    if "person" in body:
        body["home"] = portfolio.home.pk
        field = "person"
    response = api.post(url, body, format="json")
    assert response.status_code == 400
    assert "in your organization" in error_of(response)["fields"][field][0]


def test_a_filter_naming_another_organizations_location_is_refused(api, portfolio, other_portfolio):
    response = api.get("/api/v1/homes/", {"location": other_portfolio.neighborhood.pk})
    assert response.status_code == 400
    assert "location" in error_of(response)["fields"]


def test_a_member_limited_to_a_subtree_sees_only_it_through_the_api(org, portfolio):
    other_hood = locations.create_location(org, kind=Kind.NEIGHBORHOOD, name="Elsewhere", parent=portfolio.master)
    outside = homes.create_home(org, location=other_hood, address_line1="9 Far Rd", city="X", state="OH",
                                postal_code="45000")
    scoped = MembershipFactory(organization=org, role=Role.MANAGER, user=UserFactory())
    scoped.scope.set([portfolio.neighborhood])
    client = APIClient()
    client.force_login(scoped.user)
    assert [h["id"] for h in client.get("/api/v1/homes/").json()["results"]] == [portfolio.home.pk]
    assert client.get(f"/api/v1/homes/{outside.pk}/").status_code == 404
    assert client.get(f"/api/v1/homes/{portfolio.home.pk}/").status_code == 200
