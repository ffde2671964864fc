"""Homes, people and homeownership in the admin; every save goes through portal.homes.services."""

from __future__ import annotations

from functools import reduce
from operator import or_
from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Model, Q, QuerySet
from django.http import HttpRequest

from portal.accounts.scoping import scope_filter
from portal.core.admin import (
    AdminAccess,
    DerivedOrgForm,
    ScopedAdmin,
    ScopedInline,
    ScopedModelAdmin,
    add_domain_error,
    changed_values,
    count_of,
)
from portal.documents.admin import DocumentInline
from portal.homes import services
from portal.homes.models import Home, HomeImport, Homeownership, Person
from portal.leases.models import Lease, LeaseTenant


class HomeForm(forms.ModelForm):
    class Meta:
        model = Home
        fields = ["organization", "location", "external_id", "address_line1", "address_line2", "unit_number", "city",
                  "state", "postal_code", "country", "home_type", "bedrooms", "bathrooms", "size_sqft", "market_rent",
                  "status"]

    def clean_state(self) -> str:
        return (self.cleaned_data.get("state") or "").strip().upper()  # the service normalizes the same way

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        organization = cleaned.get("organization") or getattr(self.instance, "organization", None)
        location = cleaned.get("location")
        if organization is not None and location is not None and (
            self.instance.pk is None or "location" in self.changed_data
        ):
            try:
                services.check_home_location(organization, location)
            except ValidationError as exc:
                add_domain_error(self, exc)
        return cleaned


def check_owner(form: forms.ModelForm, home: Home | None, person: Person | None) -> None:
    if home is not None and person is not None and home.organization_id != person.organization_id:
        form.add_error("person", "The person belongs to another organization.")


