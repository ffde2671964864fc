"""A Builder Backed drain through a flaky vendor, over HTTP: 429s, 5xx before and after the vendor saved, a dropped
connection and a malformed answer after a save, and a timeout. Retried drains end with the vendor holding exactly the
portal's tree, every record once."""

from __future__ import annotations

import datetime as dt
import time

import httpx
import pytest
from django.utils import timezone

from integrations.builderbacked.client import BuilderBackedClient
from integrations.builderbacked.sandbox import BuilderBackedSandbox
from integrations.http import BaseClient
from integrations.models import Connection, ExternalRef, OutboxEntry
from integrations.pull import run_pull
from integrations.push import run_drain
from portal.homes import services as homes
from portal.locations import services as locations
from portal.locations.models import Kind, Location
from tests.integrations.builderbacked.conftest import RunningSandbox
from tests.integrations.builderbacked.helpers import connect

pytestmark = pytest.mark.django_db


class SlowOnce(BuilderBackedSandbox):
    """Builder Backed that, for the next ``slow`` requests to a path, works longer than the client waits (and
    then does the work: the client's timeout does not undo the vendor's save)."""

    slow: dict[str, int]

    def handle(self, request, environ):
        if self.slow.get(f"{request.method} {request.path}", 0) > 0:
            self.slow[f"{request.method} {request.path}"] -= 1
            self.count("slowed")
            time.sleep(3.0)
        return super().handle(request, environ)


@pytest.fixture
def flaky(serve_sandbox, monkeypatch) -> RunningSandbox:
    monkeypatch.setattr(BaseClient, "backoff_base", 0.01)
    monkeypatch.setattr(BuilderBackedClient, "timeout", httpx.Timeout(1.0))
    app = SlowOnce(rate_limit=False)
    app.slow = {}
    server = serve_sandbox({"/builderbacked": app})
    return RunningSandbox(app=app, url=server.url_for("/builderbacked"), root=server.url)


@pytest.fixture
def connection(org, flaky) -> Connection:
    conn = connect(org, flaky.url)
    BuilderBackedClient(flaky.url, {}, {}).forget_token()  # a port reused from an earlier test starts clean
    assert run_pull(conn.pk, full=True).status == "succeeded"
    return conn


def build(org, homes_count: int) -> list:
    region = Location.objects.get(organization=org, kind=Kind.REGION, name="Dayton")
    division = locations.create_location(org, kind=Kind.DIVISION, name="Dayton Division", parent=region)
    master = locations.create_location(org, kind=Kind.MASTER_COMMUNITY, name="Oak Run", parent=division)
    hood = locations.create_location(org, kind=Kind.NEIGHBORHOOD, name="Creekside", parent=master)
    made = []
    for i in range(homes_count):
        home = homes.create_home(org, location=hood, address_line1=f"{100 + i} Creek Rd", city="Dayton", state="OH",
                                 postal_code="45402", external_id=f"H-{i}")
        owner = homes.create_person(org, first_name="Owner", last_name=str(i), email=f"owner{i}@example.com")
        homes.set_homeowner(home, owner, "primary")
        made.append(home)
    return made


def drain_until_done(connection, limit: int = 8) -> list:
    runs, later = [], timezone.now()
    for _ in range(limit):  # bounded: each pass moves the clock past every back-off
        if not OutboxEntry.objects.filter(connection=connection, status="pending").exists():
            break
        runs.append(run_drain(connection.pk, now=later))
        later += dt.timedelta(hours=3)
    return runs


def test_a_drain_through_429s_5xx_drops_malformed_answers_and_timeouts_lands_every_record_once(org, connection,
                                                                                                 flaky):
    made = build(org, 4)
    flaky.app.slow = {"POST /api/v2/homes": 1, "POST /api/v2/homes/H-2/users": 1}
    flaky.control("POST", "faults", {"burst_429": 2, "retry_after": 0.05, "script": [
        {"status": 503, "method": "POST", "path": "/api/v2/locations/divisions"},  # refused before saving
        {"status": 500, "method": "POST", "path": "/api/v2/locations/master-communities", "after": True},  # saved
        {"kind": "drop", "method": "POST", "path": "/api/v2/locations/neighborhoods", "after": True},  # saved
        {"kind": "malformed", "method": "POST", "path": "/api/v2/homes/H-1/users", "after": True},  # saved
        {"status": 502, "method": "PUT", "path": "/api/v2/locations/neighborhoods/", "count": 2},
    ]})
    runs = drain_until_done(connection)
    assert not OutboxEntry.objects.filter(connection=connection, status="pending").exists(), [r.errors for r in runs]
    assert set(OutboxEntry.objects.filter(connection=connection).values_list("status", flat=True)) == {"sent"}
    stats = flaky.stats()
    assert (stats["429_sent"], stats["slowed"], stats["drops"]) == (2, 2, 1)
    assert sum(c.get("faults", 0) for r in runs for c in r.counts.values()) >= 6  # every failed call shows

    store = flaky.app.store
    assert [store.count(k) for k in ("divisions", "master-communities", "neighborhoods", "homes")] == [1, 1, 1, 4]
    for home in made:
        vendor_home = store.get("homes", home.external_id)
        assert vendor_home["neighborhoodExternalId"] == ExternalRef.objects.get(
            connection=connection, object_id=home.location_id, stream="neighborhoods").vendor_id
        assert [o["email"] for o in vendor_home["homeowners"]] == [f"owner{home.external_id[2:]}@example.com"]
    refs = ExternalRef.objects.filter(connection=connection).exclude(stream="regions")
    assert refs.count() == refs.values("stream", "vendor_id").distinct().count() == 3 + 4 + 4
    assert all(store.get(level, ref.vendor_id)["active"] for level, ref in (
        (level, ExternalRef.objects.get(connection=connection, stream=stream))
        for level, stream in (("divisions", "divisions"), ("master-communities", "master_communities"),
                              ("neighborhoods", "neighborhoods"))))
    sent = len(flaky.received())
    assert drain_until_done(connection) == [] and len(flaky.received()) == sent  # nothing left to send
