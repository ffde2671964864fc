"""Confirmations: settle pushes the vendor accepted but confirms later (a push stream's ``Accepted`` result).

The drain stores the vendor's token (e.g. a BuildingMinds batch id) on the record's ExternalRef. A follow-up task
polls the stream's ``confirm`` for every pending ref of a connection: a confirmed record is marked confirmed; a
failed one keeps the vendor's status and message on its ref (shown with the record's vendor links), is listed in a
"confirm" run, and is re-sent by its next change; a record still pending after the timeout fails with that reason.
Each settlement is a conditional update on the token, so a newer push of the same record (a new token) is never
overwritten by the verdict on an older one, and no lock is needed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.utils import timezone

from integrations import runs
from integrations.context import opened
from integrations.contract import Confirmation
from integrations.errors import RateLimited, VendorError
from integrations.models import Connection, ConnectionState, ExternalRef, SyncRun
from integrations.models_runs import RunKind

BATCH = 200


def poll_seconds(connection: Connection) -> float:
    value = (connection.config or {}).get("confirm_poll_seconds")
    return float(value if value is not None else getattr(settings, "INTEGRATIONS_CONFIRM_POLL_SECONDS", 30))


def timeout_seconds(connection: Connection) -> float:
    value = (connection.config or {}).get("confirm_timeout_seconds")
    return float(value if value is not None else getattr(settings, "INTEGRATIONS_CONFIRM_TIMEOUT_SECONDS", 3600))


def pending(connection_id: int) -> Any:
    return ExternalRef.objects.filter(connection_id=connection_id).exclude(pending_token="")


def due_connections(now: dt.datetime | None = None) -> list[int]:
    """Active connections with a confirmation pending for at least their poll interval (beat's safety net)."""
    now = now or timezone.now()
    waiting = ExternalRef.objects.exclude(pending_token="").values("connection_id")
    due = []
    for connection in Connection.objects.filter(state=ConnectionState.ACTIVE, pk__in=waiting).order_by("pk"):
        if pending(connection.pk).filter(pending_since__lte=now - dt.timedelta(seconds=poll_seconds(connection))
                                         ).exists():
            due.append(connection.pk)
    return due


def run_confirm(connection_id: int, now: dt.datetime | None = None) -> SyncRun | None:
    """Poll every pending confirmation of the connection once. A run is recorded when something settled or the
    poll failed; None when nothing was pending or everything is still pending."""
    connection = Connection.objects.get(pk=connection_id)
    refs = list(pending(connection_id).select_related("content_type").order_by("pending_since", "pk")[:BATCH])
    if not connection.is_active or not refs:
        return None
    now = now or timezone.now()
    deadline = now - dt.timedelta(seconds=timeout_seconds(connection))
    run = SyncRun(connection=connection, kind=RunKind.CONFIRM)
    verdicts: dict[tuple[str, str], Confirmation] = {}
    try:
        with opened(connection) as ctx:
            for ref in refs:
                verdict = _verdict(ctx, ref, verdicts)
                if verdict.state == "pending" and ref.pending_since and ref.pending_since <= deadline:
                    waited = int(timeout_seconds(connection) // 60)
                    verdict = Confirmation("failed", verdict.status or "Unconfirmed",
                                           f"not confirmed within {waited} min"
                                           + (f" (last: {verdict.reason or verdict.status})" if verdict.status else ""))
                _settle(run, ref, verdict, now)
    except RateLimited as exc:
        if _settled(run):
            _save(run)
        raise runs.Reschedule(exc.retry_after or 60.0, run.pk or 0) from exc
    except VendorError as exc:  # auth, or the vendor failing after the client's retries: polled again later
        return runs.fail(runs.start(connection, RunKind.CONFIRM, run_id=_save(run)), exc)
    if not _settled(run):
        return None
    run = SyncRun.objects.get(pk=_save(run))
    return runs.finish(run)


def _verdict(ctx: Any, ref: ExternalRef, cache: dict[tuple[str, str], Confirmation]) -> Confirmation:
    key = (ref.stream, ref.pending_token)
    if key not in cache:
        try:
            stream = ctx.plugin.push_stream(ref.stream)
        except KeyError:
            stream = None
        if stream is None or stream.confirm is None:
            cache[key] = Confirmation("confirmed", "", "")  # nothing to ask: the write was final
        else:
            try:
                cache[key] = stream.confirm(ctx.client, ref.pending_token)
            except (RateLimited, VendorError) as exc:
                if isinstance(exc, RateLimited) or exc.retryable or exc.status in (401, 403):
                    raise
                # A definite answer about this token (e.g. 404: the vendor does not know the batch): its record.
                cache[key] = Confirmation("failed", f"HTTP {exc.status}" if exc.status else "Error", exc.message)
    return cache[key]


def _settle(run: SyncRun, ref: ExternalRef, verdict: Confirmation, now: dt.datetime) -> None:
    same = ExternalRef.objects.filter(pk=ref.pk, pending_token=ref.pending_token)
    record = f"{ref.content_type.model} {ref.object_id}"
    if verdict.state == "pending":
        if verdict.status:
            same.update(vendor_status=verdict.status[:60], vendor_message=verdict.reason)
        run.add(ref.stream, "awaiting")
        return
    if verdict.state == "confirmed":
        changed = same.update(pending_token="", pending_since=None, last_confirmed_at=now,
                              vendor_status=(verdict.status or "Confirmed")[:60], vendor_message="")
        if changed:
            run.add(ref.stream, "confirmed")
        return
    # Failed: the vendor does not hold this version. Clearing the pushed hash lets the next change (or a re-save)
    # send it again; a record the vendor never confirmed also counts as not there yet for its children.
    changed = same.update(pending_token="", pending_since=None, last_pushed_hash="",
                          vendor_status=(verdict.status or "Failed")[:60], vendor_message=verdict.reason[:2000])
    if changed:
        run.add(ref.stream, "failed")
        run.add_error(ref.stream, record, f"{verdict.status or 'Failed'}: {verdict.reason}".rstrip(": "))


def _settled(run: SyncRun) -> bool:
    totals = run.totals()
    return bool(totals.get("confirmed") or totals.get("failed"))


def _save(run: SyncRun) -> int:
    run.started_at = run.started_at or timezone.now()
    run.save()
    return run.pk
