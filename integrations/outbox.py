"""Local changes become outbox entries, in the same transaction as the change, for every connection that pushes them.

The services send ``record_changed`` inside their transaction; the receiver here writes one OutboxEntry per active
connection with a push stream for the model, except the connection that made the change (no echo). The sync
engine's bulk upserts collect their events with ``batched()`` and write the entries in one query per page.
"""

from __future__ import annotations

import contextlib
import functools
import logging
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.dispatch import receiver

from integrations.models import Connection, ConnectionState, OutboxEntry
from integrations.registry import UnknownVendor, VendorUnavailable
from integrations.upsert.values import canon
from portal.core.actor import Actor
from portal.core.events import record_changed

logger = logging.getLogger("integrations.outbox")
Change = tuple[Any, str, set[str], Actor]
_batch: ContextVar[list[Change] | None] = ContextVar("lintel_outbox_batch", default=None)


@contextlib.contextmanager
def batched() -> Iterator[None]:
    """Collect change events and write their outbox entries together when the block ends."""
    token = _batch.set([])
    try:
        yield
        changes = _batch.get() or []
    finally:
        _batch.reset(token)
    if changes:
        enqueue(changes)


@receiver(record_changed, dispatch_uid="integrations.outbox")
def on_record_changed(sender: Any, instance: Any, action: str, changed: set[str], actor: Actor, **kw: Any) -> None:
    if getattr(instance, "organization_id", None) is None:
        return
    batch = _batch.get()
    if batch is not None:
        batch.append((instance, action, set(changed or ()), actor))
    else:
        enqueue([(instance, action, set(changed or ()), actor)])


def snapshot(instance: models.Model) -> dict[str, Any]:
    return {f.attname: canon(f, getattr(instance, f.attname)) for f in instance._meta.concrete_fields}


def _push_streams(connection: Connection, label: str) -> list[Any]:
    try:
        plugin = connection.plugin
    except (UnknownVendor, VendorUnavailable):
        return []
    return [s for s in plugin.push_streams() if s.model.lower() == label and connection.stream_enabled(s.name)]


def enqueue(changes: list[Change]) -> list[OutboxEntry]:
    org_ids = {instance.organization_id for instance, *_ in changes}
    connections = list(Connection.objects.filter(organization_id__in=org_ids, state=ConnectionState.ACTIVE))
    if not connections:
        return []
    entries: list[OutboxEntry] = []
    streams_cache: dict[tuple[int, str], list[Any]] = {}
    options_cache: dict[int, dict[str, Any]] = {}
    for instance, action, _changed, actor in changes:
        label = instance._meta.label_lower
        for connection in connections:
            if connection.organization_id != instance.organization_id:
                continue
            if actor.kind == "sync" and actor.connection_id == connection.pk:
                continue  # the vendor made this change: sending it back would be an echo
            key = (connection.pk, label)
            if key not in streams_cache:
                streams_cache[key] = _push_streams(connection, label)
            if streams_cache[key] and connection.pk not in options_cache:
                options_cache[connection.pk] = _options(connection)
            for stream in streams_cache[key]:
                if action not in stream.actions or not _applies(stream, instance, options_cache[connection.pk]):
                    continue
                entries.append(OutboxEntry(
                    connection=connection, content_type=ContentType.objects.get_for_model(instance),
                    object_id=instance.pk, stream=stream.name, action=action, payload=snapshot(instance),
                    order=stream.order,
                ))
    if entries:
        OutboxEntry.objects.bulk_create(entries)
        for connection_id in {e.connection_id for e in entries}:
            schedule_drain(connection_id)
    return entries


def _options(connection: Connection) -> dict[str, Any]:
    from integrations.context import vendor_options

    return vendor_options(connection)


def _applies(stream: Any, instance: Any, options: dict[str, Any] | None = None) -> bool:
    try:
        return bool(stream.covers(instance, options or {}))
    except Exception:  # a plug-in's filter failing must not break the portal's write
        logger.exception("applies_to of %s failed", stream.name)
        return False


def schedule_drain(connection_id: int) -> None:
    """Publish one drain per connection when the transaction commits (several changes, one task)."""
    from integrations import tasks

    conn = transaction.get_connection()
    if conn.in_atomic_block:
        for _sids, func, _robust in conn.run_on_commit:
            if getattr(func, "lintel_drain", None) == connection_id:
                return
    callback = functools.partial(tasks.publish_drain, connection_id)
    callback.lintel_drain = connection_id  # type: ignore[attr-defined]
    transaction.on_commit(callback)
