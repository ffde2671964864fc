"""Who may open a portal page: signed in, a member of the current organization, and a writer to change things."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

View = Callable[..., HttpResponse]


def member_required(view: View) -> View:
    """Signed-in users only (others go to the sign-in page); a user of no organization gets the 403 page."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if getattr(request, "tenant", None) is None:
            raise PermissionDenied("You are not a member of any organization yet. Ask an administrator to add you.")
        return view(request, *args, **kwargs)

    return wrapper


def write_required(view: View) -> View:
    """Members whose role may change records (owner, admin, manager); a viewer gets the 403 page."""

    @member_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.tenant.can_write:  # type: ignore[attr-defined]
            raise PermissionDenied("Your role in this organization can view records but not change them.")
        return view(request, *args, **kwargs)

    return wrapper
