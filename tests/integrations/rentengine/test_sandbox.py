"""The RentEngine sandbox behaves like RentEngine: webhooks on every change (API, or an edit in its UI) carrying the
API key, table rows in the payload, deterministic seeds, ordered change times, soft-deleted properties."""

from __future__ import annotations

import json

import pytest
from werkzeug.routing import Rule

from integrations.rentengine.sandbox import DEMO_WEBHOOK_KEY, RentEngineSandbox
from integrations.sandbox.app import SandboxApp
from tests.integrations.rentengine.test_validation import UNIT


class Receiver(SandboxApp):
    """Where the sandbox's webhooks land in these tests: it keeps each delivery's headers and body."""

    def __init__(self) -> None:
        super().__init__(rate_limit=False)
        self.received: list[tuple[dict[str, str], dict]] = []

    def routes(self):
        return [Rule("/hook", endpoint="hook", methods=["POST"])]

    def on_hook(self, request):
        self.received.append((dict(request.headers), json.loads(request.get_data())))
        return self.json({"ok": True}, 202)


@pytest.fixture
def hooked(rentengine, serve_sandbox):
    receiver = Receiver()
    server = serve_sandbox({"/receiver": receiver})
    rentengine.control("POST", "webhooks", json={"url": server.url_for("/receiver") + "/hook"})
    return rentengine, receiver


def delivered(vendor, receiver) -> list[tuple[dict[str, str], dict]]:
    assert vendor.app.webhooks.wait_idle(10)
    return receiver.received


def test_every_change_sends_insert_update_delete_with_the_api_key(hooked):
    vendor, receiver = hooked
    with vendor.client() as client:
        unit = client.upsert_unit(UNIT)
        client.upsert_unit({"id": unit["id"], "bedrooms": 3})
    vendor.control("DELETE", f"records/units/{unit['id']}")
    got = delivered(vendor, receiver)
    assert [(body["type"], body["table"]) for _, body in got] == [("INSERT", "units"), ("UPDATE", "units"),
                                                                   ("DELETE", "units")]
    assert all(headers["X-Api-Key"] == DEMO_WEBHOOK_KEY for headers, _ in got)
    insert, update, delete = (body for _, body in got)
    assert insert["old_record"] is None and update["old_record"]["bedrooms"] is None
    assert update["record"]["bedrooms"] == 3 and isinstance(update["record"]["address"], int)  # the table row
    assert delete["record"] is None and delete["old_record"]["id"] == unit["id"]


def test_edits_in_rentengines_ui_send_webhooks_too(hooked):
    vendor, receiver = hooked
    prop = vendor.control("POST", "ui/multifamily_properties", json={"community_name": "Made in the UI",
                                                                       "text_address": "1 A St, Boise, ID 83702"})
    assert prop.status_code == 201
    vendor.control("POST", f"records/multifamily_properties/{prop.json()['id']}", json={"community_name": "Renamed"})
    unit = vendor.control("POST", "ui/units", json={"address": UNIT["address"], "target_rental_rate": 900}).json()
    vendor.control("POST", f"records/units/{unit['id']}", json={"address": {"unit": "7"}})
    got = [body for _, body in delivered(vendor, receiver)]
    assert [b["type"] for b in got] == ["INSERT", "UPDATE", "INSERT", "UPDATE"]
    assert (got[1]["record"]["community_name"], got[1]["old_record"]["community_name"]) == ("Renamed", "Made in the UI")
    stored = vendor.app.store.get("units", unit["id"])["address"]
    assert stored["unit"] == "7" and stored["street_name"] == "Elm St"  # an address edit merges, as a form would


def test_the_header_carrying_the_key_can_be_renamed(hooked):
    vendor, receiver = hooked
    vendor.control("POST", "webhook-header", json={"name": "X-Webhook-Secret"})
    vendor.control("POST", "ui/units", json={"address": UNIT["address"]})
    [(headers, _)] = delivered(vendor, receiver)
    assert headers["X-Webhook-Secret"] == DEMO_WEBHOOK_KEY and "X-Api-Key" not in headers


def test_changes_get_later_times_even_on_a_frozen_clock(frozen):
    vendor, _clock = frozen
    with vendor.client() as client:
        unit = client.upsert_unit(UNIT)
        second = client.upsert_unit({"id": unit["id"], "bedrooms": 1})
        third = client.upsert_unit({"id": unit["id"], "bedrooms": 2})
    assert unit["updated_at"] < second["updated_at"] < third["updated_at"]


def test_a_seed_is_the_same_every_time():
    first, second = RentEngineSandbox(seed=25), RentEngineSandbox(seed=25)
    assert [u["address"] for u in first.store.all("units")] == [u["address"] for u in second.store.all("units")]
    assert [p["id"] for p in first.store.all("multifamily_properties")] == [
        p["id"] for p in second.store.all("multifamily_properties")]
    assert first.store.count("units") == 25 and first.store.count("multifamily_properties") == 3


def test_a_soft_deleted_property_is_hidden_from_lists_of_live_ones(rentengine):
    rentengine.app.seed(10)
    prop = rentengine.records("multifamily_properties")[0]
    rentengine.control("POST", f"records/multifamily_properties/{prop['id']}", json={"deleted": True})
    with rentengine.client() as client:
        assert client.list_properties(0) == []
        assert client.get_property(prop["id"]) is None
