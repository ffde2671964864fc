"""Choosing which organization a signed-in member acts for."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from portal.accounts.middleware import SESSION_KEY
from portal.accounts.models import Membership


def _safe_next(request: HttpRequest) -> str:
    """Where to go after switching: the posted ``next`` when it points at this site, otherwise home."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "/"


@require_POST
@login_required
def switch_organization(request: HttpRequest, slug: str) -> HttpResponseRedirect:
    """Make the organization ``slug`` the session's current one.

    A 404 (not a 403) for an organization the user does not belong to: whether it exists is none of their business.
    CSRF protection comes from CsrfViewMiddleware (this is a POST-only view).
    """
    membership = (
        Membership.objects.filter(user=request.user, organization__slug=slug).select_related("organization").first()
    )
    if membership is None:
        raise Http404("No such organization.")
    request.session[SESSION_KEY] = membership.organization_id
    messages.success(request, f"You are now working in {membership.organization.name}.")
    return HttpResponseRedirect(_safe_next(request))
