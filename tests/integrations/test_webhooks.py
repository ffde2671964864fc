"""Webhooks: valid ones land once, forged or stale ones are refused and leave no trace, order does not matter."""

from __future__ import annotations

import json
import time

import pytest

from integrations.models import ExternalRef, WebhookDelivery
from integrations.pull import run_pull
from integrations.webhooks import process
from portal.homes.models import Home
from tests.integrations.fakevendor.sandbox import WEBHOOK_SECRET, sign


def url(connection):
    return f"/integrations/webhooks/{connection.vendor}/{connection.pk}/"


def post(client, connection, payload, ts=None, secret=WEBHOOK_SECRET, signature=None):
    body = json.dumps(payload, separators=(",", ":")).encode()
    ts = str(int(time.time()) if ts is None else ts)
    return client.post(url(connection), data=body, content_type="application/json",
                       headers={"X-Fake-Timestamp": ts, "X-Fake-Signature": signature or sign(secret, ts, body)})


@pytest.fixture
def synced(fake_connection, fake_sandbox):
    fake_sandbox.seed(3)
    run_pull(fake_connection.pk, full=True)
    return fake_sandbox


def unit_home(vendor_id):
    return Home.objects.get(pk=ExternalRef.objects.get(stream="units", vendor_id=str(vendor_id)).object_id)


def test_a_valid_thin_webhook_is_stored_answered_and_processed_by_refetching(client, fake_connection, synced):
    synced.store.update("units", 1, {"rent": "777.00"})
    response = post(client, fake_connection, {"type": "unit.updated", "id": 1, "at": "2030-01-01T00:00:00Z"})
    assert response.status_code == 202
    delivery = WebhookDelivery.objects.get()
    assert "x-fake-signature" not in delivery.headers and "x-fake-timestamp" in delivery.headers
    process(delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == "processed"
    assert unit_home(1).market_rent == 777


def test_a_bad_signature_gets_401_and_nothing_is_stored(client, fake_connection, synced):
    response = post(client, fake_connection, {"type": "unit.updated", "id": 1, "at": "x"}, secret="guessed")
    assert response.status_code == 401
    assert not WebhookDelivery.objects.exists()


def test_a_stale_timestamp_gets_401_even_with_a_good_signature(client, fake_connection, synced):
    response = post(client, fake_connection, {"type": "unit.updated", "id": 1, "at": "x"}, ts=int(time.time()) - 600)
    assert response.status_code == 401
    assert "5 minutes" in response.json()["error"]
    assert not WebhookDelivery.objects.exists()


def test_the_same_delivery_twice_has_one_effect(client, fake_connection, synced):
    payload = {"type": "unit.updated", "id": 2, "at": "2030-01-01T00:00:00Z"}
    assert post(client, fake_connection, payload).status_code == 202
    again = post(client, fake_connection, payload)
    assert again.status_code == 200 and again.json()["status"] == "duplicate"
    assert WebhookDelivery.objects.count() == 1


def test_deliveries_out_of_order_end_in_the_vendors_current_state(client, fake_connection, synced):
    synced.store.update("units", 3, {"rent": "1000.00"})
    first = post(client, fake_connection, {"type": "unit.updated", "id": 3, "at": "2030-01-01T00:00:01Z"})
    synced.store.update("units", 3, {"rent": "2000.00"})
    second = post(client, fake_connection, {"type": "unit.updated", "id": 3, "at": "2030-01-01T00:00:02Z"})
    process(second.json()["delivery"])  # the later event arrives (and is processed) first
    process(first.json()["delivery"])
    assert unit_home(3).market_rent == 2000


def test_a_delete_event_marks_the_record_missing_without_deleting_it(client, fake_connection, synced):
    synced.store.delete("units", 1)
    response = post(client, fake_connection, {"type": "unit.deleted", "id": 1, "at": "2030-01-01T00:00:00Z"})
    process(response.json()["delivery"])
    ref = ExternalRef.objects.get(stream="units", vendor_id="1")
    assert ref.missing_at_vendor_since is not None
    assert Home.objects.filter(pk=ref.object_id).exists()


def test_an_unknown_connection_is_404(client, fake_connection):
    response = client.post(f"/integrations/webhooks/fakevendor/{fake_connection.pk + 99}/", data=b"{}",
                           content_type="application/json")
    assert response.status_code == 404


def test_the_sandbox_sends_signed_webhooks_the_portal_accepts(live_server, fake_connection, synced):
    target = f"{live_server.url}{url(fake_connection)}"
    import httpx

    httpx.post(f"{synced.base_url}/__sandbox__/webhooks", json={"url": target})
    httpx.post(f"{synced.base_url}/__sandbox__/records/units/2", json={"rent": "1234.00"})
    assert synced.webhooks.wait_idle(10)
    assert synced.webhooks.log[-1]["status"] == 202
    process(WebhookDelivery.objects.get().pk)
    assert unit_home(2).market_rent == 1234


def test_a_delivery_held_while_paused_is_processed_after_resuming(client, fake_connection, synced):
    from integrations import health
    from integrations.tasks import dispatch_due

    health.pause(fake_connection.pk, "maintenance")
    synced.store.update("units", 1, {"rent": "888.00"})
    delivery = post(client, fake_connection, {"type": "unit.updated", "id": 1, "at": "2030-01-01T00:00:09Z"}).json()
    process(delivery["delivery"])
    assert WebhookDelivery.objects.get().status == "held"
    health.resume(fake_connection.pk)
    assert dispatch_due()["deliveries"] == [delivery["delivery"]]  # the task runs in process in tests
    assert WebhookDelivery.objects.get().status == "processed" and unit_home(1).market_rent == 888
