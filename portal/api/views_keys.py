"""The staff page for API keys: list, create (the key is shown once), revoke. Owners and admins only."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from portal.accounts.apikeys import issue_key, revoke_key
from portal.accounts.models import APIKey, APIKeyScope
from portal.web.permissions import member_required


class APIKeyForm(forms.Form):
    name = forms.CharField(max_length=100, help_text="What will use it, e.g. “CRM sync”.")
    scope = forms.ChoiceField(choices=APIKeyScope.choices, initial=APIKeyScope.READ,
                              help_text="Read keys can only read; write keys can also create and change records.")
    expires_in_days = forms.IntegerField(required=False, min_value=1, max_value=3650, label="Expires in (days)",
                                         help_text="Leave empty for a key that does not expire.")


def admin_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @member_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        membership = request.tenant.membership  # type: ignore[attr-defined]
        if membership is None or not membership.is_admin:
            raise PermissionDenied("Only owners and admins of the organization manage API keys.")
        return view(request, *args, **kwargs)

    return wrapper


def _keys(request: HttpRequest) -> Any:
    return APIKey.objects.filter(organization=request.tenant.organization).select_related("created_by")  # type: ignore[attr-defined]


def _page(request: HttpRequest, form: APIKeyForm, status: int = 200) -> HttpResponse:
    return render(request, "api/keys.html", {"keys": _keys(request), "form": form, "now": timezone.now()},
                  status=status)


@require_GET
@admin_required
def key_list(request: HttpRequest) -> HttpResponse:
    return _page(request, APIKeyForm())


@never_cache  # the page carries the only copy of the key
@require_POST
@admin_required
def key_create(request: HttpRequest) -> HttpResponse:
    form = APIKeyForm(request.POST)
    if not form.is_valid():
        return _page(request, form, status=400)
    days = form.cleaned_data["expires_in_days"]
    issued = issue_key(
        request.tenant.organization,  # type: ignore[attr-defined]
        name=form.cleaned_data["name"],
        scope=form.cleaned_data["scope"],
        created_by=request.user,
        expires_at=timezone.now() + dt.timedelta(days=days) if days else None,
    )
    return render(request, "api/key_created.html", {"issued": issued})


@require_POST
@admin_required
def key_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    key = get_object_or_404(_keys(request), pk=pk)
    revoke_key(key)
    messages.success(request, f"Key “{key.name}” ({key.prefix}) is revoked: it no longer works.")
    return redirect("apikeys:list")
