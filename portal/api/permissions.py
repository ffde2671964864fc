"""Access rules: an authenticated caller of an organization; writes need a write key or a non-viewer member."""

from __future__ import annotations

from typing import Any

from rest_framework import exceptions, permissions
from rest_framework.request import Request

from portal.api.authentication import KeyPrincipal
from portal.api.tenancy import can_write, tenant_of


class OrganizationAccess(permissions.BasePermission):
    def has_permission(self, request: Request, view: Any) -> bool:
        if not (request.user and request.user.is_authenticated):
            raise exceptions.NotAuthenticated(
                "Authentication required: send “Authorization: Bearer <API key>” or sign in."
            )
        tenant_of(request)  # a signed-in person with no organization is refused here
        if request.method in permissions.SAFE_METHODS or can_write(request):
            return True
        if isinstance(request.user, KeyPrincipal):
            raise exceptions.PermissionDenied("This API key is read-only: writes need a key with the write scope.")
        raise exceptions.PermissionDenied("Your role in this organization is read-only (viewer).")
