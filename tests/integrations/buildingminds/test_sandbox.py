"""The BuildingMinds sandbox behaves like the vendor as documented: batches move through their statuses on a
clock, unknown references wait, validation answers 400 in the vendor's words, tokens expire."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from integrations.buildingminds.client import BuildingMindsClient
from integrations.buildingminds.sandbox import BuildingMindsSandbox
from integrations.sandbox.server import serve
from tests.integrations.buildingminds.conftest import CONTROL, CREDENTIALS

ADDRESS = {"addressId": "a-1", "city": "Berlin", "country": "DE"}
SITE = {"siteId": "s-1", "name": "Campus", "addressIds": ["a-1"], "type": "Office",
        "validFrom": "2024-01-01T00:00:00Z"}


class Clock:
    def __init__(self) -> None:
        self.now = dt.datetime(2026, 5, 1, 12, 0, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.now

    def tick(self, seconds: float) -> None:
        self.now += dt.timedelta(seconds=seconds)


START = dt.datetime(2026, 5, 1, 12, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[BuildingMindsSandbox, str, Clock]]:
    """One server per module (stopping one takes half a second); each test resets it and its clock."""
    clock = Clock()
    app = BuildingMindsSandbox(rate_limit=False, stage_seconds=10, clock=clock)
    server = serve({"/bm": app})
    yield app, server.url_for("/bm"), clock
    server.stop()


@pytest.fixture
def sandbox(served) -> tuple[BuildingMindsSandbox, str]:
    app, url, clock = served
    CONTROL.post(f"{url}/__sandbox__/reset")
    clock.now = START
    return app, url


@pytest.fixture
def clock(served, sandbox) -> Clock:
    return served[2]


@pytest.fixture
def client(sandbox) -> Iterator[BuildingMindsClient]:
    from integrations.buildingminds.sandbox import TOKEN_PATH

    with BuildingMindsClient(sandbox[1], CREDENTIALS, {"token_url": TOKEN_PATH}) as made:
        made.forget_token()
        yield made


def status(client: BuildingMindsClient, batch_id: str) -> str:
    return client.batch_messages(batch_id)[0]["status"]


def test_an_address_moves_new_in_progress_geocoded_completed_one_stage_at_a_time(client, clock, sandbox):
    batch_id = client.push("address", ADDRESS)
    seen = []
    for _ in range(4):
        seen.append(status(client, batch_id))
        clock.tick(10)
    assert seen == ["New", "InProgress", "GeoCodingSuccessful", "Completed"]
    assert sandbox[0].store.get("addresses", "a-1")["city"] == "Berlin"


def test_a_site_waits_for_its_address_and_its_clock_starts_when_the_address_is_done(client, clock):
    site = client.push("site", SITE)
    clock.tick(100)
    message = client.batch_messages(site)[0]
    assert (message["status"], message["missingDependencies"]) == ("New", True)
    address = client.push("address", ADDRESS)
    clock.tick(30)  # the address completes now; the site starts from here
    assert (status(client, address), status(client, site)) == ("Completed", "New")
    clock.tick(10)
    assert status(client, site) == "InProgress"
    clock.tick(10)
    assert status(client, site) == "Completed"


def test_a_forced_outcome_and_a_business_rule_fail_the_message_with_a_reason(client, clock, sandbox):
    CONTROL.post(f"{sandbox[1]}/__sandbox__/outcomes", json={"a-1": "TransformationFailed"})
    address = client.push("address", ADDRESS)
    site = client.push("site", {**SITE, "siteId": "s-2", "addressIds": ["a-9"]})
    client.push("address", {**ADDRESS, "addressId": "a-9"})
    late = client.push("site", {**SITE, "siteId": "s-3", "addressIds": ["a-9"], "validUntil": "2020-01-01T00:00:00Z"})
    clock.tick(60)
    assert status(client, address) == "TransformationFailed"
    assert status(client, site) == "Completed"
    failed = client.batch_messages(late)[0]
    assert (failed["status"], failed["errorMessage"]) == ("FailedValidation", "validUntil lies before validFrom")
    assert client.batch(late)["status"] == "CompletedWithErrors"


def test_messages_filter_by_status_and_missing_dependencies(client, sandbox):
    batch_id = client.push("site", SITE)
    url = f"{sandbox[1]}/batch/messages"
    assert client.get_json(url, params={"id": batch_id, "missingDependencies": "true"})["totalCount"] == 1
    assert client.get_json(url, params={"id": batch_id, "status": "Completed"})["totalCount"] == 0


def test_an_array_is_refused_whole_when_one_record_breaks_a_rule(client, sandbox):
    response = client.http.post("address", json=[ADDRESS, {**ADDRESS, "addressId": "a-2", "country": "Germany"}],
                                headers=client.auth_headers())
    assert response.status_code == 400
    assert response.json() == {"code": 400, "message": "[1] Validation failed for address: 'country' must be an "
                                                       "ISO 3166-1 alpha-2 code, not 'Germany'"}
    assert sandbox[0].store.count("messages") == 0


def test_a_deleted_site_event_removes_the_site(client, clock, sandbox):
    client.push("address", ADDRESS)
    client.push("site", SITE)
    clock.tick(60)
    client.push("site", {**SITE, "eventType": "SiteDeleted"})
    clock.tick(60)
    client.batches()
    assert sandbox[0].store.get("sites", "s-1") is None


def test_requests_without_a_valid_token_are_401_in_the_documented_shape(sandbox):
    response = CONTROL.get(f"{sandbox[1]}/batch", headers={"Authorization": "Bearer nope"})
    assert (response.status_code, response.json()) == (401, {"code": 401, "message": "Access denied due to "
                                                                                     "missing or invalid credentials."})


def test_batches_are_listed_by_day_and_a_malformed_day_is_refused(client, clock):
    client.push("address", ADDRESS)
    assert client.batches(created_at=clock.now.date())["totalCount"] == 1
    assert client.batches(created_at=clock.now.date() + dt.timedelta(days=1))["totalCount"] == 0
    response = client.http.get("batch", params={"limit": 0}, headers=client.auth_headers())
    assert (response.status_code, response.json()) == (400, {"error": "Request validation failed"})


def test_seeded_records_are_complete_and_can_be_referred_to(client, clock, sandbox):
    sandbox[0].seed(12)
    assert sandbox[0].store.collections() == {"addresses": 12, "sites": 2, "buildings": 12}
    batch_id = client.push("building", {"buildingId": "b-new", "addressIds": ["seed-addr-0"],
                                        "siteIds": ["seed-site-1"]})
    clock.tick(20)
    assert status(client, batch_id) == "Completed"
