"""The BuildingMinds client against its sandbox over real HTTP: tokens, batch ids, batch status, errors, 429s."""

from __future__ import annotations

import pytest

from integrations.base import AuthError, NotFound, RateLimited, Rejected
from integrations.buildingminds.client import batch_id_of
from tests.integrations.buildingminds.conftest import CREDENTIALS, wait_for

ADDRESS = {"addressId": "a-1", "city": "Berlin", "country": "DE", "street": "Seestraße 1"}
SITE = {"siteId": "s-1", "name": "Campus", "addressIds": ["a-1"], "type": "Residential",
        "validFrom": "2024-01-01T00:00:00Z", "eventType": "SiteAdded"}
BUILDING = {"buildingId": "b-1", "addressIds": ["a-1"], "siteIds": ["s-1"], "eventType": "BuildingAdded"}


def statuses(client, batch_id):
    return [m["status"] for m in client.batch_messages(batch_id)]


def test_a_token_is_fetched_with_the_scope_uri_and_reused_until_it_expires(bm_client, bm_sandbox):
    bm_client.push("address", ADDRESS)
    bm_client.push("address", {**ADDRESS, "addressId": "a-2"})
    assert bm_client.tokens_fetched == 1
    assert bm_sandbox.stats()["tokens_issued"] == 1


def test_an_expired_token_is_replaced_once_on_a_401_there_being_no_refresh_token(bm_client, bm_sandbox):
    bm_client.push("address", ADDRESS)
    bm_sandbox.control("POST", "tokens/expire")
    assert bm_client.push("address", {**ADDRESS, "addressId": "a-2"})
    assert bm_client.tokens_fetched == 2


@pytest.mark.parametrize(("credential", "value", "words"), [
    ("client_secret", "wrong", "AADSTS7000215"),
    ("client_id", "someone-else", "AADSTS700016"),
    ("scope_uri", "https://elsewhere.example/api", "AADSTS70011"),
])
def test_credentials_the_token_endpoint_refuses_are_an_auth_error_in_its_words(make_client, credential, value,
                                                                               words):
    client = make_client({**CREDENTIALS, credential: value})
    with pytest.raises(AuthError, match=words):
        client.push("address", ADDRESS)


def test_the_scope_is_the_scope_uri_with_default_added_once(make_client):
    assert make_client().scope() == f"{CREDENTIALS['scope_uri']}/.default"
    assert make_client({**CREDENTIALS, "scope_uri": CREDENTIALS["scope_uri"] + "/.default"}).scope() == \
        f"{CREDENTIALS['scope_uri']}/.default"


def test_every_post_returns_a_batch_id_whose_message_moves_to_completed(bm_client):
    batch_id = bm_client.push("address", ADDRESS)
    assert statuses(bm_client, batch_id) == ["New"]
    assert wait_for(lambda: statuses(bm_client, batch_id) == ["Completed"])
    assert bm_client.batch(batch_id)["status"] == "Completed"


def test_a_record_whose_references_are_unknown_stays_new_until_they_arrive(bm_client):
    building = bm_client.push("building", BUILDING)
    site = bm_client.push("site", SITE)
    waiting = bm_client.batch_messages(building)[0]
    assert (waiting["status"], waiting["missingDependencies"]) == ("New", True)
    bm_client.push("address", ADDRESS)
    assert wait_for(lambda: statuses(bm_client, building) == ["Completed"])
    assert statuses(bm_client, site) == ["Completed"]


def test_a_record_that_cannot_be_geocoded_fails_with_the_reason(bm_client):
    batch_id = bm_client.push("address", {**ADDRESS, "city": "Atlantis"})
    assert wait_for(lambda: statuses(bm_client, batch_id) == ["FailedGeoCoding"])
    assert "could not be geocoded" in bm_client.batch_messages(batch_id)[0]["errorMessage"]


def test_a_body_breaking_a_published_rule_is_a_400_with_the_vendors_message(bm_client, bm_sandbox):
    with pytest.raises(Rejected, match="'country' must be an ISO 3166-1 alpha-2 code, not 'DEU'") as caught:
        bm_client.push("address", {**ADDRESS, "country": "DEU"})
    assert caught.value.status == 400 and caught.value.vendor_code == "400"
    assert bm_sandbox.received("/address")[0]["status"] == 400


def test_a_single_object_body_is_sent_when_the_connection_says_so(make_client, bm_sandbox):
    make_client(config={"body_shape": "object"}).push("address", ADDRESS)
    assert bm_sandbox.received("/address")[0]["body"] == ADDRESS
    make_client().push("address", ADDRESS)
    assert bm_sandbox.received("/address")[1]["body"] == [ADDRESS]


def test_an_unknown_batch_is_not_found_and_a_bad_query_is_refused(bm_client):
    with pytest.raises(NotFound, match="Resource not found"):
        bm_client.batch_messages("no-such-batch")
    with pytest.raises(Rejected, match="Request validation failed"):
        bm_client.get_json("/batch", params={"createdAt": "yesterday"})


def test_a_429_is_waited_out_and_the_post_goes_through_once(bm_client, bm_sandbox, monkeypatch):
    bm_sandbox.control("POST", "faults", {"burst_429": 2, "retry_after": 0.05})
    assert bm_client.push("address", ADDRESS)
    assert bm_sandbox.stats()["429_sent"] == 2
    assert [r["status"] for r in bm_sandbox.received("/address")] == [200]


def test_a_long_retry_after_goes_back_to_the_task(bm_client, bm_sandbox):
    bm_sandbox.control("POST", "faults", {"burst_429": 1, "retry_after": 120})
    with pytest.raises(RateLimited) as caught:
        bm_client.push("address", ADDRESS)
    assert caught.value.retry_after == 120


def test_a_post_answered_500_is_repeated_because_the_record_is_keyed_by_our_id(bm_client, bm_sandbox, monkeypatch):
    monkeypatch.setattr(type(bm_client), "backoff_base", 0.01)
    bm_sandbox.control("POST", "faults", {"script": [{"status": 500, "method": "POST", "path": "/address"}]})
    assert bm_client.push("address", ADDRESS)
    assert bm_sandbox.stats()["POST /address"] == 2


def test_a_truncated_batch_answer_is_read_again(bm_client, bm_sandbox, monkeypatch):
    monkeypatch.setattr(type(bm_client), "backoff_base", 0.01)
    batch_id = bm_client.push("address", ADDRESS)
    bm_sandbox.control("POST", "faults", {"script": [{"kind": "malformed", "method": "GET", "path": "/batch"}]})
    assert statuses(bm_client, batch_id) in (["New"], ["InProgress"], ["GeoCodingSuccessful"], ["Completed"])


@pytest.mark.parametrize(("answer", "expected"), [
    ({"batchId": "b1"}, "b1"), ("b2", "b2"), ({"data": {"batchId": "b3"}}, "b3"), ([{"id": "b4"}], "b4"),
    ({"BatchId": "b5"}, "b5"), ({}, None), (None, None), ("  ", None),
])
def test_the_batch_id_is_read_from_every_answer_shape_seen_in_the_wild(answer, expected):
    assert batch_id_of(answer) == expected
