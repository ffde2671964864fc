"""Buildium end to end, over HTTP to the sandbox: the cursor boundary, a flaky vendor (5xx, timeouts, dropped
connections, malformed pages, 429s), unmappable records, webhooks through the portal's URL (valid, forged, stale,
duplicated, out of order), conflicts, and pushes whose answer was lost."""

from __future__ import annotations

import datetime as dt
import json
import time
from decimal import Decimal

import httpx
import pytest
from django.utils import timezone

from integrations import pull, push
from integrations.buildium import webhooks
from integrations.buildium.client import BuildiumClient
from integrations.buildium.sandbox import BuildiumSandbox
from integrations.buildium.values import timestamp
from integrations.http import BaseClient
from integrations.models import Conflict, ExternalRef, OutboxEntry, SyncRun, SyncState, WebhookDelivery
from integrations.webhooks import process
from portal.documents.models import Document
from portal.homes import services as homes
from portal.homes.models import Home, Person
from portal.leases.models import Lease
from portal.locations import services as locations
from portal.locations.models import Location
from tests.integrations.buildium.conftest import CREDENTIALS, Vendor, make_connection, vendor_records

pytestmark = pytest.mark.django_db

STREAM_MODELS = {"properties": Location, "units": Home, "leases": Lease, "files": Document}


def ref(connection, stream: str, vendor_id) -> ExternalRef:
    return ExternalRef.objects.get(connection=connection, stream=stream, vendor_id=str(vendor_id))


def assert_equal_to_buildium(org, connection, live: Vendor) -> None:
    """Every vendor record is in the portal exactly once, with the vendor's values; nothing else is."""
    for stream, collection in (("properties", "rentals"), ("units", "units"), ("leases", "leases"),
                               ("files", "files"), ("owners", "owners"), ("tenants", "tenants")):
        vendor_ids = sorted(str(r["Id"]) for r in vendor_records(live, collection))
        refs = ExternalRef.objects.filter(connection=connection, stream=stream)
        assert sorted(refs.values_list("vendor_id", flat=True)) == vendor_ids, stream
        assert refs.values("object_id").distinct().count() == len(vendor_ids), stream
    for stream, model in STREAM_MODELS.items():
        extra = {"kind": "property"} if model is Location else {}
        assert model.objects.filter(organization=org, **extra).count() == ExternalRef.objects.filter(
            connection=connection, stream=stream).count(), stream
    assert Person.objects.filter(organization=org).count() == len(vendor_records(live, "owners")) + len(
        vendor_records(live, "tenants"))
    for unit in vendor_records(live, "units"):
        home = ref(connection, "units", unit["Id"]).record
        rent = unit["MarketRent"]
        assert (home.unit_number, home.market_rent) == (
            unit["UnitNumber"], None if rent is None else Decimal(str(rent)).quantize(Decimal("0.01"))), unit["Id"]
    for lease in vendor_records(live, "leases"):
        portal = ref(connection, "leases", lease["Id"]).record
        assert (portal.start_date.isoformat(), portal.home_id) == (
            lease["LeaseFromDate"][:10], ref(connection, "units", lease["UnitId"]).object_id)


# --- incremental pulls ------------------------------------------------------------------------------------------
def test_an_incremental_pull_picks_up_a_lease_changed_in_the_very_second_of_its_watermark(org, live, connection,
                                                                                         vendor_clock):
    """Leases carry LastUpdatedDateTime: the watermark is the newest one seen, and lastupdatedfrom is inclusive,
    so an edit stamped exactly at the watermark (no lookback to hide behind) is read on the next pass."""
    connection.config["lookback_seconds"] = 0
    connection.save(update_fields=["config"])
    live.app.seed(12)
    assert pull.run_pull(connection.pk, full=True).error_count == 0
    newest = max(vendor_records(live, "leases"), key=lambda r: r["LastUpdatedDateTime"])
    state = SyncState.objects.get(connection=connection, stream="leases")
    assert state.watermark == timestamp(newest["LastUpdatedDateTime"])
    other = min(vendor_records(live, "leases"), key=lambda r: r["Id"])
    vendor_clock[0] = state.watermark  # the vendor's clock says the same second again
    live.control("POST", f"records/leases/{other['Id']}", json={"LeaseToDate": "2031-12-31"})
    run = pull.run_pull(connection.pk)
    assert run.error_count == 0, run.errors
    assert ref(connection, "leases", other["Id"]).record.end_date == dt.date(2031, 12, 31)
    assert run.counts["leases"]["updated"] == 1


