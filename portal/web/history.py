"""History for people: what changed, from what to what, who did it and when (from django-simple-history).

Every function here runs a fixed number of queries: one per history table read, plus one per related model
whose names are shown (batched), never one per entry.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import models
from django.urls import NoReverseMatch, reverse

from portal.accounts.scoping import Tenant, scoped

VERBS = {"+": "Created", "~": "Changed", "-": "Deleted"}
# Bookkeeping columns nobody needs to read in a change list.
HIDDEN_FIELDS = {"id", "organization", "created_at", "updated_at", "path", "depth"}


@dataclass(frozen=True)
class FieldChange:
    label: str
    old: Any
    new: Any


@dataclass
class Change:
    when: dt.datetime
    verb: str
    actor: str
    actor_kind: str
    object_label: str = ""
    url: str = ""
    show_object: bool = False
    changes: list[FieldChange] = field(default_factory=list)


def actor_of(record: Any) -> str:
    if record.actor_label:
        return record.actor_label
    user = getattr(record, "history_user", None)
    return getattr(user, "email", "") or "system"


def safe_reverse(name: str, *args: Any) -> str:
    """A URL, or "" while the page it names does not exist yet (pages are built by several people)."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def _tracked_fields(model: type[models.Model]) -> list[models.Field]:
    return [f for f in model._meta.concrete_fields if f.name not in HIDDEN_FIELDS]


def _display(f: models.Field, value: Any, names: dict[tuple[str, Any], str]) -> Any:
    if value in (None, ""):
        return ""
    if f.is_relation:
        return names.get((f.related_model._meta.label_lower, value), f"#{value}")
    if f.flatchoices:
        return dict(f.flatchoices).get(value, value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return value


def object_history(instance: models.Model, tenant: Tenant, limit: int = 30) -> list[Change]:
    """The latest ``limit`` changes of one record, newest first, each with its field-by-field differences."""
    model = type(instance)
    fields = _tracked_fields(model)
    records = list(
        instance.history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1]
    )
    # Related records are named in one query per related model (e.g. the location of a home).
    wanted: dict[type[models.Model], set[Any]] = {}
    for f in fields:
        if f.is_relation:
            wanted.setdefault(f.related_model, set()).update(
                getattr(r, f.attname) for r in records if getattr(r, f.attname) is not None
            )
    names: dict[tuple[str, Any], str] = {}
    for related, ids in wanted.items():
        for obj in scoped(related, tenant).filter(pk__in=ids):
            names[(related._meta.label_lower, obj.pk)] = str(obj)
    entries = []
    for index, record in enumerate(records[:limit]):
        previous = records[index + 1] if index + 1 < len(records) else None
        diffs = []
        if record.history_type == "~" and previous is not None:
            for f in fields:
                old, new = getattr(previous, f.attname), getattr(record, f.attname)
                if old != new:
                    diffs.append(FieldChange(f.verbose_name.capitalize(), _display(f, old, names),
                                             _display(f, new, names)))
        entries.append(Change(
            when=record.history_date, verb=VERBS.get(record.history_type, "Changed"), actor=actor_of(record),
            actor_kind=record.actor_kind, changes=diffs,
        ))
    return entries


Names = dict[tuple[str, Any], str]


@dataclass(frozen=True)
class Source:
    """One domain model shown in the recent-changes feed: how to name a row and where it links.

    ``related`` names the foreign keys whose targets appear in the label; they are loaded in one query per
    target model (not joined: a deleted target must not hide the history row).
    """

    model_path: str
    related: tuple[tuple[str, str], ...]
    label: Callable[[Any, Names], str]
    url: Callable[[Any], str]


def _name(names: Names, model_path: str, pk: Any) -> str:
    return names.get((model_path.lower(), pk), f"#{pk}")


SOURCES: tuple[Source, ...] = (
    Source("locations.Location", (), lambda r, n: f"{r.get_kind_display()} {r.name}",
           lambda r: safe_reverse("locations:edit", r.id)),
    Source("homes.Home", (), lambda r, n: f"Home {r.instance}", lambda r: safe_reverse("homes:detail", r.id)),
    Source("homes.Person", (), lambda r, n: r.instance.full_name, lambda r: safe_reverse("people:detail", r.id)),
    Source("homes.Homeownership", (("person_id", "homes.Person"), ("home_id", "homes.Home")),
           lambda r, n: f"Owner {_name(n, 'homes.Person', r.person_id)} of {_name(n, 'homes.Home', r.home_id)}",
           lambda r: safe_reverse("homes:detail", r.home_id)),
    Source("leases.Lease", (("home_id", "homes.Home"),), lambda r, n: f"Lease on {_name(n, 'homes.Home', r.home_id)}",
           lambda r: safe_reverse("leases:detail", r.id)),
    Source("leases.LeaseTenant", (("person_id", "homes.Person"),),
           lambda r, n: f"Tenant {_name(n, 'homes.Person', r.person_id)} on lease #{r.lease_id}",
           lambda r: safe_reverse("leases:detail", r.lease_id)),
    Source("documents.Document", (), lambda r, n: f"Document {r.title}", lambda r: safe_reverse("documents:list")),
)


def _history_rows(source: Source, tenant: Tenant, limit: int) -> list[Any]:
    model = apps.get_model(source.model_path)
    rows = model.history.filter(organization_id=tenant.organization.pk)
    if tenant.is_scoped:
        # A member limited to some locations sees the changes of the records they may see.
        rows = rows.filter(id__in=scoped(model, tenant).values("pk"))
    return list(rows.select_related("history_user").order_by("-history_date", "-history_id")[:limit])


def _load_names(wanted: dict[str, set[Any]], tenant: Tenant) -> Names:
    names: Names = {}
    for model_path, ids in wanted.items():
        model = apps.get_model(model_path)
        for obj in scoped(model, tenant).filter(pk__in=ids):
            names[(model_path.lower(), obj.pk)] = obj.full_name if hasattr(obj, "full_name") else str(obj)
    return names


def recent_changes(tenant: Tenant, limit: int = 15) -> list[Change]:
    """The latest changes across the domain: one query per domain model and per named model, a fixed number."""
    found = []
    for source in SOURCES:
        for record in _history_rows(source, tenant, limit):
            found.append((record.history_date, record.history_id, source, record))
    found.sort(key=lambda item: (item[0], item[1]), reverse=True)
    found = found[:limit]
    wanted: dict[str, set[Any]] = {}
    for _, _, source, record in found:
        for attname, model_path in source.related:
            wanted.setdefault(model_path, set()).add(getattr(record, attname))
    names = _load_names(wanted, tenant)
    return [
        Change(when=when, verb=VERBS.get(record.history_type, "Changed"), actor=actor_of(record),
               actor_kind=record.actor_kind, object_label=source.label(record, names),
               url="" if record.history_type == "-" else source.url(record), show_object=True)
        for when, _, source, record in found
    ]
