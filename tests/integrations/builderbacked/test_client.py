"""The Builder Backed client against the sandbox over real HTTP: tokens, errors, 409, hierarchy, 429."""

from __future__ import annotations

import time

import pytest

from integrations.base import AuthError, Conflict, NotFound, Rejected
from tests.integrations.builderbacked.conftest import CREDENTIALS, build_tree


def test_one_token_serves_every_call_until_it_expires(bb_client, bb_sandbox):
    for _ in range(5):
        assert [r["name"] for r in bb_client.regions()][:2] == ["Cincinnati", "Columbus"]
    assert bb_sandbox.stats()["tokens_issued"] == 1
    assert bb_client.tokens_fetched == 1


def test_an_expired_token_is_refreshed_once_and_the_call_goes_through(bb_client, bb_sandbox):
    bb_client.regions()
    bb_sandbox.control("POST", "tokens/expire")
    assert len(bb_client.regions()) == 5
    stats = bb_sandbox.stats()
    assert stats["tokens_issued"] == 2
    assert stats["GET /api/v2/locations/regions"] == 3  # ok, 401, ok with the new token


def test_a_401_that_survives_a_fresh_token_is_final(make_client, bb_sandbox):
    bb_sandbox.app.token_ttl = 0  # every token is born expired
    client = make_client()
    with pytest.raises(AuthError, match="Full authentication is required") as caught:
        client.regions()
    assert caught.value.status == 401
    assert bb_sandbox.stats()["tokens_issued"] == 2  # the first, and exactly one refresh


def test_a_token_without_the_scope_gets_403_and_is_not_refreshed(make_client, bb_sandbox):
    bb_sandbox.control("POST", "clients", {"client_id": "homes-only", "client_secret": "s3", "scopes": ["home.write"]})
    client = make_client({"client_id": "homes-only", "client_secret": "s3"})
    with pytest.raises(AuthError, match=r"location\.write is required") as caught:
        client.regions()
    assert (caught.value.status, caught.value.refreshable) == (403, False)
    assert bb_sandbox.stats()["tokens_issued"] == 1


def test_wrong_client_credentials_are_refused_with_the_token_endpoints_reason(make_client):
    client = make_client({"client_id": CREDENTIALS["client_id"], "client_secret": "wrong"})
    with pytest.raises(AuthError, match="Bad client credentials"):
        client.regions()


def test_client_credentials_can_go_in_the_form_instead_of_basic_auth(make_client):
    assert len(make_client(config={"client_auth": "form"}).regions()) == 5


def test_the_token_url_can_live_elsewhere(serve_sandbox):
    from integrations.builderbacked.client import BuilderBackedClient
    from integrations.builderbacked.sandbox import BuilderBackedSandbox

    app = BuilderBackedSandbox(rate_limit=False)
    server = serve_sandbox({"/api-host": app, "/auth-host": app})
    client = BuilderBackedClient(server.url_for("/api-host"), CREDENTIALS,
                                 {"token_url": server.url_for("/auth-host") + "/oauth/token"})
    client.forget_token()
    client.regions()
    assert app.stats["POST /oauth/token"] == 1
    client.close()


def test_a_duplicate_external_id_is_a_409_and_put_updates_it(bb_client, bb_sandbox):
    division = {"externalId": "DIV_001", "name": "Cincinnati Division", "regionName": "Cincinnati"}
    bb_client.create_location("divisions", division)
    with pytest.raises(Conflict, match="Division with external ID 'DIV_001' already exists") as caught:
        bb_client.create_location("divisions", division)
    assert caught.value.status == 409
    bb_client.update_location("divisions", {**division, "name": "Cincy"})
    assert bb_client.get_location("divisions", "DIV_001")["name"] == "Cincy"
    assert len(bb_client.list_locations("divisions")) == 1


@pytest.mark.parametrize(("call", "message"), [
    (lambda c: c.create_location("divisions", {"externalId": "D", "name": "D", "regionName": "Nowhere"}),
     "Region 'Nowhere' not found"),
    (lambda c: c.create_location("master-communities", {"externalId": "M", "name": "M", "divisionExternalId": "X"}),
     "Division with external ID 'X' not found"),
    (lambda c: c.create_home({"externalId": "H9", "addressLine1": "1 A St", "city": "C", "state": "OH",
                              "postalCode": "45000", "type": "Single Family", "neighborhoodExternalId": "NH_404"}),
     "Neighborhood with external ID 'NH_404' not found"),
])
def test_a_missing_parent_is_a_404_with_the_vendors_message(bb_client, call, message):
    with pytest.raises(NotFound) as caught:
        call(bb_client)
    assert (caught.value.status, caught.value.message) == (404, message)


def test_a_home_under_a_deactivated_division_is_refused_naming_its_neighborhood(bb_client):
    build_tree(bb_client)
    bb_client.set_location_active("divisions", "DIV_001", False)
    home = bb_client.get_home("HOME_12345")
    request = {k: home[k] for k in ("externalId", "addressLine1", "city", "state", "postalCode", "type",
                                    "neighborhoodExternalId")}
    with pytest.raises(NotFound) as caught:
        bb_client.update_home(request)
    assert caught.value.message == "Neighborhood with external ID 'NH_001' not found"
    bb_client.set_location_active("divisions", "DIV_001", True)
    bb_client.update_home(request | {"model": "Preston"})
    assert bb_client.get_home("HOME_12345")["model"] == "Preston"