class HomeownershipInlineForm(DerivedOrgForm):
    class Meta:
        model = Homeownership
        fields = ["person", "ownership_type"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        check_owner(self, getattr(self, "parent_instance", None), cleaned.get("person"))
        return cleaned


class HomeownershipInline(ScopedInline):
    model = Homeownership
    form = HomeownershipInlineForm
    fk_name = "home"
    autocomplete_fields = ["person"]
    verbose_name = "homeowner"
    verbose_name_plural = "homeowners"

    def create_through_service(self, request: HttpRequest, parent: Model, row: forms.ModelForm) -> None:
        services.set_homeowner(parent, row.cleaned_data["person"], row.cleaned_data["ownership_type"])  # type: ignore[arg-type]

    def update_through_service(self, request: HttpRequest, parent: Model, row: forms.ModelForm) -> None:
        link = Homeownership.objects.get(pk=row.instance.pk)
        person = row.cleaned_data["person"]
        if person.pk != link.person_id:  # another person: a new link replaces the old one
            services.remove_homeowner(link)
        services.set_homeowner(parent, person, row.cleaned_data["ownership_type"])  # type: ignore[arg-type]

    def delete_through_service(self, request: HttpRequest, obj: Model) -> None:
        services.remove_homeowner(obj)  # type: ignore[arg-type]


@admin.register(Home)
class HomeAdmin(ScopedAdmin):
    form = HomeForm
    list_display = ["__str__", "unit_number", "state", "postal_code", "location", "home_type", "status",
                    "organization", "owner_count", "lease_count"]
    list_filter = ["status", "home_type", "state", ("organization", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["location", "organization"]
    search_fields = ["address_line1", "unit_number", "city", "postal_code", "external_id"]
    autocomplete_fields = ["organization", "location"]
    readonly_fields = ["created_at", "updated_at"]
    inlines = [HomeownershipInline, DocumentInline]
    can_delete = False  # leases and history refer to homes: a home leaves by becoming inactive

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).annotate(
            _owners=count_of(Homeownership, "home"), _leases=count_of(Lease, "home")
        )

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["organization", *self.readonly_fields] if obj is not None else list(self.readonly_fields)

    @admin.display(description="Owners", ordering="_owners")
    def owner_count(self, obj: Home) -> int:
        return obj._owners  # type: ignore[attr-defined]

    @admin.display(description="Leases", ordering="_leases")
    def lease_count(self, obj: Home) -> int:
        return obj._leases  # type: ignore[attr-defined]

    def save_through_service(self, request: HttpRequest, obj: Home, form: Any, change: bool) -> Home:
        if not change:
            data = {k: v for k, v in form.cleaned_data.items() if k in services.HOME_FIELDS}
            return services.create_home(obj.organization, location=obj.location, **data)
        home = Home.objects.select_related("organization").get(pk=obj.pk)
        location = form.cleaned_data["location"] if "location" in form.changed_data else None
        return services.update_home(home, location=location, **changed_values(form, services.HOME_FIELDS))


@admin.register(Person)
class PersonAdmin(ScopedAdmin):
    list_display = ["__str__", "email", "phone", "organization", "home_count", "lease_count", "external_id"]
    list_filter = [("organization", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["organization"]
    search_fields = ["first_name", "last_name", "email", "phone", "external_id"]
    autocomplete_fields = ["organization"]
    readonly_fields = ["created_at", "updated_at"]
    can_delete = False  # people are referenced by leases and history

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).annotate(
            _homes=count_of(Homeownership, "person"), _leases=count_of(LeaseTenant, "person")
        )

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["organization", *self.readonly_fields] if obj is not None else list(self.readonly_fields)

    @admin.display(description="Homes owned", ordering="_homes")
    def home_count(self, obj: Person) -> int:
        return obj._homes  # type: ignore[attr-defined]

    @admin.display(description="Leases", ordering="_leases")
    def lease_count(self, obj: Person) -> int:
        return obj._leases  # type: ignore[attr-defined]

    def save_through_service(self, request: HttpRequest, obj: Person, form: Any, change: bool) -> Person:
        if not change:
            data = {k: v for k, v in form.cleaned_data.items() if k in services.PERSON_FIELDS}
            return services.create_person(obj.organization, **data)
        return services.update_person(Person.objects.get(pk=obj.pk), **changed_values(form, services.PERSON_FIELDS))


class HomeownershipForm(DerivedOrgForm):
    class Meta:
        model = Homeownership
        fields = ["home", "person", "ownership_type"]

    def derived_organization_id(self) -> int | None:
        home = self.cleaned_data.get("home") or (self.instance.home if self.instance.home_id else None)
        return getattr(home, "organization_id", None)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        check_owner(self, cleaned.get("home"), cleaned.get("person"))
        return cleaned


@admin.register(Homeownership)
class HomeownershipAdmin(ScopedAdmin):
    form = HomeownershipForm
    list_display = ["person", "home", "ownership_type", "organization", "created_at"]
    list_filter = ["ownership_type", ("organization", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["person", "home", "organization"]
    search_fields = ["person__first_name", "person__last_name", "person__email", "home__address_line1"]
    autocomplete_fields = ["home", "person"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["home", "person", "organization"] if obj is not None else []

    def save_through_service(self, request: HttpRequest, obj: Homeownership, form: Any, change: bool) -> Any:
        return services.set_homeowner(obj.home, obj.person, obj.ownership_type)

    def delete_model(self, request: HttpRequest, obj: Homeownership) -> None:
        services.remove_homeowner(obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        for link in queryset:
            services.remove_homeowner(link)


@admin.register(HomeImport)
class HomeImportAdmin(ScopedModelAdmin):
    """Uploaded homes CSVs, to look at: previews are applied or cancelled in the portal, where the rules run."""

    list_display = ["file_name", "status", "creates", "updates", "error_rows", "created_by", "organization",
                    "created_at", "applied_at"]
    list_filter = ["status", ("organization", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["created_by", "organization"]
    search_fields = ["file_name"]
    fields = ["file_name", "status", "creates", "updates", "error_rows", "created_by", "organization", "created_at",
              "applied_at"]
    readonly_fields = fields
    can_add = False

    def visibility(self, access: AdminAccess) -> Q:
        """An import holds no location to scope it by: a member limited to some locations sees only their own
        (another member's file may name homes anywhere in the organization)."""
        parts = [scope_filter(HomeImport, t) & (Q(created_by=access.user) if t.is_scoped else Q())
                 for t in access.with_roles(self.view_roles)]
        return reduce(or_, parts) if parts else Q(pk__in=[])

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
