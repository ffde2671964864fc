"""RentEngine through the sync engine: a seeded sandbox pulled into the database, reruns, a bad record reported
without losing its page, and properties and homes made in the portal pushed by upsert POST."""

from __future__ import annotations

from decimal import Decimal

import pytest

from integrations import pull, push
from integrations.models import ExternalRef, OutboxEntry
from integrations.rentengine.sandbox import DEMO_ACCOUNT_ID
from portal.homes import services as homes
from portal.homes.models import Home
from portal.locations import services as locations
from portal.locations.models import Location

pytestmark = pytest.mark.django_db
ADDRESS = {"address_line1": "12 Elm St", "city": "Dayton", "state": "OH", "postal_code": "45402"}


def home_of(connection, unit_id) -> Home:
    return ExternalRef.objects.get(connection=connection, stream="units", vendor_id=str(unit_id)).record


def set_options(connection, **options) -> None:
    connection.config = {**connection.config, "options": {**connection.options, **options}}
    connection.save()


def test_a_full_pull_lands_properties_and_their_units_and_reports_units_filed_under_none(org, rentengine,
                                                                                        connection):
    rentengine.app.seed(30)  # 3 multifamily properties; every tenth unit is a single-family home
    run = pull.run_pull(connection.pk, full=True)
    assert run.status == "partial"
    assert Location.objects.filter(organization=org, kind="property").count() == 3
    assert Home.objects.filter(organization=org).count() == 27
    reasons = {e["record"]: e["reason"] for e in run.errors}
    assert len(reasons) == 3 and all("no default location" in r for r in reasons.values())
    unit = rentengine.records("units")[0]
    home = home_of(connection, unit["id"])
    prop = next(p for p in rentengine.records("multifamily_properties") if p["id"] == unit["multifamily_property_id"])
    assert home.location.name == prop["community_name"] and home.home_type == "multi_family"
    assert home.market_rent == Decimal(str(unit["target_rental_rate"])).quantize(Decimal("0.01"))
    assert home.history.first().actor_kind == "sync"


def test_a_rerun_changes_nothing(org, rentengine, connection):
    rentengine.app.seed(30)
    pull.run_pull(connection.pk, full=True)
    history = Home.history.count()
    again = pull.run_pull(connection.pk, full=True)
    assert again.totals()["created"] == again.totals()["updated"] == 0
    assert Home.history.count() == history


def test_units_without_a_property_land_under_the_default_location_once_one_is_set(org, rentengine, connection):
    default = locations.create_location(org, kind="property", name="RentEngine homes", **ADDRESS)
    set_options(connection, default_location_id=default.pk)
    rentengine.app.seed(20)
    run = pull.run_pull(connection.pk, full=True)
    assert run.status == "succeeded", run.errors
    assert Home.objects.filter(location=default, home_type="single_family").count() == 2


def test_a_bad_record_is_reported_and_the_rest_of_its_page_lands(org, rentengine, connection):
    rentengine.app.seed(10)
    bad = rentengine.records("units")[4]
    rentengine.app.store.update("units", bad["id"], {"target_rental_rate": "call us"})
    run = pull.run_pull(connection.pk, full=True)
    assert Home.objects.filter(organization=org).count() == 8  # 9 in properties, one refused
    assert any(e["record"] == str(bad["id"]) and "is not a number" in e["reason"] for e in run.errors)


def test_a_unit_deleted_at_rentengine_is_marked_missing_after_a_full_pass(org, rentengine, connection):
    rentengine.app.seed(10)
    pull.run_pull(connection.pk, full=True)
    gone = rentengine.records("units")[0]["id"]
    rentengine.control("DELETE", f"records/units/{gone}")
    pull.run_pull(connection.pk, full=True)
    ref = ExternalRef.objects.get(connection=connection, stream="units", vendor_id=str(gone))
    assert ref.missing_at_vendor_since is not None and Home.objects.filter(pk=ref.object_id).exists()


def test_a_property_and_its_home_made_in_the_portal_are_created_then_updated_by_upsert_post(org, rentengine,
                                                                                            connection):
    prop = locations.create_location(org, kind="property", name="Elm Court", **ADDRESS)
    home = homes.create_home(org, location=prop, unit_number="2B", bedrooms=2, bathrooms=Decimal("1.5"),
                             size_sqft=800, market_rent=Decimal("1450.00"), home_type="multi_family", **ADDRESS)
    run = push.run_drain(connection.pk)
    assert run.error_count == 0, run.errors
    [record] = rentengine.records("multifamily_properties")
    assert (record["community_name"], record["text_address"], record["account_id"]) == (
        "Elm Court", "12 Elm St, Dayton, OH 45402", DEMO_ACCOUNT_ID)
    assert (record["year_built"], record["unit_count"], record["structure_type"]) == (1999, 1, "Garden Style")
    assert record["external_ids"] == {"lintel": f"location-{prop.pk}"}
    [unit] = rentengine.records("units")
    assert unit["multifamily_property_id"] == record["id"]
    assert (unit["bedrooms"], unit["bathrooms"], unit["sqft"], unit["target_rental_rate"]) == (2, 1.5, 800, 1450)
    assert unit["address"]["unit"] == "2B" and unit["property_type"] == "MULTI-FAMILY"

    homes.update_home(home, market_rent=Decimal("1500.00"))
    assert push.run_drain(connection.pk).error_count == 0
    [unit] = rentengine.records("units")
    assert unit["target_rental_rate"] == 1500 and len(rentengine.records("units")) == 1
    assert unit["address"]["street_number"] == "12" and unit["address"]["country"] == "United States"


