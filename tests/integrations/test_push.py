"""Push: outbox written with the change, no echo, parents first, 409 becomes update, a retry never duplicates."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest
from django.db import transaction
from django.utils import timezone

from integrations.models import ExternalRef, OutboxEntry
from integrations.pull import run_pull
from integrations.push import run_drain
from portal.core.actor import Actor, acting_as
from portal.homes import services as homes
from portal.locations import services as locations
from portal.locations.models import Kind


def records(app, coll):
    return httpx.get(f"{app.base_url}/__sandbox__/records/{coll}").json()


def faults(app, **body):
    httpx.post(f"{app.base_url}/__sandbox__/faults", json=body)


@pytest.fixture
def tower(org):
    return locations.create_location(org, kind=Kind.PROPERTY, name="Tower", address_line1="1 Main St",
                                     city="Dayton", state="OH", postal_code="45402")


def add_home(org, location, n=1, **extra):
    return homes.create_home(org, location=location, address_line1="1 Main St", city="Dayton", state="OH",
                             postal_code="45402", unit_number=str(n), **extra)


def test_a_change_writes_its_outbox_entry_in_the_same_transaction(fake_connection, tower):
    assert OutboxEntry.objects.filter(connection=fake_connection, stream="properties").count() == 1
    with pytest.raises(RuntimeError), transaction.atomic():
        locations.update_location(tower, name="Renamed")
        assert OutboxEntry.objects.filter(connection=fake_connection).count() == 2
        raise RuntimeError("the change is rolled back")
    assert OutboxEntry.objects.filter(connection=fake_connection).count() == 1


def test_a_change_made_by_the_vendor_is_not_echoed_back_to_it(fake_connection, tower, org):
    OutboxEntry.objects.all().delete()
    with acting_as(Actor(kind="sync", label="fake", connection_id=fake_connection.pk)):
        locations.update_location(tower, name="From the vendor")
    assert not OutboxEntry.objects.exists()
    with acting_as(Actor(kind="sync", label="another vendor", connection_id=fake_connection.pk + 1000)):
        locations.update_location(tower, name="From another vendor")
    assert OutboxEntry.objects.filter(connection=fake_connection).count() == 1


def test_a_pulled_record_is_not_pushed_back(fake_connection, fake_sandbox):
    fake_sandbox.seed(5)
    run_pull(fake_connection.pk, full=True)
    assert not OutboxEntry.objects.exists()


def test_the_drain_sends_parents_before_children_and_stores_vendor_ids(fake_connection, fake_sandbox, org, tower):
    add_home(org, tower, 1)
    add_home(org, tower, 2)
    # Created child-first in the outbox order would fail at the vendor (422: property_id does not exist).
    OutboxEntry.objects.filter(stream="units").update(created_at=timezone.now() - dt.timedelta(hours=1))
    run = run_drain(fake_connection.pk)
    assert run.status == "succeeded", run.errors
    props, units = records(fake_sandbox, "properties"), records(fake_sandbox, "units")
    assert len(props) == 1 and len(units) == 2
    assert {u["property_id"] for u in units} == {props[0]["id"]}
    assert ExternalRef.objects.get(stream="properties").vendor_id == str(props[0]["id"])
    assert set(OutboxEntry.objects.values_list("status", flat=True)) == {"sent"}


def test_a_409_becomes_an_update(fake_connection, fake_sandbox, org, tower):
    run_drain(fake_connection.pk)
    home = add_home(org, tower, 7)
    # The vendor already has this unit (say, entered by hand with our reference) but we have no ref for it.
    fake_sandbox.store.insert("units", {"id": 999, "property_id": records(fake_sandbox, "properties")[0]["id"],
                                        "unit_number": "old", "address_line1": "x", "external_ref": f"home-{home.pk}",
                                        "updated_at": "2020-01-01T00:00:00Z"}, key=999)
    run = run_drain(fake_connection.pk)
    assert run.status == "succeeded", run.errors
    assert len(records(fake_sandbox, "units")) == 1
    assert fake_sandbox.store.get("units", 999)["unit_number"] == "7"
    assert ExternalRef.objects.get(stream="units").vendor_id == "999"


def test_a_retry_after_a_vendor_500_does_not_duplicate(fake_connection, fake_sandbox, org, tower):
    run_drain(fake_connection.pk)
    add_home(org, tower, 3)
    # The vendor saves the unit, then answers 500: the answer (and the id) is lost.
    faults(fake_sandbox, script=[{"method": "POST", "path": "/v1/units", "status": 500, "after": True}])
    first = run_drain(fake_connection.pk)
    entry = OutboxEntry.objects.get(stream="units")
    assert entry.status == "pending" and entry.attempts == 1 and "500" in entry.last_error
    assert first.counts["units"]["deferred"] == 1
    run_drain(fake_connection.pk, now=timezone.now() + dt.timedelta(hours=1))
    assert len(records(fake_sandbox, "units")) == 1
    entry.refresh_from_db()
    assert entry.status == "sent"
    assert ExternalRef.objects.get(stream="units").vendor_id == str(records(fake_sandbox, "units")[0]["id"])


def test_a_payload_the_vendor_would_refuse_fails_locally_and_nothing_is_sent(fake_connection, fake_sandbox, org,
                                                                             tower):
    run_drain(fake_connection.pk)
    home = add_home(org, tower, 4)
    OutboxEntry.objects.filter(object_id=home.pk).update(payload={})
    from portal.homes.models import Home

    Home.objects.filter(pk=home.pk).update(state="O1")  # slipped past the portal (e.g. an old import)
    before = fake_sandbox.stats.get("POST /v1/units", 0)
    run = run_drain(fake_connection.pk)
    entry = OutboxEntry.objects.get(stream="units")
    assert entry.status == "failed" and "two-letter" in entry.last_error
    assert run.status == "partial" and "two-letter" in run.errors[0]["reason"]
    assert fake_sandbox.stats.get("POST /v1/units", 0) == before


def test_a_child_waits_for_a_parent_that_has_not_reached_the_vendor(fake_connection, fake_sandbox, org, tower):
    add_home(org, tower, 5)
    OutboxEntry.objects.filter(stream="properties").update(status="failed")  # the parent never went
    run_drain(fake_connection.pk)
    entry = OutboxEntry.objects.get(stream="units")
    assert entry.status == "pending" and "has not reached the vendor" in entry.last_error
    assert records(fake_sandbox, "units") == []


def test_several_changes_to_one_record_are_sent_once(fake_connection, fake_sandbox, org, tower):
    for name in ("A", "B", "C"):
        locations.update_location(tower, name=name)
    run_drain(fake_connection.pk)
    assert [p["name"] for p in records(fake_sandbox, "properties")] == ["C"]
    assert fake_sandbox.stats.get("PUT /v1/properties/1", 0) == 0
    assert OutboxEntry.objects.filter(status="superseded").count() == 3
