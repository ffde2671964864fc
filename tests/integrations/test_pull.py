"""Pull: pages land with their checkpoint, reruns change nothing, bad records fail alone, cursors look back."""

from __future__ import annotations

import datetime as dt

import httpx
from django.db import connection as db
from django.test.utils import CaptureQueriesContext

from integrations.models import ExternalRef, SyncState
from integrations.pull import run_pull
from portal.homes.models import Home
from portal.locations.models import Location


def control(app, path, **body):
    return httpx.post(f"{app.base_url}/__sandbox__/{path}", json=body).json()


def records(app, coll):
    return httpx.get(f"{app.base_url}/__sandbox__/records/{coll}").json()


def test_a_full_pull_lands_every_record_with_its_parent(fake_connection, fake_sandbox):
    fake_sandbox.seed(45)
    run = run_pull(fake_connection.pk, full=True)
    assert run.status == "succeeded", run.errors
    assert Home.objects.filter(organization=fake_connection.organization).count() == 45
    assert Location.objects.filter(kind="property").count() == 4
    home = Home.objects.get(unit_number="100")
    unit = next(u for u in records(fake_sandbox, "units") if u["unit_number"] == "100")
    assert ExternalRef.objects.get(stream="units", vendor_id=str(unit["id"])).object_id == home.pk
    assert home.location.external_id == "" and home.location.kind == "property"
    assert run.counts["units"]["created"] == 45
    assert home.history.first().actor_kind == "sync"


def test_rerunning_a_sync_changes_nothing(fake_connection, fake_sandbox):
    fake_sandbox.seed(30)
    run_pull(fake_connection.pk, full=True)
    history = Home.history.count()
    again = run_pull(fake_connection.pk, full=True)
    assert again.totals()["created"] == again.totals()["updated"] == 0
    assert again.totals()["unchanged"] == 33
    assert Home.history.count() == history


def test_one_bad_record_fails_alone_and_the_rest_of_the_page_lands(fake_connection, fake_sandbox):
    fake_sandbox.seed(10)
    bad = records(fake_sandbox, "units")[3]
    fake_sandbox.store.update("units", bad["id"], {"state": "Ohio"})  # the domain refuses a 4-letter state
    worse = records(fake_sandbox, "units")[5]
    fake_sandbox.store.update("units", worse["id"], {"rent": "lots"})  # the mapping refuses this
    run = run_pull(fake_connection.pk, full=True)
    assert run.status == "partial"
    assert Home.objects.count() == 8
    reasons = {e["record"]: e["reason"] for e in run.errors}
    assert "two-letter state" in reasons[str(bad["id"])]
    assert "not a number" in reasons[str(worse["id"])]


def test_incremental_pull_picks_up_a_change_stamped_exactly_at_the_cursor(fake_connection, fake_sandbox):
    fake_connection.config["lookback_seconds"] = 0
    fake_connection.save()
    fake_sandbox.seed(10)
    run_pull(fake_connection.pk, full=True)
    state = SyncState.objects.get(connection=fake_connection, stream="units")
    last = max(records(fake_sandbox, "units"), key=lambda u: u["updated_at"])
    assert state.watermark.isoformat().replace("+00:00", "Z") == last["updated_at"]
    # Changed without a new stamp (a vendor with a coarse clock): the boundary record itself is fetched again.
    fake_sandbox.store.update("units", last["id"], {"rent": "5000.00"})
    run = run_pull(fake_connection.pk)
    ref = ExternalRef.objects.get(stream="units", vendor_id=str(last["id"]))
    assert Home.objects.get(pk=ref.object_id).market_rent == 5000
    assert run.counts["units"] == {**run.counts["units"], "fetched": 1, "updated": 1}


def test_the_lookback_window_catches_a_change_committed_late_with_an_earlier_stamp(fake_connection, fake_sandbox):
    fake_sandbox.seed(10)
    run_pull(fake_connection.pk, full=True)
    state = SyncState.objects.get(connection=fake_connection, stream="units")
    late = records(fake_sandbox, "units")[0]
    stamp = (state.watermark - dt.timedelta(seconds=20)).isoformat().replace("+00:00", "Z")
    fake_sandbox.store.update("units", late["id"], {"rent": "4321.00", "updated_at": stamp})
    run_pull(fake_connection.pk)
    ref = ExternalRef.objects.get(stream="units", vendor_id=str(late["id"]))
    assert Home.objects.get(pk=ref.object_id).market_rent == 4321


def test_a_page_costs_the_same_number_of_queries_whatever_its_size(fake_connection, fake_sandbox, settings):
    from integrations.upsert.page import upsert_records

    plugin = fake_connection.plugin
    fake_sandbox.seed(40)
    run_pull(fake_connection.pk, full=True)  # parents and first refs exist
    stream = plugin.pull_stream("units")
    from django.utils import timezone

    def cost(n):
        rows = [dict(u, unit_number=f"X{n}-{i}", id=10_000 * n + i) for i, u in enumerate(records(fake_sandbox,
                                                                                                    "units")[:n])]
        with CaptureQueriesContext(db) as ctx:
            upsert_records(fake_connection, stream, rows, timezone.now())
        return len(ctx.captured_queries)

    small, large = cost(5), cost(40)
    print(f"queries per new-records page: {small} for 5 records, {large} for 40")
    assert small == large <= 15


def test_an_update_page_costs_the_same_number_of_queries_whatever_its_size(fake_connection, fake_sandbox):
    from django.utils import timezone

    from integrations.upsert.page import upsert_records

    fake_sandbox.seed(40)
    run_pull(fake_connection.pk, full=True)
    stream = fake_connection.plugin.pull_stream("units")
    units = records(fake_sandbox, "units")

    def cost(rows, rent):
        changed = [dict(u, rent=rent) for u in rows]
        with CaptureQueriesContext(db) as ctx:
            result = upsert_records(fake_connection, stream, changed, timezone.now())
        assert result.updated == len(rows)
        return len(ctx.captured_queries)

    small, large = cost(units[:5], "1.00"), cost(units[5:40], "2.00")
    print(f"queries per update page: {small} for 5 records, {large} for 35")
    assert small == large <= 15
