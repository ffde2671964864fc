"""Leases and their tenants in the admin. A status change is a transition (transition_lease), never an edit."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model, QuerySet
from django.http import HttpRequest

from portal.core.admin import DerivedOrgForm, ScopedAdmin, ScopedInline, add_domain_error, changed_values, count_of
from portal.core.events import emit_change
from portal.core.services import save_validated
from portal.documents.admin import DocumentInline
from portal.homes.models import Person
from portal.leases import services
from portal.leases.models import Lease, LeaseStatus, LeaseTenant


class LeaseForm(DerivedOrgForm):
    class Meta:
        model = Lease
        fields = ["home", "external_id", "lease_type", "status", "start_date", "end_date", "rent", "deposit",
                  "due_day"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and "status" in self.fields:
            # Offer only the moves the lifecycle allows from the stored status.
            allowed = {self.instance.status, *self.instance.allowed_transitions()}
            self.fields["status"].choices = [(v, label) for v, label in LeaseStatus.choices if v in allowed]

    def derived_organization_id(self) -> int | None:
        home = self.cleaned_data.get("home") or (self.instance.home if self.instance.home_id else None)
        return getattr(home, "organization_id", None)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        probe = Lease(lease_type=cleaned.get("lease_type"), end_date=cleaned.get("end_date"))
        try:
            if cleaned.get("lease_type"):
                services._check_terms(probe)  # the same rule update_lease and create_lease apply
            if self.instance.pk and "status" in self.changed_data and cleaned.get("status"):
                stored = Lease.objects.only("status").get(pk=self.instance.pk).status
                services.check_transition(stored, cleaned["status"])
        except ValidationError as exc:
            add_domain_error(self, exc)
        return cleaned


def add_tenant(lease: Lease, person: Person, role: str) -> LeaseTenant:
    """Put one person on a lease, as set_tenants does for each new tenant (validated, with its change event)."""
    if person.organization_id != lease.organization_id:
        raise ValidationError({"person": "The person belongs to another organization."})
    link = LeaseTenant(organization_id=lease.organization_id, lease=lease, person=person, role=role)
    return save_validated(link, "create")  # type: ignore[return-value]


def remove_tenant(link: LeaseTenant) -> None:
    emit_change(link, "delete")
    link.delete()


class LeaseTenantInlineForm(DerivedOrgForm):
    class Meta:
        model = LeaseTenant
        fields = ["person", "role"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        lease, person = getattr(self, "parent_instance", None), cleaned.get("person")
        if lease is not None and person is not None and lease.organization_id not in (None, person.organization_id):
            self.add_error("person", "The person belongs to another organization.")
        return cleaned


class LeaseTenantInline(ScopedInline):
    model = LeaseTenant
    form = LeaseTenantInlineForm
    autocomplete_fields = ["person"]
    verbose_name = "tenant"

    @transaction.atomic
    def create_through_service(self, request: HttpRequest, parent: Model, row: forms.ModelForm) -> None:
        add_tenant(parent, row.cleaned_data["person"], row.cleaned_data["role"])  # type: ignore[arg-type]

    @transaction.atomic
    def update_through_service(self, request: HttpRequest, parent: Model, row: forms.ModelForm) -> None:
        link = LeaseTenant.objects.get(pk=row.instance.pk)
        person, role = row.cleaned_data["person"], row.cleaned_data["role"]
        if person.pk != link.person_id:
            remove_tenant(link)
            add_tenant(parent, person, role)  # type: ignore[arg-type]
        elif role != link.role:
            link.role = role
            save_validated(link, "update", {"role"})

    @transaction.atomic
    def delete_through_service(self, request: HttpRequest, obj: Model) -> None:
        remove_tenant(obj)  # type: ignore[arg-type]


@admin.register(Lease)
class LeaseAdmin(ScopedAdmin):
    form = LeaseForm
    list_display = ["__str__", "status", "lease_type", "start_date", "end_date", "rent", "organization",
                    "tenant_count"]
    list_filter = ["status", "lease_type", ("organization", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["home", "organization"]
    search_fields = ["external_id", "home__address_line1", "home__city", "tenants__last_name"]
    autocomplete_fields = ["home"]
    readonly_fields = ["organization", "created_at", "updated_at"]
    inlines = [LeaseTenantInline, DocumentInline]
    can_delete = False  # a lease ends or is terminated; it is not deleted

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).annotate(_tenants=count_of(LeaseTenant, "lease"))

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["home", *self.readonly_fields] if obj is not None else list(self.readonly_fields)

    @admin.display(description="Tenants", ordering="_tenants")
    def tenant_count(self, obj: Lease) -> int:
        return obj._tenants  # type: ignore[attr-defined]

    def save_through_service(self, request: HttpRequest, obj: Lease, form: Any, change: bool) -> Lease:
        if not change:
            data = {k: v for k, v in form.cleaned_data.items() if k in services.LEASE_FIELDS}
            return services.create_lease(obj.home.organization, home=obj.home, status=obj.status, **data)
        lease = services.update_lease(Lease.objects.get(pk=obj.pk), **changed_values(form, services.LEASE_FIELDS))
        if "status" in form.changed_data:
            lease = services.transition_lease(lease, form.cleaned_data["status"])
        return lease


class LeaseTenantForm(DerivedOrgForm):
    class Meta:
        model = LeaseTenant
        fields = ["lease", "person", "role"]

    def derived_organization_id(self) -> int | None:
        lease = self.cleaned_data.get("lease") or (self.instance.lease if self.instance.lease_id else None)
        return getattr(lease, "organization_id", None)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        lease, person = cleaned.get("lease"), cleaned.get("person")
        if lease is not None and person is not None and lease.organization_id != person.organization_id:
            self.add_error("person", "The person belongs to another organization.")
        return cleaned


@admin.register(LeaseTenant)
class LeaseTenantAdmin(ScopedAdmin):
    form = LeaseTenantForm
    list_display = ["person", "lease", "role", "organization", "created_at"]
    list_filter = ["role", ("organization", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["person", "lease__home", "organization"]
    search_fields = ["person__first_name", "person__last_name", "person__email", "lease__external_id"]
    autocomplete_fields = ["lease", "person"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["lease", "person", "organization"] if obj is not None else []

    def save_through_service(self, request: HttpRequest, obj: LeaseTenant, form: Any, change: bool) -> Any:
        if not change:
            return add_tenant(obj.lease, obj.person, obj.role)
        link = LeaseTenant.objects.get(pk=obj.pk)
        if link.role != obj.role:
            link.role = obj.role
            save_validated(link, "update", {"role"})
        return link

    def delete_model(self, request: HttpRequest, obj: LeaseTenant) -> None:
        remove_tenant(obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        for link in queryset:
            remove_tenant(link)
