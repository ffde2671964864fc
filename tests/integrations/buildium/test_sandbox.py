"""The Buildium sandbox behaves as the document says: validation bodies, 404s, filters, uploads expiring, seeding."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest

from integrations.base import Rejected
from integrations.buildium import validation
from integrations.buildium.sandbox import BuildiumSandbox

ADDRESS = {"AddressLine1": "1 A St", "City": "Erie", "State": "PA", "PostalCode": "16501", "Country": "UnitedStates"}
BAD_BODIES = [
    (
        "/v1/rentals",
        {"Name": "x" * 128, "Address": ADDRESS, "OperatingBankAccountId": 1, "RentalSubType": "Castle"},
        validation.property_problems,
    ),
    (
        "/v1/rentals",
        {
            "Name": "A",
            "Address": {**ADDRESS, "State": "Nowhere"},
            "OperatingBankAccountId": 1,
            "RentalSubType": "MultiFamily",
            "YearBuilt": 999,
        },
        validation.property_problems,
    ),
    (
        "/v1/rentals/units",
        {"PropertyId": 1, "UnitNumber": "", "Address": {}},
        lambda b: validation.unit_problems(b, post=True),
    ),
    (
        "/v1/leases",
        {"LeaseType": "Fixed", "UnitId": 1, "LeaseFromDate": "2026-02-01", "SendWelcomeEmail": False},
        lambda b: validation.lease_problems(b, post=True),
    ),
    (
        "/v1/leases",
        {
            "LeaseType": "AtWill",
            "UnitId": 1,
            "LeaseFromDate": "2026-02-01",
            "LeaseToDate": "2026-01-01",
            "SendWelcomeEmail": "no",
            "Rent": {"Cycle": "Monthly", "Charges": [{"Amount": 5}]},
        },
        lambda b: validation.lease_problems(b, post=True),
    ),
]


@pytest.mark.parametrize(("path", "body", "rules"), BAD_BODIES)
def test_a_refused_write_gets_the_status_and_errors_the_local_validation_predicts(buildium, path, body, rules):
    buildium.app.seed(3)
    with pytest.raises(Rejected) as remote:
        buildium.client().request("POST", path, json=body)
    with pytest.raises(Rejected) as local:
        validation.raise_if(rules(body))
    assert (remote.value.status, remote.value.message, remote.value.field_errors) == (
        local.value.status,
        local.value.message,
        local.value.field_errors,
    )


def test_a_unit_number_is_unique_within_its_property(buildium):
    buildium.app.seed(3)
    taken = buildium.client().get_unit(1)["UnitNumber"]
    with pytest.raises(Rejected, match="unique within the rental property") as caught:
        buildium.client().create_unit({"PropertyId": 1, "UnitNumber": taken, "Address": ADDRESS})
    assert caught.value.status == 422


def test_a_body_that_is_not_json_is_415_or_400(buildium):
    client = buildium.client()
    response = client.http.post(
        "v1/rentals",
        content=b"Name=x",
        headers={**client.auth_headers(), "Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 415 and response.json()["ErrorCode"] == "UnsupportedMediaType"


def test_list_filters_narrow_the_results_and_the_total(buildium):
    buildium.app.seed(60)
    client = buildium.client()
    single = client.list_page("/v1/rentals", {"subtypes": ["SingleFamily"]})
    assert single.total == len(single.records) > 0
    assert {r["RentalSubType"] for r in single.records} == {"SingleFamily"}
    units = client.list_page("/v1/rentals/units", {"propertyids": [1, 2]}).records
    assert {u["PropertyId"] for u in units} == {1, 2}
    past = client.list_page("/v1/leases", {"leasestatuses": ["Past"]}).records
    assert past and {x["LeaseStatus"] for x in past} == {"Past"}
    lease_files = client.list_page("/v1/files", {"entitytype": "Lease"}).records
    assert lease_files and {f["FileEntity"]["EntityType"] for f in lease_files} == {"Lease"}


def test_a_query_string_over_4096_characters_is_a_500_as_at_buildium(buildium):
    client = buildium.client()
    response = client.http.get(
        "v1/rentals", params={"propertyids": list(range(1000, 2000))}, headers=client.auth_headers()
    )
    assert response.status_code == 500


def test_an_upload_ticket_expires_after_five_minutes(buildium, vendor_clock):
    buildium.app.seed(3)
    ticket = (
        buildium.client()
        .request(
            "POST",
            "/v1/files/uploads",
            json={"EntityType": "Rental", "EntityId": 1, "FileName": "a.txt", "Title": "A", "CategoryId": 1},
        )
        .json()
    )
    vendor_clock[0] += dt.timedelta(minutes=6)
    late = httpx.put(
        ticket["UploadUrl"], content=b"x", headers={"Content-Type": "application/octet-stream", **ticket["Headers"]}
    )
    assert late.status_code == 403 and b"expired" in late.content


def test_seeding_is_deterministic_and_a_second_seed_adds_after_the_first():
    clock = lambda: dt.datetime(2026, 6, 1, tzinfo=dt.UTC)  # noqa: E731
    one, two = BuildiumSandbox(rate_limit=False, clock=clock), BuildiumSandbox(rate_limit=False, clock=clock)
    one.seed(50)
    two.seed(50)
    assert one.store.all("units") == two.store.all("units")
    assert one.store.all("leases") == two.store.all("leases")
    two.seed(50)
    assert two.store.count("units") == 100
    ids = {u["Id"] for u in two.store.all("units")}
    assert len(ids) == 100 and all(two.store.get("rentals", u["PropertyId"]) for u in two.store.all("units"))
