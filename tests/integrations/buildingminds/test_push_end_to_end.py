"""From the database to BuildingMinds through the engine: the outbox drain sends addresses, then sites, then
buildings; the confirmation poll reads each record's batch until Completed or failed, and a failure shows on the
record and in the run."""

from __future__ import annotations

import datetime as dt

import pytest
from django.template.loader import render_to_string
from django.utils import timezone

from integrations.confirm import run_confirm
from integrations.models import Connection, ExternalRef, OutboxEntry
from integrations.push import run_drain
from integrations.registry import get_plugin
from portal.homes import services as homes
from portal.locations import services as locations
from portal.locations.models import Kind
from tests.integrations.buildingminds.conftest import wait_for

pytestmark = pytest.mark.django_db
ADDRESS = {"address_line1": "1400 Wells Branch Pkwy", "city": "Pflugerville", "state": "TX", "postal_code": "78660"}


@pytest.fixture
def connection(org, bm_sandbox) -> Connection:
    plugin = get_plugin("buildingminds")
    conn = Connection(organization=org, vendor="buildingminds", name="BuildingMinds", base_url=bm_sandbox.url,
                      config={"rate_limit": {"enabled": False}, "options": dict(plugin.demo_options)})
    conn.set_credentials(plugin.demo_credentials)
    conn.save()
    return conn


def set_options(connection: Connection, **options: object) -> None:
    connection.config["options"] = {**connection.config["options"], **options}
    connection.save()


@pytest.fixture
def tree(org):
    """Texas > Austin > Pecan Hollow > The Groves (a neighborhood with a city) > The Residences (a property with two
    units), and a single-family home in The Groves."""
    region = locations.create_location(org, kind=Kind.REGION, name="Texas")
    division = locations.create_location(org, kind=Kind.DIVISION, name="Austin", parent=region)
    master = locations.create_location(org, kind=Kind.MASTER_COMMUNITY, name="Pecan Hollow", parent=division,
                                       city="Pflugerville", state="TX")
    hood = locations.create_location(org, kind=Kind.NEIGHBORHOOD, name="The Groves", parent=master,
                                     external_id="GROVES", city="Pflugerville", state="TX")
    prop = locations.create_location(org, kind=Kind.PROPERTY, name="The Residences", parent=hood, **ADDRESS)
    units = [homes.create_home(org, location=prop, unit_number=str(n), home_type="multi_family", **ADDRESS)
             for n in (101, 102)]
    house = homes.create_home(org, location=hood, address_line1="12 Oak Hollow Dr", city="Pflugerville",
                              state="TX", postal_code="78660", external_id="H-12")
    return dict(region=region, master=master, hood=hood, prop=prop, units=units, house=house)


def settle(connection: Connection, bm_sandbox, expected: int):
    """Poll confirmations until ``expected`` records settled (the sandbox's batches take a few stages)."""
    done = []

    def poll():
        run = run_confirm(connection.pk)
        if run is not None:
            done.append(run)
        return sum(r.totals().get("confirmed", 0) + r.totals().get("failed", 0) for r in done) >= expected

    assert wait_for(poll), [r.counts for r in done]
    return done


def test_a_tree_arrives_addresses_then_sites_then_buildings_and_is_confirmed_by_the_batch_poll(
        connection, tree, bm_sandbox):
    run = run_drain(connection.pk)
    assert run.status == "succeeded", run.errors
    paths = [r["path"] for r in bm_sandbox.received()]
    assert paths == ["/address"] * 3 + ["/site"] * 2 + ["/building"] * 2
    refs = ExternalRef.objects.filter(connection=connection)
    assert {r.vendor_status for r in refs} == {"Accepted"} and all(r.pending_token for r in refs)

    runs = settle(connection, bm_sandbox, expected=7)
    assert sum(r.totals()["confirmed"] for r in runs) == 7 and all(r.status == "succeeded" for r in runs)
    assert {r.vendor_status for r in refs.all()} == {"Completed"}
    hood, prop, house = tree["hood"].pk, tree["prop"].pk, tree["house"].pk
    sites = bm_sandbox.records("sites")
    assert sites[f"lintel-loc-{hood}"]["addressIds"] == [f"lintel-loc-{hood}"]
    assert sites[f"lintel-loc-{hood}"]["siteCode"] == "GROVES"
    assert sites[f"lintel-loc-{prop}"]["eventType"] == "SiteAdded"
    buildings = bm_sandbox.records("buildings")
    assert buildings[f"lintel-home-{house}"]["siteIds"] == [f"lintel-loc-{hood}"]
    assert buildings[f"lintel-loc-{prop}"] | {"_completed": 0, "_batchId": ""} == {
        "buildingId": f"lintel-loc-{prop}", "addressIds": [f"lintel-loc-{prop}"], "siteIds": [f"lintel-loc-{prop}"],
        "eventType": "BuildingAdded", "_completed": 0, "_batchId": ""}
    assert set(buildings) == {f"lintel-home-{house}", f"lintel-loc-{prop}"}  # the units are inside their property
    assert run_drain(connection.pk) is None  # nothing left to send


