"""Buildium webhook signatures (valid, bad, stale), thin events, and the sandbox's signed deliveries."""

from __future__ import annotations

import json
import threading
import time

import pytest
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from integrations.base import WebhookRejected
from integrations.buildium import webhooks
from integrations.buildium.plugin import BuildiumPlugin

SECRET = "whsec-test"
# Buildium's own example, and the compact form it signs.
PRETTY = b'{\n  "EventName": "Rental.Created",\n  "EventDateTime": "2022-12-22T16:18:20.876772Z",\n  "AccountId": 123456,\n  "PropertyId": 78910\n}'  # noqa: E501
COMPACT = b'{"EventName":"Rental.Created","EventDateTime":"2022-12-22T16:18:20.876772Z","AccountId":123456,"PropertyId":78910}'  # noqa: E501
NOW = 1_780_000_000


def test_the_signature_is_base64_hmac_sha256_of_timestamp_dot_compact_body():
    import base64
    import hashlib
    import hmac

    expected = base64.b64encode(hmac.new(SECRET.encode(), f"{NOW}.".encode() + COMPACT, hashlib.sha256).digest())
    assert webhooks.sign(SECRET, COMPACT, now=NOW) == {
        "buildium-webhook-timestamp": str(NOW),
        "buildium-webhook-signature": expected.decode(),
    }
    assert webhooks.compact(PRETTY) == COMPACT


def test_a_genuine_delivery_verifies_even_when_the_body_arrives_pretty_printed():
    headers = webhooks.sign(SECRET, COMPACT, now=NOW)
    assert webhooks.verify(headers, COMPACT, SECRET, now=NOW + 10)
    assert webhooks.verify({k.title(): v for k, v in headers.items()}, PRETTY, SECRET, now=NOW + 10)


@pytest.mark.parametrize(
    ("headers", "body", "now", "reason"),
    [
        (
            {"buildium-webhook-timestamp": str(NOW), "buildium-webhook-signature": "AAAA"},
            COMPACT,
            NOW,
            "signature does not match",
        ),
        (webhooks.sign("another-secret", COMPACT, now=NOW), COMPACT, NOW, "signature does not match"),
        (webhooks.sign(SECRET, COMPACT, now=NOW), COMPACT.replace(b"78910", b"78911"), NOW, "signature does not match"),
        (webhooks.sign(SECRET, COMPACT, now=NOW), COMPACT, NOW + 301, "301 s away from now"),
        (webhooks.sign(SECRET, COMPACT, now=NOW), COMPACT, NOW - 301, "301 s away from now"),
        ({}, COMPACT, NOW, "not signed"),
        ({"buildium-webhook-timestamp": "yesterday", "buildium-webhook-signature": "x"}, COMPACT, NOW, "Unix seconds"),
    ],
    ids=["bad signature", "other secret", "altered body", "stale", "from the future", "unsigned", "bad timestamp"],
)
def test_a_delivery_that_is_not_genuine_or_not_fresh_is_refused_with_the_reason(headers, body, now, reason):
    with pytest.raises(WebhookRejected, match=reason):
        webhooks.verify(headers, body, SECRET, now=now)


def test_without_a_configured_secret_nothing_verifies():
    with pytest.raises(WebhookRejected, match="no webhook secret"):
        BuildiumPlugin().verify_webhook(webhooks.sign("", COMPACT), COMPACT, {"client_id": "x"})


def test_events_are_thin_upserts_or_deletes_of_the_right_stream_with_a_stable_dedupe_key():
    body = json.dumps(
        [
            {
                "EventName": "RentalUnit.Updated",
                "EventDateTime": "2026-05-10T15:12:46.2317653Z",
                "AccountId": 1,
                "UnitId": 5,
            },
            {"EventName": "Lease.Deleted", "EventDateTime": "2026-05-10T15:12:47Z", "AccountId": 1, "LeaseId": 9},
            {
                "EventName": "LeaseTenant.Created",
                "EventDateTime": "2026-05-10T15:12:48Z",
                "AccountId": 1,
                "TenantId": 3,
            },
            {
                "EventName": "Lease.MoveOut.Created",
                "EventDateTime": "2026-05-10T15:12:49Z",
                "LeaseId": 9,
                "TenantId": 3,
            },
            {"EventName": "Bill.Created", "EventDateTime": "2026-05-10T15:12:50Z", "BillId": 1},
            {"EventName": "Rental.MeterReading.Deleted", "EventDateTime": "2026-05-10T15:12:51Z", "PropertyId": 4,
             "ReadingDate": "2026-05-01", "MeterType": "Water"},
            {"EventName": "Rental.Updated", "PropertyId": "not-an-id"},
        ]
    ).encode()
    events = BuildiumPlugin().parse_webhook(body)
    assert [(e.stream, e.vendor_id, e.action, e.record) for e in events] == [
        ("units", "5", "upsert", None),
        ("leases", "9", "delete", None),
        ("tenants", "3", "upsert", None),
        ("leases", "9", "upsert", None),
    ]
    assert events[0].dedupe_key == "RentalUnit.Updated:5:2026-05-10T15:12:46.2317653Z"
    assert events[0].occurred_at.isoformat() == "2026-05-10T15:12:46.231765+00:00"


@pytest.fixture
def receiver():
    """A tiny HTTP endpoint on 127.0.0.1 that records what it receives."""
    received: list[tuple[dict[str, str], bytes]] = []

    def app(environ, start_response):
        request = Request(environ)
        received.append(({k.lower(): v for k, v in request.headers.items()}, request.get_data()))
        return Response("ok")(environ, start_response)

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/hook", received
    server.shutdown()
    thread.join(timeout=5)


def _wait_for(received: list, count: int) -> None:
    deadline = time.monotonic() + 10
    while len(received) < count and time.monotonic() < deadline:
        time.sleep(0.02)


def test_the_sandbox_signs_and_sends_an_event_for_api_writes_and_ui_edits(buildium, receiver, vendor_clock):
    url, received = receiver
    buildium.app.seed(5)
    buildium.control("POST", "webhooks", json={"url": url, "secret": SECRET})
    address = {
        "AddressLine1": "1 A St",
        "City": "Erie",
        "State": "PA",
        "PostalCode": "16501",
        "Country": "UnitedStates",
    }
    created = buildium.client().create_unit({"PropertyId": 1, "UnitNumber": "9Z", "Address": address})
    buildium.control("POST", "records/leases/1", json={"IsEvictionPending": True})  # an edit "in Buildium's UI"
    assert buildium.control("DELETE", "records/tenants/2").status_code == 200
    _wait_for(received, 3)
    events = [json.loads(body) for _, body in received]
    assert [(e["EventName"], e.get("UnitId") or e.get("LeaseId") or e.get("TenantId")) for e in events] == [
        ("RentalUnit.Created", created["Id"]),
        ("Lease.Updated", 1),
        ("LeaseTenant.Deleted", 2),
    ]
    for headers, body in received:
        assert webhooks.verify(headers, body, SECRET, now=vendor_clock[0].timestamp())
        assert b" " not in body and b"\n" not in body
