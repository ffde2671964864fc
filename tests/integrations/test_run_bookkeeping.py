"""Run bookkeeping: one waiting push run per connection, no run left waiting or running for ever, a scheduled sync's
pull and push each in its own run (real HTTP to the fake vendor's sandbox; the 429s are the sandbox's)."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest
from django.utils import timezone

from integrations import engine, locking, tasks, webhooks
from integrations.models import Connection, SyncRun, WebhookDelivery
from integrations.push import run_drain
from integrations.runs import Reschedule
from portal.locations import services as locations
from portal.locations.models import Kind


def records(app, coll):
    return httpx.get(f"{app.base_url}/__sandbox__/records/{coll}").json()


def slow_down_next_push(app, count=1):
    """The vendor's next POST of a property answers 429 with a wait longer than a worker sleeps (a reschedule)."""
    httpx.post(f"{app.base_url}/__sandbox__/faults", json={"script": [
        {"status": 429, "count": count, "method": "POST", "path": "/v1/properties", "retry_after": 120}]})


def add_property(org, name):
    return locations.create_location(org, kind=Kind.PROPERTY, name=name, address_line1="1 Main St", city="Dayton",
                                     state="OH", postal_code="45402")


def waiting_push(connection, app, org):
    add_property(org, "Tower")
    slow_down_next_push(app)
    with pytest.raises(Reschedule) as wait:
        run_drain(connection.pk)
    run = SyncRun.objects.get(pk=wait.value.run_id)
    assert run.kind == "push" and run.status == "waiting"
    return run


def push_runs(connection):
    return SyncRun.objects.filter(connection=connection, kind="push")


def test_a_drain_requested_while_a_push_run_waits_joins_it(fake_connection, fake_sandbox, org):
    run = waiting_push(fake_connection, fake_sandbox, org)
    add_property(org, "Annex")  # another change, another drain request: coalesced into the waiting run
    assert run_drain(fake_connection.pk) is None
    assert push_runs(fake_connection).count() == 1
    assert records(fake_sandbox, "properties") == []
    resumed = run_drain(fake_connection.pk, run_id=run.pk)
    assert resumed.pk == run.pk and resumed.status == "succeeded", resumed.errors
    assert resumed.totals()["pushed"] == 2  # the waiting run picked up the entry queued while it waited
    assert sorted(p["name"] for p in records(fake_sandbox, "properties")) == ["Annex", "Tower"]
    assert push_runs(fake_connection).count() == 1


def test_a_resumed_push_that_finds_the_connection_busy_waits_again_then_finishes(fake_connection, fake_sandbox, org):
    run = waiting_push(fake_connection, fake_sandbox, org)
    holder = locking.acquire(fake_connection.pk)  # another sync of the connection is running
    with pytest.raises(Reschedule) as again:
        run_drain(fake_connection.pk, run_id=run.pk)
    assert again.value.run_id == run.pk
    run.refresh_from_db()
    assert run.status == "waiting" and "Another sync" in run.message
    locking.release(fake_connection.pk, holder)
    done = run_drain(fake_connection.pk, run_id=run.pk)
    assert done.pk == run.pk and done.status == "succeeded" and done.totals()["pushed"] == 1
    assert [p["name"] for p in records(fake_sandbox, "properties")] == ["Tower"]


def test_a_resumed_push_of_a_paused_connection_is_closed_not_left_waiting(fake_connection, fake_sandbox, org):
    run = waiting_push(fake_connection, fake_sandbox, org)
    Connection.objects.filter(pk=fake_connection.pk).update(state="paused", paused_reason="staff")
    closed = run_drain(fake_connection.pk, run_id=run.pk)
    assert closed.pk == run.pk and closed.status == "skipped" and "paused" in closed.message
    assert records(fake_sandbox, "properties") == []


def test_a_waiting_run_whose_task_never_came_back_is_closed_and_no_longer_absorbs_drains(
        fake_connection, fake_sandbox, org):
    run = waiting_push(fake_connection, fake_sandbox, org)
    assert engine.close_abandoned() == []  # its task is still to come
    later = timezone.now() + dt.timedelta(hours=1)
    assert engine.close_abandoned(later) == [run.pk]
    run.refresh_from_db()
    assert run.status == "failed" and run.message.startswith("Abandoned") and run.finished_at
    fresh = run_drain(fake_connection.pk, now=later)  # a new request makes a new run
    assert fresh.pk != run.pk and fresh.status == "succeeded" and fresh.totals()["pushed"] == 1


