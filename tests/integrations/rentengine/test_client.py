"""The client against the sandbox over real HTTP on 127.0.0.1: auth, paging, upserts, errors, 429s, faults."""

from __future__ import annotations

import time

import pytest

from integrations.base import AuthError, NotFound, RateLimited, Rejected, TransientError
from integrations.rentengine.sandbox import DEMO_ACCOUNT_ID
from tests.integrations.rentengine.test_validation import UNIT


def test_a_wrong_token_is_an_auth_error_that_is_not_refreshed(rentengine):
    with rentengine.client(credentials={"api_token": "nope"}) as client, pytest.raises(AuthError) as denied:
        client.list_units(0)
    assert denied.value.status == 401 and not denied.value.refreshable
    assert "a valid Bearer token is required" in denied.value.message
    assert rentengine.app.stats["GET /units"] == 1  # a 401 is final: no retries


def test_lists_page_with_limit_and_page_number_until_a_short_page(rentengine):
    rentengine.app.seed(25)
    with rentengine.client(config={"page_size": 10}) as client:
        pages = [client.list_units(n) for n in range(4)]
    assert [len(p) for p in pages] == [10, 10, 5, 0]
    ids = [u["id"] for page in pages for u in page]
    assert ids == sorted(ids) and len(set(ids)) == 25


def test_the_page_size_is_clamped_to_rentengines_maximum_of_100(rentengine):
    rentengine.app.seed(120)
    with rentengine.client(config={"page_size": 500}) as client:
        assert client.page_size == 100 and len(client.list_units(0)) == 100
    with rentengine.client(config={"page_size": "x"}) as client:
        assert client.page_size == 100


def test_a_limit_over_100_or_an_unknown_parameter_is_refused_in_ajvs_words(rentengine):
    with rentengine.client() as client:
        with pytest.raises(Rejected, match=r"query.limit: must be <= 100"):
            client.list_page("/units", 0, limit=101)
        with pytest.raises(Rejected, match="must NOT have additional properties"):
            client.list_page("/units", 0, {"account_id": DEMO_ACCOUNT_ID})


def test_numbers_come_back_as_strings_on_read(rentengine):
    with rentengine.client() as client:
        created = client.upsert_unit({**UNIT, "bedrooms": 2, "bathrooms": 1.5, "sqft": 900})
        unit = client.get_unit(str(created["id"]))
    assert (unit["bedrooms"], unit["bathrooms"], unit["sqft"], unit["target_rental_rate"]) == (
        "2", "1.5", "900", "1450.00")
    assert unit["address"]["formatted_address"] == "12 Elm St, Dayton, OH 45402"


def test_a_post_without_id_creates_and_with_id_updates(rentengine):
    with rentengine.client() as client:
        created = client.upsert_unit(UNIT)
        client.upsert_unit({"id": created["id"], "target_rental_rate": 1500})
        assert client.get_unit(str(created["id"]))["target_rental_rate"] == "1500.00"
        assert len(rentengine.records("units")) == 1
        with pytest.raises(NotFound):
            client.upsert_unit({"id": 999, "bedrooms": 1})


def test_a_multifamily_post_answers_a_list_and_the_client_takes_the_record(rentengine):
    body = {"community_name": "Tower", "building_count": 1, "unit_count": 10, "structure_type": "Mid Rise",
            "year_built": 2001, "photos": [], "text_address": "1 Main St, Dayton, OH 45402",
            "account_id": DEMO_ACCOUNT_ID}
    with rentengine.client() as client:
        record = client.upsert_property(body)
        assert client.get_property(record["id"])["community_name"] == "Tower"
        assert client.get_property("no-such-id") is None


def test_a_refused_write_carries_rentengines_reasons_per_field(rentengine):
    with rentengine.client() as client, pytest.raises(Rejected) as refused:
        client.upsert_unit({**UNIT, "account_id": "someone-else", "address": {"zip_code": "1"}})
    assert refused.value.status == 400 and refused.value.vendor_code == "required"
    assert refused.value.field_errors["account_id"] == "must be an account this API key has access to"
    assert "address.street_name: must have required property 'street_name'" in refused.value.message


def test_a_429_waits_the_retry_after_and_then_succeeds(rentengine):
    waits = []
    rentengine.control("POST", "faults", json={"burst_429": 2, "retry_after": 3})
    with rentengine.client(sleep=waits.append) as client:
        assert client.list_units(0) == []
    assert waits == [3.0, 3.0] and rentengine.app.stats["429_sent"] == 2


def test_the_sandbox_enforces_its_rate_window_with_retry_after_and_the_limit_header(rentengine):
    import httpx

    rentengine.control("POST", "rate", json={"requests": 2, "per_seconds": 0.4})
    headers = {"Authorization": "Bearer sandbox-rentengine-token"}
    answers = [httpx.get(f"{rentengine.url}/units", headers=headers) for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 429]
    assert float(answers[2].headers["Retry-After"]) > 0 and answers[2].headers["X-Ratelimit-Limit"] == "2"
    assert answers[2].json() == {"error": "Too many requests"}
    time.sleep(0.45)
    with rentengine.client(sleep=time.sleep) as client:  # real waits: the window reopens
        for _ in range(5):
            client.list_units(0)


def test_a_long_retry_after_goes_back_to_the_task_instead_of_sleeping(rentengine):
    rentengine.control("POST", "faults", json={"burst_429": 1, "retry_after": 120})
    with rentengine.client() as client, pytest.raises(RateLimited) as later:
        client.list_units(0)
    assert later.value.retry_after == 120


def test_reads_retry_5xx_and_truncated_bodies(rentengine):
    rentengine.app.seed(3)
    rentengine.control("POST", "faults", json={"script": [
        {"status": 503, "count": 1, "method": "GET", "path": "/units"},
        {"kind": "malformed", "count": 1, "method": "GET", "path": "/units"}]})
    with rentengine.client() as client:
        assert len(client.list_units(0)) == 3
    assert rentengine.app.stats["GET /units"] == 3


def test_a_create_that_failed_after_saving_is_not_sent_twice(rentengine):
    rentengine.control("POST", "faults", json={"script": [
        {"status": 500, "count": 1, "method": "POST", "path": "/units", "after": True}]})
    with rentengine.client() as client, pytest.raises(TransientError):
        client.upsert_unit(UNIT)
    assert len(rentengine.records("units")) == 1  # saved once; the engine's find() picks it up
    assert rentengine.app.stats["POST /units"] == 1


def test_an_update_is_safe_to_repeat_after_a_5xx(rentengine):
    with rentengine.client() as client:
        unit_id = client.upsert_unit(UNIT)["id"]
        rentengine.control("POST", "faults", json={"script": [
            {"status": 502, "count": 1, "method": "POST", "path": "/units"}]})
        client.upsert_unit({"id": unit_id, "bedrooms": 3})
    assert rentengine.records("units")[0]["bedrooms"] == 3
