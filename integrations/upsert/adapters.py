"""How the bulk upsert applies the domain's rules to each model, as the services do, without a query per record.

Each adapter knows its model's editable fields (the services' own sets), its normalizer, its parent checks and its
many-to-many links. Checks read data the batch preloaded (parents and their ancestor chains), so a page costs a
constant number of queries. ``service_update`` is the per-record service used when staff take a vendor's value.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models

from portal.core.errors import DomainError
from portal.documents import services as documents
from portal.homes import services as homes
from portal.leases import services as leases
from portal.leases.models import LeaseStatus
from portal.locations import services as locations
from portal.locations.models import ALLOWED_CHILDREN, HOME_PARENT_KINDS, Kind, Location


@dataclass(frozen=True)
class LinkSpec:
    """A many-to-many link kept through a model with history (e.g. Lease.tenants through LeaseTenant)."""

    through: str  # "leases.LeaseTenant"
    owner_fk: str  # "lease"
    target_fk: str  # "person"
    target_model: str  # "homes.Person"
    first_extra: dict[str, Any] = field(default_factory=dict)  # fields of the first link (e.g. primary role)
    other_extra: dict[str, Any] = field(default_factory=dict)


class Adapter:
    label: str = ""
    fields: frozenset[str] = frozenset()
    create_only: frozenset[str] = frozenset()  # fields set at creation, never by an update (e.g. a lease's status)
    parents: dict[str, str] = {}  # FK field -> model label
    links: dict[str, LinkSpec] = {}
    normalize: Callable[[dict[str, Any]], dict[str, Any]] = staticmethod(lambda data: data)
    service_update: Callable[..., Any] | None = None

    @property
    def model(self) -> type[models.Model]:
        return apps.get_model(self.label)

    def check(self, instance: Any, creating: bool, chain: ChainIndex) -> None:
        """Domain rules beyond field validation; raise DomainError with the services' words."""

    def after_create(self, objs: list[Any]) -> list[str]:
        """Fix-ups needing the new primary keys; returns the fields it changed (saved in one bulk update)."""
        return []

    def store_file(self, instance: Any, name: str, filename: str, content: bytes) -> set[str]:
        """Keep a pulled file's bytes in the record's file field ``name`` (checked like an upload); returns the
        fields it set."""
        raise DomainError(f"{self.label} keeps no files.", code="no_files")

    def apply(self, instance: Any, fields: dict[str, Any]) -> Any:
        """Change one record through its service (staff taking a vendor's value)."""
        if self.service_update is None:
            raise DomainError(f"{self.label} cannot be changed this way.")
        return self.service_update(instance, **fields)


class ChainIndex:
    """Preloaded locations (parents and all their ancestors) for active-chain checks without queries."""

    def __init__(self, by_id: dict[int, Location]) -> None:
        self.by_id = by_id

    def check_active_chain(self, parent: Location, what: str) -> None:
        chain = [parent.pk, *parent.ancestor_ids]
        inactive = [self.by_id[i] for i in chain if i in self.by_id and not self.by_id[i].is_active]
        if inactive:
            blocked = max(inactive, key=lambda loc: loc.depth)
            raise DomainError(
                f"Cannot add a {what} under “{parent.name}”: {blocked.get_kind_display().lower()} "
                f"“{blocked.name}” is inactive. Activate it first.",
                code="inactive_parent",
            )


class LocationAdapter(Adapter):
    label = "locations.Location"
    fields = frozenset(locations.EDITABLE_FIELDS | {"kind", "is_active"})
    create_only = frozenset({"kind"})
    parents = {"parent": "locations.Location"}
    service_update = staticmethod(locations.update_location)

    def check(self, instance: Location, creating: bool, chain: ChainIndex) -> None:
        if instance.kind not in Kind.values:
            raise DomainError({"kind": f"Unknown kind “{instance.kind}”."}, code="invalid_kind")
        parent = instance.parent
        if parent is not None and parent.organization_id != instance.organization_id:
            raise DomainError({"parent": "The parent belongs to another organization."}, code="invalid_parent")
        if creating or "parent" in getattr(instance, "_sync_changed", ()):
            if instance.kind not in ALLOWED_CHILDREN[parent.kind if parent else None]:
                locations.check_kind(parent, instance.kind)  # raises with the service's message
            if parent is not None and instance.is_active:
                chain.check_active_chain(parent, Kind(instance.kind).label.lower())

    def after_create(self, objs: list[Location]) -> list[str]:
        for loc in objs:
            parent = loc.parent
            loc.path = f"{parent.path if parent else '/'}{loc.pk}/"
            loc.depth = parent.depth + 1 if parent else 0
        return ["path", "depth"]