def test_the_dispatcher_closes_running_runs_whose_process_is_gone(fake_connection, fake_sandbox):
    long_ago = timezone.now() - dt.timedelta(hours=2)
    dead = SyncRun.objects.create(connection=fake_connection, kind="push", status="running", started_at=long_ago)
    recent = SyncRun.objects.create(connection=fake_connection, kind="push", status="running",
                                    started_at=timezone.now())
    fake_connection.config["schedule_minutes"] = 0
    fake_connection.save()
    assert tasks.dispatch_due()["closed_runs"] == [dead.pk]
    dead.refresh_from_db()
    recent.refresh_from_db()
    assert dead.status == "failed" and dead.message.startswith("Interrupted") and recent.status == "running"


def test_a_running_pull_whose_connection_lock_is_held_is_left_alone(fake_connection):
    long_ago = timezone.now() - dt.timedelta(hours=2)
    run = SyncRun.objects.create(connection=fake_connection, kind="pull", status="running", started_at=long_ago)
    holder = locking.acquire(fake_connection.pk)
    assert engine.close_abandoned() == []
    locking.release(fake_connection.pk, holder)
    assert engine.close_abandoned() == [run.pk]


def test_a_scheduled_sync_whose_push_waits_resumes_it_as_the_push_run(fake_connection, fake_sandbox, org):
    """The task's retry resumes the push in its own run; before, it pulled into the push run and drained in another."""
    fake_sandbox.seed(2)
    assert engine.sync(fake_connection.pk, full=True).status == "succeeded"
    add_property(org, "Tower")
    slow_down_next_push(fake_sandbox)
    tasks.sync_connection.apply(args=(fake_connection.pk,), throw=False)  # in process; its retry runs at once
    pulls = SyncRun.objects.filter(connection=fake_connection, kind="pull").order_by("pk")
    assert pulls.count() == 2 and all(p.status == "succeeded" for p in pulls)
    assert pulls.last().totals()["pushed"] == 0
    push = push_runs(fake_connection).get()
    assert push.status == "succeeded" and push.totals()["pushed"] == 1 and push.totals()["faults"] == 1
    assert push.totals()["fetched"] == 0
    assert [p["name"] for p in records(fake_sandbox, "properties") if p["name"] == "Tower"] == ["Tower"]


def test_engine_sync_names_the_waiting_step(fake_connection, fake_sandbox, org):
    add_property(org, "Tower")
    slow_down_next_push(fake_sandbox)
    with pytest.raises(Reschedule) as wait:
        engine.sync(fake_connection.pk)
    assert wait.value.step == "push" and SyncRun.objects.get(pk=wait.value.run_id).kind == "push"
    run = engine.sync(fake_connection.pk, run_id=wait.value.run_id, step=wait.value.step)
    assert run.pk == wait.value.run_id and run.status == "succeeded"
    assert SyncRun.objects.filter(connection=fake_connection, kind="pull").count() == 1


def thin_unit_event(client, connection, unit_id):
    from tests.integrations.test_webhooks import post

    response = post(client, connection, {"type": "unit.updated", "id": unit_id, "at": "2030-01-01T00:00:00Z"})
    assert response.status_code == 202
    return WebhookDelivery.objects.get(pk=response.json()["delivery"])


def slow_down_next_unit_fetch(app, unit_id):
    httpx.post(f"{app.base_url}/__sandbox__/faults", json={"script": [
        {"status": 429, "count": 1, "method": "GET", "path": f"/v1/units/{unit_id}", "retry_after": 120}]})


def test_a_rate_limited_webhook_task_resumes_its_own_run(client, fake_connection, fake_sandbox):
    fake_sandbox.seed(2)
    engine.run_pull(fake_connection.pk, full=True)
    delivery = thin_unit_event(client, fake_connection, 1)
    slow_down_next_unit_fetch(fake_sandbox, 1)
    tasks.process_webhook.apply(args=(delivery.pk,), throw=False)  # in process; its retry runs at once
    run = SyncRun.objects.get(connection=fake_connection, kind="webhook")  # one run, not one per attempt
    assert run.status == "succeeded" and run.totals()["faults"] == 1
    delivery.refresh_from_db()
    assert delivery.status == "processed"


def test_the_dispatcher_does_not_requeue_deliveries_queued_behind_a_waiting_webhook_run(
        client, fake_connection, fake_sandbox):
    fake_sandbox.seed(2)
    engine.run_pull(fake_connection.pk, full=True)
    first, second = thin_unit_event(client, fake_connection, 1), thin_unit_event(client, fake_connection, 2)
    WebhookDelivery.objects.update(received_at=timezone.now() - dt.timedelta(minutes=10))
    slow_down_next_unit_fetch(fake_sandbox, 1)
    with pytest.raises(Reschedule) as wait:
        webhooks.process(first.pk)
    assert webhooks.waiting_deliveries() == []  # queued behind the waiting run, not lost
    resumed = webhooks.process(first.pk, run_id=wait.value.run_id)
    assert resumed.pk == wait.value.run_id and resumed.status == "succeeded"
    assert webhooks.waiting_deliveries() == [second.pk]  # nothing works through them now: this one was lost
