"""python manage.py seed_demo [--homes N] [--if-empty]: the demo organization, created or completed idempotently."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db.models import Count

from portal.core.demo import DEMO_SLUG, seed
from portal.core.demo_users import seed_users
from portal.documents.models import Document
from portal.homes.models import Home, Homeownership, Person
from portal.leases.models import Lease, LeaseTenant
from portal.locations.models import Location


class Command(BaseCommand):
    help = "Create the demo organization (slug 'demo') with a believable portfolio, its admin and a manager."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--homes", type=int, default=300, help="How many homes (default 300).")
        parser.add_argument("--if-empty", action="store_true",
                            help="Do nothing when the demo organization already has homes.")

    def handle(self, *args: Any, homes: int, if_empty: bool, **options: Any) -> None:
        if homes < 1:
            self.stderr.write("--homes must be at least 1.")
            raise SystemExit(2)
        existing = Home.objects.filter(organization__slug=DEMO_SLUG).count()
        if if_empty and existing:
            self.stdout.write(f"Demo organization already has {existing} homes: nothing to do.")
            return
        started = time.monotonic()
        org, added = seed(homes)
        logins = seed_users(org)
        elapsed = time.monotonic() - started
        self.stdout.write(self.style.SUCCESS(f"Demo organization “{org.name}” ({org.slug}) ready in {elapsed:.1f} s."))
        self.stdout.write(summary(org) + f"\nAdded by this run: {vars(added)}")
        for login in logins:
            if login.password is None:
                self.stdout.write(f"Created {login.email}; its password is the one in {login.env_var}.")
            else:
                self.stdout.write(self.style.WARNING(
                    f"Created {login.email} with password: {login.password}  (shown once; set {login.env_var} "
                    "to choose it)"
                ))


def summary(org: Any) -> str:
    def count(model: type) -> int:
        return model.objects.filter(organization=org).count()

    kinds = dict(Location.objects.filter(organization=org).values_list("kind").annotate(n=Count("id")))
    statuses = dict(Lease.objects.filter(organization=org).values_list("status").annotate(n=Count("id")))
    return "\n".join([
        "Locations: " + ", ".join(f"{kinds.get(k, 0)} {k.replace('_', ' ')}"
                                  for k in ("region", "division", "master_community", "neighborhood", "property")),
        f"Homes: {count(Home)}; people: {count(Person)}; homeownerships: {count(Homeownership)}",
        f"Leases: {count(Lease)} (" + ", ".join(f"{statuses.get(s, 0)} {s}"
                                               for s in ("draft", "active", "renewed", "ended", "terminated"))
        + f"); tenants on leases: {count(LeaseTenant)}",
        f"Documents: {count(Document)}",
    ])
