"""Staff pages: connections (list, add, edit, test, sync now, pause), runs with live progress, conflicts, webhooks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from django.db.models import Count, OuterRef, Q, Subquery
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from integrations import engine, health, tasks
from integrations.forms import ConnectionForm
from integrations.models import Conflict, Connection, ExternalRef, OutboxEntry, OutboxStatus, SyncRun, SyncState
from integrations.models_runs import DeliveryStatus, RunKind, RunStatus, WebhookDelivery
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
    """The last sync of each connection: a pull, push or confirmation (one webhook delivery is no sync)."""
    latest = (SyncRun.objects.filter(connection=OuterRef("pk")).exclude(kind=RunKind.WEBHOOK)
              .order_by("-created_at", "-id").values("pk")[:1])
    return qs.annotate(last_run_id=Subquery(latest))


def connection_of(request: HttpRequest, pk: int) -> Connection:
    return get_object_or_404(Connection, pk=pk, organization=request.tenant.organization)  # type: ignore[attr-defined]


@member_required
def connections(request: HttpRequest) -> HttpResponse:
    org = request.tenant.organization  # type: ignore[attr-defined]
    pending = Count("outbox", filter=Q(outbox__status=OutboxStatus.PENDING))
    rows = list(with_last_run(Connection.objects.filter(organization=org)).annotate(waiting_to_push=pending))
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
    # Webhook runs (one per delivery, hundreds after a push) would hide the syncs: they are summed up instead.
    runs = connection.runs.exclude(kind=RunKind.WEBHOOK).order_by("-created_at", "-id")[:10]
    since = timezone.now() - dt.timedelta(hours=24)
    context = {
        "connection": connection, "runs": runs, "states": SyncState.objects.filter(connection=connection),
        "webhooks_day": connection.deliveries.filter(received_at__gte=since).count(),
        "webhooks_waiting": connection.deliveries.filter(status=DeliveryStatus.RECEIVED).count(),
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


# Where a record a run names is shown in the portal (the record errors link to it).
RECORD_PAGES = {"locations.location": "locations:edit", "homes.home": "homes:detail", "homes.person": "people:detail",
                "leases.lease": "leases:detail"}
RUN_FILTERS = (("syncs", "Syncs"), ("webhooks", "Webhook runs"), ("all", "All"))
NO_WORKER_AFTER = dt.timedelta(minutes=2)  # a queued run nobody picked up for this long: say the worker may be down


def duration(seconds: float) -> str:
    """4 s, 1 min 12 s, 2 h 5 min: the run page's "finished in" (timesince says "0 minutes" under a minute)."""
    seconds = max(0, round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {seconds} s" if seconds else f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min" if minutes else f"{hours} h"


def record_link(ct: ContentType, object_id: int) -> tuple[str, str]:
    """A portal record's page (empty when it has none) and its label, "Home #12"."""
    page = RECORD_PAGES.get(f"{ct.app_label}.{ct.model}")
    return (reverse(page, args=[object_id]) if page else ""), f"{str(ct.name).capitalize()} #{object_id}"


def record_errors(run: SyncRun) -> list[dict[str, Any]]:
    """The run's record errors, each with the portal record it concerns when the record is linked (one query)."""
    errors = [e for e in run.errors or [] if isinstance(e, dict)]
    wanted = {(str(e.get("stream", "")), str(e.get("record", ""))) for e in errors}
    refs = ExternalRef.objects.filter(connection_id=run.connection_id, stream__in={s for s, _ in wanted},
                                      vendor_id__in={v for _, v in wanted}).select_related("content_type")
    found = {(r.stream, r.vendor_id): (r.content_type, r.object_id) for r in refs}
    push_models: dict[str, ContentType] = {}  # only a push names portal records (this page is polled each second)
    if run.kind == RunKind.PUSH:
        apps = {label.split(".")[0] for label in RECORD_PAGES}
        push_models = {ct.model: ct for ct in ContentType.objects.filter(app_label__in=apps)}
    rows = []
    for e in errors:
        record = str(e.get("record", ""))
        target = found.get((str(e.get("stream", "")), record))
        model_name, _, pk = record.partition(" ")  # a push names the portal record: "home 12"
        if target is None and run.kind == RunKind.PUSH and pk.isdigit() and model_name in push_models:
            target = (push_models[model_name], int(pk))
        url, label = record_link(*target) if target is not None else ("", "")
        rows.append({**e, "url": url, "label": label})
    return rows


def run_context(run: SyncRun) -> dict[str, Any]:
    """What the run page and its polled progress show: elapsed time, why a queued run waits, a push's progress."""
    now = timezone.now()
    context: dict[str, Any] = {"run": run, "error_rows": record_errors(run) if run.errors else []}
    if run.started_at:
        context["elapsed"] = duration(((run.finished_at or now) - run.started_at).total_seconds())
    if run.status == RunStatus.QUEUED:
        busy = list(SyncRun.objects.filter(connection__organization_id=run.connection.organization_id,
                                           status=RunStatus.RUNNING).exclude(pk=run.pk)
                    .select_related("connection").order_by("started_at")[:5])
        context["busy_with"] = [f"{r.connection.name} ({r.get_kind_display().lower()})" for r in busy]
        context["deliveries_waiting"] = WebhookDelivery.objects.filter(
            connection__organization_id=run.connection.organization_id, status=DeliveryStatus.RECEIVED).count()
        context["no_worker"] = (not busy and not context["deliveries_waiting"]
                                and now - run.created_at > NO_WORKER_AFTER)
    if run.kind == RunKind.PUSH and not run.is_finished:
        done = sum(run.totals().get(k, 0) for k in ("pushed", "unchanged", "failed", "conflicts"))
        waiting = OutboxEntry.objects.filter(connection_id=run.connection_id, status=OutboxStatus.PENDING).count()
        context["push"] = {"done": done, "waiting": waiting,
                           "percent": int(100 * done / (done + waiting)) if done + waiting else None}
    return context


@member_required
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "integrations/run_detail.html", run_context(run_of(request, pk)))


