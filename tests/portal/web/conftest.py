"""Fixtures of the portal page tests: signed-in members of each role, and portfolios of a chosen size."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from portal.accounts.models import Role
from portal.homes.models import Home, Homeownership, Person
from portal.leases.models import Lease, LeaseStatus, LeaseTenant
from tests.conftest import Portfolio
from tests.factories import MembershipFactory, UserFactory


@pytest.fixture
def viewer_client(client, org):
    viewer = MembershipFactory(organization=org, role=Role.VIEWER, user=UserFactory(email="viewer@example.com"))
    client.force_login(viewer.user)
    return client


def add_homes(portfolio: Portfolio, count: int, *, start: int = 0) -> list[Home]:
    """``count`` more homes under the portfolio's neighborhood, each with a person; every other one rented on an
    active lease, every third one owned.

    Written in bulk: these rows only give the query-count tests volume (10 versus 500 rows). Every rule of the
    services is exercised through them by the other tests.
    """
    org, hood = portfolio.org, portfolio.neighborhood
    made = Home.objects.bulk_create([
        Home(organization=org, location=hood, address_line1=f"{100 + i} Grove Ave", city="Dayton", state="OH",
             postal_code="45402", external_id=f"G-{i}", market_rent=Decimal(1000 + i))
        for i in range(start, start + count)
    ])
    people = Person.objects.bulk_create([
        Person(organization=org, first_name=f"Tess{i}", last_name="Grove", email=f"tess{i}@example.com",
               phone=f"555-01{i:04d}")
        for i in range(start, start + count)
    ])
    today = timezone.localdate()
    rented = [(i, home, person) for i, (home, person) in enumerate(zip(made, people, strict=True), start) if i % 2 == 0]
    new_leases = Lease.objects.bulk_create([
        Lease(organization=org, home=home, status=LeaseStatus.ACTIVE, start_date=today - dt.timedelta(days=100),
              end_date=today + dt.timedelta(days=10 + i % 360), rent=Decimal(1200))
        for i, home, _ in rented
    ])
    LeaseTenant.objects.bulk_create([
        LeaseTenant(organization=org, lease=lease, person=person)
        for lease, (_, _, person) in zip(new_leases, rented, strict=True)
    ])
    Homeownership.objects.bulk_create([
        Homeownership(organization=org, home=home, person=person)
        for i, (home, person) in enumerate(zip(made, people, strict=True), start) if i % 3 == 0
    ])
    return made


@pytest.fixture
def count_queries() -> Callable[[Callable[[], object]], int]:
    def run(action: Callable[[], object]) -> int:
        with CaptureQueriesContext(connection) as captured:
            action()
        return len(captured.captured_queries)

    return run


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Members are created with a password; the production hasher's deliberate slowness only slows these tests.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
