"""Step 1 of a page upsert: map records, find what changed, resolve parents, apply fields and validate.

No writes happen here. Every outcome is an ``Item`` with a status; the write step (write.py) persists the
ones marked create/update in bulk. The number of queries does not depend on the page size.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower

from integrations.contract import PORTAL_REF_PREFIX, Mapped, PullStream, Ref, RemoteFile
from integrations.errors import MappingError
from integrations.models import Conflict, ExternalRef
from integrations.upsert.adapters import Adapter, ChainIndex
from integrations.upsert.checks import surely_valid
from integrations.upsert.insert import IDENTITY, build
from integrations.upsert.links import refs_q
from integrations.upsert.values import canon, mapped_hash, message_of, to_python
from portal.core.errors import DomainError
from portal.locations.models import Location

MISSING = object()


@dataclass
class Item:
    raw: dict[str, Any]
    vendor_id: str = ""
    mapped: Mapped | None = None
    hash: str = ""
    updated_at: dt.datetime | None = None
    ref: ExternalRef | None = None
    instance: Any = None
    status: str = "new"  # create | update | unchanged | failed | deferred
    reason: str = ""
    changed: set[str] = field(default_factory=set)
    synced: dict[str, Any] = field(default_factory=dict)
    conflicts: list[tuple[str, Any, Any]] = field(default_factory=list)  # (field, ours, theirs)
    links_incomplete: bool = False  # some linked records are not synced yet: retried on the next pass
    files: dict[str, RemoteFile] = field(default_factory=dict)  # file fields to fetch before writing
    adopt: int | None = None  # pk of the unlinked portal record this record adopts (PullStream.match)

    @property
    def refreshes_ref(self) -> bool:
        """The mapped record differs from what was last seen, so its ref, links and conflicts need writing."""
        return self.status in ("create", "update") or (self.status == "unchanged" and (
            self.adopt is not None or (self.ref is not None and self.ref.last_seen_hash != self.hash)))


def file_version_key(name: str) -> str:
    """Where a pulled file's version is kept among the ref's synced values (so an unchanged file is not fetched)."""
    return f"{name}@version"


def _fold(key: tuple[Any, ...], folded: list[bool]) -> tuple[Any, ...]:
    return tuple(str(v).lower() if fold and v is not None else v for v, fold in zip(key, folded, strict=True))


def map_records(stream: PullStream, records: list[dict[str, Any]]) -> list[Item]:
    """Map every record (pure plug-in code); a record that cannot be mapped fails alone, with its reason."""
    items: dict[str, Item] = {}
    failed: list[Item] = []
    for raw in records:
        item = Item(raw=raw)
        try:
            item.vendor_id = str(stream.vendor_id(raw))
            item.mapped = stream.map_record(raw)
            if stream.updated_at is not None:
                item.updated_at = stream.updated_at(raw)
            item.hash = mapped_hash(item.mapped)
        except MappingError as exc:
            item.status, item.reason = "failed", str(exc)
        except Exception as exc:  # a plug-in bug on one record must not lose the rest of the page
            item.status, item.reason = "failed", f"{type(exc).__name__}: {exc}"
        if item.status == "failed" and not item.vendor_id:
            failed.append(item)
        else:
            items[item.vendor_id] = item  # a record repeated on a page (offset paging shifts): the last one wins
    return [*items.values(), *failed]


class Preparer:
    """Turns mapped items into validated instances, with every lookup done once per page."""

    def __init__(self, connection: Any, stream: PullStream, adapter: Adapter, now: dt.datetime) -> None:
        self.connection = connection
        self.stream = stream
        self.adapter = adapter
        self.model = adapter.model
        self.now = now
        self.ct = ContentType.objects.get_for_model(self.model)
        owned = stream.owned_fields or {}
        self.portal_owned = set(owned.get("portal", ()))
        self.shared = set(owned.get("shared", ()))
        self.required = {f.name for f in self.model._meta.concrete_fields
                         if not f.blank and not f.has_default() and not f.is_relation and not f.primary_key}
        self.plain = [f.name for f in self.model._meta.concrete_fields if not f.is_relation]  # what full_clean checks
        self.identity = {f.name: IDENTITY[type(f)] for f in self.model._meta.concrete_fields if type(f) in IDENTITY}

    def run(self, items: list[Item]) -> list[Item]:
        live = [i for i in items if i.status != "failed"]
        refs = ExternalRef.objects.filter(
            connection=self.connection, stream=self.stream.name, vendor_id__in=[i.vendor_id for i in live]
        )
        by_vid = {r.vendor_id: r for r in refs}
        todo = []
        for item in live:
            item.ref = by_vid.get(item.vendor_id)
            if item.ref is not None and item.ref.last_seen_hash == item.hash:
                item.status = "unchanged"
            else:
                todo.append(item)
        if not todo:
            return items
        targets = self._resolve_refs(todo)
        existing = self._existing([i.ref.object_id for i in todo if i.ref is not None])
        existing.update(self._adopt([i for i in todo if i.ref is None]))
        chain = self._chain(targets.values(), existing.values())
        open_conflicts = self._open_conflicts([i.ref for i in todo if i.ref is not None])
        for item in todo:
            if item.status != "failed":  # an ambiguous match fails before it is prepared
                self._prepare(item, targets, existing, chain, open_conflicts)
        return items

    # --- lookups (one query each) ---------------------------------------------------------------------------
    def _resolve_refs(self, items: list[Item]) -> dict[tuple[str, str], Any]:
        wanted: set[tuple[str, str]] = set()
        parents: set[tuple[str, str]] = set()
        for item in items:
            assert item.mapped is not None
            parents.update((r.stream, r.vendor_id) for r in item.mapped.parents.values())
            wanted.update((r.stream, r.vendor_id) for refs in item.mapped.links.values() for r in refs)
        wanted |= parents
        portal = {w for w in wanted if w[0].startswith(PORTAL_REF_PREFIX)}
        resolved = self._portal_targets(portal)
        wanted -= portal
        if not wanted:
            return resolved
        rows = ExternalRef.objects.filter(refs_q(wanted), connection=self.connection).values_list(
            "stream", "vendor_id", "content_type_id", "object_id")
        ids_by_model: dict[type[models.Model], set[int]] = {}
        keyed: dict[tuple[str, str], tuple[type[models.Model], int]] = {}
        whole: set[type[models.Model]] = set()  # models some record's parent is of: loaded as instances
        for stream, vid, ct_id, object_id in rows:
            model = ContentType.objects.get_for_id(ct_id).model_class()
            ids_by_model.setdefault(model, set()).add(object_id)
            keyed[(stream, vid)] = (model, object_id)
            if (stream, vid) in parents:
                whole.add(model)
        loaded: dict[tuple[type[models.Model], int], Any] = {}
        for model, ids in ids_by_model.items():
            if model in whole:
                for obj in model._default_manager.filter(pk__in=ids):
                    loaded[(model, obj.pk)] = obj
            else:  # only linked to (a lease's tenants): that it exists is all a link needs
                for pk in model._default_manager.filter(pk__in=ids).values_list("pk", flat=True):
                    loaded[(model, pk)] = pk
        return {**resolved, **{key: loaded[target] for key, target in keyed.items() if target in loaded}}

    def _portal_targets(self, wanted: set[tuple[str, str]]) -> dict[tuple[str, str], Any]:
        """``Ref.portal`` parents: this organization's own records by primary key, one query per model."""
        by_model: dict[str, set[int]] = {}
        for stream, pk in wanted:
            if pk.isdigit():
                by_model.setdefault(stream[len(PORTAL_REF_PREFIX):], set()).add(int(pk))
        found: dict[tuple[str, str], Any] = {}
        for label, pks in by_model.items():
            try:
                model = apps.get_model(label)
            except (LookupError, ValueError):
                continue  # an unknown model: the records fail with the reason in _set_parent
            for obj in model._default_manager.filter(pk__in=pks, organization_id=self.connection.organization_id):
                found[(f"{PORTAL_REF_PREFIX}{label}", str(obj.pk))] = obj
        return found

    def _existing(self, ids: list[int]) -> dict[int, Any]:
        if not ids:
            return {}
        rows = self.model._default_manager.filter(pk__in=ids)
        if self.adapter.parents:  # select_related() with no names would join every foreign key
            rows = rows.select_related(*self.adapter.parents)
        return {obj.pk: obj for obj in rows}

    def _adopt(self, items: list[Item]) -> dict[int, Any]:
        """``PullStream.match``: the unlinked portal records the page's new records adopt (one query a page).
        Sets ``item.adopt``; a record with several candidates, or whose candidate another record of the page also
        wants, fails with the reason. Returns the adopted records by pk."""
        match = self.stream.match
        if match is None or not items:
            return {}
        folded = [name in match.ignore_case for name in match.fields]
        wanted: dict[tuple[Any, ...], list[Item]] = {}
        for item in items:
            assert item.mapped is not None
            try:
                key = match.key(item.mapped) if match.key else tuple(item.mapped.fields[n] for n in match.fields)
            except KeyError:
                key = None  # the record does not carry the key: nothing to adopt
            if key is not None:
                wanted.setdefault(_fold(key, folded), []).append(item)
        if not wanted:
            return {}
        rows = self.model._default_manager.filter(organization_id=self.connection.organization_id).exclude(
            pk__in=ExternalRef.objects.filter(connection=self.connection, stream=self.stream.name,
                                              content_type=self.ct).values("object_id"))
        lookups = {}
        for index, name in enumerate(match.fields):  # a superset of the keys; exact keys are compared below
            values = {key[index] for key in wanted}
            if folded[index]:
                rows = rows.alias(**{f"_match_{index}": Lower(name)})
                lookups[f"_match_{index}__in"] = values
            else:
                lookups[f"{name}__in"] = values
        rows = rows.filter(**lookups)
        if self.adapter.parents:
            rows = rows.select_related(*self.adapter.parents)
        candidates: dict[tuple[Any, ...], list[Any]] = {}
        for obj in rows.order_by("pk"):
            key = _fold(tuple(getattr(obj, name) for name in match.fields), folded)
            if key in wanted:
                candidates.setdefault(key, []).append(obj)
        adopted: dict[int, Any] = {}
        label = self.model._meta.verbose_name
        for key, found in candidates.items():
            claimants = wanted[key]
            if len(found) == 1 and len(claimants) == 1:
                claimants[0].adopt = found[0].pk
                adopted[found[0].pk] = found[0]
                continue
            ids = ", ".join(str(obj.pk) for obj in found[:5])
            for item in claimants:
                item.status = "failed"
                item.reason = (f"matches {len(found)} unlinked {label}s of this organization (ids {ids}): link "
                               "one by hand or tell them apart" if len(found) > 1 else
                               f"{len(claimants)} records of this page match the same unlinked {label} "
                               f"(id {ids}): none adopted")
        return adopted

    def _chain(self, targets: Any, existing: Any) -> ChainIndex:
        ids: set[int] = set()
        for obj in [*targets, *existing]:
            if isinstance(obj, Location):
                ids.update([obj.pk, *obj.ancestor_ids])
        return ChainIndex({loc.pk: loc for loc in Location.objects.filter(pk__in=ids)} if ids else {})

    def _open_conflicts(self, refs: list[ExternalRef]) -> dict[tuple[int, str], Conflict]:
        if not (self.shared or self.stream.settle) or not refs:
            return {}
        rows = Conflict.objects.filter(ref__in=refs, resolved_at__isnull=True)
        return {(c.ref_id, c.field): c for c in rows}

    # --- one record -----------------------------------------------------------------------------------------
    def _prepare(self, item: Item, targets: dict, existing: dict, chain: ChainIndex, open_conflicts: dict) -> None:
        assert item.mapped is not None
        pk = item.ref.object_id if item.ref is not None else item.adopt
        creating = pk not in existing
        instance = build(self.model, {"organization_id": self.connection.organization_id}) if creating else existing[pk]
        item.instance = instance
        try:
            fields = self.adapter.normalize(dict(item.mapped.fields))
            unknown = set(fields) - self.adapter.fields
            if unknown:
                raise MappingError(f"fields not accepted for {self.adapter.label}: {', '.join(sorted(unknown))}")
            if not creating:
                fields = {k: v for k, v in fields.items() if k not in self.portal_owned | self.adapter.create_only}
            if hasattr(instance, "status"):
                instance._sync_old_status = None if creating else instance.status
            for fk, ref in item.mapped.parents.items():
                self._set_parent(item, instance, fk, ref, targets)
                if item.status == "deferred":
                    return
            item.synced = dict(item.ref.synced_values) if item.ref is not None else {}
            for name, value in fields.items():
                self._set_field(item, instance, name, value, creating, open_conflicts)
            self._check_links(item, targets)
            if not creating and not item.changed:
                item.status = "unchanged"
                return
            instance._sync_changed = item.changed
            # Validate what the mapping set, plus required fields it may have left blank; untouched fields hold
            # their model defaults (valid by definition). Relations were resolved and checked above.
            checked = set(fields) | self.required if creating else item.changed
            checked = [name for name in self.plain if name in checked and name not in item.files]  # files: below
            if not surely_valid(self.model, instance, checked):  # full_clean refuses with the domain's words
                exclude = [f.name for f in self.model._meta.concrete_fields if f.name not in checked]
                instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
            self.adapter.check(instance, creating, chain)
            self._fetch_files(item, instance)
        except (ValidationError, DomainError, MappingError, TypeError, ValueError) as exc:
            item.status, item.reason = "failed", message_of(exc)
            return
        item.status = "create" if creating else "update"

    def _set_parent(self, item: Item, instance: Any, fk: str, ref: Ref, targets: dict) -> None:
        if fk not in self.adapter.parents:
            raise MappingError(f"{self.adapter.label} has no parent field {fk!r}")
        target = targets.get((ref.stream, ref.vendor_id))
        if ref.portal_model is not None and (target is None or target._meta.label_lower != self.adapter.parents[
                fk].lower()):
            # A portal record chosen in the connection's options: waiting would not make it appear.
            raise MappingError(f"{fk}: {ref.portal_model} {ref.vendor_id} is not a {self.adapter.parents[fk]} of "
                               "this organization (check the connection's options)")
        if target is None:
            item.status, item.reason = "deferred", f"waiting for {ref.stream} {ref.vendor_id} (not synced yet)"
            return
        if getattr(instance, f"{fk}_id") != target.pk:
            setattr(instance, fk, target)
            item.changed.add(fk)

    def _set_field(
        self, item: Item, instance: Any, name: str, value: Any, creating: bool, open_conflicts: dict
    ) -> None:
        if isinstance(value, RemoteFile):
            self._set_file(item, instance, name, value, creating)
            return
        model_field = self.model._meta.get_field(name)
        plain = self.identity.get(name)  # to_python and canon keep a str, int or bool of a text, integer, bool field
        theirs = value if plain is not None and type(value) in plain else to_python(model_field, value)
        ours = getattr(instance, model_field.attname)
        settle = self.stream.settle.get(name)
        if settle is not None and not creating:
            c_theirs = canon(model_field, theirs)
            if item.synced.get(name, MISSING) == c_theirs:
                return  # what the vendor said last time (kept, taken, or settled by staff): ours stands
            verdict = settle(ours, theirs)
            if verdict == "conflict":
                if item.ref is not None and (item.ref.pk, name) not in open_conflicts:
                    item.conflicts.append((name, canon(model_field, ours), c_theirs))
                return  # staff decide; resolving one records the vendor's value
            item.synced[name] = c_theirs
            if verdict == "keep":
                return
        elif settle is not None:
            item.synced[name] = canon(model_field, theirs)
        if name in self.shared and not creating:
            base = item.synced.get(name, MISSING)
            c_ours, c_theirs = canon(model_field, ours), canon(model_field, theirs)
            if base is not MISSING and c_theirs == base:
                return  # the vendor did not change it: ours stands (it is pushed, if it changed here)
            if base is not MISSING and c_ours != base and c_ours != c_theirs:
                if (item.ref.pk, name) not in open_conflicts:
                    item.conflicts.append((name, c_ours, c_theirs))
                return  # both changed: staff decide; nothing is overwritten
            item.synced[name] = c_theirs
        elif name in self.shared:
            item.synced[name] = theirs if plain is not None and type(theirs) in plain else canon(model_field, theirs)
        if ours != theirs:
            setattr(instance, model_field.attname, theirs)
            item.changed.add(name)

    def _set_file(self, item: Item, instance: Any, name: str, remote: RemoteFile, creating: bool) -> None:
        """A file is fetched only for a new record or a new version (the version stored with the ref's values)."""
        key = file_version_key(name)
        if not creating and getattr(instance, name) and item.synced.get(key) == remote.version:
            return
        item.files[name] = remote
        item.changed.add(name)
        if not getattr(instance, name):
            setattr(instance, name, f"pending/{remote.version}"[:100])  # domain checks see a file; bytes come next

    def _fetch_files(self, item: Item, instance: Any) -> None:
        """Fetch and store the record's new files, last, so nothing is downloaded for a record that fails."""
        for name, remote in item.files.items():
            if remote.fetch is None:
                raise MappingError(f"{name}: the plug-in gave no way to fetch {remote.name!r}")
            try:
                content = remote.fetch()
            except MappingError:
                raise
            except Exception as exc:  # the vendor or the network: this record fails, the page lands
                raise MappingError(f"could not download {remote.name!r}: {exc}") from exc
            item.changed |= self.adapter.store_file(instance, name, remote.name, content)
            item.synced[file_version_key(name)] = remote.version

    def _check_links(self, item: Item, targets: dict) -> None:
        assert item.mapped is not None
        missing = [f"{r.stream} {r.vendor_id}" for refs in item.mapped.links.values() for r in refs
                   if (r.stream, r.vendor_id) not in targets]
        if missing:
            # The record lands; its links wait. An empty hash makes the next pass try the links again.
            item.links_incomplete = True
            item.reason = f"links waiting for {', '.join(missing[:5])} (not synced yet)"