def test_an_incremental_pull_reads_only_what_changed(org, live, connection, vendor_clock):
    live.app.seed(15)
    pull.run_pull(connection.pk, full=True)
    vendor_clock[0] = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=1)
    live.control("POST", "records/units/4", json={"MarketRent": 999.99})
    run = pull.run_pull(connection.pk)
    assert run.counts["units"]["fetched"] < 15 and run.counts["units"]["updated"] == 1
    assert ref(connection, "units", 4).record.market_rent == Decimal("999.99")
    assert_equal_to_buildium(org, connection, live)


# --- a flaky vendor ---------------------------------------------------------------------------------------------
class SlowOnce(BuildiumSandbox):
    """Buildium that sits on the next ``slow`` requests to a path for longer than the client waits."""

    slow: dict[str, int]

    def handle(self, request, environ):
        if self.slow.get(request.path, 0) > 0:
            self.slow[request.path] -= 1
            self.count("slowed")
            time.sleep(3.0)
        return super().handle(request, environ)


@pytest.fixture
def flaky(serve_sandbox, vendor_clock, monkeypatch) -> Vendor:
    monkeypatch.setattr(BaseClient, "backoff_base", 0.01)
    monkeypatch.setattr(BuildiumClient, "timeout", httpx.Timeout(1.0))
    vendor_clock[0] = dt.datetime.now(dt.UTC)
    app = SlowOnce(rate_limit=False, clock=lambda: vendor_clock[0])
    app.slow = {}
    server = serve_sandbox({"/buildium": app})
    return Vendor(app=app, url=server.url_for("/buildium"))


def test_a_full_pull_through_5xx_timeouts_drops_malformed_pages_and_429s_ends_equal_to_buildium(org, flaky):
    connection = make_connection(org, flaky)
    flaky.app.seed(30)
    flaky.app.slow = {"/v1/rentals/units": 1, "/v1/leases": 1}
    flaky.control("POST", "faults", json={"burst_429": 2, "retry_after": 0.05, "script": [
        {"status": 503, "method": "GET", "path": "/v1/rentals/owners"},
        {"status": 500, "method": "GET", "path": "/v1/leases/tenants", "count": 2},
        {"kind": "drop", "method": "GET", "path": "/v1/rentals"},
        {"kind": "malformed", "method": "GET", "path": "/v1/leases"},
        {"kind": "malformed", "method": "GET", "path": "/v1/files"},
    ]})
    run = pull.run_pull(connection.pk, full=True)
    assert run.status == "succeeded", (run.message, run.errors)
    stats = flaky.control("GET", "stats").json()
    assert (stats["429_sent"], stats["drops"], stats["slowed"]) == (2, 1, 2)
    assert stats["faults_injected"] >= 5
    assert sum(c.get("faults", 0) for c in run.counts.values()) >= 10  # every failed call shows on the run
    assert_equal_to_buildium(org, connection, flaky)
    rerun = pull.run_pull(connection.pk, full=True)
    assert (rerun.totals().get("created"), rerun.totals().get("updated"), rerun.error_count) == (0, 0, 0)


def test_an_unmappable_record_is_reported_with_its_reason_and_the_rest_of_its_page_lands(org, live, connection):
    live.app.seed(10)
    live.app.store.update("units", "3", {"UnitBedrooms": "TenBed"})  # not in Buildium's enum
    live.app.store.update("units", "6", {"MarketRent": 1e12})  # beyond what the portal holds
    run = pull.run_pull(connection.pk, full=True)
    reasons = {e["record"]: e["reason"] for e in run.errors if e["stream"] == "units"}
    assert set(reasons) == {"3", "6"}
    assert "UnitBedrooms" in reasons["3"] and "TenBed" in reasons["3"]
    assert "MarketRent" in reasons["6"]
    landed = set(ExternalRef.objects.filter(connection=connection, stream="units").values_list("vendor_id",
                                                                                             flat=True))
    assert landed == {str(u["Id"]) for u in vendor_records(live, "units")} - {"3", "6"}
    live.app.store.update("units", "3", {"UnitBedrooms": "ThreeBed"})  # fixed at Buildium: lands next time
    pull.run_pull(connection.pk, full=True)
    assert ref(connection, "units", 3).record.bedrooms == 3


