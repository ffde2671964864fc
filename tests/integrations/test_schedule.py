"""Scheduling: beat runs one dispatcher, which enqueues the pulls and drains that are due."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from integrations.engine import due_connections
from integrations.models import SyncRun
from integrations.tasks import dispatch_due
from portal.locations import services as locations


def test_beat_has_the_dispatcher_every_minute(db):
    task = PeriodicTask.objects.get(task="integrations.dispatch_due")
    assert task.enabled and task.interval.every == 60 and task.interval.period == "seconds"


def test_a_connection_is_due_after_its_schedule_and_a_pending_outbox_is_drained(fake_connection, org):
    fake_connection.config["schedule_minutes"] = 10
    fake_connection.save()
    assert due_connections() == ([fake_connection.pk], [])
    SyncRun.objects.create(connection=fake_connection, kind="pull", status="succeeded")
    assert due_connections() == ([], [])
    assert due_connections(timezone.now() + dt.timedelta(minutes=11))[0] == [fake_connection.pk]
    locations.create_location(org, kind="property", name="Tower")
    assert due_connections()[1] == [fake_connection.pk]


def test_the_dispatcher_runs_what_is_due(fake_connection, fake_sandbox):
    fake_sandbox.seed(3)
    assert dispatch_due() == {"pulls": [fake_connection.pk], "drains": []}  # tasks run in process in tests
    run = SyncRun.objects.get(connection=fake_connection, kind="pull")
    assert run.status == "succeeded" and run.totals()["created"] == 4


def test_a_paused_connection_is_never_due(fake_connection):
    fake_connection.state = "paused"
    fake_connection.save()
    assert due_connections() == ([], [])
