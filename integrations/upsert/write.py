"""Step 2 of a page upsert: write the prepared items in bulk, with history, refs, links, conflicts and events.

The fast path writes the whole page in one savepoint. If the database refuses it (a unique or check constraint the
field validation cannot see), the page is written again one record per savepoint, so only the refused record fails
(with the constraint's own message) and the rest of the page still lands.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction

from integrations.contract import PullStream
from integrations.models import Conflict, ExternalRef
from integrations.upsert.adapters import Adapter
from integrations.upsert.history import bulk_history
from integrations.upsert.insert import build, insert_new
from integrations.upsert.links import write_links
from integrations.upsert.prepare import Item
from integrations.upsert.values import message_of
from portal.core.actor import current_actor
from portal.core.events import emit_change

REF_FIELDS = ["object_id", "last_seen_hash", "synced_values", "vendor_updated_at", "last_confirmed_at",
              "missing_at_vendor_since", "updated_at"]


def actor_attrs() -> dict[str, str]:
    actor = current_actor()
    return {"actor_kind": actor.kind, "actor_label": actor.label[:200]}


class Writer:
    def __init__(self, connection: Any, stream: PullStream, adapter: Adapter, now: dt.datetime) -> None:
        self.connection = connection
        self.stream = stream
        self.adapter = adapter
        self.model = adapter.model
        self.now = now
        self.ct = ContentType.objects.get_for_model(self.model)

    def write(self, items: list[Item]) -> None:
        todo = [i for i in items if i.refreshes_ref or i.conflicts]
        if not todo:
            return
        try:
            with transaction.atomic():
                self._write(todo)
        except (DatabaseError, ValidationError):
            self._reset(todo)
            for item in todo:
                try:
                    with transaction.atomic():
                        self._write([item])
                except (DatabaseError, ValidationError) as exc:
                    self._reset([item])
                    item.status, item.reason = "failed", self._explain(item, exc)
        self._emit([i for i in todo if i.status in ("create", "update")])

    def _write(self, items: list[Item]) -> None:
        creates = [i.instance for i in items if i.status == "create"]
        updates = [i for i in items if i.status == "update"]
        if creates:
            insert_new(self.model, creates, fix=self.adapter.after_create)
            bulk_history(self.model, creates, date=self.now, attrs=actor_attrs())
        if updates:
            objs = [i.instance for i in updates]
            names = sorted({self._attname(n) for i in updates for n in i.changed} | {"updated_at"})
            for obj in objs:
                obj.updated_at = self.now  # bulk_update skips auto_now
            self.model._default_manager.bulk_update(objs, [n for n in names if n != "id"])
            bulk_history(self.model, objs, date=self.now, attrs=actor_attrs(), update=True)
        refreshed = [i for i in items if i.refreshes_ref]  # before the refs take the new hash (then all look equal)
        self._write_refs(items)
        keep = frozenset((self.stream.owned_fields or {}).get("portal", ()))
        write_links(self.connection, self.adapter, refreshed, self.now, keep)
        self._write_conflicts(items)

    def _attname(self, name: str) -> str:
        return self.model._meta.get_field(name).name

    def _write_refs(self, items: list[Item]) -> None:
        new, existing = [], []
        for item in items:
            if not item.refreshes_ref:
                continue
            ref = item.ref
            if ref is None:  # all its values at once: thousands of new refs a page
                ref = item.ref = build(ExternalRef, {
                    "connection_id": self.connection.pk, "content_type_id": self.ct.pk, "stream": self.stream.name,
                    "vendor_id": item.vendor_id, "object_id": item.instance.pk,
                    "last_seen_hash": "" if item.links_incomplete else item.hash, "synced_values": item.synced,
                    "vendor_updated_at": item.updated_at, "last_confirmed_at": self.now, "updated_at": self.now})
                ref._sync_new = True
                new.append(ref)
                continue
            ref.object_id = item.instance.pk
            ref.last_seen_hash = "" if item.links_incomplete else item.hash
            ref.synced_values = item.synced
            ref.vendor_updated_at = item.updated_at or ref.vendor_updated_at
            ref.last_confirmed_at = self.now
            ref.missing_at_vendor_since = None
            ref.updated_at = self.now
            (existing if ref.pk else new).append(ref)
        if new:
            insert_new(ExternalRef, new)
        if existing:
            ExternalRef.objects.bulk_update(existing, REF_FIELDS)

    def _write_conflicts(self, items: list[Item]) -> None:
        rows = [
            Conflict(connection=self.connection, ref=item.ref, content_type=self.ct, object_id=item.instance.pk,
                     field=name, ours=ours, theirs=theirs)
            for item in items if item.ref is not None and item.ref.pk
            for name, ours, theirs in item.conflicts
        ]
        if rows:
            Conflict.objects.bulk_create(rows)

    def _reset(self, items: list[Item]) -> None:
        """After a rolled-back savepoint, new instances must look unsaved again."""
        for item in items:
            if item.status == "create" and item.instance is not None:
                item.instance.pk = None
                item.instance._state.adding = True
            if item.ref is not None and getattr(item.ref, "_sync_new", False):
                item.ref = None  # its insert was rolled back with the savepoint

    def _explain(self, item: Item, exc: Exception) -> str:
        """The constraint's own message when Django can name it; the database's otherwise."""
        try:
            item.instance.validate_constraints()
            item.instance.validate_unique()
        except ValidationError as found:
            return message_of(found)
        except DatabaseError:
            pass
        return message_of(exc)

    def _emit(self, items: list[Item]) -> None:
        for item in items:
            emit_change(item.instance, "create" if item.status == "create" else "update", item.changed)
