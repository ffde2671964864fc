"""The location tree: browse, create a child of an allowed kind, edit, activate and deactivate."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from portal.accounts.scoping import scoped
from portal.locations import services
from portal.locations.forms import LocationForm, NewLocationForm
from portal.locations.models import Location
from portal.web.forms import add_domain_error
from portal.web.history import object_history
from portal.web.permissions import member_required, write_required
from portal.web.tree import build_tree


def _location(request: HttpRequest, pk: int) -> Location:
    return get_object_or_404(scoped(Location, request.tenant), pk=pk)  # type: ignore[attr-defined]


def _ancestors(request: HttpRequest, location: Location) -> list[Location]:
    by_id = scoped(Location, request.tenant).in_bulk(location.ancestor_ids)  # type: ignore[attr-defined]
    return [by_id[i] for i in location.ancestor_ids if i in by_id]


def _tree_context(request: HttpRequest, focus: int | None = None) -> dict:
    """The tree; with ``focus`` (a location id) the branches down to that location are open and it is marked."""
    roots = build_tree(request.tenant)  # type: ignore[attr-defined]
    opened: set[int] = set()
    if focus is not None:
        stack = list(roots)
        while stack:
            node = stack.pop()
            if node.location.pk == focus:
                opened.update(node.location.ancestor_ids)
            stack.extend(node.children)
    return {"roots": roots, "opened": opened, "focus": focus}


def _focus(request: HttpRequest) -> int | None:
    value = request.GET.get("focus", "")
    return int(value) if value.isdigit() else None


@member_required
def tree(request: HttpRequest) -> HttpResponse:
    return render(request, "locations/tree.html", _tree_context(request, _focus(request)))


@write_required
def create(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    tenant = request.tenant  # type: ignore[attr-defined]
    parent = _location(request, pk) if pk is not None else None
    if parent is None and tenant.is_scoped:
        raise PermissionDenied("Your access is limited to some locations: add new locations under them.")
    form = NewLocationForm(request.POST or None, parent=parent)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        kind = data.pop("kind")
        try:
            location = services.create_location(tenant.organization, kind=kind, parent=parent, **data)
        except ValidationError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, f"{location.get_kind_display()} “{location.name}” created.")
            return redirect(f"{reverse('locations:tree')}?focus={location.pk}#location-{location.pk}")
    context = {"form": form, "parent": parent, "ancestors": _ancestors(request, parent) if parent else []}
    return render(request, "locations/form.html", context, status=400 if form.errors else 200)


@member_required
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    location = _location(request, pk)
    form = LocationForm(request.POST or None, instance=location)
    if not request.tenant.can_write:  # type: ignore[attr-defined]
        for field in form.fields.values():
            field.disabled = True  # a viewer reads the form; the POST below is refused anyway
    if request.method == "POST":
        if not request.tenant.can_write:  # type: ignore[attr-defined]
            raise PermissionDenied("Your role in this organization can view records but not change them.")
        if form.is_valid():
            try:
                services.update_location(location, **form.cleaned_data)
            except ValidationError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, f"“{location.name}” saved.")
                return redirect("locations:edit", pk=location.pk)
        # Nothing was saved: show the stored values around the form's errors.
        location.refresh_from_db()
    context = {
        "form": form, "location": location, "ancestors": _ancestors(request, location),
        "history": object_history(location, request.tenant),  # type: ignore[attr-defined]
    }
    return render(request, "locations/form.html", context, status=400 if form.errors else 200)


@require_POST
@write_required
def set_active(request: HttpRequest, pk: int, active: bool) -> HttpResponse:
    location = _location(request, pk)
    try:
        if active:
            services.activate_location(location)
        else:
            services.deactivate_location(location)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, f"“{location.name}” {'activated' if active else 'deactivated'}.")
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "locations/_tree_update.html", _tree_context(request, location.pk))
    target = request.POST.get("next") or ""
    if target == "edit":
        return redirect("locations:edit", pk=location.pk)
    return redirect(f"{reverse('locations:tree')}?focus={location.pk}#location-{location.pk}")