# --- webhooks through the portal's endpoint -----------------------------------------------------------------------
def url(connection) -> str:
    return f"/integrations/webhooks/buildium/{connection.pk}/"


def deliver(client, connection, payload, *, secret=CREDENTIALS["webhook_secret"], sent_at=None):
    body = json.dumps(payload, separators=(",", ":")).encode()
    headers = webhooks.sign(secret, body, now=sent_at)
    return client.post(url(connection), data=body, content_type="application/json", headers=headers)


def event(name: str, when: str, **ids) -> dict:
    return {"EventName": name, "EventDateTime": when, "AccountId": 1, **ids}


@pytest.fixture
def synced(org, live, connection):
    live.app.seed(8)
    assert pull.run_pull(connection.pk, full=True).error_count == 0
    return live


def test_a_genuine_webhook_is_stored_once_and_the_unit_refetched(client, connection, synced):
    synced.app.store.update("units", "2", {"UnitNumber": "PH-2"})  # changed quietly: only the webhook tells
    response = deliver(client, connection, event("RentalUnit.Updated", "2026-06-01T12:00:00.1234567Z", UnitId=2))
    assert response.status_code == 202
    delivery = WebhookDelivery.objects.get()
    assert webhooks.SIGNATURE_HEADER not in {k.lower() for k in delivery.headers}
    process(delivery.pk)
    assert ref(connection, "units", 2).record.unit_number == "PH-2"
    assert WebhookDelivery.objects.get().status == "processed"


@pytest.mark.parametrize("case", ["forged", "stale", "unsigned"])
def test_a_forged_stale_or_unsigned_webhook_gets_401_and_leaves_no_trace(client, connection, synced, case):
    payload = event("RentalUnit.Updated", "2026-06-01T12:00:00Z", UnitId=2)
    if case == "forged":
        response = deliver(client, connection, payload, secret="guessed")
    elif case == "stale":
        response = deliver(client, connection, payload, sent_at=time.time() - 301)
    else:
        response = client.post(url(connection), data=json.dumps(payload), content_type="application/json")
    assert response.status_code == 401
    assert {"forged": "signature", "stale": "timestamp", "unsigned": "not signed"}[case] in response.json()["error"]
    assert not WebhookDelivery.objects.exists()


def test_the_same_delivery_twice_has_one_effect(client, connection, synced):
    payload = event("Lease.Updated", "2026-06-01T12:00:00.5Z", LeaseId=1)
    first = deliver(client, connection, payload)
    again = deliver(client, connection, payload)
    assert (first.status_code, again.status_code, again.json()["status"]) == (202, 200, "duplicate")
    assert WebhookDelivery.objects.count() == 1


def test_deliveries_out_of_order_end_in_buildiums_current_state(client, connection, synced):
    synced.app.store.update("units", "3", {"MarketRent": 1000.0})
    older = deliver(client, connection, event("RentalUnit.Updated", "2026-06-01T12:00:01Z", UnitId=3)).json()
    synced.app.store.update("units", "3", {"MarketRent": 2000.0})
    newer = deliver(client, connection, event("RentalUnit.Updated", "2026-06-01T12:00:02Z", UnitId=3)).json()
    process(newer["delivery"])  # the later event arrives first
    process(older["delivery"])
    assert ref(connection, "units", 3).record.market_rent == Decimal("2000.00")


def test_a_late_update_after_a_delete_leaves_the_record_missing(client, connection, synced):
    synced.control("DELETE", "records/units/4")
    deleted = deliver(client, connection, event("RentalUnit.Deleted", "2026-06-01T12:00:05Z", UnitId=4)).json()
    late = deliver(client, connection, event("RentalUnit.Updated", "2026-06-01T12:00:01Z", UnitId=4)).json()
    process(deleted["delivery"])
    process(late["delivery"])
    unit = ref(connection, "units", 4)
    assert unit.missing_at_vendor_since is not None
    assert Home.objects.filter(pk=unit.object_id).exists()  # marked, never deleted


