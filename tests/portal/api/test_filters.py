"""List filters: location subtree, status, type, updated_since, external id, search; bad values are a 400."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from portal.documents import services as documents
from portal.homes import services as homes
from portal.homes.models import Home
from portal.leases import services as leases
from portal.locations import services as locations
from portal.locations.models import Kind
from tests.portal.api.conftest import error_of

pytestmark = pytest.mark.django_db


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


@pytest.fixture
def second_branch(portfolio):
    """Another division with a neighborhood, a multi-family home, an active lease and a document."""
    division = locations.create_location(portfolio.org, kind=Kind.DIVISION, name="Hills", parent=portfolio.region)
    master = locations.create_location(portfolio.org, kind=Kind.MASTER_COMMUNITY, name="Peak", parent=division)
    hood = locations.create_location(portfolio.org, kind=Kind.NEIGHBORHOOD, name="Crest", parent=master)
    home = homes.create_home(portfolio.org, location=hood, address_line1="5 Ridge Rd", city="Akron", state="OH",
                             postal_code="44301", home_type="multi_family", status="pending", external_id="H-R5")
    lease = leases.create_lease(portfolio.org, home=home, start_date=dt.date(2026, 2, 1), lease_type="at_will",
                                rent=900, status="active")
    doc = documents.create_document(portfolio.org, target=home, title="Roof warranty", category="warranty",
                                    external_url="https://files.example.com/roof.pdf")
    return division, hood, home, lease, doc


def test_the_location_filter_takes_the_whole_subtree(api, portfolio, second_branch):
    division, hood, home, lease, doc = second_branch
    assert ids(api.get("/api/v1/homes/", {"location": division.pk})) == [home.pk]
    assert ids(api.get("/api/v1/homes/", {"location": portfolio.region.pk})) == [portfolio.home.pk, home.pk]
    assert ids(api.get("/api/v1/leases/", {"location": division.pk})) == [lease.pk]
    assert ids(api.get("/api/v1/documents/", {"location": hood.pk})) == [doc.pk]
    assert len(ids(api.get("/api/v1/locations/", {"location": division.pk}))) == 3
    assert ids(api.get("/api/v1/locations/", {"parent": portfolio.region.pk})) == [portfolio.division.pk,
                                                                                  division.pk]


def test_status_and_type_filters(api, portfolio, second_branch):
    _, _, home, lease, doc = second_branch
    assert ids(api.get("/api/v1/homes/", {"status": "pending"})) == [home.pk]
    assert ids(api.get("/api/v1/homes/", {"type": "single_family"})) == [portfolio.home.pk]
    assert ids(api.get("/api/v1/leases/", {"status": "active", "type": "at_will"})) == [lease.pk]
    assert ids(api.get("/api/v1/documents/", {"category": "warranty"})) == [doc.pk]
    assert ids(api.get("/api/v1/locations/", {"kind": "region", "is_active": "true"})) == [portfolio.region.pk]


@pytest.mark.parametrize(
    ("since", "count"),
    [
        ("2000-01-01T08:30:00+20:45", 1),  # an offset Python accepts and PostgreSQL refuses: compared in UTC
        ("2227-11-01T19:51:26.978+20:45", 0),
        ("9999-12-31T23:00:00-05:00", 0),  # past the calendar's end in UTC: later than every row
        ("0001-01-01T01:00:00+05:00", 1),  # before its start: earlier than every row
    ],
)
def test_updated_since_with_any_offset_is_compared_in_utc(api, portfolio, since, count):
    response = api.get("/api/v1/homes/", {"updated_since": since})
    assert response.status_code == 200, response.content
    assert len(ids(response)) == count


def test_updated_since_returns_what_changed_at_or_after_the_time(api, portfolio):
    mark = timezone.now()
    Home.objects.filter(pk=portfolio.home.pk).update(updated_at=mark - dt.timedelta(hours=1))
    other = homes.create_home(portfolio.org, location=portfolio.neighborhood, address_line1="7 Oak", city="Dayton",
                              state="OH", postal_code="45402")
    assert ids(api.get("/api/v1/homes/", {"updated_since": mark.isoformat()})) == [other.pk]
    assert len(ids(api.get("/api/v1/homes/", {"updated_since": "2000-01-01T00:00:00Z"}))) == 2


def test_external_id_and_search(api, portfolio, second_branch):
    home = second_branch[2]
    assert ids(api.get("/api/v1/homes/", {"external_id": "H-R5"})) == [home.pk]
    assert ids(api.get("/api/v1/homes/", {"search": "ridge"})) == [home.pk]
    assert ids(api.get("/api/v1/people/", {"search": "ada@example"})) == [portfolio.person.pk]


@pytest.mark.parametrize(("url", "params", "field"), [
    ("/api/v1/homes/", {"status": "sold"}, "status"),
    ("/api/v1/homes/", {"location": "north"}, "location"),
    ("/api/v1/homes/", {"updated_since": "yesterday"}, "updated_since"),
    ("/api/v1/locations/", {"is_active": "yes"}, "is_active"),
    ("/api/v1/leases/", {"type": "monthly"}, "type"),
])
def test_a_bad_filter_value_is_refused_by_name_rather_than_ignored(api, portfolio, url, params, field):
    response = api.get(url, params)
    assert response.status_code == 400
    assert field in error_of(response)["fields"]
