"""Homes: the filtered list (and its CSV export), the detail page, create and edit."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from portal.accounts.scoping import scoped
from portal.documents.models import Document
from portal.homes import exports, services
from portal.homes.forms import HomeFilterForm, HomeForm
from portal.homes.models import Home, Homeownership
from portal.leases.models import Lease, LeaseTenant
from portal.locations.models import Location
from portal.web.dashboard import occupied_filter
from portal.web.forms import add_domain_error
from portal.web.history import object_history
from portal.web.htmx import is_partial_request
from portal.web.paging import paginate
from portal.web.permissions import member_required, write_required


def _filtered(request: HttpRequest) -> tuple[HomeFilterForm, QuerySet[Home]]:
    tenant = request.tenant  # type: ignore[attr-defined]
    form = HomeFilterForm(request.GET, tenant=tenant)
    homes = scoped(Home, tenant).annotate(is_occupied=occupied_filter(tenant))
    return form, form.filter(homes)


@member_required
def home_list(request: HttpRequest) -> HttpResponse:
    form, homes = _filtered(request)
    page = paginate(request, homes.select_related("location"))
    context = {"filter_form": form, "page_obj": page, "homes": page.object_list, "sort": form.current_sort,
               "filtered": any(v for k, v in request.GET.items() if k not in ("page", "sort"))}
    template = "homes/_list_results.html" if is_partial_request(request) else "homes/list.html"
    return render(request, template, context)


@member_required
def home_export(request: HttpRequest) -> StreamingHttpResponse:
    _, homes = _filtered(request)
    return exports.export_response(homes, request.tenant.organization.slug)  # type: ignore[attr-defined]


def _home(request: HttpRequest, pk: int) -> Home:
    return get_object_or_404(scoped(Home, request.tenant).select_related("location"), pk=pk)  # type: ignore[attr-defined]


@member_required
def home_detail(request: HttpRequest, pk: int) -> HttpResponse:
    tenant = request.tenant  # type: ignore[attr-defined]
    home = _home(request, pk)
    ancestors = scoped(Location, tenant).in_bulk(home.location.ancestor_ids)
    tenants = Prefetch("lease_tenants", queryset=scoped(LeaseTenant, tenant).select_related("person"))
    context = {
        "home": home,
        "breadcrumb": [ancestors[i] for i in home.location.ancestor_ids if i in ancestors] + [home.location],
        "owners": scoped(Homeownership, tenant).filter(home=home).select_related("person"),
        "leases": scoped(Lease, tenant).filter(home=home).prefetch_related(tenants).order_by("-start_date", "-pk"),
        "documents": scoped(Document, tenant).filter(home=home).order_by("-created_at"),
        "history": object_history(home, tenant),
    }
    return render(request, "homes/detail.html", context)


@write_required
def home_create(request: HttpRequest) -> HttpResponse:
    tenant = request.tenant  # type: ignore[attr-defined]
    initial = {"location": request.GET.get("location")} if request.GET.get("location") else None
    form = HomeForm(request.POST or None, tenant=tenant, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            home = services.create_home(tenant.organization, **data)
        except ValidationError as exc:
            add_domain_error(form, exc, about="location")
        else:
            messages.success(request, f"Home “{home}” created.")
            return redirect("homes:detail", pk=home.pk)
    return render(request, "homes/form.html", {"form": form}, status=400 if form.errors else 200)


@member_required
def home_edit(request: HttpRequest, pk: int) -> HttpResponse:
    tenant = request.tenant  # type: ignore[attr-defined]
    home = _home(request, pk)  # another organization's home is a 404 for everyone
    if not tenant.can_write:
        raise PermissionDenied("Your role in this organization can view records but not change them.")
    form = HomeForm(request.POST or None, tenant=tenant, instance=home)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_home(home, **form.cleaned_data)
        except ValidationError as exc:
            add_domain_error(form, exc, about="location")
            home.refresh_from_db()  # nothing was saved: the page shows the stored home
        else:
            messages.success(request, f"Home “{home}” saved.")
            return redirect("homes:detail", pk=home.pk)
    return render(request, "homes/form.html", {"form": form, "home": home}, status=400 if form.errors else 200)
