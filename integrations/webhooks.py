"""Webhooks: verify first, store once (dedupe key), answer fast; process later in a task.

Processing is out-of-order safe: thin events re-fetch the record's current state; fat events older than what was
already applied (vendor's updated time on the ref) are skipped. A delete, or a re-fetch that finds nothing, marks the
record missing at the vendor (soft, undoable), never deletes it.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from integrations import outbox, runs
from integrations.context import opened, vendor_options
from integrations.contract import PullStream, WebhookEvent
from integrations.errors import RateLimited, VendorError, WebhookRejected
from integrations.models import Connection, ExternalRef, SyncRun, WebhookDelivery
from integrations.models_runs import DeliveryStatus
from integrations.upsert.links import refs_q
from integrations.upsert.page import upsert_records
from portal.core.actor import acting_as

logger = logging.getLogger("integrations.webhooks")
_SECRET_WORDS = ("signature", "secret", "authorization", "token", "key", "cookie", "password")


def safe_headers(headers: Mapping[str, str], secrets: Any = ()) -> dict[str, str]:
    """Headers fit to store: none named like a secret, none carrying one of the connection's credentials (a vendor
    may send its key in a header of any name the connection configures)."""
    hidden = {str(s).strip() for s in secrets if s and str(s).strip()}
    return {k: v for k, v in headers.items()
            if not any(word in k.lower() for word in _SECRET_WORDS) and v.strip() not in hidden}


def receive(connection: Connection, headers: Mapping[str, str], body: bytes) -> tuple[int, dict[str, Any]]:
    """Returns (HTTP status, JSON answer). Nothing is stored unless the delivery is genuine."""
    lowered = {k.lower(): v for k, v in headers.items()}
    plugin = connection.plugin
    credentials = connection.credentials.reveal()
    try:
        genuine = plugin.verify_webhook_with_options(lowered, body, credentials, vendor_options(connection))
        reason = "signature does not match"
    except WebhookRejected as exc:
        genuine, reason = False, str(exc) or "rejected"
    if not genuine:
        logger.warning("Webhook for connection %s refused: %s", connection.pk, reason)
        return 401, {"error": f"Webhook refused: {reason}."}
    problem = _unreadable(plugin, body)
    if problem:  # it would only fail later, in its task, where the vendor never hears of it
        logger.warning("Webhook for connection %s refused: %s", connection.pk, problem)
        return 400, {"error": f"Webhook refused: {problem}."}
    key = plugin.webhook_dedupe_key(lowered, body)[:128]
    try:
        with transaction.atomic():
            delivery = WebhookDelivery.objects.create(
                connection=connection, dedupe_key=key, headers=safe_headers(lowered, credentials.values()),
                body=body.decode("utf-8", errors="replace"),
            )
            transaction.on_commit(lambda: _publish(delivery.pk))
    except IntegrityError:
        return 200, {"status": "duplicate"}
    return 202, {"status": "accepted", "delivery": delivery.pk}


def _unreadable(plugin: Any, body: bytes) -> str | None:
    """Why a genuine body cannot be an event: the plug-in cannot parse it, or finds no event in it and it is not
    even JSON. None when it may be one; any other surprise is left to processing, which records it."""
    try:
        events = plugin.parse_webhook(body)
    except ValueError as exc:  # JSON and Unicode errors among them
        return f"the body cannot be read ({exc})"
    except Exception:
        return None
    if events:
        return None
    try:
        json.loads(body)
    except ValueError as exc:
        return f"the body is not JSON ({exc})"
    return None


def waiting_deliveries(limit: int = 500) -> list[int]:
    """Deliveries to process again: held while their connection was paused (and it is active now), or received
    over five minutes ago and never processed (the task was lost with its worker) unless their connection's
    webhooks are being worked through (``_working_through``): then they are queued behind, not lost."""
    now = timezone.now()
    stale = now - timezone.timedelta(minutes=5)
    qs = WebhookDelivery.objects.filter(
        Q(status=DeliveryStatus.HELD)
        | (Q(status=DeliveryStatus.RECEIVED, received_at__lt=stale) & ~Q(connection_id__in=_working_through(now))),
        connection__state="active",
    ).order_by("received_at", "id")
    return list(qs.values_list("pk", flat=True)[:limit])


def _working_through(now: dt.datetime) -> set[int]:
    """Connections with a webhook run started within the lock's lease and still running, or waiting for the vendor
    (rate limited) with its task still to come: their backlog is in the broker, re-queuing it would double it."""
    from integrations.locking import ttl

    busy = set()
    for run in SyncRun.objects.filter(kind="webhook", status__in=["running", "waiting"]).only(
            "connection_id", "status", "started_at", "progress", "created_at"):
        running = run.status == "running" and run.started_at and run.started_at >= now - ttl()
        if running or (run.status == "waiting" and not runs.abandoned(run, now)):
            busy.add(run.connection_id)
    return busy


def _publish(delivery_id: int) -> None:
    from integrations import tasks

    tasks.publish_after_commit(tasks.process_webhook, delivery_id)  # stored: the vendor gets its 2xx either way


def process(delivery_id: int, run_id: int | None = None) -> SyncRun | None:
    delivery = WebhookDelivery.objects.select_related("connection").get(pk=delivery_id)
    resumed = SyncRun.objects.filter(pk=run_id, connection=delivery.connection).first() if run_id else None
    if delivery.status == DeliveryStatus.PROCESSED:
        return runs.skip(resumed, "The delivery was processed by another task.") if resumed else None
    connection = delivery.connection
    if not connection.is_active:
        WebhookDelivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.HELD)
        return runs.skip(resumed, f"Connection is paused: {connection.paused_reason}") if resumed else None
    run = runs.start(connection, "webhook", run_id=run_id)  # run_id: the run a rate-limited retry resumes
    try:
        events = connection.plugin.parse_webhook(delivery.body.encode())
        with opened(connection) as ctx, acting_as(ctx.actor):
            for event in events:
                try:
                    _apply(ctx, run, event)
                finally:
                    runs.note_faults(run, event.stream, ctx.client)
    except RateLimited as exc:
        runs.wait(run, exc)
        raise runs.Reschedule(exc.retry_after or 60.0, run.pk) from exc
    except Exception as exc:
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            status=DeliveryStatus.FAILED, error=runs.describe(exc)[:2000], processed_at=timezone.now()
        )
        runs.fail(run, exc)
        if isinstance(exc, VendorError | ValueError | json.JSONDecodeError):
            return run
        raise
    WebhookDelivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.PROCESSED, processed_at=timezone.now(),
                                                          error="")
    return runs.finish(run)


def _apply(ctx: Any, run: SyncRun, event: WebhookEvent) -> None:
    stream = ctx.plugin.pull_stream(event.stream)
    if not ctx.connection.stream_enabled(stream.name):
        return
    run.add(stream.name, "fetched", 0)
    raw = event.record
    if event.action == "delete" or (raw is None and stream.fetch_one is None):
        _mark_missing(ctx, run, stream, event.vendor_id, event.occurred_at if event.action == "delete" else None)
        return
    if raw is None:
        raw = stream.fetch_one(ctx.client, event.vendor_id)  # thin event: the vendor's current state
        if raw is None:
            _mark_missing(ctx, run, stream, event.vendor_id)
            return
    elif _is_stale(ctx, stream, event, raw):
        run.add(stream.name, "unchanged")
        return
    with transaction.atomic(), outbox.batched():
        result = upsert_records(ctx.connection, stream, [raw], timezone.now())
        for key, value in result.counts().items():
            run.add(stream.name, key, value)
        if _fetch_link_targets(ctx, run, result):  # e.g. a lease's tenants, made at the vendor with the lease
            result = upsert_records(ctx.connection, stream, [raw], timezone.now())  # its links now complete
        for vid, reason in result.errors:
            run.add_error(stream.name, vid, reason)
        run.save(update_fields=["counts", "errors", "error_count"])


MAX_LINK_TARGETS = 20  # per event: a record naming more waits for the next pull, as before


def _fetch_link_targets(ctx: Any, run: SyncRun, result: Any) -> bool:
    """Fetch and land the linked records a webhook's record names but the portal has not synced yet (thin events
    say nothing of them). True when any landed, so the record is applied again with its links complete."""
    wanted = {(r.stream, r.vendor_id) for item in result.items if item.links_incomplete and item.mapped is not None
              for refs in item.mapped.links.values() for r in refs}
    known = set(ExternalRef.objects.filter(refs_q(wanted), connection=ctx.connection)
                .values_list("stream", "vendor_id")) if wanted else set()
    landed = False
    for stream_name, vendor_id in sorted(wanted - known)[:MAX_LINK_TARGETS]:
        try:
            target = ctx.plugin.pull_stream(stream_name)
        except KeyError:
            continue
        if target.fetch_one is None or not ctx.connection.stream_enabled(target.name):
            continue
        raw = target.fetch_one(ctx.client, vendor_id)
        if raw is None:
            continue
        done = upsert_records(ctx.connection, target, [raw], timezone.now())
        for key, value in done.counts().items():
            run.add(target.name, key, value)
        for vid, reason in done.errors:
            run.add_error(target.name, vid, reason)
        landed = landed or bool(done.landed_ids)
    return landed


def _is_stale(ctx: Any, stream: PullStream, event: WebhookEvent, raw: dict[str, Any]) -> bool:
    """A fat event older than the version already applied (deliveries come in any order)."""
    if stream.updated_at is None:
        return False
    ref = ExternalRef.objects.filter(connection=ctx.connection, stream=stream.name, vendor_id=event.vendor_id).first()
    try:
        updated = stream.updated_at(raw)
    except Exception:
        return False
    if not (ref and ref.vendor_updated_at and updated):
        return False
    # A deleted record: even the version the delete was made from (same time) must not bring it back.
    return updated <= ref.vendor_updated_at if ref.missing_at_vendor_since else updated < ref.vendor_updated_at


def _mark_missing(
    ctx: Any, run: SyncRun, stream: PullStream, vendor_id: str, deleted_at: dt.datetime | None = None
) -> None:
    refs = ExternalRef.objects.filter(connection=ctx.connection, stream=stream.name, vendor_id=vendor_id)
    marked = refs.filter(missing_at_vendor_since__isnull=True).update(missing_at_vendor_since=timezone.now())
    if deleted_at is not None:
        # Remember when: a fat event of an older (or the same) version delivered after the delete is stale.
        refs.filter(Q(vendor_updated_at__isnull=True) | Q(vendor_updated_at__lt=deleted_at)).update(
            vendor_updated_at=deleted_at
        )
    run.add(stream.name, "missing", marked)
