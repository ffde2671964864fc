"""Rate limits per key: X-RateLimit-* on every response, 429 with Retry-After once the budget is spent."""

from __future__ import annotations

import pytest

from portal.accounts.apikeys import issue_key
from portal.api.throttling import parse_rate
from tests.portal.api.conftest import client_with, error_of

pytestmark = pytest.mark.django_db


def test_every_response_carries_the_rate_limit_headers(api, portfolio, settings):
    settings.API_THROTTLE_RATE = "50/day"  # windows follow the clock: a day-long one is not crossed mid-test
    responses = [
        api.get("/api/v1/homes/"),  # 200
        api.get("/api/v1/homes/999999/"),  # 404
        api.post("/api/v1/homes/", {}, format="json"),  # 400
        client_with(None).get("/api/v1/homes/"),  # 401 (counted against the address)
        api.get("/api/schema/"),
    ]
    for response in responses:
        assert response["X-RateLimit-Limit"] == "50", response.status_code
        assert 0 < int(response["X-RateLimit-Reset"]) <= 86400
    assert [int(r["X-RateLimit-Remaining"]) for r in responses[:3]] == [49, 48, 47]


def test_a_key_over_its_budget_gets_429_with_retry_after_and_others_are_not_affected(api, org, settings):
    settings.API_THROTTLE_RATE = "3/day"
    assert [api.get("/api/v1/people/").status_code for _ in range(3)] == [200, 200, 200]
    refused = api.get("/api/v1/people/")
    assert refused.status_code == 429
    error = error_of(refused)
    assert error["code"] == "throttled"
    assert 1 <= int(refused["Retry-After"]) <= 86400
    assert f"{refused['Retry-After']} seconds" in error["message"]
    assert refused["X-RateLimit-Remaining"] == "0"
    other = client_with(issue_key(org, name="Other app"))
    assert other.get("/api/v1/people/").status_code == 200


def test_the_rate_setting_is_read_as_count_per_unit():
    assert parse_rate("600/minute") == (600, 60)
    assert parse_rate("10/s") == (10, 1)
    with pytest.raises(ValueError, match="like"):
        parse_rate("lots")
