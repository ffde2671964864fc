"""PullStream.match: a pull adopts the organization's own unlinked record of the same natural key instead of adding
a duplicate (Builder Backed's regions, matched by kind and name, case-insensitively), over real HTTP."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection as db
from django.test.utils import CaptureQueriesContext

from integrations.builderbacked.sandbox import BuilderBackedSandbox
from integrations.models import ExternalRef
from integrations.pull import run_pull
from portal.locations import services as locations
from portal.locations.models import Kind, Location
from tests.factories import OrganizationFactory
from tests.integrations.builderbacked.helpers import connect

pytestmark = pytest.mark.django_db


@pytest.fixture
def regions_vendor(serve_sandbox):
    """Serve a Builder Backed sandbox listing ``names`` as its regions; returns a connection of ``org`` to it."""

    made = []

    def start(org, names):
        made.append(names)
        server = serve_sandbox({"/builderbacked": BuilderBackedSandbox(rate_limit=False, regions=names)})
        return connect(org, server.url_for("/builderbacked"), name=f"Builder Backed {len(made)}", streams=["regions"])

    return start


def regions(org, name):
    return Location.objects.filter(organization=org, kind=Kind.REGION, name__iexact=name)


def ref_of(conn, vendor_id):
    return ExternalRef.objects.get(connection=conn, stream="regions", vendor_id=vendor_id)


def test_an_unlinked_local_record_is_adopted_and_updated_as_the_sync(org, regions_vendor):
    texas = locations.create_location(org, kind=Kind.REGION, name="texas")
    division = locations.create_location(org, kind=Kind.DIVISION, name="Texas", parent=texas)  # another kind
    conn = regions_vendor(org, ("Texas", "Florida"))
    run = run_pull(conn.pk, full=True)
    assert run.status == "succeeded", run.errors
    assert run.counts["regions"]["created"] == 1 and run.counts["regions"]["updated"] == 1
    assert list(regions(org, "Texas")) == [texas]
    assert ref_of(conn, "Texas").object_id == texas.pk
    texas.refresh_from_db()
    assert (texas.name, texas.display_name, texas.external_id) == ("Texas", "Texas Region", "Texas")
    last = texas.history.first()
    assert (last.history_type, last.actor_kind) == ("~", "sync")
    assert not ExternalRef.objects.filter(connection=conn, object_id=division.pk).exists()


def test_a_record_already_linked_is_not_adopted(org, regions_vendor):
    texas = locations.create_location(org, kind=Kind.REGION, name="Texas")
    conn = regions_vendor(org, ("Texas",))
    ExternalRef.objects.create(connection=conn, stream="regions", vendor_id="Old Texas", object_id=texas.pk,
                               content_type=ContentType.objects.get_for_model(Location))
    run = run_pull(conn.pk, full=True)
    assert run.status == "succeeded", run.errors
    assert run.counts["regions"]["created"] == 1
    assert regions(org, "Texas").count() == 2
    assert ref_of(conn, "Texas").object_id != texas.pk
    assert ref_of(conn, "Old Texas").object_id == texas.pk


def test_an_adopted_record_linked_by_another_connection_is_still_adopted(org, regions_vendor):
    """Only a ref of this connection and stream takes a record out of the candidates."""
    texas = locations.create_location(org, kind=Kind.REGION, name="Texas")
    first = regions_vendor(org, ("Texas",))
    assert run_pull(first.pk, full=True).counts["regions"]["updated"] == 1
    second = regions_vendor(org, ("Texas",))
    assert run_pull(second.pk, full=True).status == "succeeded"
    assert ref_of(first, "Texas").object_id == ref_of(second, "Texas").object_id == texas.pk
    assert regions(org, "Texas").count() == 1


def test_an_ambiguous_match_is_reported_and_the_rest_of_the_page_lands(org, regions_vendor):
    one = locations.create_location(org, kind=Kind.REGION, name="Texas")
    two = locations.create_location(org, kind=Kind.REGION, name="TEXAS")
    conn = regions_vendor(org, ("Texas", "Florida"))
    run = run_pull(conn.pk, full=True)
    assert run.status == "partial"
    assert run.counts["regions"]["failed"] == 1 and run.counts["regions"]["created"] == 1
    reasons = {e["record"]: e["reason"] for e in run.errors}
    assert f"matches 2 unlinked locations of this organization (ids {one.pk}, {two.pk})" in reasons["Texas"]
    assert regions(org, "Texas").count() == 2
    assert not ExternalRef.objects.filter(connection=conn, vendor_id="Texas").exists()
    assert ref_of(conn, "Florida")


def test_two_records_of_a_page_wanting_the_same_record_are_reported(org, regions_vendor):
    local = locations.create_location(org, kind=Kind.REGION, name="Texas")
    conn = regions_vendor(org, ("Texas", "TEXAS", "Florida"))
    run = run_pull(conn.pk, full=True)
    assert run.counts["regions"]["failed"] == 2 and run.counts["regions"]["created"] == 1
    reasons = {e["record"]: e["reason"] for e in run.errors}
    assert set(reasons) == {"Texas", "TEXAS"}
    assert f"2 records of this page match the same unlinked location (id {local.pk})" in reasons["TEXAS"]
    assert not ExternalRef.objects.filter(connection=conn, object_id=local.pk).exists()


def test_rerunning_after_an_adoption_changes_nothing(org, regions_vendor):
    locations.create_location(org, kind=Kind.REGION, name="Texas")
    locations.create_location(org, kind=Kind.REGION, name="Florida")
    conn = regions_vendor(org, ("Texas", "Florida", "Dayton"))
    assert run_pull(conn.pk, full=True).status == "succeeded"
    history = Location.history.count()
    refs = list(ExternalRef.objects.filter(connection=conn).values_list("vendor_id", "object_id"))
    again = run_pull(conn.pk, full=True)
    assert again.totals()["created"] == again.totals()["updated"] == again.totals()["failed"] == 0
    assert again.totals()["unchanged"] == 3
    assert Location.history.count() == history
    assert list(ExternalRef.objects.filter(connection=conn).values_list("vendor_id", "object_id")) == refs
    assert Location.objects.filter(organization=org, kind=Kind.REGION).count() == 3


def test_an_unchanged_local_record_is_linked_without_a_history_row(org, regions_vendor):
    texas = locations.create_location(org, kind=Kind.REGION, name="Texas", display_name="Texas Region",
                                      abbreviation="TEX", external_id="Texas")
    history = texas.history.count()
    conn = regions_vendor(org, ("Texas",))
    run = run_pull(conn.pk, full=True)
    assert run.counts["regions"]["unchanged"] == 1 and run.counts["regions"]["created"] == 0
    assert ref_of(conn, "Texas").object_id == texas.pk
    assert texas.history.count() == history


def test_matching_costs_the_same_queries_for_a_page_of_10_and_of_100(org, regions_vendor):
    counts = []
    for size in (10, 100):
        tenant = OrganizationFactory(name=f"Org {size}", slug=f"org-{size}")
        names = [f"Region {i:03}" for i in range(size)]
        for name in names[: size // 2]:  # half adopted, half created
            locations.create_location(tenant, kind=Kind.REGION, name=name.upper())
        conn = regions_vendor(tenant, names)
        with CaptureQueriesContext(db) as queries:
            run = run_pull(conn.pk, full=True)
        assert run.counts["regions"] == {**run.counts["regions"], "created": size // 2, "updated": size // 2}
        assert Location.objects.filter(organization=tenant, kind=Kind.REGION).count() == size
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