def test_an_event_about_a_sub_record_the_portal_does_not_keep_changes_and_fetches_nothing(client, connection,
                                                                                         synced):
    """Rental.MeterReading.* names a property but is about its meter readings: not a change of the property."""
    calls = synced.control("GET", "stats").json()["requests"]
    response = deliver(client, connection, event("Rental.MeterReading.Deleted", "2026-06-01T12:00:00Z",
                                                 PropertyId=1, ReadingDate="2026-06-01", MeterType="Water"))
    assert response.status_code in (200, 202)
    if response.status_code == 202:
        process(response.json()["delivery"])
    assert ref(connection, "properties", 1).missing_at_vendor_since is None
    assert synced.control("GET", "stats").json()["requests"] == calls  # the property was not re-fetched


def test_the_sandbox_signs_its_own_deliveries_and_the_portal_accepts_them(live_server, connection, synced):
    target = f"{live_server.url}{url(connection)}"
    synced.control("POST", "webhooks", json={"url": target, "secret": CREDENTIALS["webhook_secret"]})
    synced.control("POST", "records/units/5", json={"UnitNumber": "Garden-5"})
    assert synced.app.webhooks.wait_idle(10)
    assert synced.app.webhooks.log[-1]["status"] == 202
    process(WebhookDelivery.objects.get().pk)
    assert ref(connection, "units", 5).record.unit_number == "Garden-5"


# --- conflicts ----------------------------------------------------------------------------------------------------
def test_a_field_changed_in_the_portal_and_in_buildium_is_a_conflict_and_neither_side_is_overwritten(
        org, connection, synced, vendor_clock):
    home = ref(connection, "units", 1).record
    homes.update_home(home, market_rent=Decimal("1111.00"))  # ours, waiting in the outbox
    vendor_clock[0] = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=1)
    synced.control("POST", "records/units/1", json={"MarketRent": 2222.0})  # theirs
    run = pull.run_pull(connection.pk)
    home.refresh_from_db()
    assert home.market_rent == Decimal("1111.00")
    conflict = Conflict.objects.get()
    assert (conflict.field, conflict.ours, conflict.theirs) == ("market_rent", "1111.00", "2222.00")
    assert run.counts["units"]["conflicts"] == 1
    push.run_drain(connection.pk)  # the conflicting push is held: Buildium keeps its value until staff decide
    assert next(u for u in vendor_records(synced, "units") if u["Id"] == 1)["MarketRent"] == 2222.0


# --- pushes -----------------------------------------------------------------------------------------------------
def test_a_retry_after_buildium_saved_a_unit_but_answered_500_does_not_duplicate_it(org, live, connection):
    prop = locations.create_location(org, kind="property", name="Lintel Towers", address_line1="5 Main St",
                                     city="Dayton", state="OH", postal_code="45402")
    home = homes.create_home(org, location=prop, address_line1="5 Main St", city="Dayton", state="OH",
                             postal_code="45402", unit_number="7C", home_type="multi_family")
    live.control("POST", "faults", json={"script": [
        {"status": 500, "method": "POST", "path": "/v1/rentals/units", "after": True}]})
    first = push.run_drain(connection.pk)
    assert first.counts["units"]["deferred"] == 1
    assert len(vendor_records(live, "units")) == 1  # saved at Buildium, the answer lost
    second = push.run_drain(connection.pk, now=timezone.now() + dt.timedelta(hours=2))
    assert second.status == "succeeded", second.errors
    [unit] = vendor_records(live, "units")
    assert ref(connection, "units", unit["Id"]).object_id == home.pk
    assert live.control("GET", "stats").json()["POST /v1/rentals/units"] == 1  # found, not posted again
    assert set(OutboxEntry.objects.filter(connection=connection).values_list("status", flat=True)) == {"sent"}