@member_required
def run_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The HTMX-polled piece of the run page; it stops polling itself once the run is finished."""
    return render(request, "integrations/_run_progress.html", run_context(run_of(request, pk)))


@member_required
def runs(request: HttpRequest, pk: int) -> HttpResponse:
    connection = connection_of(request, pk)
    kind = request.GET.get("kind", "syncs")
    qs = connection.runs.order_by("-created_at", "-id")
    if kind == "webhooks":
        qs = qs.filter(kind=RunKind.WEBHOOK)
    elif kind != "all":
        kind, qs = "syncs", qs.exclude(kind=RunKind.WEBHOOK)
    page_obj = paginate(request, qs, per_page=25)
    return render(request, "integrations/runs.html", {"connection": connection, "page_obj": page_obj, "kind": kind,
                                                      "kinds": RUN_FILTERS})


@member_required
def webhook_log(request: HttpRequest, pk: int) -> HttpResponse:
    connection = connection_of(request, pk)
    page_obj = paginate(request, connection.deliveries.order_by("-received_at", "-id"), per_page=25)
    page_obj.object_list = delivery_rows(connection, list(page_obj.object_list))
    return render(request, "integrations/webhooks.html", {"connection": connection, "page_obj": page_obj})


def delivery_rows(connection: Connection, deliveries: list[Any]) -> list[dict[str, Any]]:
    """Each delivery with what it is about: the vendor's records it names and, when linked, the portal's record."""
    parsed: dict[int, list[Any]] = {}
    for d in deliveries:
        try:
            parsed[d.pk] = list(connection.plugin.parse_webhook(d.body.encode()))
        except Exception:  # a body the plug-in cannot read is shown as it came
            parsed[d.pk] = []
    wanted = {(e.stream, str(e.vendor_id)) for events in parsed.values() for e in events}
    refs = ExternalRef.objects.filter(connection=connection, stream__in={s for s, _ in wanted},
                                      vendor_id__in={v for _, v in wanted}).select_related("content_type")
    found = {(r.stream, r.vendor_id): r for r in refs}
    rows = []
    for d in deliveries:
        events = []
        for e in parsed[d.pk]:
            ref = found.get((e.stream, str(e.vendor_id)))
            url, label = record_link(ref.content_type, ref.object_id) if ref else ("", "")
            events.append({"stream": e.stream, "vendor_id": e.vendor_id, "deleted": e.action == "delete",
                           "label": label, "url": url})
        rows.append({"delivery": d, "events": events})
    return rows
