"""From the database to Builder Backed through the engine's outbox drain, over HTTP to the sandbox."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from integrations.models import Connection, ExternalRef, OutboxEntry
from integrations.pull import run_pull
from integrations.push import run_drain
from integrations.registry import get_plugin
from portal.documents import services as documents
from portal.homes import services as homes
from portal.locations import services as locations
from portal.locations.models import Kind, Location
from tests.integrations.builderbacked.helpers import connect

pytestmark = pytest.mark.django_db
LEVEL_OF_PATH = ["/locations/divisions", "/locations/master-communities", "/locations/neighborhoods", "/homes",
                 "/users", "/documents"]


@pytest.fixture
def connection(org, bb_sandbox) -> Connection:
    return connect(org, bb_sandbox.url)


@pytest.fixture
def tree(org, connection):
    """Regions pulled from Builder Backed, then a tree, a home, its owner and two documents made in the portal."""
    run = run_pull(connection.pk, full=True)
    assert run.status == "succeeded", run.errors
    region = Location.objects.get(organization=org, kind=Kind.REGION, name="Cincinnati")
    division = locations.create_location(org, kind=Kind.DIVISION, name="Cincinnati Division", parent=region,
                                         external_id="DIV_001")
    master = locations.create_location(org, kind=Kind.MASTER_COMMUNITY, name="Shaker Run", parent=division)
    hood = locations.create_location(org, kind=Kind.NEIGHBORHOOD, name="Lakeside", parent=master,
                                     external_id="NH_001")
    home = homes.create_home(org, location=hood, address_line1="123 Main St", city="Columbus", state="OH",
                             postal_code="43215", external_id="HOME_12345", unit_number="4B")
    person = homes.create_person(org, first_name="Jane", last_name="Smith", email="jane@example.com", prefix="Mrs.")
    link = homes.set_homeowner(home, person, "secondary")
    link_doc = documents.create_document(org, target=home, title="HVAC Warranty", category="warranty",
                                         external_url="https://example.com/hvac.pdf", shareable=True,
                                         display_start=dt.datetime(2025, 1, 1, tzinfo=dt.UTC))
    file_doc = documents.create_document(org, target=home, title="Floor Plan", category="plan", file=pdf())
    return dict(region=region, division=division, master=master, hood=hood, home=home, person=person, link=link,
                link_doc=link_doc, file_doc=file_doc)


def pdf() -> SimpleUploadedFile:
    return SimpleUploadedFile("plan.pdf", b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")


def level(path: str) -> int:
    return next(i for i, part in enumerate(LEVEL_OF_PATH) if part in path)


def test_a_tree_with_homes_owners_and_documents_arrives_parents_first(connection, tree, bb_sandbox, settings):
    run = run_drain(connection.pk)
    assert run.status == "succeeded", run.errors
    posts = bb_sandbox.received("POST")
    assert [p["status"] for p in posts] == [201] * 7
    assert [level(p["path"]) for p in posts] == sorted(level(p["path"]) for p in posts)
    app = bb_sandbox.app
    assert app.store.get("master-communities", f"lnt-loc-{tree['master'].pk}")["divisionExternalId"] == "DIV_001"
    home = app.store.get("homes", "HOME_12345")
    assert (home["neighborhoodExternalId"], home["addressLine2"], home["type"]) == ("NH_001", "Unit 4B",
                                                                                   "Single Family")
    assert [(o["email"], o["homeownerType"]) for o in home["homeowners"]] == [("jane@example.com", "SECONDARY")]
    docs = {d["name"]: d for d in app.store.all("documents")}
    assert docs["HVAC Warranty"]["displayStart"] == "2025-01-01 00:00:00.000"
    assert docs["Floor Plan"]["url"] == f"{settings.SITE_URL}/documents/{tree['file_doc'].pk}/download/"
    assert ExternalRef.objects.get(stream="homeowners").vendor_id == "HOME_12345 jane@example.com"
    assert run_drain(connection.pk) is None  # nothing left to send


def test_a_later_change_is_a_put_of_the_full_record_never_a_second_post(connection, tree, bb_sandbox):
    run_drain(connection.pk)
    homes.update_home(tree["home"], city="Mason")
    locations.update_location(tree["hood"], name="Lakeside North")
    run = run_drain(connection.pk)
    assert run.status == "succeeded", run.errors
    assert len(bb_sandbox.received("POST")) == 7
    assert bb_sandbox.app.store.get("homes", "HOME_12345")["city"] == "Mason"
    assert bb_sandbox.app.store.get("neighborhoods", "NH_001")["name"] == "Lakeside North"


def test_a_record_the_vendor_already_has_is_updated_after_its_409(connection, tree, bb_client, bb_sandbox):
    bb_client.create_location("divisions", {"externalId": "DIV_001", "name": "Old name", "regionName": "Cincinnati"})
    run = run_drain(connection.pk)
    assert run.status == "succeeded", run.errors
    division_calls = [(r["method"], r["status"]) for r in bb_sandbox.received() if "/divisions" in r["path"]]
    assert division_calls == [("POST", 201), ("POST", 409), ("PUT", 200), ("PUT", 200)]  # theirs, ours, PUT, active
    assert bb_sandbox.app.store.get("divisions", "DIV_001")["name"] == "Cincinnati Division"


def test_a_retry_after_a_vendor_500_does_not_duplicate_the_home(connection, tree, bb_sandbox):
    # The vendor saves the home, then answers 500: the answer is lost, the record is not.
    bb_sandbox.control("POST", "faults", {"script": [{"status": 500, "method": "POST", "path": "/api/v2/homes",
                                                       "after": True}]})
    first = run_drain(connection.pk)
    assert first.counts["homes"]["deferred"] == 1
    assert OutboxEntry.objects.get(stream="homes").status == "pending"
    later = timezone.now() + dt.timedelta(hours=2)
    second = run_drain(connection.pk, now=later)
    assert second.status == "succeeded", second.errors
    home_calls = [(r["method"], r["status"]) for r in bb_sandbox.received() if r["path"] == "/api/v2/homes"]
    assert home_calls == [("POST", 500), ("POST", 409), ("PUT", 200)]
    assert bb_sandbox.app.store.count("homes") == 1
    assert len(bb_sandbox.app.store.get("homes", "HOME_12345")["homeowners"]) == 1
    assert bb_sandbox.app.store.count("documents") == 2


def test_a_home_under_a_deactivated_neighborhood_is_refused_locally_and_nothing_is_sent(connection, tree, bb_sandbox):
    run_drain(connection.pk)
    homes.update_home(tree["home"], status="inactive")
    locations.deactivate_location(tree["hood"])
    run_drain(connection.pk)
    sent_before = len(bb_sandbox.received())
    homes.update_home(tree["home"], city="Mason")
    run = run_drain(connection.pk)
    assert run.status == "partial"
    assert len(run.errors) == 1
    assert run.errors[0]["reason"] == "HTTP 404 [refused locally]: Neighborhood with external ID 'NH_001' not found"
    assert len(bb_sandbox.received()) == sent_before
    assert bb_sandbox.app.store.get("neighborhoods", "NH_001")["active"] is False


def test_a_division_under_a_region_builder_backed_does_not_list_is_refused_locally(org, connection, bb_sandbox):
    run_pull(connection.pk, full=True)
    local = locations.create_location(org, kind=Kind.REGION, name="Springfield")
    locations.create_location(org, kind=Kind.DIVISION, name="Springfield Division", parent=local)
    run = run_drain(connection.pk)
    assert "Region 'Springfield' not found" in run.errors[0]["reason"]
    assert bb_sandbox.received() == []


def test_a_homeowner_without_an_email_is_refused_locally_with_the_reason(org, connection, tree, bb_sandbox):
    nobody = homes.create_person(org, first_name="Ada", last_name="Park")
    homes.set_homeowner(tree["home"], nobody, "other")
    run = run_drain(connection.pk)
    assert [e["reason"] for e in run.errors] == ["HTTP 400 [refused locally]: Validation failed for field 'email'"]
    owners = bb_sandbox.app.store.get("homes", "HOME_12345")["homeowners"]
    assert [o["email"] for o in owners] == ["jane@example.com"]


def test_a_local_refusal_carries_the_reason_beside_the_vendors_words(org, connection, tree):
    from integrations.base import Rejected
    from integrations.refs import Resolver

    nobody = homes.create_person(org, first_name="Ada", last_name="Park")
    link = homes.set_homeowner(tree["home"], nobody, "other")
    stream = get_plugin("builderbacked").push_stream("homeowners")
    run_drain(connection.pk)
    with pytest.raises(Rejected) as caught:
        stream.validate(stream.to_payload(link, Resolver(connection)))
    assert caught.value.field_errors == {
        "email": "Ada Park has no e-mail address; Builder Backed identifies homeowners by e-mail"}


def test_removing_a_homeowner_removes_them_at_the_vendor_by_email(connection, tree, bb_sandbox):
    run_drain(connection.pk)
    homes.remove_homeowner(tree["link"])
    run = run_drain(connection.pk)
    assert run.status == "succeeded", run.errors
    assert bb_sandbox.received("DELETE")[-1]["path"] == "/api/v2/homes/HOME_12345/users/jane@example.com"
    assert bb_sandbox.app.store.get("homes", "HOME_12345")["homeowners"] == []
    assert not ExternalRef.objects.filter(stream="homeowners").exists()


def test_a_homeowner_link_too_long_to_keep_is_refused_before_it_is_added(org, connection, tree, bb_sandbox):
    run_drain(connection.pk)
    long_email = "a" * 60 + "@" + "b" * 40 + ".example.com"
    person = homes.create_person(org, first_name="Lee", last_name="Long", email=long_email)
    homes.set_homeowner(tree["home"], person, "other")
    run = run_drain(connection.pk)
    assert "exceed 100 characters" in run.errors[0]["reason"]
    assert len(bb_sandbox.app.store.get("homes", "HOME_12345")["homeowners"]) == 1
