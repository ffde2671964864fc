"""Shared fixtures: organizations, members, a small location tree, homes and leases built through the services."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.core.cache import cache

from portal.accounts.models import Membership, Organization, Role
from portal.homes import services as homes
from portal.homes.models import Home, Person
from portal.leases import services as leases
from portal.leases.models import Lease
from portal.locations import services as locations
from portal.locations.models import Kind, Location
from tests.factories import MembershipFactory, OrganizationFactory, UserFactory


@pytest.fixture(autouse=True)
def _isolated_media_and_cache(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    # A fast hasher: the suite creates hundreds of users; production keeps Django's default (PBKDF2).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    _clear_own_cache()
    yield
    _clear_own_cache()


def _clear_own_cache() -> None:
    """Clear this run's cache keys only: on Redis, cache.clear() would flush the whole database (and the
    Celery queue of whoever shares it)."""
    client_factory = getattr(cache, "_cache", None)
    if client_factory is not None and hasattr(client_factory, "get_client"):
        client = client_factory.get_client(write=True)
        keys = list(client.scan_iter(match=f"{cache.key_prefix}:*", count=1000))
        if keys:
            client.delete(*keys)
    else:
        cache.clear()


@dataclass
class Portfolio:
    org: Organization
    region: Location
    division: Location
    master: Location
    neighborhood: Location
    home: Home
    person: Person
    lease: Lease


def build_portfolio(org: Organization, tag: str = "") -> Portfolio:
    region = locations.create_location(org, kind=Kind.REGION, name=f"North{tag}", external_id=f"R{tag}")
    division = locations.create_location(org, kind=Kind.DIVISION, name=f"Lakes{tag}", parent=region)
    master = locations.create_location(org, kind=Kind.MASTER_COMMUNITY, name=f"Bay{tag}", parent=division)
    hood = locations.create_location(org, kind=Kind.NEIGHBORHOOD, name=f"Cove{tag}", parent=master)
    home = homes.create_home(
        org, location=hood, address_line1=f"1 Elm St{tag}", city="Dayton", state="OH", postal_code="45402",
        external_id=f"H{tag}1",
    )
    person = homes.create_person(org, first_name="Ada", last_name=f"Park{tag}", email=f"ada{tag}@example.com")
    lease = leases.create_lease(
        org, home=home, tenants=[person], start_date=dt.date(2026, 1, 1), end_date=dt.date(2026, 12, 31),
        rent=Decimal("1500.00"), deposit=Decimal("1500.00"),
    )
    return Portfolio(org, region, division, master, hood, home, person, lease)


@pytest.fixture
def org(db) -> Organization:
    return OrganizationFactory(name="Acme Homes", slug="acme")


@pytest.fixture
def other_org(db) -> Organization:
    return OrganizationFactory(name="Rival Realty", slug="rival")


@pytest.fixture
def portfolio(org) -> Portfolio:
    return build_portfolio(org)


@pytest.fixture
def other_portfolio(other_org) -> Portfolio:
    return build_portfolio(other_org, tag="X")


@pytest.fixture
def member(org) -> Membership:
    return MembershipFactory(organization=org, role=Role.MANAGER, user=UserFactory(email="manager@example.com"))


@pytest.fixture
def member_client(client, member):
    client.force_login(member.user)
    return client
