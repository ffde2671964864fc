"""seed_demo builds a believable demo portfolio once, completes it idempotently, and prints a working login."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.urls import reverse

from portal.accounts.models import Membership, Role, User
from portal.accounts.scoping import Tenant, scoped
from portal.documents.models import Document
from portal.homes.models import Home, Homeownership, Person
from portal.leases.models import OCCUPYING_STATUSES, Lease, LeaseStatus, LeaseTenant
from portal.locations.models import HOME_PARENT_KINDS, Location

pytestmark = pytest.mark.django_db

MODELS = (Location, Home, Person, Homeownership, Lease, LeaseTenant, Document, Membership, User)


def seed(*args: str) -> str:
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


@pytest.fixture(autouse=True)
def _no_password_from_env(monkeypatch, settings):
    # A fast hasher: these tests are about what is seeded, not about PBKDF2's cost (seconds per user here).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    monkeypatch.delenv("DEMO_ADMIN_PASSWORD", raising=False)
    monkeypatch.delenv("DEMO_MANAGER_PASSWORD", raising=False)


def test_the_default_demo_has_the_promised_portfolio():
    seed()
    kinds = dict(Location.objects.values_list("kind").annotate(n=Count("id")))
    assert kinds == {"region": 2, "division": 4, "master_community": 6, "neighborhood": 12, "property": 3}
    assert Home.objects.count() == 300
    assert 170 <= Lease.objects.count() <= 230
    assert set(Lease.objects.values_list("status", flat=True)) == set(LeaseStatus.values)
    soon = dt.date.today() + dt.timedelta(days=60)
    assert Lease.objects.filter(status=LeaseStatus.ACTIVE, end_date__gte=dt.date.today(), end_date__lte=soon).exists()
    assert LeaseTenant.objects.count() >= Lease.objects.count()
    assert Homeownership.objects.count() > 200
    files = Document.objects.exclude(file="")
    assert set(files.values_list("content_type", flat=True)) == {"application/pdf", "image/png"}
    assert all(doc.file.storage.exists(doc.file.name) for doc in files)
    assert Document.objects.filter(file="").exclude(external_url="").exists()


def test_seeding_twice_gives_the_same_counts():
    seed("--homes", "60")
    first = counts()
    seed("--homes", "60")
    assert counts() == first


def test_more_homes_extend_the_portfolio_and_keep_the_first_homes_as_they_were():
    seed("--homes", "40")
    before = {h.external_id: (h.address_line1, h.unit_number, h.market_rent) for h in Home.objects.all()}
    seed("--homes", "70")
    after = {h.external_id: (h.address_line1, h.unit_number, h.market_rent) for h in Home.objects.all()}
    assert len(after) == 70
    assert {key: after[key] for key in before} == before


def test_if_empty_does_nothing_once_the_demo_has_homes():
    seed("--homes", "20")
    first = counts()
    assert "nothing to do" in seed("--homes", "50", "--if-empty")
    assert counts() == first


def test_the_printed_admin_password_signs_in_and_is_printed_only_once(client):
    output = seed("--homes", "10")
    password = re.search(r"Created admin@example.com with password: (\S+)", output).group(1)
    response = client.post(reverse("account_login"), {"login": "admin@example.com", "password": password})
    assert response.status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200
    assert "password" not in seed("--homes", "10")
    admin = User.objects.get(email="admin@example.com")
    assert admin.is_superuser
    assert admin.memberships.get().role == Role.OWNER


def test_a_password_from_the_environment_is_used_and_not_printed(monkeypatch):
    monkeypatch.setenv("DEMO_ADMIN_PASSWORD", "a long demo passphrase")
    output = seed("--homes", "5")
    assert "a long demo passphrase" not in output
    assert "DEMO_ADMIN_PASSWORD" in output
    assert User.objects.get(email="admin@example.com").check_password("a long demo passphrase")


def test_the_demo_manager_sees_only_texas():
    seed("--homes", "60")
    membership = Membership.objects.get(user__email="manager@example.com")
    assert membership.role == Role.MANAGER and membership.user.is_staff
    homes = scoped(Home, Tenant.for_membership(membership))
    assert homes.exists()
    assert set(homes.values_list("state", flat=True)) == {"TX"}
    assert Home.objects.filter(state="FL").exists()


def test_bulk_rows_keep_the_rules_and_name_the_import_in_their_history():
    seed("--homes", "120")
    assert not Home.objects.exclude(location__kind__in=HOME_PARENT_KINDS).exists()
    assert not Home.objects.filter(location__is_active=False).exists()
    occupied = Lease.objects.filter(status__in=OCCUPYING_STATUSES).values("home").annotate(n=Count("id"))
    assert not occupied.filter(n__gt=1).exists()
    assert not Lease.objects.filter(end_date__isnull=True).exclude(lease_type="at_will").exists()
    for model in (Home, Person, Lease, LeaseTenant, Homeownership, Location, Document):
        kinds = set(model.history.values_list("actor_kind", "actor_label"))
        assert kinds == {("import", "seed_demo")}, model.__name__
