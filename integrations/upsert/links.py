"""Many-to-many links of pulled records (a lease's tenants, a home's owners), written in bulk with history."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.apps import apps
from django.db.models import Q

from integrations.models import ExternalRef
from integrations.upsert.adapters import Adapter
from integrations.upsert.history import bulk_history
from integrations.upsert.insert import build, insert_new
from portal.core.actor import current_actor
from portal.core.events import emit_change


def refs_q(pairs: set[tuple[str, str]]) -> Q:
    """ExternalRefs named by (stream, vendor_id) pairs: one IN per stream, not one OR per pair. Non-empty ``pairs``
    only (an empty Q() matches every row)."""
    by_stream: dict[str, list[str]] = {}
    for stream, vid in pairs:
        by_stream.setdefault(stream, []).append(vid)
    q = Q()
    for stream, vids in by_stream.items():
        q |= Q(stream=stream, vendor_id__in=vids)
    return q


def write_links(connection: Any, adapter: Adapter, items: list[Any], now: dt.datetime,
                keep: frozenset[str] = frozenset()) -> None:
    """Make each owner's links match its mapped refs (unresolved refs are left for a later pass). Links named in
    ``keep`` (the stream's portal-owned ones) are only added to: a vendor that holds fewer (BrikSync's one tenant per
    lease) never removes the portal's others."""
    for name, spec in adapter.links.items():
        owners = [i for i in items if i.mapped is not None and name in i.mapped.links and i.instance.pk]
        if not owners:
            continue
        wanted_refs = {(r.stream, r.vendor_id) for i in owners for r in i.mapped.links[name]}
        target_ids = {  # none wanted (owners with empty lists): an empty Q() would load every ref of the connection
            (row.stream, row.vendor_id): row.object_id
            for row in ExternalRef.objects.filter(refs_q(wanted_refs), connection=connection).only(
                "stream", "vendor_id", "object_id")
        } if wanted_refs else {}
        through = apps.get_model(spec.through)
        owner_ids = [i.instance.pk for i in owners if i.status != "create"]  # a record just made has no links yet
        current: dict[int, dict[int, Any]] = {}
        rows = through._default_manager.filter(**{f"{spec.owner_fk}_id__in": owner_ids}) if owner_ids else []
        for row in rows:
            current.setdefault(getattr(row, f"{spec.owner_fk}_id"), {})[getattr(row, f"{spec.target_fk}_id")] = row
        to_create, to_delete = [], []
        for item in owners:
            desired = [target_ids[(r.stream, r.vendor_id)] for r in item.mapped.links[name]
                       if (r.stream, r.vendor_id) in target_ids]
            have = current.get(item.instance.pk, {})
            prune = not item.links_incomplete and name not in keep  # only drop links when the full list is known
            staying = [t for t in have if t in desired] if prune else list(have)
            for index, target_id in enumerate(dict.fromkeys(desired)):
                if target_id not in have:
                    # The first link takes the first role (a lease's primary tenant) when no other link stays.
                    extra = spec.first_extra if index == 0 and not staying else spec.other_extra
                    to_create.append(build(through, {"organization_id": item.instance.organization_id,
                                                     f"{spec.owner_fk}_id": item.instance.pk,
                                                     f"{spec.target_fk}_id": target_id, **extra}))
            if prune:
                to_delete.extend(row for target_id, row in have.items() if target_id not in desired)
        if to_create:
            insert_new(through, to_create)
            actor = current_actor()
            bulk_history(through, to_create, date=now,
                         attrs={"actor_kind": actor.kind, "actor_label": actor.label[:200]})
            for row in to_create:
                emit_change(row, "create")
        for row in to_delete:
            emit_change(row, "delete")
        if to_delete:
            through._default_manager.filter(pk__in=[r.pk for r in to_delete]).delete()
