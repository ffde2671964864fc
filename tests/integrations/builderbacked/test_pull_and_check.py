"""Regions pulled from Builder Backed, and the connection test staff run from the portal."""

from __future__ import annotations

import pytest

from integrations.engine import test_connection as check_connection
from integrations.models import Connection, ExternalRef
from integrations.pull import run_pull
from portal.locations.models import Kind, Location
from tests.integrations.builderbacked.helpers import connect

pytestmark = pytest.mark.django_db


@pytest.fixture
def connection(org, bb_sandbox) -> Connection:
    return connect(org, bb_sandbox.url)


def test_regions_arrive_as_active_region_locations_and_a_rerun_changes_nothing(org, connection):
    run = run_pull(connection.pk, full=True)
    assert run.status == "succeeded", run.errors
    regions = Location.objects.filter(organization=org, kind=Kind.REGION).order_by("name")
    assert [(r.name, r.external_id, r.abbreviation, r.is_active) for r in regions][:2] == [
        ("Cincinnati", "Cincinnati", "CIN", True), ("Columbus", "Columbus", "COL", True)]
    assert regions.count() == 5
    again = run_pull(connection.pk, full=True)
    assert again.totals()["created"] == again.totals()["updated"] == 0
    assert Location.objects.filter(organization=org, kind=Kind.REGION).count() == 5


def test_a_region_builder_backed_stops_listing_is_marked_missing_not_deleted(org, connection, bb_sandbox):
    run_pull(connection.pk, full=True)
    bb_sandbox.control("POST", "records/regions/Dayton", {"active": False})
    run_pull(connection.pk, full=True)
    dayton = Location.objects.get(organization=org, kind=Kind.REGION, name="Dayton")
    assert ExternalRef.objects.get(connection=connection, object_id=dayton.pk).missing_at_vendor_since is not None
    assert ExternalRef.objects.filter(connection=connection, missing_at_vendor_since__isnull=True).count() == 4


def test_the_connection_test_answers_with_the_regions_it_sees(connection):
    assert check_connection(connection) == (True, "Connected to Builder Backed: 5 active regions.")


def test_the_connection_test_says_why_credentials_fail(connection):
    connection.set_credentials({"client_secret": "wrong"})
    connection.save()
    ok, message = check_connection(connection)
    assert not ok
    assert "Bad client credentials" in message
