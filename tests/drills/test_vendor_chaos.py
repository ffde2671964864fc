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
from portal.locations.models import Location
from tests.drills.test_worker_killed import digest, vendor_properties, vendor_rows
from tests.factories import OrganizationFactory
from tests.integrations.fakevendor.sandbox import FakeSandbox

pytestmark = [pytest.mark.drill, pytest.mark.timeout(150), pytest.mark.django_db]
RECORDS = 500
RATE = 0.2
CLIENT_TIMEOUT = 0.5
KINDS = ("429", "500", "503", "timeout", "malformed")


class ChaosSandbox(FakeSandbox):
    """The fake vendor, misbehaving on RATE of its API calls (the control API stays reliable).

    One call in every five misbehaves, at a random place in its five; the kinds come round in a shuffled order,
    so every kind shows up however few calls a test makes, and exactly RATE of the calls fail."""

    def __init__(self, seed: int, **kw) -> None:
        super().__init__(rate_limit=False, **kw)
        self.rng = random.Random(seed)
        self.chaos: collections.Counter[str] = collections.Counter()  # failures a client can notice, by kind
        self.calls = 0  # API calls answered, chaotic or not
        self.injected = 0  # calls that misbehaved
        self.lock = threading.Lock()
        self._slot = 0
        self._kinds: list[str] = []

    def _create(self, coll: str, body: dict) -> object:
        """Creates whatever it is sent, as many vendors do: a duplicate external_ref is not refused with a 409, so
        only the engine (looking its record up after a lost answer) keeps a retried create from doubling."""
        missing = [f for f in ("property_id", "unit_number") if coll == "units" and not body.get(f)]
        if missing:
            return self.error_response(422, f"{', '.join(missing)} required", "Validation")
        key = self._save(coll, dict(body))
        self._notify(coll, key, "created")
        return self.json(self.store.get(coll, key), 201)

    def pick(self) -> tuple[str | None, bool]:
        with self.lock:
            if self.calls % round(1 / RATE) == 0:
                self._slot = self.rng.randrange(round(1 / RATE))
            kind = None
            if self.calls % round(1 / RATE) == self._slot:
                if not self._kinds:
                    self._kinds = self.rng.sample(KINDS, len(KINDS))
                kind = self._kinds.pop()
                self.injected += 1
            self.calls += 1
            return kind, self.rng.random() < 0.5

    def handle(self, request, environ):
        kind, after = self.pick()
        if kind is None:
            return super().handle(request, environ)
        write = request.method in ("POST", "PUT")
        if kind != "malformed":
            self.chaos[kind] += 1
        if kind == "429":
            return self.rate_limited_response(0.01)
        if kind == "timeout":
            time.sleep(CLIENT_TIMEOUT * 1.5)  # the client has given up; the vendor carries the call out anyway
            return super().handle(request, environ)
        if kind == "malformed":
            response = super().handle(request, environ)
            # A body the client never reads (a PUT's, an error's) is no failure: count only what it can notice.
            if request.method != "PUT" and response.status_code < 300:
                self.chaos[kind] += 1
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


def assert_chaos_was_real_and_all_shown(app: ChaosSandbox, connection: Connection) -> None:
    """About RATE of the calls misbehaved, in every kind, and the runs counted each failure the client could see."""
    seen = dict(app.chaos)
    assert set(seen) == set(KINDS), seen
    assert app.calls // round(1 / RATE) <= app.injected <= app.calls // round(1 / RATE) + 1, (app.injected, app.calls)
    assert faults_on_runs(connection) == sum(seen.values()), seen


def test_a_full_pull_from_a_chaotic_vendor_lands_every_record_once_and_shows_every_failure(chaos):
    app, connection = chaos(seed=11)
    app.seed(RECORDS)
    app.chaos.clear()
    app.calls = app.injected = 0
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
    places = connection.refs.filter(stream="properties")
    ours = sorted([r.vendor_id, loc.name, loc.address_line1, loc.city, loc.state, loc.postal_code]
                  for r in places for loc in [Location.objects.get(pk=r.object_id)])
    assert digest(ours) == digest(vendor_properties(app))
    assert Location.objects.filter(organization=connection.organization).count() == places.count() == RECORDS // 10
    # The vendor's side is as it was: a pull writes nothing there.
    assert not [k for k in app.stats if k.startswith(("POST ", "PUT ", "DELETE "))], dict(app.stats)
    assert len(app.store.all("units")) == RECORDS
    assert_chaos_was_real_and_all_shown(app, connection)


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
    # The portal's side: each home knows its one vendor record, and the property its own.
    refs = dict(connection.refs.filter(stream="units").values_list("object_id", "vendor_id"))
    assert refs == {h.pk: str(u["id"]) for u in units for h in made if u["external_ref"] == f"home-{h.pk}"}
    assert connection.refs.get(stream="properties").vendor_id == str(app.store.all("properties")[0]["id"])
    assert Home.objects.filter(organization=org).count() == RECORDS
    assert_chaos_was_real_and_all_shown(app, connection)
