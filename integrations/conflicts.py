"""Conflicts: a shared field changed on both sides since the last sync. Detected on pull (upsert/prepare.py) and
before a push (here); resolved by staff: keep ours (push it) or take theirs (apply it through the services)."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from integrations.errors import MappingError
from integrations.models import Conflict, ExternalRef, OutboxEntry, Resolution
from integrations.upsert.adapters import adapter_for
from integrations.upsert.values import canon, to_python
from portal.core.actor import acting_as


def _shared(plugin: Any, label: str) -> set[str]:
    names: set[str] = set()
    for stream in plugin.streams():
        if stream.model.lower() == label:
            names.update((stream.owned_fields or {}).get("shared", ()))
    return names


def shared_values(plugin: Any, instance: Any) -> dict[str, Any]:
    """The instance's shared fields as canonical values (the base stored on the ref after a push)."""
    names = _shared(plugin, instance._meta.label_lower)
    return {n: canon(instance._meta.get_field(n), getattr(instance, instance._meta.get_field(n).attname))
            for n in names}


def conflicting_fields(ctx: Any, ref: ExternalRef, instance: Any) -> list[str]:
    """Before pushing: fetch the vendor's copy (when the plug-in can) and record a Conflict for every shared field
    the vendor changed too, to a different value. Returns the conflicting field names (empty: push away)."""
    label = instance._meta.label_lower
    pull = next((s for s in ctx.plugin.pull_streams() if s.model.lower() == label and s.fetch_one), None)
    shared = _shared(ctx.plugin, label)
    if pull is None or not shared or not ref.synced_values:
        return []
    raw = pull.fetch_one(ctx.client, ref.vendor_id)
    if raw is None:
        return []
    try:
        theirs_fields = adapter_for(label).normalize(dict(pull.map_record(raw).fields))
    except MappingError:
        return []
    found = []
    for name in sorted(shared & set(theirs_fields)):
        field = instance._meta.get_field(name)
        base = ref.synced_values.get(name)
        ours = canon(field, getattr(instance, field.attname))
        theirs = canon(field, to_python(field, theirs_fields[name]))
        if name in ref.synced_values and theirs != base and ours != base and ours != theirs:
            found.append(name)
            open_exists = Conflict.objects.filter(ref=ref, field=name, resolved_at__isnull=True).exists()
            if not open_exists:
                Conflict.objects.create(connection=ctx.connection, ref=ref, content_type=ref.content_type,
                                        object_id=ref.object_id, field=name, ours=ours, theirs=theirs)
    return found


@transaction.atomic
def resolve(conflict: Conflict, resolution: str, user: Any = None) -> Conflict:
    """keep_ours: the vendor's value becomes the base and ours is queued for push. take_theirs: the vendor's value
    is applied through the services (as that connection, so it is not echoed back) and becomes the base."""
    conflict = Conflict.objects.select_for_update().select_related("ref", "connection", "content_type").get(
        pk=conflict.pk
    )
    if conflict.resolved_at is not None:
        return conflict
    if resolution not in Resolution.values:
        raise ValueError(f"Unknown resolution {resolution!r}")
    ref = conflict.ref
    instance = conflict.content_type.model_class()._default_manager.get(pk=conflict.object_id)
    if resolution == Resolution.TAKE_THEIRS:
        from integrations.context import sync_actor

        field = instance._meta.get_field(conflict.field)
        with acting_as(sync_actor(conflict.connection)):
            adapter_for(instance._meta.label).apply(instance, {conflict.field: to_python(field, conflict.theirs)})
    else:
        _queue_push(conflict, instance)
    ref.synced_values = {**(ref.synced_values or {}), conflict.field: conflict.theirs}
    ref.save(update_fields=["synced_values", "updated_at"])
    OutboxEntry.objects.filter(
        connection=conflict.connection, content_type=conflict.content_type, object_id=conflict.object_id,
        status="conflict",
    ).update(status="pending", next_attempt_at=None)
    conflict.resolution, conflict.resolved_by, conflict.resolved_at = resolution, user, timezone.now()
    conflict.save(update_fields=["resolution", "resolved_by", "resolved_at"])
    return conflict


def _queue_push(conflict: Conflict, instance: Any) -> None:
    from integrations.outbox import schedule_drain, snapshot

    plugin = conflict.connection.plugin
    label = instance._meta.label_lower
    for stream in plugin.push_streams():
        if stream.model.lower() == label and conflict.connection.stream_enabled(stream.name):
            OutboxEntry.objects.create(
                connection=conflict.connection, content_type=ContentType.objects.get_for_model(instance),
                object_id=instance.pk, stream=stream.name, action="update", payload=snapshot(instance),
                order=stream.order,
            )
            schedule_drain(conflict.connection_id)

