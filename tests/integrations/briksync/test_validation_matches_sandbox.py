"""The plug-in's local checks refuse exactly what the sandbox refuses, with the same words: the same bodies go to
both (validation.py and sandbox_rules.py are written apart on purpose)."""

from __future__ import annotations

import itertools

import pytest

from integrations.base import Rejected
from integrations.briksync import validation
from integrations.briksync.types import LEASE_STATUSES

PROPERTY = {"name": "Birch House", "address_line1": "1 Birch Rd", "city": "Austin", "state": "TX",
            "postal_code": "78701", "country": "US", "property_type": "residential", "total_units": 4}
UNIT = {"unit_number": "1A", "bedrooms": 2, "bathrooms": 1.5, "size_sq_ft": 700, "base_rent": 1200, "floor": 3}
TENANT = {"first_name": "Ann", "last_name": "Lee", "email": "ann@example.com", "phone": None}
LEASE = {"start_date": "2026-01-01", "end_date": "2026-12-31", "monthly_rent": 1200, "rent_due_day": 1,
         "security_deposit": 0}
CASES = {
    "properties": [{}, {"name": ""}, {"name": "N" * 201}, {"total_units": 0}, {"total_units": 10_001},
                   {"total_units": 2.5}, {"property_type": "land"}, {"description": "d" * 2001}],
    "units": [{}, {"unit_number": ""}, {"unit_number": "U" * 21}, {"bedrooms": -1}, {"bedrooms": 1.5},
              {"base_rent": -0.01}, {"status": "demolished"}, {"floor": 201}, {"floor": -11}, {"size_sq_ft": "big"}],
    "tenants": [{}, {"first_name": ""}, {"last_name": None}, {"email": "not-an-address"}, {"first_name": "F" * 101}],
    "leases": [{}, {"end_date": "2025-12-31"}, {"monthly_rent": 0}, {"rent_due_day": 29}, {"rent_due_day": 0},
               {"security_deposit": None}, {"end_date": None}, {"start_date": "01/02/2026"},
               {"start_date": "2026-02-30"}, {"security_deposit": -1}],
}
LOCAL = {"properties": validation.property_problems, "units": validation.unit_problems,
         "tenants": validation.tenant_problems, "leases": validation.lease_problems}


@pytest.fixture
def parents(briksync):
    with briksync.client() as client:
        prop = client.create("properties", PROPERTY)
        unit = client.create("units", {**UNIT, "property_id": prop["id"], "unit_number": "PARENT"})
        tenant = client.create("tenants", TENANT)
    return {"property_id": prop["id"], "unit_id": unit["id"], "tenant_id": tenant["id"]}


def body_for(resource: str, change: dict, parents: dict) -> dict:
    base = {"properties": PROPERTY, "units": {**UNIT, "property_id": parents["property_id"]}, "tenants": TENANT,
            "leases": {**LEASE, **parents}}[resource]
    return {**base, **change}  # a null is a value left out, for both


def answers(briksync, resource: str, body: dict) -> tuple[str | None, str | None]:
    try:
        validation.raise_if(LOCAL[resource](body))
        local = None
    except Rejected as exc:
        local = exc.message
    with briksync.client() as client:
        try:
            client.create(resource, body)
            vendor = None
        except Rejected as exc:
            vendor = exc.message
    return local, vendor


@pytest.mark.parametrize(("resource", "index"), [(r, i) for r, cases in CASES.items() for i in range(len(cases))])
def test_local_checks_and_the_sandbox_agree(briksync, parents, resource, index):
    change = CASES[resource][index]
    local, vendor = answers(briksync, resource, body_for(resource, change, parents))
    assert local == vendor
    assert (local is None) == (change == {})


def test_every_lease_status_change_is_judged_the_same_way(briksync, parents):
    with briksync.client() as client:
        lease = client.create("leases", {**LEASE, **parents})
        for current, target in itertools.product(LEASE_STATUSES, [*LEASE_STATUSES, "archived"]):
            briksync.app.store.update("leases", lease["id"], {"status": current})
            problem = validation.transition_problem(current, target) if target in LEASE_STATUSES else None
            try:
                client.set_lease_status(lease["id"], target)
                vendor = None
            except Rejected as exc:
                vendor = exc.message
            if target not in LEASE_STATUSES:
                assert "status must be one of" in vendor
                continue
            local = None
            if problem:
                try:
                    validation.raise_if([("status", problem)])
                except Rejected as exc:
                    local = exc.message
            assert local == vendor, (current, target)
