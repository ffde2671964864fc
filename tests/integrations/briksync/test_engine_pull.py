"""BrikSync into the database through the sync engine, over HTTP: a seeded account lands whole (documents with
their bytes), a rerun changes and downloads nothing, vendor edits and deletions are picked up by the poll, one bad
record fails alone, and the optional changed-since filter makes passes incremental."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from integrations.models import Connection, ExternalRef
from integrations.pull import run_pull
from portal.documents.models import Document
from portal.homes.models import Home, Person
from portal.leases.models import Lease
from portal.locations.models import Location

pytestmark = pytest.mark.django_db


def local(connection: Connection, stream: str, vendor_id: str):
    return ExternalRef.objects.get(connection=connection, stream=stream, vendor_id=vendor_id).record


def portal_documents(briksync) -> list[dict]:
    return [d for d in briksync.records("documents") if d["property_id"] or d["unit_id"] or d["lease_id"]]


def test_a_seeded_account_lands_whole_with_addresses_tenants_and_document_bytes(org, briksync, connection):
    briksync.app.seed(30)
    run = run_pull(connection.pk, full=True)
    assert run.status == "succeeded", (run.message, run.errors)
    assert Location.objects.filter(organization=org, kind="property").count() == len(briksync.records("properties"))
    assert Home.objects.filter(organization=org).count() == 30
    assert Person.objects.filter(organization=org).count() == len(briksync.records("tenants"))
    assert Lease.objects.filter(organization=org).count() == len(briksync.records("leases"))
    assert Document.objects.filter(organization=org).count() == len(portal_documents(briksync)) > 0

    unit = briksync.records("units")[0]
    prop = next(p for p in briksync.records("properties") if p["id"] == unit["property_id"])
    home = local(connection, "units", unit["id"])
    assert (home.address_line1, home.city, home.state, home.unit_number) == (
        prop["address_line1"], prop["city"], prop["state"], unit["unit_number"])
    assert home.market_rent == Decimal(str(unit["base_rent"])).quantize(Decimal("0.01"))
    assert home.location == local(connection, "properties", prop["id"])
    assert home.history.first().actor_kind == "sync"

    lease = briksync.records("leases")[0]
    row = local(connection, "leases", lease["id"])
    assert (row.status, row.start_date.isoformat(), row.home) == (lease["status"], lease["start_date"],
                                                                 local(connection, "units", lease["unit_id"]))
    assert list(row.tenants.all()) == [local(connection, "tenants", lease["tenant_id"])]

    for doc in portal_documents(briksync):
        stored = local(connection, "documents", doc["id"])
        assert stored.file.read() == briksync.app.blobs[doc["id"]][0]
        assert (stored.content_type, stored.original_name) == ("application/pdf", doc["file_name"])
    archived = next(p for p in briksync.records("properties") if p["archived"]) if any(
        p["archived"] for p in briksync.records("properties")) else None
    if archived:
        assert local(connection, "properties", archived["id"]).is_active is False


def test_a_rerun_changes_nothing_and_downloads_nothing(org, briksync, connection):
    briksync.app.seed(30)
    run_pull(connection.pk, full=True)
    history = Home.history.count() + Lease.history.count() + Document.history.count()
    downloads = briksync.app.stats["GET /storage"]
    again = run_pull(connection.pk, full=True)
    assert again.totals()["created"] == again.totals()["updated"] == again.totals()["failed"] == 0, again.counts
    assert Home.history.count() + Lease.history.count() + Document.history.count() == history
    assert briksync.app.stats["GET /storage"] == downloads


def test_the_scheduled_poll_picks_up_an_edit_and_marks_a_deletion_missing(org, briksync, connection):
    briksync.app.seed(20)
    run_pull(connection.pk)
    unit, gone = briksync.records("units")[:2]
    briksync.control("POST", f"records/units/{unit['id']}", json={"base_rent": 2222.5, "status": "inactive"})
    briksync.control("DELETE", f"records/units/{gone['id']}")
    run = run_pull(connection.pk)  # a plain scheduled run: BrikSync has no changed-since filter, so it is full
    assert run.counts["units"]["updated"] == 1 and run.counts["units"]["missing"] == 1, run.counts
    home = local(connection, "units", unit["id"])
    assert (home.market_rent, home.status) == (Decimal("2222.50"), "inactive")
    ref = ExternalRef.objects.get(connection=connection, stream="units", vendor_id=gone["id"])
    assert ref.missing_at_vendor_since is not None
    assert Home.objects.filter(pk=ref.object_id).exists()  # marked, never deleted


def test_one_bad_record_is_reported_and_the_rest_of_its_page_lands(org, briksync, connection):
    briksync.app.seed(20)
    units = briksync.records("units")
    briksync.app.store.update("units", units[3]["id"], {"bedrooms": "many"})
    briksync.app.store.update("units", units[5]["id"], {"status": "demolished"})
    run = run_pull(connection.pk, full=True)
    assert run.status == "partial"
    reasons = {e["record"]: e["reason"] for e in run.errors}
    assert "bedrooms 'many' is not a number" in reasons[units[3]["id"]]
    assert "unit status 'demolished'" in reasons[units[5]["id"]]
    assert Home.objects.filter(organization=org).count() == 18
    assert run.counts["units"]["created"] == 18


def test_a_document_whose_bytes_are_refused_fails_alone(org, briksync, connection):
    briksync.app.seed(20)
    bad = portal_documents(briksync)[0]
    briksync.app.blobs[bad["id"]] = (b"<html><script>x()</script></html>", "application/pdf")
    run = run_pull(connection.pk, full=True)
    reasons = {e["record"]: e["reason"] for e in run.errors}
    assert "not accepted" in reasons[bad["id"]]
    assert Document.objects.filter(organization=org).count() == len(portal_documents(briksync)) - 1


def test_a_configured_changed_since_filter_makes_later_passes_incremental(org, briksync, connection):
    connection.config = {**connection.config, "options": {"updated_since_param": "updated_since"}}
    connection.save()
    briksync.app.seed(20)
    run_pull(connection.pk)
    unit = briksync.records("units")[0]
    briksync.control("POST", f"records/units/{unit['id']}", json={"base_rent": 1999})
    run = run_pull(connection.pk)
    # Only what changed since the watermark (minus the lookback) comes back, not the twenty units.
    assert run.counts["units"]["fetched"] <= 3 and run.counts["units"]["updated"] == 1, run.counts
    assert run.counts["leases"]["fetched"] <= 3
    assert local(connection, "units", unit["id"]).market_rent == Decimal("1999.00")


def test_a_revoked_key_fails_the_sync_with_a_reason_staff_can_act_on(org, briksync, connection):
    connection.set_credentials({"api_key": "revoked"})
    connection.save()
    run = run_pull(connection.pk)
    assert run.status == "failed"
    assert "BrikSync did not accept the API key (UNAUTHORIZED)" in run.message
    connection.refresh_from_db()
    assert "UNAUTHORIZED" in connection.last_error


def test_a_plan_without_the_api_fails_the_sync_saying_which_plan(org, briksync, connection):
    briksync.control("POST", "keys", json={"api_key": "starter-key", "plan": "STARTER"})
    connection.set_credentials({"api_key": "starter-key"})
    connection.save()
    run = run_pull(connection.pk)
    assert "BrikSync says your plan does not include the API (PLAN_UPGRADE_REQUIRED): upgrade to BUSINESS" in \
        run.message


def test_a_vendor_timestamp_moves_the_watermark(org, briksync, connection):
    briksync.app.seed(10)
    run_pull(connection.pk)
    from integrations.models import SyncState

    newest = max(dt.datetime.fromisoformat(u["updated_at"].replace("Z", "+00:00"))
                 for u in briksync.records("units"))
    assert SyncState.objects.get(connection=connection, stream="units").watermark == newest