class HomeAdapter(Adapter):
    label = "homes.Home"
    fields = frozenset(homes.HOME_FIELDS)
    parents = {"location": "locations.Location"}
    normalize = staticmethod(homes._normalize_home)  # the service's own normalizer: same data either way
    service_update = staticmethod(homes.update_home)
    links = {
        "owners": LinkSpec("homes.Homeownership", "home", "person", "homes.Person"),
    }

    def check(self, instance: Any, creating: bool, chain: ChainIndex) -> None:
        location = instance.location
        if location.organization_id != instance.organization_id:
            raise DomainError({"location": "The location belongs to another organization."}, code="invalid_parent")
        if location.kind not in HOME_PARENT_KINDS:
            kinds = " or ".join(Kind(k).label.lower() for k in HOME_PARENT_KINDS)
            raise DomainError(
                {"location": f"A home must stand under a {kinds}, not a {location.get_kind_display().lower()}."},
                code="invalid_kind",
            )
        if creating or "location" in getattr(instance, "_sync_changed", ()):
            chain.check_active_chain(location, "home")


class PersonAdapter(Adapter):
    label = "homes.Person"
    fields = frozenset(homes.PERSON_FIELDS)
    normalize = staticmethod(homes._normalize_person)
    service_update = staticmethod(homes.update_person)


class LeaseAdapter(Adapter):
    label = "leases.Lease"
    fields = frozenset(leases.LEASE_FIELDS | {"status"})
    parents = {"home": "homes.Home"}
    service_update = staticmethod(leases.update_lease)
    links = {
        "tenants": LinkSpec(
            "leases.LeaseTenant", "lease", "person", "homes.Person",
            first_extra={"role": "primary"}, other_extra={"role": "cotenant"},
        ),
    }

    def apply(self, instance: Any, fields: dict[str, Any]) -> Any:
        fields = dict(fields)
        status = fields.pop("status", None)
        if fields:
            instance = leases.update_lease(instance, **fields)
        if status is not None and status != instance.status:
            instance = leases.transition_lease(instance, status)
        return instance

    def check(self, instance: Any, creating: bool, chain: ChainIndex) -> None:
        if instance.home.organization_id != instance.organization_id:
            raise DomainError({"home": "The home belongs to another organization."}, code="invalid_parent")
        if instance.status not in LeaseStatus.values:
            raise DomainError({"status": f"Unknown status “{instance.status}”."})
        before = getattr(instance, "_sync_old_status", None)
        if not creating and before is not None and before != instance.status:
            leases.check_transition(before, instance.status)  # the lifecycle holds for vendors too
        leases._check_terms(instance)


class DocumentAdapter(Adapter):
    label = "documents.Document"
    # "file" takes a contract.RemoteFile only (see upsert/prepare.py); its bytes are checked like an upload.
    fields = frozenset(documents.EDITABLE_FIELDS | {"original_name", "content_type", "size", "file"})
    parents = {"home": "homes.Home", "lease": "leases.Lease", "location": "locations.Location"}
    service_update = staticmethod(documents.update_document)

    def store_file(self, instance: Any, name: str, filename: str, content: bytes) -> set[str]:
        upload = SimpleUploadedFile(filename or "file", content)
        instance.content_type = documents.validate_upload(upload)  # the bytes decide, as for a staff upload
        instance.size = len(content)
        instance.original_name = instance.original_name or (filename or "file")[-255:]
        getattr(instance, name).save(upload.name, upload, save=False)
        return {name, "content_type", "size", "original_name"}

    def check(self, instance: Any, creating: bool, chain: ChainIndex) -> None:
        targets = [t for t in (instance.home, instance.lease, instance.location) if t is not None]
        if len(targets) != 1:
            raise DomainError("A document is attached to a home, a lease or a location.", code="invalid_target")
        if targets[0].organization_id != instance.organization_id:
            raise DomainError("The record belongs to another organization.", code="invalid_target")
        if bool(instance.file) == bool(instance.external_url):
            raise DomainError("Attach either a file or an external URL (one of them).", code="file_or_url")


class HomeownershipAdapter(Adapter):
    label = "homes.Homeownership"
    fields = frozenset({"ownership_type"})
    parents = {"home": "homes.Home", "person": "homes.Person"}


ADAPTERS: dict[str, Adapter] = {
    a.label.lower(): a
    for a in (LocationAdapter(), HomeAdapter(), PersonAdapter(), LeaseAdapter(), DocumentAdapter(),
              HomeownershipAdapter())
}


def adapter_for(label: str) -> Adapter:
    try:
        return ADAPTERS[label.lower()]
    except KeyError:
        raise LookupError(f"The sync engine has no adapter for {label}; add one in integrations/upsert/") from None
