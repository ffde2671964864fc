from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from portal.accounts.middleware import memberships_of


def organization(request: HttpRequest) -> dict[str, Any]:
    tenant = getattr(request, "tenant", None)
    user = getattr(request, "user", None)

    def _memberships() -> list:
        if user is None or not user.is_authenticated:
            return []
        if getattr(request, "_memberships", None) is None:
            request._memberships = memberships_of(user)  # type: ignore[attr-defined]
        return request._memberships  # type: ignore[attr-defined]

    return {"tenant": tenant, "organization": tenant.organization if tenant else None, "memberships": _memberships}
