"""Drill: a vendor answering 20% of its calls with 429, 500, 503, a timeout or a malformed body, both ways.

A full pull of 500 units and a push of 500 new homes run against it until they are done. Writes fail half the time
after the vendor acted (its answer is lost), and a timed-out call is carried out by the vendor anyway: the hard
cases for "nothing duplicated". Both sides must end equal, and every failure must show on the runs.
"""

from __future__ import annotations

import collections
import contextlib
import random
import threading
import time

import httpx
import pytest
from django.db.models import Max

from integrations.http import BaseClient
from integrations.models import Connection, OutboxEntry, SyncRun
from integrations.pull import run_pull
from integrations.push import run_drain
from integrations.runs import Reschedule
from portal.homes import services as homes
from portal.homes.models import Home
from portal.locations import services as locations
from tests.drills.test_worker_killed import digest, vendor_rows
from tests.factories import OrganizationFactory
from tests.integrations.fakevendor.sandbox import FakeSandbox

pytestmark = [pytest.mark.drill, pytest.mark.timeout(150), pytest.mark.django_db]
RECORDS = 500
RATE = 0.2
CLIENT_TIMEOUT = 0.5
KINDS = ("429", "500", "503", "timeout", "malformed")


class ChaosSandbox(FakeSandbox):
    """The fake vendor, misbehaving on RATE of its API calls (the control API stays reliable)."""

    def __init__(self, seed: int, **kw) -> None:
        super().__init__(rate_limit=False, **kw)
        self.rng = random.Random(seed)
        self.chaos: collections.Counter[str] = collections.Counter()
        self.lock = threading.Lock()

    def handle(self, request, environ):
        with self.lock:
            kind = self.rng.choice(KINDS) if self.rng.random() < RATE else None
            after = self.rng.random() < 0.5
        if kind is None:
            return super().handle(request, environ)
        write = request.method in ("POST", "PUT")
        # A malformed body the client never reads (a PUT's) is no failure: count only what a client can notice.
        if not (kind == "malformed" and request.method == "PUT"):
            self.chaos[kind] += 1
        if kind == "429":
            return self.rate_limited_response(0.01)
        if kind == "timeout":
            time.sleep(CLIENT_TIMEOUT * 1.5)  # the client has given up; the vendor carries the call out anyway
            return super().handle(request, environ)
        if kind == "malformed":
            response = super().handle(request, environ)
            response.set_data(response.get_data()[: max(1, len(response.get_data()) // 2)])
            return response
        if write and after:
            super().handle(request, environ)  # the vendor acted; its answer is lost
        return self.error_response(int(kind), "Chaos", "Chaos")


@pytest.fixture
def chaos(serve_sandbox, fake_plugin, settings, monkeypatch):
    settings.INTEGRATIONS_PUSH_MAX_ATTEMPTS = 30
    monkeypatch.setattr(BaseClient, "timeout", httpx.Timeout(CLIENT_TIMEOUT))
    monkeypatch.setattr(BaseClient, "backoff_base", 0.01)

    def make(seed: int) -> tuple[ChaosSandbox, Connection]:
        app = ChaosSandbox(seed)
        url = serve_sandbox({"/v": app}).url_for("/v")
        connection = Connection(organization=OrganizationFactory(), vendor="fakevendor", name="Chaos", base_url=url,
                                config={"rate_limit": {"enabled": False}, "schedule_minutes": 0})
        connection.set_credentials(dict(fake_plugin.demo_credentials))
        connection.save()
        return app, connection

    return make


def faults_on_runs(connection: Connection) -> int:
    return sum(c.get("faults", 0) for run in SyncRun.objects.filter(connection=connection) for c in run.counts.values())


def test_a_full_pull_from_a_chaotic_vendor_lands_every_record_once_and_shows_every_failure(chaos):
    app, connection = chaos(seed=11)
    app.seed(RECORDS)
    app.chaos.clear()
    for _ in range(5):  # a stream that ran out of retries resumes here, as the task's next run would
        try:
            run = run_pull(connection.pk, full=True)
        except Reschedule as wait:  # the task would run again after the wait
            run = SyncRun.objects.get(pk=wait.run_id)
        if run.status == "succeeded":
            break
    assert run.status == "succeeded", list(SyncRun.objects.values_list("status", "message"))
    refs = connection.refs.filter(stream="units")
    rows = [[r.vendor_id, h.unit_number, str(h.market_rent), h.address_line1, h.city, h.state, h.postal_code,
             h.bedrooms, connection.refs.get(stream="properties", object_id=h.location_id).vendor_id]
            for r in refs for h in [Home.objects.get(pk=r.object_id)]]
    assert digest(sorted(rows)) == digest(vendor_rows(app))
    assert Home.objects.filter(organization=connection.organization).count() == refs.count() == RECORDS
    assert Home.history.filter(organization=connection.organization, history_type="+").count() == RECORDS
    assert sum(app.chaos.values()) > 0
    assert faults_on_runs(connection) >= sum(app.chaos.values()), dict(app.chaos)


def test_a_push_of_500_homes_to_a_chaotic_vendor_creates_each_once_and_shows_every_failure(chaos):
    app, connection = chaos(seed=12)
    org = connection.organization
    tower = locations.create_location(org, kind="property", name="Tower", address_line1="1 Main St", city="Dayton",
                                      state="OH", postal_code="45402")
    made = [homes.create_home(org, location=tower, address_line1="1 Main St", city="Dayton", state="OH",
                              postal_code="45402", unit_number=str(100 + i), market_rent=1000 + i)
            for i in range(RECORDS)]
    pending = OutboxEntry.objects.filter(connection=connection, status="pending")
    for _ in range(40):  # each round retries what failed, as the dispatcher would once the backoff is over
        with contextlib.suppress(Reschedule):  # 429s all the way: the task would run again after the wait
            run_drain(connection.pk, now=pending.aggregate(last=Max("next_attempt_at"))["last"])
        if not pending.exists():
            break
    assert not pending.exists() and not OutboxEntry.objects.filter(connection=connection, status="failed").exists()
    units = app.store.all("units")
    assert collections.Counter(u["external_ref"] for u in units) == {f"home-{h.pk}": 1 for h in made}
    assert {u["external_ref"]: (u["unit_number"], u["rent"]) for u in units} == {
        f"home-{h.pk}": (h.unit_number, f"{h.market_rent:.2f}") for h in made}
    assert len(app.store.all("properties")) == 1
    assert faults_on_runs(connection) >= sum(app.chaos.values()), dict(app.chaos)
