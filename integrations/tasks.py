"""Thin Celery entry points: ids in, engine call, reschedule when the vendor says wait."""

from __future__ import annotations

from celery import shared_task

from integrations import engine
from integrations.models import SyncRun
from integrations.models_runs import RunKind, RunStatus


@shared_task(bind=True, acks_late=True, max_retries=None, name="integrations.sync_connection")
def sync_connection(self, connection_id: int, full: bool = False, run_id: int | None = None) -> int | None:
    try:
        return engine.sync(connection_id, full=full, run_id=run_id).pk
    except engine.Reschedule as wait:
        raise self.retry(countdown=wait.countdown, kwargs={"connection_id": connection_id, "full": full,
                                                           "run_id": wait.run_id}) from None


@shared_task(bind=True, acks_late=True, max_retries=None, name="integrations.drain_outbox")
def drain_outbox(self, connection_id: int, run_id: int | None = None) -> int | None:
    try:
        run = engine.run_drain(connection_id, run_id=run_id)
    except engine.Reschedule as wait:
        raise self.retry(countdown=wait.countdown, kwargs={"connection_id": connection_id,
                                                           "run_id": wait.run_id}) from None
    return run.pk if run else None


@shared_task(bind=True, acks_late=True, max_retries=None, name="integrations.process_webhook")
def process_webhook(self, delivery_id: int) -> int | None:
    try:
        run = engine.process_webhook(delivery_id)
    except engine.Reschedule as wait:
        raise self.retry(countdown=wait.countdown) from None
    return run.pk if run else None


@shared_task(name="integrations.dispatch_due")
def dispatch_due() -> dict[str, list[int]]:
    """Run by celery beat every minute: enqueue the syncs and drains that are due."""
    pulls, drains = engine.due_connections()
    for connection_id in pulls:
        sync_connection.delay(connection_id)
    for connection_id in drains:
        if connection_id not in pulls:  # a sync drains after its pull anyway
            drain_outbox.delay(connection_id)
    return {"pulls": pulls, "drains": drains}


def publish_drain(connection_id: int) -> None:
    drain_outbox.delay(connection_id)


def publish_sync(connection_id: int, full: bool = False) -> SyncRun:
    """From a view or the CLI: a queued run to watch at once; the task is published when the transaction commits."""
    run = SyncRun.objects.create(connection_id=connection_id, kind=RunKind.PULL, full=full, status=RunStatus.QUEUED)
    sync_connection.delay_on_commit(connection_id, full=full, run_id=run.pk)
    return run