def test_a_spring_error_body_becomes_a_rejection_with_the_vendors_words(bb_client):
    build_tree(bb_client)
    with pytest.raises(Rejected) as caught:
        bb_client.create_home({"externalId": "H2", "addressLine1": "1 A", "city": "C", "state": "OH",
                               "postalCode": "45000", "type": "single family", "neighborhoodExternalId": "NH_001"})
    assert (caught.value.status, caught.value.message, caught.value.vendor_code) == (
        400, "Invalid value for 'type' field", "Bad Request")


def test_homeowners_are_added_and_removed_by_email_and_removing_twice_is_harmless(bb_client):
    build_tree(bb_client)
    bb_client.add_homeowner("HOME_12345", {"email": "jane+1@example.com", "firstName": "Jane",
                                           "homeownerType": "PRIMARY"})
    bb_client.add_homeowner("HOME_12345", {"email": "jane+1@example.com", "firstName": "Jane",
                                           "homeownerType": "SECONDARY"})
    assert [(o["email"], o["homeownerType"]) for o in bb_client.get_home("HOME_12345")["homeowners"]] == [
        ("jane+1@example.com", "SECONDARY")]
    bb_client.remove_homeowner("HOME_12345", "jane+1@example.com")
    bb_client.remove_homeowner("HOME_12345", "jane+1@example.com")
    assert bb_client.get_home("HOME_12345")["homeowners"] == []


def test_documents_are_url_references_added_updated_and_deleted_by_external_id(bb_client):
    build_tree(bb_client)
    doc = {"externalId": "DOC_001", "category": "Warranty", "name": "HVAC Warranty", "type": "EXTERNAL_URL",
           "url": "https://example.com/hvac.pdf", "shareable": True, "displayStart": "2025-01-01 00:00:00.000"}
    created = bb_client.add_documents({"externalHomeId": "HOME_12345", "documents": [doc]})
    assert created[0]["externalId"] == "DOC_001" and created[0]["id"]
    with pytest.raises(Conflict):
        bb_client.add_documents({"externalHomeId": "HOME_12345", "documents": [doc]})
    bb_client.update_document({**doc, "name": "HVAC Extended Warranty"})
    assert [d["name"] for d in bb_client.home_documents("HOME_12345")] == ["HVAC Extended Warranty"]
    bb_client.delete_document("DOC_001")
    bb_client.delete_document("DOC_001")
    assert bb_client.home_documents("HOME_12345") == []


def test_external_ids_with_slashes_spaces_and_accents_survive_the_path(bb_client):
    build_tree(bb_client)
    odd = "H-é/12 #3?x=1"
    bb_client.create_home({"externalId": odd, "addressLine1": "1 A", "city": "C", "state": "OH",
                           "postalCode": "45000", "type": "Multi Family", "neighborhoodExternalId": "NH_001"})
    assert bb_client.get_home(odd)["externalId"] == odd
    bb_client.add_homeowner(odd, {"email": "o'neil@example.com"})
    bb_client.remove_homeowner(odd, "o'neil@example.com")
    assert bb_client.get_home(odd)["homeowners"] == []


def test_a_429_is_waited_out_for_as_long_as_retry_after_says(make_client, bb_sandbox):
    waits: list[float] = []
    client = make_client(sleep=lambda s: (waits.append(s), time.sleep(s)))
    client.regions()  # the token first, so the burst hits the API call
    bb_sandbox.control("POST", "faults", {"burst_429": 1, "retry_after": 1})
    assert len(client.regions()) == 5
    assert waits == [1.0]  # the wait asked of the sleeper is what Retry-After said
    assert bb_sandbox.stats()["429_sent"] == 1


def test_the_sandboxs_own_rate_limit_answers_429_in_springs_shape_and_the_client_waits_it_out(make_client, bb_sandbox):
    import httpx

    client = make_client()
    client.regions()
    bb_sandbox.control("POST", "rate", {"requests": 3, "per_seconds": 1})
    for _ in range(8):
        assert len(client.regions()) == 5
    assert bb_sandbox.stats()["429_sent"] >= 1
    for _ in range(4):
        raw = httpx.get(f"{bb_sandbox.url}/api/v2/locations/regions")
    assert raw.status_code == 429 and float(raw.headers["Retry-After"]) > 0
    assert {k: raw.json()[k] for k in ("status", "error", "path")} == {
        "status": 429, "error": "Too Many Requests", "path": "/api/v2/locations/regions"}


@pytest.mark.parametrize("kind", ["malformed", "drop"])
def test_a_truncated_or_dropped_answer_to_a_read_is_retried(make_client, bb_sandbox, kind):
    waits: list[float] = []
    client = make_client(sleep=waits.append)
    client.regions()
    bb_sandbox.control("POST", "faults", {"script": [{"kind": kind, "method": "GET", "path": "/api/v2/locations"}]})
    assert len(client.regions()) == 5
    assert len(waits) == 1


def test_the_token_asks_for_the_four_scopes_and_is_renewed_before_it_expires_without_a_401(bb_client, bb_sandbox):
    from integrations import http

    bb_client.regions()
    [(token, (_, granted))] = bb_sandbox.app.tokens.items()
    assert sorted(granted) == ["document.write", "home.write", "location.write", "user.write"]
    key = bb_client._token_key()
    with http._TOKENS_LOCK:  # the cached token now has less left than the client's safety margin
        http._TOKENS[key] = (token, time.time() + bb_client.token_margin / 2)
    bb_client.regions()
    stats = bb_sandbox.stats()
    assert (stats["tokens_issued"], stats["GET /api/v2/locations/regions"]) == (2, 2)  # renewed first: no 401
