"""The organization (and scope) a request acts for: the key's organization, or the session's chosen one."""

from __future__ import annotations

from rest_framework import exceptions
from rest_framework.request import Request

from portal.accounts.scoping import Tenant
from portal.api.authentication import KeyPrincipal


def tenant_of(request: Request) -> Tenant:
    """The request's tenant; PermissionDenied when a signed-in person belongs to no organization."""
    cached = getattr(request, "_lintel_tenant", None)
    if cached is not None:
        return cached
    user = request.user
    if isinstance(user, KeyPrincipal):
        # A key is the organization's: it sees the whole organization, never a member's location scope.
        tenant = Tenant(organization=user.key.organization)
    else:
        tenant = getattr(request._request, "tenant", None)
        if tenant is None:
            raise exceptions.PermissionDenied("You are not a member of any organization.")
    request._lintel_tenant = tenant  # type: ignore[attr-defined]
    return tenant


def can_write(request: Request) -> bool:
    user = request.user
    if isinstance(user, KeyPrincipal):
        return user.can_write
    return tenant_of(request).can_write
