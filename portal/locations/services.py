"""Writes to the location tree. Every caller (portal, API, admin, import, sync) goes through these."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from portal.accounts.models import Organization
from portal.core.errors import DomainError
from portal.core.events import emit_change
from portal.core.services import apply_fields, save_validated
from portal.locations.models import ALLOWED_CHILDREN, Kind, Location

EDITABLE_FIELDS = {
    "name", "display_name", "abbreviation", "external_id",
    "address_line1", "address_line2", "city", "state", "postal_code", "country",
}


def inactive_ancestor(location: Location) -> Location | None:
    """The first inactive location on the chain from ``location`` up to the root, if any."""
    chain = [location.pk, *location.ancestor_ids]
    blocked = Location.objects.filter(pk__in=chain, is_active=False).order_by("-depth").first()
    return blocked


def check_active_chain(parent: Location | None, what: str) -> None:
    if parent is None:
        return
    blocked = inactive_ancestor(parent)
    if blocked is not None:
        raise DomainError(
            f"Cannot add a {what} under “{parent.name}”: {blocked.get_kind_display().lower()} "
            f"“{blocked.name}” is inactive. Activate it first.",
            code="inactive_parent",
        )


def check_kind(parent: Location | None, kind: str) -> None:
    allowed = ALLOWED_CHILDREN[parent.kind if parent else None]
    if kind not in allowed:
        where = f"under a {parent.get_kind_display().lower()}" if parent else "at the top of the tree"
        names = ", ".join(Kind(k).label.lower() for k in allowed) or "nothing"
        raise DomainError(
            {"kind": f"A {Kind(kind).label.lower()} cannot stand {where}. Allowed here: {names}."},
            code="invalid_kind",
        )


@transaction.atomic
def create_location(
    organization: Organization, *, kind: str, name: str, parent: Location | None = None, **fields: Any
) -> Location:
    if kind not in Kind.values:
        raise DomainError({"kind": f"Unknown kind “{kind}”."}, code="invalid_kind")
    if parent is not None and parent.organization_id != organization.pk:
        raise DomainError({"parent": "The parent belongs to another organization."}, code="invalid_parent")
    check_kind(parent, kind)
    check_active_chain(parent, Kind(kind).label.lower())
    location = Location(organization=organization, parent=parent, kind=kind, name=name)
    apply_fields(location, fields, EDITABLE_FIELDS | {"is_active"})
    location.full_clean(exclude=["path"])
    location.save()
    location.path = f"{parent.path if parent else '/'}{location.pk}/"
    location.depth = parent.depth + 1 if parent else 0
    Location.objects.filter(pk=location.pk).update(path=location.path, depth=location.depth)
    # The path needs the new id, so it is written after the insert; the creation's history record gets it too.
    Location.history.filter(id=location.pk).update(path=location.path, depth=location.depth)
    emit_change(location, "create")
    return location


@transaction.atomic
def update_location(location: Location, **fields: Any) -> Location:
    changed = apply_fields(location, fields, EDITABLE_FIELDS)
    if changed:
        save_validated(location, "update", changed)
    return location


def deactivation_blockers(location: Location) -> list[str]:
    from portal.homes.models import Home, HomeStatus

    reasons = []
    children = location.children.filter(is_active=True).count()
    if children:
        reasons.append(f"{children} active child location{'s' if children != 1 else ''}")
    homes = Home.objects.filter(location=location).exclude(status=HomeStatus.INACTIVE).count()
    if homes:
        reasons.append(f"{homes} active home{'s' if homes != 1 else ''}")
    return reasons


@transaction.atomic
def deactivate_location(location: Location) -> Location:
    location = Location.objects.select_for_update().get(pk=location.pk)
    if not location.is_active:
        return location
    blockers = deactivation_blockers(location)
    if blockers:
        raise DomainError(
            f"Cannot deactivate “{location.name}”: it has {' and '.join(blockers)}. "
            "Deactivate or move them first.",
            code="has_active_children",
        )
    location.is_active = False
    return save_validated(location, "deactivate", {"is_active"})  # type: ignore[return-value]


@transaction.atomic
def activate_location(location: Location) -> Location:
    location = Location.objects.select_for_update().get(pk=location.pk)
    if location.is_active:
        return location
    if location.parent_id:
        check_active_chain(location.parent, location.get_kind_display().lower())
    location.is_active = True
    return save_validated(location, "activate", {"is_active"})  # type: ignore[return-value]