def test_a_pulled_unit_edited_in_the_portal_is_updated_not_created_again(org, rentengine, connection):
    rentengine.app.seed(10)
    pull.run_pull(connection.pk, full=True)
    unit = rentengine.records("units")[0]
    homes.update_home(home_of(connection, unit["id"]), bedrooms=4)
    assert push.run_drain(connection.pk).error_count == 0
    after = rentengine.app.store.get("units", unit["id"])
    assert after["bedrooms"] == 4 and after["property_type"] == unit["property_type"]  # its finer type stays
    assert len(rentengine.records("units")) == 10


def test_a_home_rentengine_would_refuse_fails_locally_with_rentengines_words(org, rentengine, connection):
    prop = locations.create_location(org, kind="property", name="Elm Court", **ADDRESS)
    homes.create_home(org, location=prop, market_rent=Decimal("900"), **{**ADDRESS, "address_line1": "Elm St"})
    run = push.run_drain(connection.pk)
    [error] = run.errors
    assert "address.street_number: must NOT have fewer than 1 characters" in error["reason"]
    assert rentengine.app.stats["POST /units"] == 0


def test_a_home_waits_for_its_property_and_says_why(org, rentengine, connection):
    set_options(connection, default_year_built=None)  # RentEngine requires one: the property cannot be created
    prop = locations.create_location(org, kind="property", name="Elm Court", **ADDRESS)
    homes.create_home(org, location=prop, market_rent=Decimal("900"), **ADDRESS)
    run = push.run_drain(connection.pk)
    entries = {e.stream: e for e in OutboxEntry.objects.filter(connection=connection)}
    assert entries["properties"].status == "failed" and "year_built" in entries["properties"].last_error
    assert entries["units"].status == "pending" and "has not reached RentEngine yet" in entries["units"].last_error
    assert run.counts["units"]["deferred"] == 1 and rentengine.records("units") == []


def test_a_home_under_the_default_location_is_sent_without_a_property_and_the_location_is_not_sent(
        org, rentengine, connection):
    default = locations.create_location(org, kind="property", name="RentEngine homes", **ADDRESS)
    set_options(connection, default_location_id=default.pk)
    homes.create_home(org, location=default, market_rent=Decimal("900"), **ADDRESS)
    run = push.run_drain(connection.pk)
    assert "default location" in run.errors[0]["reason"]
    assert rentengine.records("multifamily_properties") == []
    [unit] = rentengine.records("units")
    assert unit["multifamily_property_id"] is None and unit["property_type"] == "SINGLE FAMILY RESIDENCE"


def test_a_create_whose_answer_was_lost_is_found_and_not_duplicated(org, rentengine, connection):
    default = locations.create_location(org, kind="property", name="RentEngine homes", **ADDRESS)
    set_options(connection, default_location_id=default.pk)
    rentengine.control("POST", "faults", json={"script": [
        {"status": 500, "count": 1, "method": "POST", "path": "/units", "after": True}]})
    home = homes.create_home(org, location=default, market_rent=Decimal("900"), **ADDRESS)
    push.run_drain(connection.pk)
    entry = OutboxEntry.objects.get(connection=connection, stream="units")
    assert entry.status == "pending" and entry.attempts == 1
    OutboxEntry.objects.filter(pk=entry.pk).update(next_attempt_at=None)
    assert push.run_drain(connection.pk).error_count == 0
    [unit] = rentengine.records("units")
    assert ExternalRef.objects.get(connection=connection, stream="units").object_id == home.pk
    assert str(unit["id"]) == ExternalRef.objects.get(connection=connection, stream="units").vendor_id


def test_with_updated_after_turned_on_a_scheduled_pull_reads_only_changed_units(org, rentengine, connection):
    rentengine.app.seed(20)
    assert pull.run_pull(connection.pk).counts["units"]["fetched"] == 20  # off: every pass reads everything
    connection.config = {**connection.config, "lookback_seconds": 0}
    set_options(connection, units_updated_after=True)
    pull.run_pull(connection.pk, full=True)
    unit = rentengine.records("units")[5]
    rentengine.control("POST", f"records/units/{unit['id']}", json={"target_rental_rate": 1234.0})
    run = pull.run_pull(connection.pk)
    assert run.counts["units"]["fetched"] == 2  # the edited unit, and the newest one at the watermark again
    assert home_of(connection, unit["id"]).market_rent == Decimal("1234.00")
    assert run.counts["properties"]["fetched"] == 2  # properties have no such filter: always read whole