def test_a_unit_buildium_already_has_in_the_property_is_updated_not_refused_or_doubled(org, live, connection):
    """Buildium's "already exists" is a 422 on the unit number (unique per property), its 409: find, then update."""
    prop = locations.create_location(org, kind="property", name="Lintel Towers", address_line1="5 Main St",
                                     city="Dayton", state="OH", postal_code="45402")
    assert push.run_drain(connection.pk).error_count == 0
    rental_id = int(ExternalRef.objects.get(connection=connection, object_id=prop.pk, stream="properties").vendor_id)
    made_by_hand = BuildiumClient(live.url, CREDENTIALS, {}).create_unit(
        {"PropertyId": rental_id, "UnitNumber": "7c", "MarketRent": 900.0,
         "Address": {"AddressLine1": "5 Main St", "City": "Dayton", "State": "OH", "PostalCode": "45402",
                     "Country": "UnitedStates"}})
    home = homes.create_home(org, location=prop, address_line1="5 Main St", city="Dayton", state="OH",
                             postal_code="45402", unit_number="7C", market_rent=Decimal("1250.00"))
    run = push.run_drain(connection.pk)
    assert run.error_count == 0, run.errors
    [unit] = vendor_records(live, "units")
    assert (unit["Id"], unit["UnitNumber"], unit["MarketRent"]) == (made_by_hand["Id"], "7C", 1250.0)
    assert ExternalRef.objects.get(connection=connection, stream="units").object_id == home.pk


def test_events_of_a_new_property_unit_and_lease_arriving_children_first_end_equal_to_buildium(
        org, client, connection, synced, vendor_clock):
    """Buildium does not order deliveries: a lease's event may come before its unit's and its property's."""
    vendor_clock[0] = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=1)
    api = synced.client()
    address = {"AddressLine1": "9 Elm St", "City": "Dayton", "State": "OH", "PostalCode": "45402",
               "Country": "UnitedStates"}
    rental = api.create_rental({"Name": "Elm Court", "Address": address, "OperatingBankAccountId": 1,
                                "RentalSubType": "MultiFamily"})
    unit = api.create_unit({"PropertyId": rental["Id"], "UnitNumber": "E1", "Address": address})
    lease = api.create_lease({"LeaseType": "AtWill", "UnitId": unit["Id"], "LeaseFromDate": "2026-05-01",
                              "SendWelcomeEmail": False})
    when = "2026-06-01T12:00:00Z"
    for payload in (event("Lease.Created", when, LeaseId=lease["Id"]),
                    event("RentalUnit.Created", when, UnitId=unit["Id"]),
                    event("Rental.Created", when, PropertyId=rental["Id"])):
        answer = deliver(client, connection, payload)
        assert answer.status_code == 202
        process(answer.json()["delivery"])
    # A child whose parent had not arrived waits (reported on the webhook's run), and the schedule's next
    # incremental pass brings it.
    waiting = SyncRun.objects.filter(connection=connection, kind="webhook").values_list("counts", flat=True)
    assert sum(c.get(s, {}).get("deferred", 0) for c in waiting for s in ("units", "leases")) >= 1
    assert pull.run_pull(connection.pk).error_count == 0
    assert ref(connection, "units", unit["Id"]).record.location == ref(connection, "properties", rental["Id"]).record
    assert ref(connection, "leases", lease["Id"]).record.home_id == ref(connection, "units", unit["Id"]).object_id
    assert_equal_to_buildium(org, connection, synced)


def test_what_the_portal_pushed_comes_back_on_the_next_pull_as_itself(org, live, connection):
    """A pushed property, unit and lease are the records the next full pull reads: no second copy, no change, no
    conflict (the round trip through Buildium's messages is lossless for the fields both sides keep)."""
    prop = locations.create_location(org, kind="property", name="Lintel Towers", address_line1="5 Main St",
                                     address_line2="Bldg C", city="Dayton", state="OH", postal_code="45402")
    home = homes.create_home(org, location=prop, address_line1="5 Main St", city="Dayton", state="OH",
                             postal_code="45402", unit_number="7C", bedrooms=2, bathrooms=Decimal("1.5"),
                             market_rent=Decimal("1250.50"), size_sqft=800, home_type="multi_family")
    tenant = homes.create_person(org, first_name="Ada", last_name="Park", email="ada@example.com")
    from portal.leases import services as leases

    leases.create_lease(org, home=home, tenants=[tenant], status="active", start_date=dt.date(2026, 1, 1),
                        end_date=dt.date(2026, 12, 31), rent=Decimal("1250.50"), deposit=Decimal("500.00"))
    assert push.run_drain(connection.pk).error_count == 0
    counts = {m: m.objects.filter(organization=org).count() for m in (Location, Home, Lease, Person)}
    history = {m: m.history.count() for m in (Location, Home, Lease)}
    run = pull.run_pull(connection.pk, full=True)
    assert run.error_count == 0, run.errors
    assert {m: m.objects.filter(organization=org).count() for m in (Location, Home, Lease, Person)} == counts
    assert (run.counts["properties"]["created"], run.counts["units"]["created"], run.counts["leases"]["created"]) == (
        0, 0, 0)
    assert not Conflict.objects.exists()
    assert {m: m.history.count() for m in (Location, Home, Lease)} == history, run.counts


