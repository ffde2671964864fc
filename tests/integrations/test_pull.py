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


def test_a_page_and_its_checkpoint_land_together_or_not_at_all(fake_connection, fake_sandbox, monkeypatch):
    import pytest

    from integrations import pull

    fake_sandbox.seed(50)  # units come in 3 pages of 20
    real = pull._note_deferred
    calls = {"n": 0}

    def crash_on_third_page(state, result):
        real(state, result)
        if state.stream == "units":
            calls["n"] += 1
            if calls["n"] == 2:
                raise RuntimeError("worker died between the upsert and the checkpoint")

    monkeypatch.setattr(pull, "_note_deferred", crash_on_third_page)
    with pytest.raises(RuntimeError):
        run_pull(fake_connection.pk, full=True)
    assert Home.objects.count() == 20  # page 1 landed with its checkpoint; page 2 rolled back with its own
    state = SyncState.objects.get(connection=fake_connection, stream="units")
    assert state.cursor["pass"]["page"] == {"offset": 20} and state.cursor["pass"]["pages_done"] == 1
    monkeypatch.setattr(pull, "_note_deferred", real)
    resumed = run_pull(fake_connection.pk, full=True)
    assert resumed.counts["units"]["fetched"] == 30  # pages 2 and 3 only
    assert Home.objects.count() == 50 and ExternalRef.objects.filter(stream="units").count() == 50


def test_a_child_whose_parent_is_missing_waits_and_lands_later(fake_connection, fake_sandbox):
    fake_sandbox.seed(10)
    fake_sandbox.store.update("properties", 1, {"name": ""})  # the property cannot be mapped: its units wait
    run = run_pull(fake_connection.pk, full=True)
    assert run.counts["units"]["deferred"] == 10 and Home.objects.count() == 0
    assert any("waiting for properties 1" in e["reason"] for e in run.errors)
    assert len(SyncState.objects.get(connection=fake_connection, stream="units").deferred) == 10
    fake_sandbox.mutate("properties", "1", {"name": "Fixed"})
    later = run_pull(fake_connection.pk)
    assert Home.objects.count() == 10 and later.counts["units"]["created"] == 10
    assert SyncState.objects.get(connection=fake_connection, stream="units").deferred == {}


def test_a_full_pass_marks_what_the_vendor_lost_and_a_return_clears_it(fake_connection, fake_sandbox):
    fake_sandbox.seed(10)
    run_pull(fake_connection.pk, full=True)
    gone = fake_sandbox.store.get("units", 3)
    fake_sandbox.store.delete("units", 3)
    run_pull(fake_connection.pk)  # an incremental pass cannot tell: nothing is marked
    assert not ExternalRef.objects.filter(missing_at_vendor_since__isnull=False).exists()
    run = run_pull(fake_connection.pk, full=True)
    ref = ExternalRef.objects.get(stream="units", vendor_id="3")
    assert ref.missing_at_vendor_since is not None and run.counts["units"]["missing"] == 1
    assert Home.objects.filter(pk=ref.object_id).exists()  # soft: the home stays
    fake_sandbox.store.insert("units", gone, key=3)
    run_pull(fake_connection.pk, full=True)
    ref.refresh_from_db()
    assert ref.missing_at_vendor_since is None
