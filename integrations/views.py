"""Staff pages: connections (list, add, edit, test, sync now, pause), runs with live progress, conflicts, webhooks."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from django.db.models import OuterRef, Subquery
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from integrations import engine, health, tasks
from integrations.forms import ConnectionForm
from integrations.models import Conflict, Connection, ExternalRef, OutboxEntry, SyncRun, SyncState
from integrations.registry import UnknownVendor, VendorUnavailable, available, get_plugin
from portal.web.paging import paginate
from portal.web.permissions import member_required, write_required


def admin_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Connections hold a vendor's keys: adding or changing one takes an owner or admin."""

    @member_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        membership = request.tenant.membership  # type: ignore[attr-defined]
        if membership is not None and not membership.is_admin:
            raise PermissionDenied("Only owners and admins of the organization manage connections.")
        return view(request, *args, **kwargs)

    return wrapper


def with_last_run(qs: Any) -> Any:
    latest = SyncRun.objects.filter(connection=OuterRef("pk")).order_by("-created_at", "-id").values("pk")[:1]
    return qs.annotate(last_run_id=Subquery(latest))


def connection_of(request: HttpRequest, pk: int) -> Connection:
    return get_object_or_404(Connection, pk=pk, organization=request.tenant.organization)  # type: ignore[attr-defined]


@member_required
def connections(request: HttpRequest) -> HttpResponse:
    org = request.tenant.organization  # type: ignore[attr-defined]
    rows = list(with_last_run(Connection.objects.filter(organization=org)))
    last_runs = {r.connection_id: r for r in SyncRun.objects.filter(pk__in=[c.last_run_id for c in rows])}
    plugins = available()
    items = [{"connection": c, "last_run": last_runs.get(c.pk), "vendor_name": getattr(plugins.get(c.vendor),
                                                                                       "display_name", c.vendor)}
             for c in rows]
    open_conflicts = Conflict.objects.filter(connection__in=rows, resolved_at__isnull=True).count()
    return render(request, "integrations/connections.html", {"items": items, "open_conflicts": open_conflicts})


@admin_required
def choose_vendor(request: HttpRequest) -> HttpResponse:
    return render(request, "integrations/choose_vendor.html", {"plugins": available().values()})


def _plugin(vendor: str) -> Any:
    try:
        return get_plugin(vendor)
    except (UnknownVendor, VendorUnavailable):
        raise Http404("No such vendor.") from None


@admin_required
def add(request: HttpRequest, vendor: str) -> HttpResponse:
    plugin = _plugin(vendor)
    form = ConnectionForm(plugin, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            connection = form.save(request.tenant.organization)  # type: ignore[attr-defined]
        except IntegrityError:
            form.add_error("name", "A connection with this name already exists.")
        else:
            messages.success(request, f"Connection “{connection.name}” added. Test it, then sync.")
            return redirect("integrations:connection", pk=connection.pk)
    return render(request, "integrations/connection_form.html", {"form": form, "plugin": plugin})


@admin_required
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    connection = connection_of(request, pk)
    plugin = _plugin(connection.vendor)
    form = ConnectionForm(plugin, request.POST or None, instance=connection)
    if request.method == "POST" and form.is_valid():
        form.save(connection.organization)
        messages.success(request, "Connection saved.")
        return redirect("integrations:connection", pk=connection.pk)
    return render(request, "integrations/connection_form.html", {"form": form, "plugin": plugin,
                                                                 "connection": connection})


@member_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    connection = connection_of(request, pk)
    runs = connection.runs.order_by("-created_at")[:10]
    context = {
        "connection": connection, "runs": runs, "states": SyncState.objects.filter(connection=connection),
        "pending": OutboxEntry.objects.filter(connection=connection, status="pending").count(),
        "failed_pushes": OutboxEntry.objects.filter(connection=connection, status="failed").order_by("-id")[:10],
        "webhook_url": request.build_absolute_uri(reverse("integrations:webhook", args=[connection.vendor, pk])),
        "credential_keys": sorted(connection.credentials),
        "refs": ExternalRef.objects.filter(connection=connection).count(),
        "missing": ExternalRef.objects.filter(connection=connection, missing_at_vendor_since__isnull=False).count(),
    }
    return render(request, "integrations/connection_detail.html", context)


@require_POST
@write_required
def test(request: HttpRequest, pk: int) -> HttpResponse:
    ok, message = engine.test_connection(connection_of(request, pk))
    (messages.success if ok else messages.error)(request, message)
    return redirect("integrations:connection", pk=pk)


@require_POST
@write_required
def sync_now(request: HttpRequest, pk: int) -> HttpResponse:
    connection = connection_of(request, pk)
    if not connection.is_active:
        messages.error(request, "This connection is paused. Resume it first.")
        return redirect("integrations:connection", pk=pk)
    run = tasks.publish_sync(connection.pk, full=request.POST.get("full") == "1")
    return redirect("integrations:run", pk=run.pk)


@require_POST
@admin_required
def set_state(request: HttpRequest, pk: int, state: str) -> HttpResponse:
    connection = connection_of(request, pk)
    if state == "pause":
        health.pause(connection.pk, f"Paused by {request.user}.")
    else:
        health.resume(connection.pk)
    return redirect("integrations:connection", pk=pk)


def run_of(request: HttpRequest, pk: int) -> SyncRun:
    org = request.tenant.organization  # type: ignore[attr-defined]
    return get_object_or_404(SyncRun.objects.select_related("connection"), pk=pk, connection__organization=org)


@member_required
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "integrations/run_detail.html", {"run": run_of(request, pk)})


@member_required
def run_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The HTMX-polled piece of the run page; it stops polling itself once the run is finished."""
    return render(request, "integrations/_run_progress.html", {"run": run_of(request, pk)})


@member_required
def runs(request: HttpRequest, pk: int) -> HttpResponse:
    connection = connection_of(request, pk)
    page_obj = paginate(request, connection.runs.order_by("-created_at"), per_page=25)
    return render(request, "integrations/runs.html", {"connection": connection, "page_obj": page_obj})


@member_required
def webhook_log(request: HttpRequest, pk: int) -> HttpResponse:
    connection = connection_of(request, pk)
    page_obj = paginate(request, connection.deliveries.order_by("-received_at"), per_page=25)
    return render(request, "integrations/webhooks.html", {"connection": connection, "page_obj": page_obj})
