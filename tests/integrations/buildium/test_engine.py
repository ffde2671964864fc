"""Buildium through the sync engine: a seeded sandbox pulled into the database, reruns, incremental changes,
pushes of a property, a home and a lease, and a webhook that makes the engine re-fetch a unit."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import httpx
import pytest
from django.http import Http404

from integrations import pull, push
from integrations import webhooks as engine_webhooks
from integrations.buildium import webhooks
from integrations.models import Connection, ExternalRef
from portal.documents.models import Document
from portal.homes import services as homes
from portal.homes.models import Home, Homeownership, Person
from portal.leases import services as leases
from portal.leases.models import Lease
from portal.locations import services as locations
from portal.locations.models import Location
from tests.integrations.buildium.conftest import CREDENTIALS, vendor_records

pytestmark = pytest.mark.django_db


def test_a_full_pull_lands_every_record_of_a_seeded_portfolio(org, live, connection):
    live.app.seed(40)
    run = pull.run_pull(connection.pk, full=True)
    assert run.error_count == 0, run.errors
    rentals, units = vendor_records(live, "rentals"), vendor_records(live, "units")
    owners, tenants = vendor_records(live, "owners"), vendor_records(live, "tenants")
    assert Location.objects.filter(organization=org, kind="property").count() == len(rentals)
    assert Home.objects.filter(organization=org).count() == len(units) == 40
    assert Lease.objects.filter(organization=org).count() == len(vendor_records(live, "leases"))
    assert Person.objects.filter(organization=org).count() == len(owners) + len(tenants)
    assert Document.objects.filter(organization=org).count() == len(vendor_records(live, "files"))
    unit = units[0]
    home = ExternalRef.objects.get(connection=connection, stream="units", vendor_id=str(unit["Id"])).record
    assert (home.unit_number, home.market_rent, home.city) == (
        unit["UnitNumber"],
        Decimal(str(unit["MarketRent"])).quantize(Decimal("0.01")),
        unit["Address"]["City"],
    )
    rental = next(r for r in rentals if r["Id"] == unit["PropertyId"])
    assert home.location.name == rental["Name"]
    assert home.home_type == ("multi_family" if rental["RentalSubType"] == "MultiFamily" else "single_family")
    owner = next(o for o in owners if unit["PropertyId"] in o["PropertyIds"])
    owner_person = ExternalRef.objects.get(connection=connection, stream="owners", vendor_id=str(owner["Id"])).record
    assert Homeownership.objects.filter(home=home, person=owner_person).exists()
    lease_raw = next(x for x in vendor_records(live, "leases") if x["Tenants"])
    lease = ExternalRef.objects.get(connection=connection, stream="leases", vendor_id=str(lease_raw["Id"])).record
    tenant_ids = {str(t["Id"]) for t in lease_raw["Tenants"]}
    linked = set(
        ExternalRef.objects.filter(
            connection=connection, stream="tenants", object_id__in=lease.tenants.values("pk")
        ).values_list("vendor_id", flat=True)
    )
    assert linked == tenant_ids


def test_a_rerun_changes_nothing(org, live, connection):
    live.app.seed(25)
    pull.run_pull(connection.pk, full=True)
    before = {m: m.history.count() for m in (Location, Home, Lease, Person)}
    rerun = pull.run_pull(connection.pk, full=True)
    totals = rerun.totals()
    assert (totals.get("created"), totals.get("updated"), rerun.error_count) == (0, 0, 0)
    assert {m: m.history.count() for m in (Location, Home, Lease, Person)} == before


def test_an_edit_made_in_buildium_is_picked_up_by_the_next_incremental_pull(org, live, connection, vendor_clock):
    live.app.seed(20)
    pull.run_pull(connection.pk, full=True)
    vendor_clock[0] = dt.datetime.now(dt.UTC)
    live.control("POST", "records/units/3", json={"MarketRent": 4321.0, "UnitBedrooms": "FourBed"})
    run = pull.run_pull(connection.pk)
    assert run.counts["units"]["updated"] == 1 and run.totals()["created"] == 0
    home = ExternalRef.objects.get(connection=connection, stream="units", vendor_id="3").record
    assert (home.market_rent, home.bedrooms) == (Decimal("4321.00"), 4)


def test_a_property_home_and_lease_made_in_the_portal_are_pushed_parents_first(org, live, connection):
    prop = locations.create_location(
        org,
        kind="property",
        name="Lintel Towers",
        address_line1="5 Main St",
        city="Dayton",
        state="OH",
        postal_code="45402",
    )
    home = homes.create_home(
        org,
        location=prop,
        address_line1="5 Main St",
        city="Dayton",
        state="OH",
        postal_code="45402",
        unit_number="7C",
        bedrooms=2,
        bathrooms=Decimal("1.5"),
        market_rent=Decimal("1250.00"),
        home_type="multi_family",
    )
    tenant = homes.create_person(org, first_name="Ada", last_name="Park", email="ada@example.com")
    lease = leases.create_lease(
        org,
        home=home,
        tenants=[tenant],
        status="active",
        start_date=dt.date(2026, 1, 1),
        end_date=dt.date(2026, 12, 31),
        rent=Decimal("1250.00"),
        deposit=Decimal("500.00"),
    )
    run = push.run_drain(connection.pk)
    assert run is not None and run.error_count == 0, run.errors
    [rental] = vendor_records(live, "rentals")
    [unit] = vendor_records(live, "units")
    [vendor_lease] = vendor_records(live, "leases")
    assert (rental["Name"], rental["OperatingBankAccountId"], rental["Address"]["Country"]) == (
        "Lintel Towers",
        1,
        "UnitedStates",
    )
    assert (unit["PropertyId"], unit["UnitNumber"], unit["UnitBedrooms"], unit["UnitBathrooms"]) == (
        rental["Id"],
        "7C",
        "TwoBed",
        "OnePointFiveBath",
    )
    assert (vendor_lease["UnitId"], vendor_lease["LeaseType"], vendor_lease["AccountDetails"]) == (
        unit["Id"],
        "Fixed",
        {"Rent": 1250.0, "SecurityDeposit": 500.0},
    )
    assert [t["FirstName"] for t in vendor_lease["CurrentTenants"]] == ["Ada"]
    homes.update_home(home, market_rent=Decimal("1300.00"))
    leases.update_lease(lease, end_date=dt.date(2027, 1, 31))
    assert push.run_drain(connection.pk).error_count == 0
    assert vendor_records(live, "units")[0]["MarketRent"] == 1300.0
    assert vendor_records(live, "leases")[0]["LeaseToDate"] == "2027-01-31"
    assert len(vendor_records(live, "units")) == 1  # an update, not a second unit


def test_a_lease_on_a_home_outside_a_property_is_not_pushed_and_never_waits(org, live, connection, portfolio):
    """Buildium holds units only in rental properties: a neighborhood home is not pushed, nor is its lease (it
    would otherwise wait forever for a unit id that never comes)."""
    from integrations.models import OutboxEntry

    tenant = homes.create_person(org, first_name="Ada", last_name="Park", email="ada@example.com")
    lease = leases.create_lease(
        org, home=portfolio.home, tenants=[tenant], status="active", start_date=dt.date(2031, 1, 1),
        end_date=dt.date(2031, 12, 31), rent=Decimal("1250.00"), deposit=Decimal("500.00"),
    )
    push.run_drain(connection.pk)
    assert not OutboxEntry.objects.filter(connection=connection, stream__in=["units", "leases"]).exists()
    prop = locations.create_location(
        org, kind="property", name="Lintel Towers", address_line1="5 Main St", city="Dayton", state="OH",
        postal_code="45402", parent=portfolio.neighborhood,
    )
    homes.update_home(portfolio.home, location=prop, unit_number="1A")  # in a property now: home and lease go
    leases.update_lease(lease, rent=Decimal("1400.00"))
    run = push.run_drain(connection.pk)
    assert run is not None and run.error_count == 0, run.errors
    assert len(vendor_records(live, "units")) == 1 and len(vendor_records(live, "leases")) == 1


def test_a_push_buildium_would_refuse_fails_locally_with_buildiums_words(org, live, connection):
    prop = locations.create_location(
        org, kind="property", name="No ZIP", address_line1="1 A St", city="Erie", state="PA"
    )
    run = push.run_drain(connection.pk)
    assert run.error_count == 1
    assert "Address.PostalCode: The PostalCode field is required." in json.dumps(run.errors)
    assert live.control("GET", "stats").json().get("requests", 0) == 0
    assert prop.pk


def test_a_signed_webhook_makes_the_engine_refetch_the_unit(org, live, connection, vendor_clock):
    live.app.seed(10)
    pull.run_pull(connection.pk, full=True)
    vendor_clock[0] = dt.datetime.now(dt.UTC)
    live.app.store.update("units", "2", {"UnitNumber": "PH"})  # changed quietly; only the webhook tells
    body = json.dumps(
        {
            "EventName": "RentalUnit.Updated",
            "EventDateTime": "2026-06-01T12:00:00.1234567Z",
            "AccountId": 1,
            "UnitId": 2,
        },
        separators=(",", ":"),
    ).encode()
    status, answer = engine_webhooks.receive(connection, webhooks.sign(CREDENTIALS["webhook_secret"], body), body)
    assert status == 202
    assert engine_webhooks.receive(connection, webhooks.sign(CREDENTIALS["webhook_secret"], body), body)[0] == 200
    engine_webhooks.process(answer["delivery"])
    home = ExternalRef.objects.get(connection=connection, stream="units", vendor_id="2").record
    assert home.unit_number == "PH"
    bad = engine_webhooks.receive(connection, webhooks.sign("wrong", body), body)
    assert bad[0] == 401


def test_a_pulled_file_is_served_on_demand_through_a_fresh_buildium_download_url(org, live, connection, member, rf):
    from integrations.buildium.views import download_file
    from portal.accounts.scoping import Tenant

    live.app.seed(10)
    pull.run_pull(connection.pk, full=True)
    file_id = vendor_records(live, "files")[0]["Id"]
    document = ExternalRef.objects.get(connection=connection, stream="files", vendor_id=str(file_id)).record
    assert document.external_url.endswith(f"/integrations/buildium/files/{file_id}/")
    request = rf.get("/")
    request.user, request.tenant = member.user, Tenant.for_membership(member)
    response = download_file(request, file_id)
    assert response.status_code == 302
    assert httpx.get(response["Location"]).content.startswith(
        b"Property insurance certificate" if document.location_id else b"Signed lease"
    )
    request.tenant = None
    with pytest.raises(Http404):
        download_file(request, file_id)


def test_the_demo_connections_options_let_a_portal_property_reach_the_sandbox(org, live):
    from integrations.buildium.plugin import BuildiumPlugin

    demo = Connection(organization=org, vendor="buildium", name="Buildium (sandbox)", base_url=live.url,
                      config={"rate_limit": {"enabled": False}, "options": dict(BuildiumPlugin.demo_options)})
    demo.set_credentials(CREDENTIALS)
    demo.save()
    prop = locations.create_location(org, kind="property", name="Demo Court", address_line1="9 Elm St",
                                     city="Dayton", state="OH", postal_code="45402")
    run = push.run_drain(demo.pk)
    assert run.error_count == 0, run.errors
    rental = ExternalRef.objects.get(connection=demo, object_id=prop.pk).vendor_id
    assert [r["OperatingBankAccountId"] for r in vendor_records(live, "rentals") if str(r["Id"]) == rental] == [1]


def _pushed_leases(org, connection, *specs):
    """Leases made in the portal, one per (status, start, end), each on its own unit of one property, pushed."""
    prop = locations.create_location(org, kind="property", name="Status Court", address_line1="9 Oak St",
                                     city="Dayton", state="OH", postal_code="45402")
    made = []
    for index, (status, start, end) in enumerate(specs):
        home = homes.create_home(org, location=prop, address_line1="9 Oak St", city="Dayton", state="OH",
                                 postal_code="45402", unit_number=f"{index + 1}A", market_rent=Decimal("900.00"),
                                 home_type="multi_family")
        tenant = homes.create_person(org, first_name=f"T{index}", last_name="Lee", email=f"t{index}@example.com")
        lease = leases.create_lease(org, home=home, tenants=[tenant], status="active", start_date=start,
                                    end_date=end, rent=Decimal("900.00"))
        for step in {"active": [], "renewed": ["renewed"], "ended": ["ended"],
                     "terminated": ["terminated"]}[status]:
            lease = leases.transition_lease(lease, step)
        made.append(lease)
    run = push.run_drain(connection.pk)
    assert run is not None and run.error_count == 0, run.errors
    return made


def _vendor_lease(live, connection, lease) -> dict:
    vid = ExternalRef.objects.get(connection=connection, stream="leases", object_id=lease.pk).vendor_id
    return next(r for r in vendor_records(live, "leases") if str(r["Id"]) == vid)


def test_buildiums_coarser_lease_status_leaves_a_status_that_already_says_it_and_makes_allowed_moves(
        org, live, connection):
    today = dt.date.today()
    past, current = (today - dt.timedelta(days=400), today - dt.timedelta(days=35)), (
        today - dt.timedelta(days=30), today + dt.timedelta(days=300))
    terminated, ended, renewed, active = _pushed_leases(
        org, connection, ("terminated", *past), ("ended", *past), ("renewed", *current), ("active", *current))
    assert [_vendor_lease(live, connection, x)["LeaseStatus"] for x in (terminated, ended, renewed, active)] == [
        "Past", "Past", "Active", "Active"]
    # The lease's dates ran out at Buildium (edited there): Past.
    vendor = _vendor_lease(live, connection, active)
    live.control("POST", f"records/leases/{vendor['Id']}", json={
        "LeaseToDate": (today - dt.timedelta(days=1)).isoformat(), "LeaseStatus": "Past"})
    for _ in range(2):  # and again: nothing left to say
        run = pull.run_pull(connection.pk, full=True)
        assert not [e for e in run.errors if "status" in e["reason"]], run.errors
        assert run.totals()["conflicts"] == 0
    statuses = dict(Lease.objects.filter(pk__in=[terminated.pk, ended.pk, renewed.pk, active.pk]).values_list(
        "pk", "status"))
    assert [statuses[x.pk] for x in (terminated, ended, renewed, active)] == [
        "terminated", "ended", "renewed", "ended"]
    assert Lease.objects.get(pk=active.pk).history.first().actor_kind == "sync"


def test_a_lease_ended_in_the_portal_that_buildium_still_runs_is_one_conflict_for_staff_not_an_error_each_pull(
        org, live, connection):
    from integrations.conflicts import resolve
    from integrations.models import Conflict

    today = dt.date.today()
    [lease] = _pushed_leases(org, connection, ("ended", today - dt.timedelta(days=30), today + dt.timedelta(days=300)))
    assert _vendor_lease(live, connection, lease)["LeaseStatus"] == "Active"
    for _ in range(2):
        run = pull.run_pull(connection.pk, full=True)
        assert not [e for e in run.errors if "status" in e["reason"]], run.errors
    [conflict] = Conflict.objects.filter(connection=connection, object_id=lease.pk, field="status")
    assert (conflict.ours, conflict.theirs) == ("ended", "active")
    resolve(conflict, "keep_ours")
    run = pull.run_pull(connection.pk, full=True)
    assert not run.errors and Conflict.objects.filter(connection=connection, field="status").count() == 1
    assert Lease.objects.get(pk=lease.pk).status == "ended"
