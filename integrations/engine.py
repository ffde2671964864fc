"""The engine's front door: what tasks, the CLI and the portal call. The work is in pull, push, webhooks."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils import timezone

from integrations import confirm, conflicts, webhooks
from integrations.context import opened
from integrations.errors import VendorError
from integrations.models import Connection, ConnectionState, ExternalRef, OutboxEntry, OutboxStatus, SyncRun
from integrations.models_runs import RunKind
from integrations.pull import run_pull
from integrations.push import due, run_drain
from integrations.runs import Reschedule, close_abandoned, describe

__all__ = [
    "Reschedule",
    "clear_missing",
    "close_abandoned",
    "due_connections",
    "resolve_conflict",
    "run_confirm",
    "run_drain",
    "run_pull",
    "sync",
    "test_connection",
]

resolve_conflict = conflicts.resolve
process_webhook = webhooks.process
run_confirm = confirm.run_confirm


def sync(connection_id: int, full: bool = False, run_id: int | None = None, step: str = "pull") -> SyncRun | None:
    """A pull, then a drain of whatever the pull (or anyone) queued for this connection, each its own run.

    A vendor's wait raises Reschedule naming the step that waits (``wait.step``) and that step's run
    (``wait.run_id``): call again with both to resume there, so a waiting push is never resumed as a pull.
    Returns the pull run (the push run when resuming the push)."""
    run = None
    if step == "pull":
        try:
            run = run_pull(connection_id, full=full, run_id=run_id)
        except Reschedule as wait:
            wait.step = "pull"
            raise
        run_id = None
    try:
        push = run_drain(connection_id, run_id=run_id)
    except Reschedule as wait:
        wait.step = "push"
        raise
    return run or push


def test_connection(connection: Connection) -> tuple[bool, str]:
    """One cheap authenticated call through the plug-in; the answer is shown to staff as is."""
    try:
        with opened(connection) as ctx:
            return True, ctx.plugin.check(ctx.client) or "Connected."
    except VendorError as exc:
        return False, describe(exc)
    except Exception as exc:  # a broken base URL, DNS, TLS: staff need the reason, not a 500
        return False, describe(exc)


def clear_missing(ref: ExternalRef) -> None:
    """Undo a missing-at-vendor mark (staff know better, or the vendor restored it)."""
    ExternalRef.objects.filter(pk=ref.pk).update(missing_at_vendor_since=None)


def due_connections(now: Any = None) -> tuple[list[int], list[int]]:
    """(connections due for a scheduled pull, connections with outbox entries due) among active connections."""
    now = now or timezone.now()
    pulls, drains = [], []
    for connection in Connection.objects.filter(state=ConnectionState.ACTIVE):
        minutes = (connection.config or {}).get("schedule_minutes", 15)
        if minutes:
            last = connection.runs.filter(kind=RunKind.PULL).exclude(status="skipped").order_by("-created_at").first()
            if last is None or last.created_at <= now - timezone.timedelta(minutes=float(minutes)):
                pulls.append(connection.pk)
        if due(connection.pk, now).exists():
            drains.append(connection.pk)
    return pulls, drains


def pending_outbox(connection: Connection) -> int:
    return OutboxEntry.objects.filter(Q(status=OutboxStatus.PENDING), connection=connection).count()
