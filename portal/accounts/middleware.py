from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from portal.accounts.models import Membership
from portal.accounts.scoping import Tenant

SESSION_KEY = "lintel_organization_id"


def memberships_of(user: object) -> list[Membership]:
    return list(
        Membership.objects.filter(user=user).select_related("organization").order_by("organization__name")
    )


class OrganizationMiddleware:
    """Sets ``request.tenant`` (or None) from the session's chosen organization and the user's membership."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.tenant = None  # type: ignore[attr-defined]
        request._memberships = None  # type: ignore[attr-defined]
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            chosen = request.session.get(SESSION_KEY)
            qs = Membership.objects.filter(user=user).select_related("organization").order_by("organization__name")
            membership = (qs.filter(organization_id=chosen).first() if chosen else None) or qs.first()
            if membership is not None:
                request.tenant = Tenant.for_membership(membership)  # type: ignore[attr-defined]
        return self.get_response(request)
