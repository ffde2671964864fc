"""The Buildium sandbox answers any spoiled write the way the document says Buildium does: 201, or an
ApiErrorResponse with a 4xx, never a 500 of its own; and a write local validation lets through is taken."""

from __future__ import annotations

import copy

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from integrations.buildium import validation
from tests.integrations.buildium.conftest import CREDENTIALS

ADDRESS = {"AddressLine1": "1 A St", "City": "Erie", "State": "PA", "PostalCode": "16501", "Country": "UnitedStates"}
GOOD = {
    "/v1/rentals": {"Name": "Elm Court", "Address": ADDRESS, "OperatingBankAccountId": 1,
                    "RentalSubType": "MultiFamily"},
    "/v1/rentals/units": {"PropertyId": 1, "UnitNumber": "U", "Address": ADDRESS, "MarketRent": 1000.0,
                          "UnitBedrooms": "TwoBed", "UnitBathrooms": "OneBath", "UnitSize": 700},
    "/v1/leases": {"LeaseType": "Fixed", "UnitId": 1, "LeaseFromDate": "2026-02-01", "LeaseToDate": "2027-01-31",
                   "SendWelcomeEmail": False},
}
RULES = {
    "/v1/rentals": validation.property_problems,
    "/v1/rentals/units": lambda b: validation.unit_problems(b, post=True),
    "/v1/leases": lambda b: validation.lease_problems(b, post=True),
}
MISSING = object()
ODD = st.one_of(
    st.just(MISSING), st.none(), st.just(""), st.booleans(), st.integers(-(2**40), 2**40),
    st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=8), st.lists(st.integers(), max_size=2),
    st.just({}), st.dictionaries(st.sampled_from(list(ADDRESS)), st.one_of(st.none(), st.text(max_size=6))),
    st.sampled_from(["TenBed", "NotSet", "AtWill", "Castle", "2026-13-45", "2026-01-01T00:00:00Z", "x" * 300]),
)
CASES = st.sampled_from(sorted(GOOD)).flatmap(lambda path: st.tuples(
    st.just(path), st.dictionaries(st.sampled_from(sorted({*GOOD[path], "Description", "Tenants", "Rent"})), ODD,
                                   min_size=1, max_size=3)))
HEADERS = {"x-buildium-client-id": CREDENTIALS["client_id"], "x-buildium-client-secret": CREDENTIALS["client_secret"]}


@pytest.fixture
def seeded(buildium):
    buildium.app.seed(2)
    return buildium


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(CASES)
def test_any_spoiled_write_gets_201_or_a_4xx_api_error_response_as_local_validation_predicts(seeded, case):
    path, changes = case
    body = copy.deepcopy(GOOD[path])
    for key, value in changes.items():
        if value is MISSING:
            body.pop(key, None)
        else:
            body[key] = value
    if path == "/v1/rentals/units" and body.get("UnitNumber") == "U":
        body["UnitNumber"] = f"U{len(seeded.app.store.all('units'))}"  # not a number already taken
    answer = httpx.post(f"{seeded.url}{path}", json=body, headers=HEADERS, timeout=10)
    assert answer.status_code in (201, 400, 404, 422), (answer.status_code, answer.text, body)
    if answer.status_code != 201:
        error = answer.json()
        assert set(error) == {"UserMessage", "ErrorCode", "Errors"} and isinstance(error["UserMessage"], str)
        assert all(set(e) == {"Key", "Value"} for e in error["Errors"])
    elif RULES[path](body):
        pytest.fail(f"local validation refuses what the sandbox took: {RULES[path](body)} {body}")
