"""Links a pull stream declares portal-owned are only added to: a vendor that keeps fewer (one tenant per lease)
does not remove the tenants the portal added; other links still follow the vendor exactly."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from integrations.base import Mapped, Page, PullStream, Ref
from integrations.models import Connection, ExternalRef
from integrations.upsert.page import upsert_records
from portal.homes import services as homes
from portal.leases import services as leases
from portal.leases.models import Lease
from portal.locations import services as locations


def map_lease(raw: dict[str, Any]) -> Mapped:
    return Mapped({"start_date": dt.date(2026, 1, 1), "end_date": dt.date(2026, 12, 31), "rent": raw["rent"],
                   "status": "active"},
                  parents={"home": Ref("units", "U1")}, links={"tenants": [Ref("tenants", raw["tenant"])]})


EXACT = PullStream("leases", "leases.Lease", lambda c, cur, since: Page([]), map_lease, lambda raw: raw["id"])
ADDITIVE = dataclasses.replace(EXACT, owned_fields={"portal": ["tenants"]})


@pytest.fixture
def world(org):
    c = Connection(organization=org, vendor="fakevendor", name="Leases", base_url="http://127.0.0.1:9")
    c.set_credentials({"api_key": "x"})
    c.save()
    prop = locations.create_location(org, kind="property", name="Tower")
    home = homes.create_home(org, location=prop, address_line1="1 Main St", city="Dayton", state="OH",
                             postal_code="45402")
    people = {key: homes.create_person(org, first_name=key, last_name="Doe") for key in ("T1", "T2", "Local")}

    def ref(stream: str, vid: str, obj: Any) -> None:
        ExternalRef.objects.create(connection=c, stream=stream, vendor_id=vid, object_id=obj.pk,
                                   content_type=ContentType.objects.get_for_model(obj), last_seen_hash="x")

    ref("units", "U1", home)
    ref("tenants", "T1", people["T1"])
    ref("tenants", "T2", people["T2"])
    return c, people


def tenants(lease: Lease) -> list[tuple[str, str]]:
    return sorted((lt.person.first_name, lt.role) for lt in lease.lease_tenants.select_related("person"))


def pull(connection: Connection, stream: PullStream, rent: int, tenant: str = "T1") -> Lease:
    result = upsert_records(connection, stream, [{"id": "L1", "rent": rent, "tenant": tenant}], timezone.now())
    assert not result.failed, result.errors
    return Lease.objects.get()


@pytest.mark.parametrize(("stream", "kept"), [(ADDITIVE, True), (EXACT, False)], ids=["portal-owned", "exact"])
def test_a_vendor_change_keeps_the_tenant_the_portal_added_only_when_the_link_is_portal_owned(world, stream, kept):
    connection, people = world
    lease = pull(connection, stream, 1000)
    leases.set_tenants(lease, [people["T1"], people["Local"]])
    lease = pull(connection, stream, 1100)
    expected = [("Local", "cotenant"), ("T1", "primary")] if kept else [("T1", "primary")]
    assert tenants(lease) == expected


def test_a_portal_owned_link_still_gains_the_vendors_new_tenant(world):
    connection, _ = world
    lease = pull(connection, ADDITIVE, 1000)
    lease = pull(connection, ADDITIVE, 1000, tenant="T2")
    assert tenants(lease) == [("T1", "primary"), ("T2", "cotenant")]


def test_a_change_of_links_alone_reaches_the_record(world):
    """Nothing but the tenant changed at the vendor: the record's fields are unchanged, its links are not."""
    connection, _ = world
    pull(connection, EXACT, 1000)
    assert tenants(pull(connection, EXACT, 1000, tenant="T2")) == [("T2", "primary")]
