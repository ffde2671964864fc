"""Location tree admin: creation runs create_location's rules; activation goes through activate/deactivate."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest

from portal.core.admin import ScopedAdmin, add_domain_error, admin_access, changed_values, count_of
from portal.documents.admin import DocumentInline
from portal.homes.models import Home
from portal.locations import services
from portal.locations.models import Location


class LocationForm(forms.ModelForm):
    class Meta:
        model = Location
        fields = ["organization", "parent", "kind", "name", "display_name", "abbreviation", "external_id", "is_active",
                  "address_line1", "address_line2", "city", "state", "postal_code", "country"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        try:
            if self.instance.pk is None:
                self._check_new(cleaned)
            elif "is_active" in self.changed_data:
                self._check_activation(cleaned["is_active"])
        except ValidationError as exc:
            add_domain_error(self, exc)
        return cleaned

    def _check_new(self, cleaned: dict[str, Any]) -> None:
        organization, parent, kind = cleaned.get("organization"), cleaned.get("parent"), cleaned.get("kind")
        if organization is None or not kind:
            return  # the required-field errors already say what is missing
        if parent is not None and parent.organization_id != organization.pk:
            raise ValidationError({"parent": "The parent belongs to another organization."})
        access = getattr(self, "access", None)
        if parent is None and access is not None and not access.is_superuser:
            tenant = next((t for t in access.tenants if t.organization.pk == organization.pk), None)
            if tenant is not None and tenant.is_scoped:
                raise ValidationError({"parent": "Your access is limited to part of the tree: choose a parent."})
        services.check_kind(parent, kind)
        services.check_active_chain(parent, Location(kind=kind).get_kind_display().lower())

    def _check_activation(self, active: bool) -> None:
        location = Location.objects.get(pk=self.instance.pk)
        if active and location.parent_id:
            services.check_active_chain(location.parent, location.get_kind_display().lower())
        if not active:
            blockers = services.deactivation_blockers(location)
            if blockers:
                raise ValidationError(
                    {"is_active": f"Cannot deactivate “{location.name}”: it has {' and '.join(blockers)}. "
                                  "Deactivate or move them first."}
                )


@admin.register(Location)
class LocationAdmin(ScopedAdmin):
    form = LocationForm
    list_display = ["name", "kind", "parent", "organization", "is_active", "external_id", "child_count", "home_count"]
    list_filter = ["kind", "is_active", ("organization", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["parent", "organization"]
    search_fields = ["name", "display_name", "abbreviation", "external_id", "city"]
    autocomplete_fields = ["organization", "parent"]
    readonly_fields = ["path", "depth", "created_at", "updated_at"]
    inlines = [DocumentInline]
    can_delete = False  # locations are deactivated, never deleted (DESIGN §3)
    fieldsets = [
        (None, {"fields": ["organization", "parent", "kind", "name", "display_name", "abbreviation",
                           "external_id", "is_active"]}),
        ("Address", {"fields": ["address_line1", "address_line2", "city", "state", "postal_code", "country"]}),
        ("Tree", {"fields": ["path", "depth", "created_at", "updated_at"], "classes": ["collapse"]}),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).annotate(
            _children=count_of(Location, "parent"), _homes=count_of(Home, "location")
        )

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        fixed = ["organization", "parent", "kind"] if obj is not None else []  # no service moves a location
        return [*fixed, *self.readonly_fields]

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change, **kwargs)
        form.access = admin_access(request)
        return form

    @admin.display(description="Children", ordering="_children")
    def child_count(self, obj: Location) -> int:
        return obj._children  # type: ignore[attr-defined]

    @admin.display(description="Homes", ordering="_homes")
    def home_count(self, obj: Location) -> int:
        return obj._homes  # type: ignore[attr-defined]

    def save_through_service(self, request: HttpRequest, obj: Location, form: Any, change: bool) -> Location:
        if not change:
            data = {k: form.cleaned_data[k] for k in services.EDITABLE_FIELDS | {"is_active"} if k in form.cleaned_data}
            return services.create_location(obj.organization, kind=obj.kind, name=data.pop("name"),
                                            parent=obj.parent, **data)
        location = Location.objects.get(pk=obj.pk)
        services.update_location(location, **changed_values(form, services.EDITABLE_FIELDS))
        if "is_active" in form.changed_data:
            toggle = services.activate_location if form.cleaned_data["is_active"] else services.deactivate_location
            location = toggle(location)
        return location
