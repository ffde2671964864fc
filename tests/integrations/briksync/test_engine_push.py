"""From the database to BrikSync through the engine's outbox drain, over HTTP to the sandbox: parents first, leases
stepped through BrikSync's status rules (an invalid step refused before sending, in BrikSync's words), a lost
create answer found instead of duplicated, documents uploaded, changes BrikSync cannot take explained."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from integrations.models import ExternalRef, OutboxEntry
from integrations.pull import run_pull
from integrations.push import run_drain
from portal.documents import services as documents
from portal.homes import services as homes
from portal.leases import services as leases
from portal.locations import services as locations

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def portfolio(org, connection):
    """A property with a unit, a tenant on an active lease and a lease document, made in the portal."""
    prop = locations.create_location(org, kind="property", name="Cedar Court", address_line1="5 Cedar Ln",
                                     city="Dayton", state="OH", postal_code="45402")
    home = homes.create_home(org, location=prop, address_line1="5 Cedar Ln Rear", city="Dayton", state="OH",
                             postal_code="45402", unit_number="2A", bedrooms=2, bathrooms=Decimal("1.5"),
                             size_sqft=900, market_rent=Decimal("1325.50"), home_type="multi_family")
    person = homes.create_person(org, first_name="Lena", last_name="Berg", email="lena@example.com",
                                 phone="+1 937 555 0101")
    lease = leases.create_lease(org, home=home, tenants=[person], start_date=dt.date(2026, 1, 1),
                                end_date=dt.date(2026, 12, 31), rent=Decimal("1325.50"), deposit=Decimal("1000"),
                                due_day=5, status="active", lease_type="fixed_with_rollover")
    doc = documents.create_document(org, target=lease, title="Signed lease", category="lease",
                                    file=SimpleUploadedFile("signed.pdf", PDF))
    return dict(prop=prop, home=home, person=person, lease=lease, doc=doc)


def vendor_id(connection, obj) -> str:
    from django.contrib.contenttypes.models import ContentType

    return ExternalRef.objects.get(connection=connection, content_type=ContentType.objects.get_for_model(obj),
                                   object_id=obj.pk).vendor_id


def writes(briksync) -> list[tuple[str, str]]:
    return [(r["method"], r["path"].split("/")[1]) for r in briksync.received()]


def test_a_portfolio_arrives_parents_first_with_the_lease_stepped_to_active(briksync, connection, portfolio):
    run = run_drain(connection.pk)
    assert run.status == "succeeded", run.errors
    assert writes(briksync) == [("POST", "properties"), ("POST", "units"), ("POST", "tenants"), ("POST", "leases"),
                                ("PATCH", "leases"), ("POST", "documents")]
    app = briksync.app
    prop = app.store.get("properties", vendor_id(connection, portfolio["prop"]))
    assert (prop["name"], prop["property_type"], prop["total_units"], prop["archived"]) == (
        "Cedar Court", "residential", 1, False)
    unit = app.store.get("units", vendor_id(connection, portfolio["home"]))
    assert (unit["property_id"], unit["unit_number"], unit["bathrooms"], unit["base_rent"], unit["status"]) == (
        prop["id"], "2A", 1.5, 1325.5, "available")
    lease = app.store.get("leases", vendor_id(connection, portfolio["lease"]))
    assert (lease["status"], lease["tenant_id"], lease["unit_id"], lease["rent_due_day"], lease["end_date"]) == (
        "active", vendor_id(connection, portfolio["person"]), unit["id"], 5, "2026-12-31")
    doc_id = vendor_id(connection, portfolio["doc"])
    doc = app.store.get("documents", doc_id)
    assert (doc["type"], doc["lease_id"], doc["unit_id"], doc["property_id"]) == ("Lease", lease["id"], unit["id"],
                                                                                  prop["id"])
    assert app.blobs[doc_id][0] == PDF
    assert run_drain(connection.pk) is None  # nothing left to send


def test_pulling_what_was_pushed_keeps_what_only_the_portal_knows_and_sends_nothing_back(briksync, connection,
                                                                                        portfolio):
    run_drain(connection.pk)
    sent = len(briksync.received())
    run = run_pull(connection.pk, full=True)
    assert run.totals()["created"] == 0 and run.totals()["failed"] == 0, (run.counts, run.errors)
    home, lease = (type(o).objects.get(pk=o.pk) for o in (portfolio["home"], portfolio["lease"]))
    assert (home.address_line1, home.home_type) == ("5 Cedar Ln Rear", "multi_family")  # units have no address
    assert lease.lease_type == "fixed_with_rollover"  # BrikSync has no lease types
    assert not OutboxEntry.objects.filter(connection=connection, status="pending").exists()
    assert len(briksync.received()) == sent


def test_ending_a_lease_goes_through_the_status_endpoint(briksync, connection, portfolio):
    run_drain(connection.pk)
    leases.transition_lease(portfolio["lease"], "ended")
    run = run_drain(connection.pk)
    assert run.status == "succeeded", run.errors
    last = briksync.received()[-1]
    assert (last["method"], last["path"], last["body"]) == (
        "PATCH", f"/leases/{vendor_id(connection, portfolio['lease'])}/status", {"status": "ended"})


def test_a_step_brik_sync_forbids_is_refused_in_its_words_before_sending(briksync, connection, portfolio):
    run_drain(connection.pk)
    lease_id = vendor_id(connection, portfolio["lease"])
    briksync.control("POST", f"records/leases/{lease_id}", json={"status": "terminated"})  # done in BrikSync's app
    sent = len(briksync.received())
    leases.transition_lease(portfolio["lease"], "ended")
    run = run_drain(connection.pk)
    assert run.status == "partial"
    assert "Invalid status transition: terminated -> ended" in run.errors[0]["reason"]
    assert len(briksync.received()) == sent
    entry = OutboxEntry.objects.filter(connection=connection).latest("pk")
    assert entry.status == "failed" and "(VALIDATION_ERROR): Invalid status transition" in entry.last_error


def test_a_due_day_brik_sync_does_not_have_is_refused_before_sending(org, briksync, connection, portfolio):
    leases.update_lease(portfolio["lease"], due_day=30)
    run = run_drain(connection.pk)
    assert "rent_due_day must be at least 1 and at most 28" in " ".join(e["reason"] for e in run.errors)
    assert ("POST", "leases") not in writes(briksync)


def test_a_create_whose_answer_was_lost_is_found_not_duplicated(briksync, connection, portfolio):
    briksync.control("POST", "faults", json={"script": [{"status": 500, "count": 1, "method": "POST",
                                                         "path": "/units", "after": True}]})
    first = run_drain(connection.pk)
    assert first.counts["units"].get("deferred") == 1
    OutboxEntry.objects.filter(connection=connection, status="pending").update(next_attempt_at=None)
    run_drain(connection.pk)
    assert len(briksync.records("units")) == 1
    assert vendor_id(connection, portfolio["home"]) == briksync.records("units")[0]["id"]
    assert briksync.records("leases")[0]["unit_id"] == briksync.records("units")[0]["id"]


def test_a_tenant_edit_is_explained_unless_the_connection_sends_tenant_changes(briksync, connection, portfolio):
    run_drain(connection.pk)
    homes.update_person(portfolio["person"], phone="+1 937 555 0199")
    run = run_drain(connection.pk)
    assert "documents no way to change a tenant" in run.errors[0]["reason"]
    connection.config = {**connection.config, "options": {"tenant_updates": True}}
    connection.save()
    homes.update_person(portfolio["person"], phone="+1 937 555 0142")
    assert run_drain(connection.pk).status == "succeeded"
    assert briksync.records("tenants")[0]["phone"] == "+1 937 555 0142"


def test_deactivating_a_property_archives_it_and_deleting_a_document_deletes_it(briksync, connection, portfolio):
    run_drain(connection.pk)
    doc_id = vendor_id(connection, portfolio["doc"])
    documents.delete_document(portfolio["doc"])
    leases.transition_lease(portfolio["lease"], "ended")
    run_drain(connection.pk)
    assert briksync.app.store.get("documents", doc_id) is None
    prop = portfolio["prop"]
    locations.update_location(prop, name="Cedar Court West")
    run = run_drain(connection.pk)
    assert run.status == "succeeded", run.errors
    assert briksync.app.store.get("properties", vendor_id(connection, prop))["name"] == "Cedar Court West"


def test_a_lease_with_co_tenants_is_sent_with_its_primary_tenant(org, briksync, connection, portfolio):
    cotenant = homes.create_person(org, first_name="Ola", last_name="Aas", email="ola@example.com")
    leases.set_tenants(portfolio["lease"], [portfolio["person"], cotenant])
    run_drain(connection.pk)
    lease = briksync.records("leases")[0]
    assert lease["tenant_id"] == vendor_id(connection, portfolio["person"])
    assert {t["email"] for t in briksync.records("tenants")} == {"lena@example.com", "ola@example.com"}
    briksync.control("POST", f"records/leases/{lease['id']}", json={"monthly_rent": 1400})  # changed at BrikSync
    run = run_pull(connection.pk, full=True)
    assert run.counts["leases"]["updated"] == 1, run.counts
    kept = portfolio["lease"].lease_tenants.values_list("person__first_name", "role")
    assert sorted(kept) == [("Lena", "primary"), ("Ola", "cotenant")]  # BrikSync's one tenant removes no one
