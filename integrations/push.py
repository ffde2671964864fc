"""Push: drain a connection's outbox in dependency order, idempotently.

Parents go first (PushStream.order). A record's latest change supersedes its earlier pending ones. The vendor id is
stored the moment it is known (or before the first call, when the vendor keys records by our id), so a retry after
a lost answer updates rather than duplicates; a 409 becomes an update; a payload the plug-in's own validation
refuses fails at once with the vendor's words and nothing is sent.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from integrations import locking, runs
from integrations.conflicts import conflicting_fields
from integrations.context import SyncContext, opened, vendor_options
from integrations.contract import Accepted, PushStream
from integrations.errors import (
    AuthError,
    Conflict,
    DependencyPending,
    NotFound,
    RateLimited,
    Rejected,
    TransientError,
    VendorError,
)
from integrations.models import Connection, ExternalRef, OutboxEntry, OutboxStatus, SyncRun
from integrations.refs import Resolver, reached_vendor, ref_for
from integrations.upsert.values import stable_hash
from portal.core.actor import acting_as

BATCH = 100


def max_attempts() -> int:
    return int(getattr(settings, "INTEGRATIONS_PUSH_MAX_ATTEMPTS", 8))


def due(connection_id: int, now: dt.datetime | None = None) -> Any:
    now = now or timezone.now()
    return OutboxEntry.objects.filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now),
        connection_id=connection_id, status=OutboxStatus.PENDING,
    )


BUSY_RETRY = 15.0  # seconds before a resumed drain that found another sync running tries again


def run_drain(connection_id: int, run_id: int | None = None, now: dt.datetime | None = None) -> SyncRun | None:
    """Send the connection's due outbox entries as one push run. ``run_id``: the waiting run a rescheduled task
    resumes. A new request while a push run waits for its task is coalesced into it (None, no new run): that run
    reads the outbox afresh when it resumes."""
    connection = Connection.objects.get(pk=connection_id)
    resumed = SyncRun.objects.filter(pk=run_id, connection=connection, kind="push").first() if run_id else None
    if resumed is not None and resumed.is_finished and resumed.status != "failed":
        resumed = None  # a redelivered task of a run that ended: an ordinary request
    if resumed is None and runs.open_run(connection_id, "push", now) is not None:
        return None
    if not connection.is_active:
        return runs.skip(resumed, f"Connection is paused: {connection.paused_reason}") if resumed else None
    if not due(connection_id, now).exists():
        return _close(resumed, "Nothing left to push: another run sent the rest.") if resumed else None
    try:
        holder = locking.acquire(connection.pk)
    except locking.Busy as exc:
        if resumed is None:
            return None  # the running sync's own drain or the next dispatch picks these up
        runs.wait(resumed, f"{exc} Trying again shortly.", BUSY_RETRY)
        raise runs.Reschedule(BUSY_RETRY, resumed.pk) from exc
    run = runs.start(connection, "push", run_id=resumed.pk if resumed else None)
    try:
        with opened(connection) as ctx, acting_as(ctx.actor):
            seen: set[int] = set()
            for _ in range(10_000):  # bounded: each turn handles up to BATCH entries
                batch = [e for e in due(connection_id, now).select_related("content_type")[:BATCH] if e.pk not in seen]
                if not batch:
                    break
                for entry in _coalesce(batch):
                    seen.add(entry.pk)
                    _process(ctx, run, entry)
                    locking.renew(connection.pk, holder)
                run.save(update_fields=["counts", "errors", "error_count"])
    except RateLimited as exc:
        runs.wait(run, exc)
        raise runs.Reschedule(exc.retry_after or 60.0, run.pk) from exc
    except Exception as exc:
        runs.fail(run, exc)
        if not isinstance(exc, VendorError):
            raise
        return run
    finally:
        locking.release(connection.pk, holder)
    return runs.finish(run)


def _close(run: SyncRun, message: str) -> SyncRun:
    """A resumed run with nothing (more) to do: finished with what it did before it waited, else skipped."""
    if not run.counts:
        return runs.skip(run, message)
    run.message = message
    return runs.finish(run)


def _coalesce(batch: list[OutboxEntry]) -> list[OutboxEntry]:
    """Keep the latest entry per record and stream; earlier ones are superseded by it."""
    latest: dict[tuple[str, int, int], OutboxEntry] = {}
    for entry in sorted(batch, key=lambda e: e.pk):
        latest[(entry.stream, entry.content_type_id, entry.object_id)] = entry
    keep = {e.pk for e in latest.values()}
    stale = [e.pk for e in batch if e.pk not in keep]
    if stale:
        OutboxEntry.objects.filter(pk__in=stale).update(status=OutboxStatus.SUPERSEDED)
    return sorted(latest.values(), key=lambda e: (e.order, e.pk))


def _process(ctx: SyncContext, run: SyncRun, entry: OutboxEntry) -> None:
    try:
        _attempt(ctx, run, entry)
    finally:
        runs.note_faults(run, entry.stream, ctx.client)


def _attempt(ctx: SyncContext, run: SyncRun, entry: OutboxEntry) -> None:
    try:
        outcome = _push(ctx, entry)
    except (RateLimited, AuthError):
        raise  # the whole drain waits (rescheduled) or fails (credentials): the entry stays pending
    except DependencyPending as exc:
        _retry_later(entry, str(exc), run)
        return
    except TransientError as exc:
        _retry_later(entry, runs.describe(exc), run)
        return
    except (Rejected, NotFound, Conflict, VendorError) as exc:
        _finish(entry, OutboxStatus.FAILED, runs.describe(exc))
        run.add(entry.stream, "failed")
        run.add_error(entry.stream, f"{entry.content_type.model} {entry.object_id}", runs.describe(exc))
        return
    status = {"sent": OutboxStatus.SENT, "skipped": OutboxStatus.SKIPPED, "conflict": OutboxStatus.CONFLICT}[outcome]
    _finish(entry, status, "" if outcome != "conflict" else "Held until staff resolve the conflict.")
    run.add(entry.stream, {"sent": "pushed", "skipped": "unchanged", "conflict": "conflicts"}[outcome])


def _finish(entry: OutboxEntry, status: str, error: str) -> None:
    entry.status, entry.last_error = status, error[:2000]
    entry.sent_at = timezone.now() if status == OutboxStatus.SENT else None
    entry.save(update_fields=["status", "last_error", "sent_at"])


def _retry_later(entry: OutboxEntry, error: str, run: SyncRun) -> None:
    entry.attempts += 1
    entry.last_error = error[:2000]
    if entry.attempts >= max_attempts():
        entry.status = OutboxStatus.FAILED
        run.add(entry.stream, "failed")
        run.add_error(entry.stream, f"{entry.content_type.model} {entry.object_id}", f"gave up: {error}")
    else:
        entry.next_attempt_at = timezone.now() + dt.timedelta(seconds=min(3600, 15 * 2 ** entry.attempts))
        run.add(entry.stream, "deferred")
    entry.save(update_fields=["attempts", "last_error", "status", "next_attempt_at"])


def _push(ctx: SyncContext, entry: OutboxEntry) -> str:
    try:
        stream: PushStream = ctx.plugin.push_stream(entry.stream)
    except KeyError as exc:
        raise VendorError(f"{entry.stream} is not a push stream of {ctx.plugin.key}") from exc
    # A record pushed as several vendor resources has one ref per stream: never take a sibling stream's ref.
    siblings = {s.name for s in ctx.plugin.push_streams()} - {stream.name}
    ref = ref_for(ctx.connection, entry.content_type, entry.object_id, stream.name, exclude=siblings)
    if entry.action == "delete":
        if ref is not None and stream.delete is not None:
            with contextlib.suppress(NotFound):  # already gone: the goal is reached
                stream.delete(ctx.client, ref.vendor_id)
            ref.delete()
            return "sent"
        return "skipped"
    instance = entry.content_type.model_class()._default_manager.filter(pk=entry.object_id).first()
    options = vendor_options(ctx.connection)
    if instance is None or not stream.covers(instance, options):
        return "skipped"
    payload = stream.to_payload(instance, Resolver(ctx.connection, options))
    digest = stable_hash(payload)
    if ref is not None and ref.last_pushed_hash == digest:
        return "skipped"
    if stream.validate is not None:
        stream.validate(payload)  # Rejected here: nothing was sent
    if ref is not None and conflicting_fields(ctx, ref, instance):
        return "conflict"
    done, accepted = False, None
    # A planned ref that never reached the vendor was reserved for a create whose answer never came (or whose
    # confirmation failed): _create settles it.
    if ref is not None and (reached_vendor(ref) or not stream.planned_id):
        try:
            accepted = _accepted(stream.update(ctx.client, ref.vendor_id, payload))
            done = True
        except NotFound:
            ref.delete()  # gone at the vendor: create it again
            ref = None
    if not done:
        ref, accepted = _create(ctx, stream, entry, payload, ref)
    _remember(ctx, ref, instance, digest, accepted)
    return "sent"


def _accepted(result: Any) -> Accepted | None:
    return result if isinstance(result, Accepted) else None


def _create(
    ctx: SyncContext, stream: PushStream, entry: OutboxEntry, payload: dict, ref: ExternalRef | None
) -> tuple[ExternalRef, Accepted | None]:
    planned = stream.planned_id(payload) if stream.planned_id else None
    if planned:
        ref = ref or _save_ref(ctx, stream, entry, planned)  # stored before the call: a retry becomes an update
        try:
            result = stream.create(ctx.client, payload)
        except Conflict:
            result = stream.update(ctx.client, planned, payload)
        return ref, _accepted(result)
    found = stream.find(ctx.client, payload) if stream.find and entry.attempts > 0 else None
    if found:
        result = stream.update(ctx.client, found, payload)  # the earlier try created it; its answer was lost
        return ref or _save_ref(ctx, stream, entry, found), _accepted(result)
    try:
        result = stream.create(ctx.client, payload)
        vendor_id = result.vendor_id if isinstance(result, Accepted) else result
    except Conflict as exc:
        vendor_id = stream.find(ctx.client, payload) if stream.find else None
        if not vendor_id:
            raise Rejected(f"The vendor already has this record but it cannot be found to update: {exc.message}",
                           status=exc.status) from exc
        result = stream.update(ctx.client, vendor_id, payload)
    if not vendor_id:
        raise VendorError(f"{stream.name}: the vendor accepted the record but gave no id for it")
    return _save_ref(ctx, stream, entry, str(vendor_id)), _accepted(result)


def _save_ref(ctx: SyncContext, stream: PushStream, entry: OutboxEntry, vendor_id: str) -> ExternalRef:
    ref, _ = ExternalRef.objects.update_or_create(
        connection=ctx.connection, stream=stream.name, content_type=entry.content_type, object_id=entry.object_id,
        defaults={"vendor_id": str(vendor_id)},
    )
    return ref


def _remember(ctx: SyncContext, ref: ExternalRef, instance: Any, digest: str, accepted: Accepted | None) -> None:
    """The push landed. An Accepted one is confirmed later (integrations.confirm): its token waits on the ref."""
    from integrations.conflicts import shared_values

    now = timezone.now()
    ref.last_pushed_hash = digest
    ref.missing_at_vendor_since = None
    ref.synced_values = {**(ref.synced_values or {}), **shared_values(ctx.plugin, instance)}
    if accepted is None:
        ref.last_confirmed_at = now
        ref.pending_token, ref.pending_since, ref.vendor_status, ref.vendor_message = "", None, "", ""
    else:
        ref.pending_token, ref.pending_since = accepted.token, now
        ref.vendor_status, ref.vendor_message = "Accepted", ""
    ref.save(update_fields=["last_pushed_hash", "last_confirmed_at", "missing_at_vendor_since", "synced_values",
                            "pending_token", "pending_since", "vendor_status", "vendor_message", "updated_at"])
