"""Lists: keyset cursors that neither skip nor repeat rows while others write, bounded page sizes, and a query
count that does not grow with the page."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal.accounts.apikeys import issue_key
from portal.accounts.models import APIKey
from portal.api.pagination import _orderings
from portal.documents.models import Document
from portal.homes.models import Home, Homeownership, Person
from portal.leases.models import Lease, LeaseTenant
from portal.locations import services as locations
from portal.locations.models import Kind, Location
from tests.factories import OrganizationFactory
from tests.portal.api.conftest import client_with, error_of

pytestmark = pytest.mark.django_db
LISTS = ["locations", "homes", "people", "homeownerships", "leases", "documents"]


def populate(slug: str, n: int):
    """An organization with n properties, homes, people, homeownerships, leases (two tenants each) and documents.

    Rows are bulk-inserted: this measures the read path, and n homes through the services would cost seconds.
    """
    org = OrganizationFactory(slug=slug, name=slug)
    region = locations.create_location(org, kind=Kind.REGION, name=f"North {slug}")
    props = Location.objects.bulk_create(
        Location(organization=org, parent=region, kind=Kind.PROPERTY, name=f"Tower {i}", path=f"{region.path}p{i}/",
                 depth=1) for i in range(n))
    new_homes = Home.objects.bulk_create(
        Home(organization=org, location=props[i], address_line1=f"{i} Elm", city="Dayton", state="OH",
             postal_code="45402") for i in range(n))
    people = Person.objects.bulk_create(Person(organization=org, first_name="Ada", last_name=f"Park{i}")
                                        for i in range(2 * n))
    Homeownership.objects.bulk_create(Homeownership(organization=org, home=new_homes[i], person=people[i])
                                      for i in range(n))
    new_leases = Lease.objects.bulk_create(
        Lease(organization=org, home=new_homes[i], start_date=dt.date(2026, 1, 1), end_date=dt.date(2026, 12, 31),
              rent=Decimal(1000 + i)) for i in range(n))
    LeaseTenant.objects.bulk_create(
        LeaseTenant(organization=org, lease=new_leases[i], person=people[i + offset], role=role)
        for i in range(n) for offset, role in ((0, "primary"), (n, "cotenant")))
    Document.objects.bulk_create(Document(organization=org, home=new_homes[i], title=f"Plan {i}",
                                          external_url=f"https://files.example.com/{i}") for i in range(n))
    return client_with(issue_key(org, name="bench", scope="write"))


def queries_for(client, url: str) -> tuple[int, int]:
    client.get(url)  # warm: the key's first use of the minute records last_used_at
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, {"page_size": 100})
    assert response.status_code == 200, response.content
    return len(ctx.captured_queries), len(response.json()["results"])


def test_a_list_costs_the_same_queries_for_one_row_and_for_a_hundred():
    one, hundred = populate("one", 1), populate("hundred", 100)
    counts = {}
    for name in LISTS:
        url = f"/api/v1/{name}/"
        few, rows_few = queries_for(one, url)
        many, rows_many = queries_for(hundred, url)
        assert rows_few <= 2 and rows_many == 100, (name, rows_few, rows_many)
        assert few == many, f"{name}: {few} queries for {rows_few} rows, {many} for {rows_many}"
        counts[name] = many
    print("list query counts:", json.dumps(counts))


def _walk(client, url: str, **params) -> list[str]:
    seen, response = [], client.get(url, {"page_size": 2, **params})
    while True:
        body = response.json()
        seen += [row["name"] for row in body["results"]]
        if body["next"] is None:
            return seen
        response = client.get(body["next"])


def _regions(org, *names: str) -> None:
    for name in names:
        locations.create_location(org, kind=Kind.REGION, name=name)


def test_walking_the_pages_returns_every_row_once_in_order(api, org):
    _regions(org, "Delta", "Alpha", "Echo", "Bravo", "Charlie")
    assert _walk(api, "/api/v1/locations/", ordering="name") == ["Alpha", "Bravo", "Charlie", "Delta", "Echo"]
    assert _walk(api, "/api/v1/locations/", ordering="-name") == ["Echo", "Delta", "Charlie", "Bravo", "Alpha"]
    assert _walk(api, "/api/v1/locations/") == ["Delta", "Alpha", "Echo", "Bravo", "Charlie"]  # by id


def test_rows_written_between_pages_neither_shift_nor_repeat_the_next_page(api, org):
    _regions(org, "Alpha", "Bravo", "Charlie", "Delta", "Echo", "Foxtrot")
    first = api.get("/api/v1/locations/", {"page_size": 2, "ordering": "name"}).json()
    assert [r["name"] for r in first["results"]] == ["Alpha", "Bravo"]
    _regions(org, "Able")  # sorts before the cursor: an offset would repeat Bravo
    charlie = next(r for r in api.get("/api/v1/locations/", {"page_size": 100}).json()["results"]
                   if r["name"] == "Charlie")
    Location.objects.filter(pk=charlie["id"]).delete()  # gone before we reach it: an offset would skip Delta
    second = api.get(first["next"]).json()
    assert [r["name"] for r in second["results"]] == ["Delta", "Echo"]
    back = api.get(second["previous"]).json()
    assert [r["name"] for r in back["results"]] == ["Alpha", "Bravo"]  # the two just before Delta, as of now


def test_the_last_page_has_no_next_and_the_first_no_previous(api, org):
    _regions(org, "Alpha", "Bravo")
    body = api.get("/api/v1/locations/", {"page_size": 5}).json()
    assert (body["next"], body["previous"], len(body["results"])) == (None, None, 2)


@pytest.mark.parametrize(("params", "field"), [
    ({"page_size": 0}, "page_size"),
    ({"page_size": 101}, "page_size"),
    ({"page_size": "ten"}, "page_size"),
    ({"ordering": "rent"}, "ordering"),
    ({"cursor": "not-a-cursor"}, "cursor"),
    ({"cursor": "eyJvIjpbImlkIl0sInYiOlsiYWJjIl19"}, "cursor"),  # {"o":["id"],"v":["abc"]}
])
def test_bad_paging_parameters_are_refused_by_name(api, db, params, field):
    response = api.get("/api/v1/locations/", params)
    assert response.status_code == 400
    assert field in error_of(response)["fields"]


def test_a_cursor_of_one_ordering_is_refused_under_another(api, org):
    _regions(org, "Alpha", "Bravo", "Charlie")
    next_link = api.get("/api/v1/locations/", {"page_size": 1, "ordering": "name"}).json()["next"]
    cursor = parse_qs(urlsplit(next_link).query)["cursor"][0]
    response = api.get("/api/v1/locations/", {"cursor": cursor, "ordering": "-updated_at"})
    assert response.status_code == 400
    assert "another ordering" in error_of(response)["fields"]["cursor"][0]


def test_the_orderings_offered_follow_the_models_non_null_fields():
    class KeysView:  # any app's list shares this pagination: APIKey has created_at but no updated_at
        queryset = APIKey.objects.none()
        ordering_fields = ("name", "last_used_at")  # last_used_at may be null: not orderable by keyset

    assert _orderings(KeysView()) == ("id", "-id", "created_at", "-created_at", "name", "-name")
