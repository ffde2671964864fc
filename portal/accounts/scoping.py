"""The one door to domain data: every query of a domain model goes through ``scoped``.

``scoped(Model, tenant)`` returns the model's rows of the tenant's organization and, for a member
with a location scope, only those under the scoped subtrees. Views, admin, API and exports all call it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import reduce
from operator import or_
from typing import Any

from django.db.models import Model, Q, QuerySet

from portal.accounts.models import Membership, Organization

# How each model reaches the location tree (the path of its location), for scope filtering.
SCOPE_PATHS: dict[str, tuple[str, ...]] = {
    "locations.location": ("path",),
    "homes.home": ("location__path",),
    "homes.homeownership": ("home__location__path",),
    "leases.lease": ("home__location__path",),
    "leases.leasetenant": ("lease__home__location__path",),
    "documents.document": ("home__location__path", "lease__home__location__path", "location__path"),
}
# People are in scope when they own or rent a home in scope, or belong to no home at all.
PERSON_PATHS = ("homeownerships__home__location__path", "lease_tenancies__lease__home__location__path")


@dataclass(frozen=True)
class Tenant:
    """The organization a request acts for, and the scope paths it is limited to (empty: everything)."""

    organization: Organization
    scope_paths: tuple[str, ...] = field(default=())
    membership: Membership | None = None

    @classmethod
    def for_membership(cls, membership: Membership) -> Tenant:
        paths = tuple(sorted(membership.scope.values_list("path", flat=True)))
        return cls(organization=membership.organization, scope_paths=paths, membership=membership)

    @property
    def is_scoped(self) -> bool:
        return bool(self.scope_paths)

    @property
    def can_write(self) -> bool:
        return self.membership is None or self.membership.can_write


def _under(lookup: str, paths: tuple[str, ...]) -> Q:
    return reduce(or_, (Q(**{f"{lookup}__startswith": p}) for p in paths))


def scope_filter(model: type[Model], tenant: Tenant) -> Q:
    """The Q object limiting ``model`` to the tenant (organization and scope)."""
    q = Q(organization=tenant.organization)
    if not tenant.is_scoped:
        return q
    label = model._meta.label_lower
    if label == "homes.person":
        in_scope = reduce(or_, (_under(lookup, tenant.scope_paths) for lookup in PERSON_PATHS))
        return q & in_scope
    lookups = SCOPE_PATHS.get(label)
    if lookups is None:
        return q
    return q & reduce(or_, (_under(lookup, tenant.scope_paths) for lookup in lookups))


def scoped(model: type[Model] | QuerySet, tenant: Tenant) -> QuerySet[Any]:
    """Rows of ``model`` (or of a queryset) the tenant may see."""
    qs = model if isinstance(model, QuerySet) else model._default_manager.all()
    q = scope_filter(qs.model, tenant)
    qs = qs.filter(q)
    if tenant.is_scoped and qs.model._meta.label_lower in ("homes.person", "documents.document"):
        qs = qs.distinct()  # joins through several homes or leases may repeat a row
    return qs
