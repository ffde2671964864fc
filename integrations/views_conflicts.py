"""Staff pages: the conflicts inbox (keep ours / take theirs) and undoing a "missing at vendor" mark."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from integrations import engine
from integrations.models import Conflict, ExternalRef, Resolution
from integrations.views import record_link
from portal.web.paging import paginate
from portal.web.permissions import member_required, write_required


@member_required
def inbox(request: HttpRequest) -> HttpResponse:
    org = request.tenant.organization  # type: ignore[attr-defined]
    show_all = request.GET.get("state") == "all"
    qs = Conflict.objects.filter(connection__organization=org).select_related("connection", "content_type", "ref")
    if not show_all:
        qs = qs.filter(resolved_at__isnull=True)
    page_obj = paginate(request, qs.order_by("-detected_at", "-id"), per_page=25)
    for conflict in page_obj.object_list:  # a link to the record, where the portal has a page for it
        conflict.record_url, _ = record_link(conflict.content_type, conflict.object_id)
    return render(request, "integrations/conflicts.html", {"page_obj": page_obj, "show_all": show_all})


@require_POST
@write_required
def resolve(request: HttpRequest, pk: int) -> HttpResponse:
    org = request.tenant.organization  # type: ignore[attr-defined]
    conflict = get_object_or_404(Conflict, pk=pk, connection__organization=org)
    how = request.POST.get("resolution", "")
    if how not in Resolution.values:
        messages.error(request, "Choose keep ours or take theirs.")
    else:
        try:
            engine.resolve_conflict(conflict, how, request.user)
        except ValidationError as exc:
            messages.error(request, f"The vendor's value cannot be applied: {' '.join(exc.messages)}")
        else:
            messages.success(request, f"Resolved: {Resolution(how).label.lower()} for {conflict.field}.")
    return redirect("integrations:conflicts")


@require_POST
@write_required
def clear_missing(request: HttpRequest, pk: int) -> HttpResponse:
    org = request.tenant.organization  # type: ignore[attr-defined]
    ref = get_object_or_404(ExternalRef, pk=pk, connection__organization=org)
    engine.clear_missing(ref)
    messages.success(request, f"{ref.connection.name}: the “missing at vendor” mark on {ref.vendor_id} is cleared.")
    back = request.POST.get("next", "")
    if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return redirect(back)
    return redirect("integrations:connection", pk=ref.connection_id)
