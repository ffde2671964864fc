"""The demo organization: a location tree built through the services, then homes, people and leases in bulk.

The tree is small and has rules (kind order, active chain), so it goes through create_location. Homes, people,
homeownerships, leases and tenants can number in the tens of thousands: they are built from deterministic rows
whose rules hold by construction (homes only under neighborhoods and properties of an active tree, leases with
consistent dates) and written with bulk_create_with_history, each historical row naming the "import" actor.
No change events are sent for them: a fresh demo organization has no vendor connection to sync them to.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from django.db import transaction
from simple_history.utils import bulk_create_with_history

from portal.accounts.models import Organization
from portal.core.actor import Actor, acting_as, current_actor
from portal.core.demo_data import TREE, Node
from portal.core.demo_files import seed_documents
from portal.core.demo_rows import home_row, lease_row, owner_rows, tenant_rows
from portal.homes.models import Home, Homeownership, OwnershipType, Person
from portal.leases.models import Lease, LeaseTenant, TenantRole
from portal.locations import services as locations
from portal.locations.models import Location

DEMO_SLUG = "demo"
DEMO_NAME = "Demo Homes"
IMPORT_ACTOR = Actor(kind="import", label="seed_demo")
BATCH = 2000


@dataclass
class Added:
    locations: int = 0
    homes: int = 0
    people: int = 0
    homeownerships: int = 0
    leases: int = 0
    tenants: int = 0
    documents: int = 0


def walk(nodes: tuple[Node, ...], parent: Node | None = None) -> Iterator[tuple[Node, Node | None]]:
    for node in nodes:
        yield node, parent
        yield from walk(node.children, node)


def demo_organization() -> Organization:
    org, _ = Organization.objects.get_or_create(slug=DEMO_SLUG, defaults={"name": DEMO_NAME})
    return org


def seed_tree(org: Organization, added: Added) -> dict[str, Location]:
    ours = Location.objects.filter(organization=org, external_id__startswith="DEMO-")
    existing = {loc.external_id: loc for loc in ours}
    for node, parent in walk(TREE):
        key = f"DEMO-{node.key}"
        if key in existing:
            continue
        place = node.place
        address = {"address_line1": node.address, "city": place.city, "state": place.state,
                   "postal_code": place.postal_code} if place is not None else {}
        existing[key] = locations.create_location(
            org, kind=node.kind, name=node.name, parent=existing[f"DEMO-{parent.key}"] if parent else None,
            external_id=key, abbreviation=node.abbreviation, **address,
        )
        added.locations += 1
    return existing


def _history_attrs() -> dict[str, str]:
    actor = current_actor()
    return {"actor_kind": actor.kind, "actor_label": actor.label}


def _bulk(objs: list, model: type) -> list:
    if not objs:
        return []
    return bulk_create_with_history(objs, model, batch_size=BATCH, custom_historical_attrs=_history_attrs())


def seed_homes(org: Organization, tree: dict[str, Location], count: int, today: dt.date, added: Added) -> None:
    nodes = [node for node, _ in walk(TREE)]
    hoods = [n for n in nodes if n.kind == "neighborhood"]
    props = [n for n in nodes if n.kind == "property"]
    have_homes = set(Home.objects.filter(organization=org).values_list("external_id", flat=True))
    have_leases = set(Lease.objects.filter(organization=org).values_list("external_id", flat=True))
    homes, people, owners, leases, tenants = [], [], [], [], []
    for i in range(1, count + 1):
        row = home_row(i, hoods, props)
        if row.key not in have_homes:
            homes.append(Home(
                organization=org, location=tree[f"DEMO-{row.location_key}"], external_id=row.key,
                address_line1=row.address_line1, unit_number=row.unit_number, city=row.place.city,
                state=row.place.state, postal_code=row.place.postal_code, home_type=row.home_type,
                bedrooms=row.bedrooms, bathrooms=row.bathrooms, size_sqft=row.size_sqft,
                market_rent=row.market_rent, status=row.status,
            ))
            for n, person in enumerate(owner_rows(i, row)):
                people.append(_person(org, person))
                owners.append((row.key, person.key, OwnershipType.PRIMARY if n == 0 else OwnershipType.SECONDARY))
        lease = lease_row(i, row, today)
        if lease is not None and lease.key not in have_leases:
            leases.append((row.key, Lease(
                organization=org, external_id=lease.key, status=lease.status, lease_type=lease.lease_type,
                start_date=lease.start_date, end_date=lease.end_date, rent=lease.rent, deposit=lease.rent,
                due_day=lease.due_day,
            )))
            for n, person in enumerate(tenant_rows(i, lease, row.place)):
                people.append(_person(org, person))
                role = TenantRole.PRIMARY if n == 0 else TenantRole.COTENANT if n == 1 else TenantRole.COSIGNER
                tenants.append((lease.key, person.key, role))
    _bulk(homes, Home)
    _bulk(people, Person)
    home_ids = dict(Home.objects.filter(organization=org).values_list("external_id", "id"))
    for home_ext, lease_obj in leases:
        lease_obj.home_id = home_ids[home_ext]
    _bulk([lease_obj for _, lease_obj in leases], Lease)
    person_ids = {p.external_id: p.pk for p in people}
    lease_ids = {lease_obj.external_id: lease_obj.pk for _, lease_obj in leases}
    _bulk([Homeownership(organization=org, home_id=home_ids[h], person_id=person_ids[p], ownership_type=kind)
           for h, p, kind in owners], Homeownership)
    _bulk([LeaseTenant(organization=org, lease_id=lease_ids[lease_ext], person_id=person_ids[p], role=role)
           for lease_ext, p, role in tenants], LeaseTenant)
    added.homes, added.people, added.leases = len(homes), len(people), len(leases)
    added.homeownerships, added.tenants = len(owners), len(tenants)


def _person(org: Organization, row: object) -> Person:
    return Person(organization=org, external_id=row.key, first_name=row.first_name,  # type: ignore[attr-defined]
                  last_name=row.last_name, email=row.email, phone=row.phone)  # type: ignore[attr-defined]


def seed(homes: int, today: dt.date | None = None) -> tuple[Organization, Added]:
    """Create what is missing of the demo portfolio with ``homes`` homes (all of it on the first run)."""
    added = Added()
    with acting_as(IMPORT_ACTOR), transaction.atomic():
        org = demo_organization()
        tree = seed_tree(org, added)
        seed_homes(org, tree, homes, today or dt.date.today(), added)
        added.documents = seed_documents(org)
    return org, added

