"""Thin Celery entry points: ids in, engine call, reschedule when the vendor says wait."""

from __future__ import annotations

import logging
from typing import Any

from celery import shared_task
from kombu.exceptions import OperationalError

from integrations import confirm, engine, webhooks
from integrations.models import SyncRun
from integrations.models_runs import RunKind, RunStatus

logger = logging.getLogger("integrations.tasks")


@shared_task(bind=True, acks_late=True, max_retries=None, name="integrations.sync_connection")
def sync_connection(self, connection_id: int, full: bool = False, run_id: int | None = None,
                    step: str = "pull") -> int | None:
    try:
        run = engine.sync(connection_id, full=full, run_id=run_id, step=step)
    except engine.Reschedule as wait:  # resumed at the step that waits, in that step's own run
        raise self.retry(countdown=wait.countdown, kwargs={"connection_id": connection_id, "full": full,
                                                           "run_id": wait.run_id, "step": wait.step}) from None
    return run.pk if run else None


@shared_task(bind=True, acks_late=True, max_retries=None, name="integrations.drain_outbox")
def drain_outbox(self, connection_id: int, run_id: int | None = None) -> int | None:
    try:
        run = engine.run_drain(connection_id, run_id=run_id)
    except engine.Reschedule as wait:
        raise self.retry(countdown=wait.countdown, kwargs={"connection_id": connection_id,
                                                           "run_id": wait.run_id}) from None
    schedule_confirm(connection_id)
    return run.pk if run else None


@shared_task(bind=True, acks_late=True, max_retries=None, name="integrations.confirm_pushes")
def confirm_pushes(self, connection_id: int) -> int | None:
    """Poll the vendor's verdict on accepted pushes (later polls come from the dispatcher, every minute)."""
    try:
        run = confirm.run_confirm(connection_id)
    except engine.Reschedule as wait:
        raise self.retry(countdown=wait.countdown) from None
    return run.pk if run else None


def schedule_confirm(connection_id: int) -> None:
    """After a drain that left pushes awaiting the vendor's confirmation: a first poll one interval later."""
    from integrations.models import Connection

    if confirm.pending(connection_id).exists():
        connection = Connection.objects.get(pk=connection_id)
        confirm_pushes.apply_async((connection_id,), countdown=confirm.poll_seconds(connection))


@shared_task(bind=True, acks_late=True, max_retries=None, name="integrations.process_webhook")
def process_webhook(self, delivery_id: int, run_id: int | None = None) -> int | None:
    try:
        run = engine.process_webhook(delivery_id, run_id=run_id)
    except engine.Reschedule as wait:  # resumed in the same run (a new one each time left the old one waiting)
        raise self.retry(countdown=wait.countdown, kwargs={"delivery_id": delivery_id,
                                                           "run_id": wait.run_id}) from None
    return run.pk if run else None


@shared_task(name="integrations.dispatch_due")
def dispatch_due() -> dict[str, list[int]]:
    """Run by celery beat every minute: close runs that can no longer finish, enqueue the syncs and drains due."""
    closed = engine.close_abandoned()
    pulls, drains = engine.due_connections()
    for connection_id in pulls:
        sync_connection.delay(connection_id)
    for connection_id in drains:
        if connection_id not in pulls:  # a sync drains after its pull anyway
            drain_outbox.delay(connection_id)
    due = {"pulls": pulls, "drains": drains}
    confirms = confirm.due_connections()
    for connection_id in confirms:
        confirm_pushes.delay(connection_id)
    if confirms:
        due["confirms"] = confirms
    deliveries = webhooks.waiting_deliveries()
    for delivery_id in deliveries:
        process_webhook.delay(delivery_id)
    if deliveries:
        due["deliveries"] = deliveries
    if closed:
        due["closed_runs"] = closed
    return due


def publish_drain(connection_id: int) -> None:
    publish_after_commit(drain_outbox, connection_id)


def publish_after_commit(task: Any, *args: Any) -> bool:
    """Publish a task once a change is committed. If the broker cannot be reached, the change stays saved and its
    work waits where the dispatcher (beat, every minute) finds it (due outbox entries, unprocessed deliveries):
    an error here would tell the person or vendor who made the change that it failed (tests/drills)."""
    try:
        task.delay(*args)
    except OperationalError as exc:
        logger.warning("Broker unreachable: %s%r not published now, the dispatcher will pick it up (%s)",
                       task.name, args, exc)
        return False
    return True


def publish_sync(connection_id: int, full: bool = False) -> SyncRun:
    """From a view or the CLI: a queued run to watch at once; the task is published when the transaction commits."""
    run = SyncRun.objects.create(connection_id=connection_id, kind=RunKind.PULL, full=full, status=RunStatus.QUEUED)
    sync_connection.delay_on_commit(connection_id, full=full, run_id=run.pk)
    return run
