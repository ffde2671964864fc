"""Data the benchmarks need: organizations of their own, Buildium connections, property locations, portfolios."""

from __future__ import annotations

import os
from typing import Any

from integrations.buildium.plugin import BuildiumPlugin
from integrations.models import Connection, ExternalRef
from portal.accounts.models import Organization
from portal.locations.models import Kind, Location


def organization(tag: str) -> Organization:
    slug = f"bench-{tag}-{os.getpid()}"
    org, _ = Organization.objects.get_or_create(slug=slug, defaults={"name": f"Bench {tag} {os.getpid()}"})
    return org


def buildium_connection(org: Organization, url: str, **config: Any) -> Connection:
    connection = Connection(organization=org, vendor="buildium", name=f"Buildium {org.slug}", base_url=url,
                            config={"schedule_minutes": 0, **config})
    connection.set_credentials(dict(BuildiumPlugin.demo_credentials))
    connection.save()
    return connection


def copy_properties(source: Connection, org: Organization) -> dict[str, int]:
    """The properties a connection pulled, made again (in bulk) in ``org``: {Buildium property id: location id}.

    The naive and COPY paths of the ingest benchmark need the same parents as the engine, in their own org."""
    refs = dict(ExternalRef.objects.filter(connection=source, stream="properties").values_list("object_id",
                                                                                               "vendor_id"))
    originals = Location.objects.filter(pk__in=refs)
    made = Location.objects.bulk_create([
        Location(organization=org, kind=Kind.PROPERTY, name=loc.name, external_id=f"B-{refs[loc.pk]}",
                 address_line1=loc.address_line1, city=loc.city, state=loc.state, postal_code=loc.postal_code)
        for loc in originals
    ])
    for loc in made:
        loc.path, loc.depth = f"/{loc.pk}/", 0
    Location.objects.bulk_update(made, ["path", "depth"])
    return {loc.external_id[2:]: loc.pk for loc in made}


PORTFOLIO_SLUG = "bench-portfolio"


def portfolio(homes: int) -> Organization:
    """An organization with ``homes`` homes, people and leases (the demo's generator, in bulk), made once per
    database: the API and portal benchmarks share it."""
    import datetime as dt

    from django.db import transaction

    from portal.core.actor import acting_as
    from portal.core.demo import IMPORT_ACTOR, Added, seed_homes, seed_tree
    from portal.homes.models import Home

    org, _ = Organization.objects.get_or_create(slug=PORTFOLIO_SLUG, defaults={"name": "Bench portfolio"})
    if Home.objects.filter(organization=org).count() < homes:
        with acting_as(IMPORT_ACTOR), transaction.atomic():
            seed_homes(org, seed_tree(org, Added()), homes, dt.date.today(), Added())
        analyze()
    return org


def member(org: Organization, role: str = "admin") -> Any:
    from portal.accounts.models import Membership, User

    email = f"bench-{role}@{org.slug}.example"
    user = User.objects.filter(email=email).first() or User.objects.create_user(email=email, password=None)
    Membership.objects.get_or_create(user=user, organization=org, defaults={"role": role})
    return user


def analyze() -> None:
    """Fresh planner statistics after a bulk load (what autovacuum does a little later in production)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