def test_a_later_change_goes_as_an_update_of_the_same_record_and_unchanged_parts_are_not_sent(
        connection, tree, bm_sandbox):
    run_drain(connection.pk)
    settle(connection, bm_sandbox, expected=7)
    locations.update_location(tree["hood"], name="The Groves North")
    run = run_drain(connection.pk)
    assert run.counts["sites"]["pushed"] == 1 and run.counts["location_addresses"]["unchanged"] == 1
    last = bm_sandbox.received()[-1]
    assert last["path"] == "/site"
    assert (last["body"][0]["siteId"], last["body"][0]["eventType"]) == (f"lintel-loc-{tree['hood'].pk}",
                                                                        "SiteUpdated")
    settle(connection, bm_sandbox, expected=1)
    assert bm_sandbox.records("sites")[f"lintel-loc-{tree['hood'].pk}"]["name"] == "The Groves North"


def test_a_record_the_vendor_fails_shows_on_the_record_and_in_the_run_and_its_dependant_waits(
        connection, tree, bm_sandbox, rf):
    homes.update_home(tree["house"], city="Atlantis")  # the sandbox cannot geocode Atlantis
    assert run_drain(connection.pk).status == "succeeded"
    runs = settle(connection, bm_sandbox, expected=6)  # the house's building waits for its address
    failed = [r for r in runs if r.status == "partial"]
    assert failed[0].errors == [{"stream": "home_addresses", "record": f"home {tree['house'].pk}",
                                 "reason": "FailedGeoCoding: The address in 'Atlantis' could not be geocoded"}]
    address = ExternalRef.objects.get(stream="home_addresses")
    assert (address.vendor_status, address.pending_token, address.last_pushed_hash) == ("FailedGeoCoding", "", "")
    building = ExternalRef.objects.get(stream="home_buildings")
    assert building.pending_token and building.vendor_status == "New"
    assert building.vendor_message == "waiting for a record it refers to (missing dependencies)"

    request = rf.get("/")
    html = render_to_string("integrations/_record_links.html", {"object": tree["house"], "request": request})
    assert "FailedGeoCoding" in html and "could not be geocoded" in html and "awaiting confirmation: New" in html

    later = run_confirm(connection.pk, now=timezone.now() + dt.timedelta(hours=2))
    assert later.errors[0]["reason"] == ("New: not confirmed within 60 min "
                                         "(last: waiting for a record it refers to (missing dependencies))")


def test_a_record_breaking_a_published_rule_is_refused_locally_and_nothing_of_it_is_sent(
        connection, tree, bm_sandbox):
    locations.update_location(tree["prop"], country="ZZ")
    run = run_drain(connection.pk)
    assert run.status == "partial"
    reasons = {e["stream"]: e["reason"] for e in run.errors}
    assert reasons == {
        "location_addresses": "HTTP 400 [refused locally]: Validation failed for address: "
                              "'country' must be an ISO 3166-1 alpha-2 code, not 'ZZ'",
        "sites": "HTTP 400 [refused locally]: Its address cannot be sent to BuildingMinds: "
                 "'country' must be an ISO 3166-1 alpha-2 code, not 'ZZ'",
        "property_buildings": "HTTP 400 [refused locally]: Its address cannot be sent to BuildingMinds: "
                              "'country' must be an ISO 3166-1 alpha-2 code, not 'ZZ'",
    }
    prop = f"lintel-loc-{tree['prop'].pk}"
    sent = [r["body"][0] for r in bm_sandbox.received()]
    assert prop not in {b.get("addressId") or b.get("siteId") or b.get("buildingId") for b in sent}
    assert OutboxEntry.objects.filter(status="failed").count() == 3


def test_which_records_become_sites_and_buildings_is_the_connections_choice(connection, tree, bm_sandbox):
    OutboxEntry.objects.all().delete()
    set_options(connection, site_kinds="master_community", property_buildings=False, home_buildings="all")
    for loc in (tree["master"], tree["hood"], tree["prop"]):
        locations.update_location(loc, display_name=f"{loc.name} (BM)")
    for home in [*tree["units"], tree["house"]]:
        homes.update_home(home, size_sqft=1200)
    run = run_drain(connection.pk)
    assert run.status == "succeeded", run.errors
    sites = [r["body"][0]["siteId"] for r in bm_sandbox.received("/site")]
    assert sites == [f"lintel-loc-{tree['master'].pk}"]
    buildings = {r["body"][0]["buildingId"]: r["body"][0]["siteIds"] for r in bm_sandbox.received("/building")}
    assert buildings == {f"lintel-home-{h.pk}": [f"lintel-loc-{tree['master'].pk}"]
                         for h in [*tree["units"], tree["house"]]}


def test_a_building_with_no_site_above_it_is_refused_with_the_reason(connection, tree, bm_sandbox):
    OutboxEntry.objects.all().delete()
    set_options(connection, site_kinds="region")  # Texas has no address: neither site nor buildings can go
    homes.update_home(tree["house"], size_sqft=900)
    run = run_drain(connection.pk)
    assert run.errors[-1]["reason"] == ("HTTP 400 [refused locally]: Its site “Texas” cannot be sent to "
                                        "BuildingMinds: 'city' is required")
    set_options(connection, site_kinds="")
    homes.update_home(tree["house"], size_sqft=901)
    run = run_drain(connection.pk)
    assert run.errors[-1]["reason"] == ("HTTP 400 [refused locally]: No site for this building: none of the "
                                        "locations above it is of a kind sent as a site (none configured).")
