"""Writes to leases: creation, edits, tenants and the status lifecycle."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction

from portal.accounts.models import Organization
from portal.core.errors import DomainError, InvalidTransition
from portal.core.events import emit_change
from portal.core.services import apply_fields, save_validated
from portal.homes.models import Home, Person
from portal.leases.models import TRANSITIONS, Lease, LeaseStatus, LeaseTenant, LeaseType, TenantRole

LEASE_FIELDS = {"external_id", "lease_type", "start_date", "end_date", "rent", "deposit", "due_day"}


def check_transition(current: str, target: str) -> None:
    """Refuse any status change the lifecycle does not allow, with the same words every channel shows."""
    if target not in TRANSITIONS.get(current, ()):
        raise InvalidTransition(f"Invalid status transition: {current} -> {target}")


def _check_terms(lease: Lease) -> None:
    if lease.lease_type != LeaseType.AT_WILL and lease.end_date is None:
        raise DomainError({"end_date": "A fixed-term lease needs an end date."}, code="required")


@transaction.atomic
def create_lease(
    organization: Organization,
    *,
    home: Home,
    tenants: Iterable[Person] = (),
    status: str = LeaseStatus.DRAFT,
    **fields: Any,
) -> Lease:
    if home.organization_id != organization.pk:
        raise DomainError({"home": "The home belongs to another organization."}, code="invalid_parent")
    if status not in LeaseStatus.values:
        raise DomainError({"status": f"Unknown status “{status}”."})
    lease = Lease(organization=organization, home=home, status=status)
    apply_fields(lease, fields, LEASE_FIELDS)
    _check_terms(lease)
    save_validated(lease, "create")
    set_tenants(lease, tenants)
    return lease


@transaction.atomic
def update_lease(lease: Lease, **fields: Any) -> Lease:
    if "status" in fields:
        raise DomainError({"status": "Change a lease's status with a transition."}, code="invalid_transition")
    changed = apply_fields(lease, fields, LEASE_FIELDS)
    if changed:
        _check_terms(lease)
        save_validated(lease, "update", changed)
    return lease


@transaction.atomic
def transition_lease(lease: Lease, target: str) -> Lease:
    lease = Lease.objects.select_for_update().get(pk=lease.pk)
    check_transition(lease.status, target)
    lease.status = target
    return save_validated(lease, "update", {"status"})  # type: ignore[return-value]


@transaction.atomic
def set_tenants(lease: Lease, tenants: Iterable[Person], role: str = TenantRole.PRIMARY) -> None:
    """Make ``tenants`` the lease's tenants (the first keeps ``role``, the others are co-tenants)."""
    wanted = {p.pk: p for p in tenants}
    for person in wanted.values():
        if person.organization_id != lease.organization_id:
            raise DomainError({"tenants": "A tenant belongs to another organization."}, code="invalid_parent")
    existing = {lt.person_id: lt for lt in lease.lease_tenants.all()}
    for person_id, link in existing.items():
        if person_id not in wanted:
            emit_change(link, "delete")
            link.delete()
    for index, (person_id, person) in enumerate(wanted.items()):
        if person_id not in existing:
            link = LeaseTenant(
                organization_id=lease.organization_id,
                lease=lease,
                person=person,
                role=role if index == 0 else TenantRole.COTENANT,
            )
            save_validated(link, "create")
