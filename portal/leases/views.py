"""Lease pages: list with filters, detail with lifecycle buttons, create/edit, transitions.

Reads go through ``scoped`` (another organization's ids are a 404); writes through portal.leases.services,
which refuse what the lifecycle does not allow ("Invalid status transition: X -> Y") and change nothing then.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from portal.accounts.scoping import scoped
from portal.documents.models import Document
from portal.leases import services
from portal.leases.forms import LeaseFilterForm, LeaseForm, TransitionForm
from portal.leases.models import Lease, LeaseStatus, LeaseTenant
from portal.web.forms import add_domain_error
from portal.web.history import object_history
from portal.web.paging import paginate
from portal.web.permissions import member_required, write_required

SORTS = {
    "start": ("start_date", "id"), "-start": ("-start_date", "-id"),
    "end": ("end_date", "id"), "-end": ("-end_date", "-id"),
    "rent": ("rent", "id"), "-rent": ("-rent", "-id"),
}
DEFAULT_SORT = "-start"
# What each lifecycle button says, by target status.
ACTIONS = {
    LeaseStatus.ACTIVE: "Activate lease",
    LeaseStatus.RENEWED: "Mark as renewed",
    LeaseStatus.ENDED: "End lease",
    LeaseStatus.TERMINATED: "Terminate lease",
}
BADGES = {
    LeaseStatus.DRAFT: "", LeaseStatus.ACTIVE: "ok", LeaseStatus.RENEWED: "ok",
    LeaseStatus.ENDED: "off", LeaseStatus.TERMINATED: "danger",
}


def _tenants_prefetch(tenant: object) -> Prefetch:
    return Prefetch(
        "lease_tenants", queryset=scoped(LeaseTenant, tenant).select_related("person").order_by("role", "id")
    )


def _lease(request: HttpRequest, pk: int) -> Lease:
    tenant = request.tenant  # type: ignore[attr-defined]
    leases = scoped(Lease, tenant).select_related("home__location").prefetch_related(_tenants_prefetch(tenant))
    return get_object_or_404(leases, pk=pk)


@member_required
def lease_list(request: HttpRequest) -> HttpResponse:
    tenant = request.tenant  # type: ignore[attr-defined]
    filters = LeaseFilterForm(tenant, request.GET or None)
    sort = request.GET.get("sort", DEFAULT_SORT)
    sort = sort if sort in SORTS else DEFAULT_SORT
    leases = filters.apply(scoped(Lease, tenant)).select_related("home").order_by(*SORTS[sort])
    page_obj = paginate(request, leases.prefetch_related(_tenants_prefetch(tenant)))
    rows = list(page_obj.object_list)
    for lease in rows:
        lease.badge = BADGES.get(lease.status, "")  # type: ignore[attr-defined]
    filtered = any(request.GET.get(k) for k in ("status", "ending_before", "location"))
    context = {"filters": filters, "page_obj": page_obj, "leases": rows, "sort": sort, "filtered": filtered}
    template = "leases/_results.html" if request.htmx and not request.htmx.boosted else "leases/list.html"
    return render(request, template, context)


@member_required
def lease_detail(request: HttpRequest, pk: int) -> HttpResponse:
    lease = _lease(request, pk)
    return render(request, "leases/detail.html", _detail_context(request, lease))


def _detail_context(request: HttpRequest, lease: Lease) -> dict:
    documents = scoped(Document, request.tenant).filter(lease=lease).order_by("-created_at")  # type: ignore[attr-defined]
    return {
        "lease": lease,
        "home": lease.home,
        "lease_tenants": list(lease.lease_tenants.all()),
        "documents": documents,
        "history": object_history(lease, request.tenant),  # type: ignore[attr-defined]
        "actions": [(target, ACTIONS[target]) for target in lease.allowed_transitions()],
        "badge": BADGES.get(lease.status, ""),
    }


@write_required
def lease_create(request: HttpRequest) -> HttpResponse:
    tenant = request.tenant  # type: ignore[attr-defined]
    initial = {"home": request.GET.get("home") or None, "tenants": request.GET.getlist("tenant")}
    form = LeaseForm(tenant, request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            lease = services.create_lease(
                tenant.organization, home=form.cleaned_data["home"], tenants=form.cleaned_data["tenants"],
                **form.terms(),
            )
        except ValidationError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, f"The lease on {lease.home} was created as a draft.")
            return redirect("leases:detail", pk=lease.pk)
    status = 400 if form.errors else 200
    return render(request, "leases/form.html", {"form": form, "lease": None}, status=status)


@write_required
def lease_edit(request: HttpRequest, pk: int) -> HttpResponse:
    tenant = request.tenant  # type: ignore[attr-defined]
    lease = _lease(request, pk)
    form = LeaseForm(tenant, request.POST or None, lease=lease)
    if request.method == "POST" and form.is_valid():
        try:
            # Terms and tenants change together or not at all.
            with transaction.atomic():
                services.update_lease(lease, **form.terms())
                services.set_tenants(lease, form.cleaned_data["tenants"])
        except ValidationError as exc:
            add_domain_error(form, exc)
            lease = _lease(request, pk)  # the refused values must not show as saved
        else:
            messages.success(request, "The lease was saved.")
            return redirect("leases:detail", pk=lease.pk)
    status = 400 if form.errors else 200
    return render(request, "leases/form.html", {"form": form, "lease": lease}, status=status)


@require_POST
@write_required
def lease_transition(request: HttpRequest, pk: int) -> HttpResponse:
    """Move the lease to the posted status; a refusal is shown with its reason and changes nothing."""
    lease = _lease(request, pk)
    form = TransitionForm(request.POST)
    target = request.POST.get("status", "")
    if not form.is_valid():
        messages.error(request, f"Invalid status transition: {lease.status} -> {target or '(none)'}")
        return redirect("leases:detail", pk=lease.pk)
    try:
        lease = services.transition_lease(lease, form.cleaned_data["status"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"The lease is now {lease.get_status_display().lower()}.")
    return redirect("leases:detail", pk=lease.pk)
