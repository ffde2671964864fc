"""The sandbox behaves like BrikSync as documented (and as the README reads its gaps), over HTTP."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest

from integrations.base import AuthError, Rejected, TransientError
from integrations.briksync.sandbox import BrikSyncSandbox

PROPERTY = {"name": "Birch House", "address_line1": "1 Birch Rd", "city": "Austin", "state": "TX",
            "postal_code": "78701", "total_units": 2}


def test_seeding_is_deterministic():
    now = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)
    first, second = (BrikSyncSandbox(random_seed=7, clock=lambda: now) for _ in range(2))
    first.seed(20)
    second.seed(20)
    assert first.store.all("leases") == second.store.all("leases")
    first.seed(20)  # a second seed adds, it does not overwrite
    assert first.store.count("units") == 40


def test_a_new_lease_is_a_draft_and_its_status_moves_only_through_the_status_endpoint(briksync):
    briksync.app.seed(10)
    unit, tenant = briksync.records("units")[0], briksync.records("tenants")[0]
    with briksync.client() as client:
        lease = client.create("leases", {"tenant_id": tenant["id"], "property_id": unit["property_id"],
                                         "unit_id": unit["id"], "start_date": "2026-01-01",
                                         "end_date": "2026-12-31", "monthly_rent": 900, "rent_due_day": 3,
                                         "security_deposit": 0, "status": "active"})
        assert lease["status"] == "draft"
        with pytest.raises(Rejected, match=r"Use PATCH /leases/\{id\}/status"):
            client.update("leases", lease["id"], {"status": "active"})


def test_unit_numbers_are_unique_within_a_property(briksync):
    briksync.app.seed(10)
    unit = briksync.records("units")[0]
    with briksync.client() as client, pytest.raises(Rejected, match="unit_number already exists in this property"):
        client.create("units", {"property_id": unit["property_id"], "unit_number": unit["unit_number"].upper()})


def test_a_unit_of_a_property_that_does_not_exist_is_not_found(briksync):
    with briksync.client() as client, pytest.raises(Exception, match=r"\(NOT_FOUND\): Property not found\."):
        client.create("units", {"property_id": "nope", "unit_number": "1"})


def test_a_plan_limit_refuses_the_next_property_with_where_to_upgrade(briksync):
    briksync.control("POST", "plan", json={"limits": {"properties": 1}})
    with briksync.client() as client:
        client.create("properties", PROPERTY)
        with pytest.raises(Rejected, match=r"PLAN_LIMIT_EXCEEDED.*upgrade at https://briksync.com/settings/billing"):
            client.create("properties", {**PROPERTY, "name": "Second"})


def test_a_billing_outage_is_retried_then_reported(briksync):
    briksync.control("POST", "plan", json={"billing_unavailable": True})
    with briksync.client() as client, pytest.raises(TransientError, match="PLAN_CONTEXT_UNAVAILABLE"):
        client.list_page("units")
    assert briksync.app.stats["GET /units"] == 5  # the client's attempts


def test_signed_links_expire_five_minutes_after_they_are_made(briksync, vendor_clock):
    briksync.app.seed(10)
    doc = briksync.records("documents")[0]
    with briksync.client() as client:
        link = client.download_link(doc["id"])
    assert httpx.get(link["url"]).status_code == 200
    vendor_clock[0] += dt.timedelta(minutes=5, seconds=1)
    expired = httpx.get(link["url"])
    assert (expired.status_code, expired.json()["message"]) == (400, "Signed URL expired")


def test_archived_properties_are_listed_only_when_asked_for(briksync):
    briksync.app.seed(10)
    prop = briksync.records("properties")[0]
    with briksync.client() as client:
        client.archive_property(prop["id"], True)
        assert prop["id"] not in {p["id"] for p in client.list_page("properties").items}
        archived = client.list_page("properties", params={"availability": "archived"}).items
        assert [p["archived"] for p in archived if p["id"] == prop["id"]] == [True]
        client.archive_property(prop["id"], False)
        assert client.get("properties", prop["id"])["archived"] is False


def test_patch_keeps_what_it_does_not_name_and_put_replaces_it(briksync):
    with briksync.client() as client:
        made = client.create("properties", {**PROPERTY, "description": "Near the park"})
        assert client.update("properties", made["id"], {"name": "Birch Hall"})["description"] == "Near the park"
    with briksync.client(config={"update_method": "PUT"}) as client:
        replaced = client.update("properties", made["id"], {"name": "Birch Court"})
        assert "description" not in replaced and replaced["created_at"] == made["created_at"]


def test_permanent_deletes_are_left_to_brik_syncs_web_app(briksync):
    briksync.app.seed(10)
    prop = briksync.records("properties")[0]
    answer = httpx.delete(f"{briksync.url}/properties/{prop['id']}",
                          headers={"Authorization": "Bearer bsk_live_lintel_sandbox_demo"})
    assert answer.status_code == 403 and answer.json()["code"] == "FORBIDDEN"


def test_an_unknown_key_and_the_kits_own_faults_answer_in_brik_syncs_envelope(briksync):
    assert httpx.get(f"{briksync.url}/units").json() == {"data": None, "error": "Unauthorized",
                                                         "code": "UNAUTHORIZED"}
    briksync.control("POST", "faults", json={"script": [{"status": 502, "count": 1}]})
    with briksync.client(credentials={"api_key": "x"}) as client, pytest.raises(AuthError):
        client.list_page("units")  # the 502 is retried, then the key is refused