@pytest.mark.parametrize(("entity", "id_field", "collection", "stream", "change", "field", "expected"), [
    ("Rental", "PropertyId", "rentals", "properties", {"Name": "Renamed Court"}, "name", "Renamed Court"),
    ("RentalUnit", "UnitId", "units", "units", {"UnitNumber": "9Z"}, "unit_number", "9Z"),
    ("Lease", "LeaseId", "leases", "leases", {"LeaseToDate": "2032-02-29"}, "end_date", dt.date(2032, 2, 29)),
    ("LeaseTenant", "TenantId", "tenants", "tenants", {"FirstName": "Zoë"}, "first_name", "Zoë"),
])
def test_an_updated_event_of_each_entity_refetches_that_record(client, connection, synced, entity, id_field,
                                                               collection, stream, change, field, expected):
    record_id = min(r["Id"] for r in vendor_records(synced, collection))
    synced.app.store.update(collection, str(record_id), change)  # changed quietly: only the webhook tells
    answer = deliver(client, connection, event(f"{entity}.Updated", "2026-06-01T12:00:00Z", **{id_field: record_id}))
    assert answer.status_code == 202
    process(answer.json()["delivery"])
    assert getattr(ref(connection, stream, record_id).record, field) == expected


@pytest.mark.parametrize("choice", ["keep_ours", "take_theirs"])
def test_a_buildium_conflict_resolved_either_way_leaves_both_sides_equal(org, connection, synced, vendor_clock, member,
                                                                        choice):
    from integrations.conflicts import resolve

    home = ref(connection, "units", 2).record
    homes.update_home(home, market_rent=Decimal("1111.00"))
    vendor_clock[0] = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=1)
    synced.control("POST", "records/units/2", json={"MarketRent": 2222.0})
    pull.run_pull(connection.pk)
    resolve(Conflict.objects.get(), choice, member.user)
    push.run_drain(connection.pk)
    vendor_clock[0] = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=2)
    pull.run_pull(connection.pk)
    home.refresh_from_db()
    vendor_rent = next(u for u in vendor_records(synced, "units") if u["Id"] == 2)["MarketRent"]
    expected = Decimal("1111.00") if choice == "keep_ours" else Decimal("2222.00")
    assert (home.market_rent, Decimal(str(vendor_rent)).quantize(Decimal("0.01"))) == (expected, expected)
    assert not Conflict.objects.filter(resolved_at__isnull=True).exists()


def test_a_lease_event_naming_a_tenant_not_synced_yet_brings_the_tenant_and_links_it(client, connection, synced,
                                                                                      vendor_clock):
    """A lease made at Buildium with a new tenant: its (thin) event names a tenant the portal has never seen. The
    webhook fetches the tenant too, so the lease lands with its tenant, not "links waiting" until the next pull."""
    vendor_clock[0] = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=1)
    unit = vendor_records(synced, "units")[0]
    address = {"AddressLine1": "9 Elm St", "City": "Dayton", "State": "OH", "PostalCode": "45402",
               "Country": "UnitedStates"}
    lease = synced.client().create_lease({
        "LeaseType": "AtWill", "UnitId": unit["Id"], "LeaseFromDate": "2026-05-01", "SendWelcomeEmail": False,
        "Tenants": [{"FirstName": "Nia", "LastName": "Okafor", "Email": "nia@example.com", "Address": address}],
    })
    answer = deliver(client, connection, event("Lease.Created", "2026-06-01T12:00:00Z", LeaseId=lease["Id"]))
    assert answer.status_code == 202
    process(answer.json()["delivery"])
    run = SyncRun.objects.filter(connection=connection, kind="webhook").latest("pk")
    assert run.error_count == 0, run.errors
    assert run.counts["leases"]["created"] == 1 and run.counts["tenants"]["created"] == 1
    record = ref(connection, "leases", lease["Id"]).record
    assert [(p.first_name, p.email) for p in record.tenants.all()] == [("Nia", "nia@example.com")]
    assert Person.objects.filter(email="nia@example.com").count() == 1
