"""Drill: 500 Buildium events, each delivered three times, all 1,500 deliveries shuffled, to the real endpoint.

Buildium retries a delivery it thinks failed, signing the same body again, and sends nothing in order. Half of the
deliveries are processed as soon as they are accepted (a quick worker), the rest at the end, and some processing
tasks run twice (a broker redelivering). Each event must have exactly one effect: stored once, its unit fetched
once, one change in the home's history.
"""

from __future__ import annotations

import collections
import json
import random

import pytest
from django.test import Client

from integrations import webhooks as engine
from integrations.buildium import webhooks
from integrations.buildium.sandbox import ACCOUNT_ID
from integrations.models import ExternalRef, WebhookDelivery
from portal.homes.models import Home
from tests.integrations.buildium.conftest import (  # noqa: F401  (fixtures)
    CREDENTIALS,
    buildium,
    connection,
    live,
    vendor_clock,
)

pytestmark = [pytest.mark.drill, pytest.mark.timeout(150), pytest.mark.django_db]
EVENTS = 500
COPIES = 3


def test_the_same_500_events_three_times_in_any_order_have_one_effect_each(live, connection):  # noqa: F811
    from integrations.pull import run_pull

    live.app.seed(EVENTS)
    connection.config["streams"] = ["properties", "owners", "units"]
    connection.save()
    assert run_pull(connection.pk, full=True).status == "succeeded"
    units = [u["Id"] for u in live.app.store.all("units")][:EVENTS]
    for unit_id in units:  # changed quietly at Buildium: only the webhook tells
        live.app.store.update("units", unit_id, {"UnitNumber": f"S{unit_id}"})
    bodies = [json.dumps({"EventName": "RentalUnit.Updated", "EventDateTime": f"2026-06-01T12:00:{i % 60:02d}.{i:07d}Z",
                          "AccountId": ACCOUNT_ID, "UnitId": unit_id}, separators=(",", ":")).encode()
              for i, unit_id in enumerate(units)]
    deliveries = [body for body in bodies for _ in range(COPIES)]
    rng = random.Random(20261123)
    rng.shuffle(deliveries)
    live.app.stats.clear()

    client, url = Client(), f"/integrations/webhooks/buildium/{connection.pk}/"
    statuses, later = collections.Counter(), []
    for body in deliveries:
        response = client.post(url, data=body, content_type="application/json",
                               headers=webhooks.sign(CREDENTIALS["webhook_secret"], body))  # signed again each time
        statuses[response.status_code] += 1
        if response.status_code == 202:
            delivery = response.json()["delivery"]
            (engine.process(delivery) if rng.random() < 0.5 else later.append(delivery))
    for delivery in later + rng.sample(later, 25):  # 25 tasks redelivered by the broker
        engine.process(delivery)

    assert statuses == {202: EVENTS, 200: EVENTS * (COPIES - 1)}
    stored = WebhookDelivery.objects.filter(connection=connection)
    assert stored.count() == EVENTS and set(stored.values_list("status", flat=True)) == {"processed"}
    fetched = {unit_id: live.app.stats.get(f"GET /v1/rentals/units/{unit_id}", 0) for unit_id in units}
    assert set(fetched.values()) == {1}, {k: v for k, v in fetched.items() if v != 1}
    refs = dict(ExternalRef.objects.filter(connection=connection, stream="units").values_list("object_id",
                                                                                              "vendor_id"))
    homes = Home.objects.filter(pk__in=refs)
    assert {refs[h.pk]: h.unit_number for h in homes} == {str(u): f"S{u}" for u in units}
    changes = collections.Counter(Home.history.filter(id__in=refs, history_type="~").values_list("id", flat=True))
    assert len(changes) == EVENTS and set(changes.values()) == {1}
