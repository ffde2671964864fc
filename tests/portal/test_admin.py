"""The Django admin: constant queries per changelist, one organization per member, and no way around the rules."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.accounts.models import APIKey, Membership, Organization, Role, User
from portal.documents.models import Document
from portal.homes.models import Home, HomeImport, Homeownership, Person
from portal.leases.models import Lease, LeaseTenant
from portal.locations.models import Kind, Location
from tests.conftest import Portfolio
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(client):
    client.force_login(User.objects.create_superuser("root@example.com", "correct horse battery"))
    return client


@pytest.fixture
def staff_member(portfolio) -> Membership:
    user = UserFactory(email="staff@example.com", is_staff=True)
    return MembershipFactory(user=user, organization=portfolio.org, role=Role.ADMIN)


@pytest.fixture
def staff_client(client, staff_member):
    client.force_login(staff_member.user)
    return client


# --- Bulk rows for the query-count tests (plain bulk_create: these rows only need to exist and be listed) ----

def _people(org: Organization, n: int, tag: str) -> list[Person]:
    return Person.objects.bulk_create(
        Person(organization=org, first_name=f"P{i}", last_name=f"{tag}{i}", email=f"{tag}{i}@example.com")
        for i in range(n)
    )


def add_locations(p: Portfolio, n: int, tag: str) -> None:
    made = Location.objects.bulk_create(
        Location(organization=p.org, parent=p.master, kind=Kind.NEIGHBORHOOD, name=f"{tag}{i}") for i in range(n)
    )
    for loc in made:
        loc.path, loc.depth = f"{p.master.path}{loc.pk}/", p.master.depth + 1
    Location.objects.bulk_update(made, ["path", "depth"])


def add_homes(p: Portfolio, n: int, tag: str) -> None:
    Home.objects.bulk_create(
        Home(organization=p.org, location=p.neighborhood, address_line1=f"{i} {tag} St", city="Dayton", state="OH",
             postal_code="45402") for i in range(n)
    )


def add_people(p: Portfolio, n: int, tag: str) -> None:
    _people(p.org, n, tag)


def add_homeownerships(p: Portfolio, n: int, tag: str) -> None:
    Homeownership.objects.bulk_create(
        Homeownership(organization=p.org, home=p.home, person=person) for person in _people(p.org, n, tag)
    )


def add_leases(p: Portfolio, n: int, tag: str) -> None:
    Lease.objects.bulk_create(
        Lease(organization=p.org, home=p.home, start_date=dt.date(2025, 1, 1), end_date=dt.date(2025, 12, 31),
              rent=Decimal("1200")) for _ in range(n)
    )


def add_lease_tenants(p: Portfolio, n: int, tag: str) -> None:
    LeaseTenant.objects.bulk_create(
        LeaseTenant(organization=p.org, lease=p.lease, person=person) for person in _people(p.org, n, tag)
    )


def add_documents(p: Portfolio, n: int, tag: str) -> None:
    Document.objects.bulk_create(
        Document(organization=p.org, home=p.home, title=f"{tag}{i}", external_url=f"https://example.com/{tag}/{i}")
        for i in range(n)
    )


def add_home_imports(p: Portfolio, n: int, tag: str) -> None:
    user = User.objects.get(email="staff@example.com")
    HomeImport.objects.bulk_create(
        HomeImport(organization=p.org, created_by=user, file_name=f"{tag}{i}.csv") for i in range(n)
    )


def add_organizations(p: Portfolio, n: int, tag: str) -> None:
    orgs = Organization.objects.bulk_create(Organization(name=f"{tag}{i}", slug=f"{tag}-{i}") for i in range(n))
    member = Membership.objects.filter(user__email="staff@example.com").first()
    if member is not None:  # the member sees the organizations they belong to: make them belong to these
        Membership.objects.bulk_create(Membership(user=member.user, organization=o, role=Role.ADMIN) for o in orgs)


def _users(n: int, tag: str) -> list[User]:
    return User.objects.bulk_create(User(email=f"{tag}{i}@example.com") for i in range(n))


def add_users(p: Portfolio, n: int, tag: str) -> None:
    Membership.objects.bulk_create(Membership(user=u, organization=p.org) for u in _users(n, tag))


def add_memberships(p: Portfolio, n: int, tag: str) -> None:
    add_users(p, n, tag)


def add_api_keys(p: Portfolio, n: int, tag: str) -> None:
    APIKey.objects.bulk_create(
        APIKey(organization=p.org, name=f"{tag}{i}", prefix=f"{tag}{i}"[:16], hashed_key="x" * 64) for i in range(n)
    )


CHANGELISTS: list[tuple[str, Callable[[Portfolio, int, str], None]]] = [
    ("locations_location", add_locations),
    ("homes_home", add_homes),
    ("homes_person", add_people),
    ("homes_homeownership", add_homeownerships),
    ("homes_homeimport", add_home_imports),
    ("leases_lease", add_leases),
    ("leases_leasetenant", add_lease_tenants),
    ("documents_document", add_documents),
    ("accounts_organization", add_organizations),
    ("accounts_user", add_users),
    ("accounts_membership", add_memberships),
    ("accounts_apikey", add_api_keys),
]


def _count_queries(client, url: str) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response.context["cl"].result_count


@pytest.mark.parametrize("who", ["superuser", "staff member"])
@pytest.mark.parametrize(("name", "add_rows"), CHANGELISTS, ids=[c[0] for c in CHANGELISTS])
def test_each_changelist_runs_as_many_queries_for_1000_rows_as_for_10(
    request, portfolio, other_portfolio, staff_member, who, name, add_rows
):
    client = request.getfixturevalue("superuser_client" if who == "superuser" else "staff_client")
    url = reverse(f"admin:{name}_changelist")
    client.get(url)  # first request warms per-process caches (content types)
    add_rows(portfolio, 10, "a")
    few, few_rows = _count_queries(client, url)
    add_rows(portfolio, 990, "b")
    many, many_rows = _count_queries(client, url)
    assert many_rows >= few_rows + 990
    assert many == few, f"{name}: {few} queries for {few_rows} rows, {many} for {many_rows}"
    print(f"\n{name} as {who}: {few} queries for {few_rows} rows, {many} for {many_rows}")


def test_the_admin_index_and_sidebar_name_each_section_once(superuser_client):
    """allauth's e-mail addresses are "Accounts": Lintel's organizations, users and keys must not be another."""
    index = superuser_client.get(reverse("admin:index"))
    names = [app["name"] for app in index.context["app_list"]]
    assert len(names) == len(set(names)), names
    assert "Organizations and users" in names and "Accounts" in names
    html = index.content.decode()
    for name in names:
        assert html.count(f'title="Models in the {name} application"') == 1, name
    sidebar = superuser_client.get(reverse("admin:homes_home_changelist")).context["available_apps"]
    assert [app["name"] for app in sidebar] == names
