"""The page write path: new rows (COPY on PostgreSQL, bulk_create elsewhere) hold what Django would have written,
and a row the database refuses fails alone with the constraint's message while the rest of its page lands."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import DatabaseError, transaction

from integrations.builderbacked.sandbox import BuilderBackedSandbox
from integrations.models import Connection, ExternalRef
from integrations.pull import run_pull
from integrations.upsert.insert import build, insert_new
from portal.homes.models import Home, HomeStatus
from portal.locations import services as locations
from portal.locations.models import Kind, Location
from tests.integrations.builderbacked.helpers import connect

pytestmark = pytest.mark.django_db

SKIP = {"id", "created_at", "updated_at", "external_id"}


def row(obj):
    fresh = type(obj).objects.get(pk=obj.pk)
    return {f.attname: getattr(fresh, f.attname) for f in fresh._meta.concrete_fields if f.attname not in SKIP}


def test_new_rows_hold_what_bulk_create_writes(org):
    site = locations.create_location(org, kind=Kind.REGION, name="Ohio")  # the database asks only that it exists
    values = {"organization_id": org.pk, "address_line1": "1 Main St", "city": "Dayton", "state": "OH",
              "postal_code": "45402", "bedrooms": 3, "bathrooms": Decimal("2.5"), "market_rent": Decimal("1250.5"),
              "unit_number": "", "status": HomeStatus.PENDING, "size_sqft": None}
    ours = [build(Home, {**values, "location_id": site.pk, "external_id": f"A{i}"}) for i in range(3)]
    theirs = [Home(**values, location_id=site.pk, external_id=f"B{i}") for i in range(3)]
    insert_new(Home, ours)
    Home.objects.bulk_create(theirs)
    assert all(obj.pk and not obj._state.adding for obj in ours)
    assert [row(o) for o in ours] == [row(t) for t in theirs]
    assert Home.objects.get(pk=ours[0].pk).created_at is not None

    ct = ContentType.objects.get_for_model(Home)
    conn = Connection.objects.create(organization=org, vendor="fakevendor", name="x")
    refs = [build(ExternalRef, {"connection_id": conn.pk, "content_type_id": ct.pk, "stream": "units",
                                "vendor_id": str(i), "object_id": o.pk, "synced_values": {"rent": "1.50", "n": [1]}})
            for i, o in enumerate(ours)]
    insert_new(ExternalRef, refs)
    assert ExternalRef.objects.get(pk=refs[2].pk).synced_values == {"rent": "1.50", "n": [1]}

    clash = build(ExternalRef, {"connection_id": conn.pk, "content_type_id": ct.pk, "stream": "units",
                                "vendor_id": "0", "object_id": ours[1].pk})
    with pytest.raises(DatabaseError), transaction.atomic():
        insert_new(ExternalRef, [clash])
    assert ExternalRef.objects.filter(connection=conn).count() == 3


def test_a_row_the_database_refuses_fails_alone_and_the_page_lands(org, serve_sandbox):
    # The pulled region "Texas" takes external id "Texas", which a region of another name already holds here.
    locations.create_location(org, kind=Kind.REGION, name="Lone Star", external_id="Texas")
    server = serve_sandbox({"/builderbacked": BuilderBackedSandbox(rate_limit=False,
                                                                   regions=("Florida", "Texas", "Dayton"))})
    conn = connect(org, server.url_for("/builderbacked"), streams=["regions"])
    run = run_pull(conn.pk, full=True)
    assert run.status == "partial"
    assert run.counts["regions"]["created"] == 2 and run.counts["regions"]["failed"] == 1
    assert {e["record"]: e["reason"] for e in run.errors} == {
        "Texas": "A location of this kind with this external id already exists."}
    landed = Location.objects.filter(organization=org, kind=Kind.REGION, name__in=["Florida", "Dayton"])
    assert {loc.path for loc in landed} == {f"/{loc.pk}/" for loc in landed}  # keys known before the write
    assert all(loc.depth == 0 and loc.history.first().actor_kind == "sync" for loc in landed)
    assert set(ExternalRef.objects.filter(connection=conn).values_list("vendor_id", flat=True)) == {"Florida",
                                                                                                     "Dayton"}
    again = run_pull(conn.pk, full=True)
    assert again.counts["regions"]["created"] == 0 and again.counts["regions"]["failed"] == 1
