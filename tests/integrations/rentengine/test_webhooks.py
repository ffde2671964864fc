"""RentEngine webhooks: the API key in its (configurable) header, events from fixtures, and deliveries through the
portal's endpoint: stored once, applied once, in any order, a DELETE marking the record missing for good."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from integrations.base import WebhookRejected
from integrations.models import ExternalRef, WebhookDelivery
from integrations.pull import run_pull
from integrations.rentengine import webhooks
from integrations.rentengine.plugin import RentEnginePlugin
from integrations.rentengine.sandbox import DEMO_WEBHOOK_KEY
from integrations.webhooks import process
from portal.homes.models import Home
from portal.locations.models import Location
from tests.integrations.rentengine.fixtures import cases, load


def url(connection) -> str:
    return f"/integrations/webhooks/rentengine/{connection.pk}/"


def deliver(client, connection, payload, key=DEMO_WEBHOOK_KEY, header="X-API-Key"):
    body = json.dumps(payload).encode()
    return client.post(url(connection), data=body, content_type="application/json", headers={header: key})


@pytest.mark.parametrize("case", cases("webhooks"))
def test_a_delivery_becomes_one_event(case):
    [event] = webhooks.parse(json.dumps(case["body"]).encode())
    expected = case["expected"]
    assert (event.stream, event.vendor_id, event.action, event.dedupe_key) == (
        expected["stream"], expected["vendor_id"], expected["action"], expected["dedupe_key"])
    assert (event.record is not None) == expected["fat"]


@pytest.mark.parametrize("case", cases("webhooks_ignored"))
def test_deliveries_the_portal_does_not_keep_give_no_event(case):
    assert webhooks.parse(json.dumps(case["body"]).encode()) == []


def test_a_body_that_is_not_json_gives_no_event_and_a_hash_as_its_dedupe_key():
    plugin = RentEnginePlugin()
    assert plugin.parse_webhook(b"{oops") == []
    assert len(plugin.webhook_dedupe_key({}, b"{oops")) == 64


def test_the_api_key_is_checked_in_the_configured_header_only():
    assert webhooks.verify({"x-api-key": DEMO_WEBHOOK_KEY}, DEMO_WEBHOOK_KEY)
    assert webhooks.verify({"X-Webhook-Secret": DEMO_WEBHOOK_KEY}, DEMO_WEBHOOK_KEY, "x-webhook-secret")
    with pytest.raises(WebhookRejected, match="no X-Webhook-Secret header"):
        webhooks.verify({"x-api-key": DEMO_WEBHOOK_KEY}, DEMO_WEBHOOK_KEY, "X-Webhook-Secret")
    with pytest.raises(WebhookRejected, match="does not hold this connection's API key"):
        webhooks.verify({"x-api-key": "guess"}, DEMO_WEBHOOK_KEY)
    with pytest.raises(WebhookRejected, match="no webhook API key is configured"):
        webhooks.verify({"x-api-key": ""}, "")


def test_a_delivery_with_the_key_is_stored_without_it_and_a_wrong_key_leaves_no_trace(client, connection):
    payload = load("webhooks")[0]["body"]
    assert deliver(client, connection, payload, key="guess").status_code == 401
    assert not WebhookDelivery.objects.exists()
    assert deliver(client, connection, payload).status_code == 202
    delivery = WebhookDelivery.objects.get()
    assert "x-api-key" not in delivery.headers and DEMO_WEBHOOK_KEY not in json.dumps(delivery.headers)


def test_the_header_name_comes_from_the_connections_options_and_is_not_stored(client, connection):
    connection.config = {**connection.config, "options": {**connection.options, "webhook_api_key_header": "X-Hook"}}
    connection.save()
    payload = load("webhooks")[0]["body"]
    refused = deliver(client, connection, payload)
    assert refused.status_code == 401 and "no X-Hook header" in refused.json()["error"]
    assert deliver(client, connection, payload, header="X-Hook").status_code == 202
    assert "x-hook" not in WebhookDelivery.objects.get().headers


def test_the_same_event_delivered_twice_is_stored_once(client, connection):
    payload = load("webhooks")[0]["body"]
    assert deliver(client, connection, payload).status_code == 202
    # QStash's retry may re-serialize the body: the event, not the bytes, is what counts.
    again = client.post(url(connection), data=json.dumps(payload, indent=2).encode(), content_type="application/json",
                        headers={"X-API-Key": DEMO_WEBHOOK_KEY})
    assert again.json()["status"] == "duplicate" and WebhookDelivery.objects.count() == 1


@pytest.fixture
def synced(rentengine, connection):
    rentengine.app.seed(10)
    run_pull(connection.pk, full=True)
    return rentengine


def property_event(record: dict, kind: str = "UPDATE", **changes) -> dict:
    return {"type": kind, "table": "multifamily_properties", "record": {**record, **changes}, "old_record": record}


def test_property_updates_out_of_order_end_with_the_newest(client, connection, synced):
    record = synced.records("multifamily_properties")[0]
    newer = property_event(record, community_name="Newest", updated_at="2030-01-02T00:00:00Z")
    older = property_event(record, community_name="Older", updated_at="2030-01-01T00:00:00Z")
    process(deliver(client, connection, newer).json()["delivery"])
    process(deliver(client, connection, older).json()["delivery"])
    ref = ExternalRef.objects.get(connection=connection, stream="properties", vendor_id=record["id"])
    assert Location.objects.get(pk=ref.object_id).name == "Newest"


def test_a_delete_marks_the_record_missing_and_a_late_update_of_that_version_does_not_undo_it(client, connection,
                                                                                               synced):
    record = synced.records("multifamily_properties")[0]
    last = {**record, "community_name": "Last name", "updated_at": "2030-01-01T00:00:00Z"}
    delete = {"type": "DELETE", "table": "multifamily_properties", "record": None, "old_record": last}
    process(deliver(client, connection, delete).json()["delivery"])
    process(deliver(client, connection, property_event(record, community_name="Last name",
                                                       updated_at="2030-01-01T00:00:00Z")).json()["delivery"])
    ref = ExternalRef.objects.get(connection=connection, stream="properties", vendor_id=record["id"])
    assert ref.missing_at_vendor_since is not None
    assert Location.objects.get(pk=ref.object_id).name == record["community_name"]  # kept, not deleted


def test_a_unit_row_makes_the_engine_refetch_the_whole_unit(client, connection, synced):
    unit = synced.records("units")[0]
    synced.app.store.update("units", unit["id"], {"target_rental_rate": 2222.0})
    row = {**unit, "address": unit["address"]["id"], "target_rental_rate": 2222, "updated_at": "2030-01-01T00:00:00Z"}
    response = deliver(client, connection, {"type": "UPDATE", "table": "units", "record": row, "old_record": unit})
    before = synced.app.stats["GET /units"]
    process(response.json()["delivery"])
    assert synced.app.stats["GET /units"] == before + 1
    home = ExternalRef.objects.get(connection=connection, stream="units", vendor_id=str(unit["id"])).record
    assert home.market_rent == Decimal("2222.00")


def test_an_edit_in_rentengines_ui_reaches_the_portal_by_webhook(live_server, connection, synced):
    target = f"{live_server.url}{url(connection)}"
    synced.control("POST", "webhooks", json={"url": target})
    unit = synced.records("units")[0]
    edited = synced.control("POST", f"records/units/{unit['id']}", json={"target_rental_rate": 3100.0}).json()
    assert synced.app.webhooks.wait_idle(10) and synced.app.webhooks.log[-1]["status"] == 202
    delivery = WebhookDelivery.objects.get(connection=connection)
    assert delivery.dedupe_key == f"units:{unit['id']}:UPDATE:{edited['updated_at']}"
    process(delivery.pk)
    home = Home.objects.get(pk=ExternalRef.objects.get(connection=connection, stream="units",
                                                           vendor_id=str(unit["id"])).object_id)
    assert home.market_rent == Decimal("3100.00")
