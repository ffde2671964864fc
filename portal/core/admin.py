"""What every Lintel admin page shares: organization scoping, role-based permissions, rules shown as form errors.

A superuser sees everything. Any other staff user sees only the organizations they are a member of, and inside
each one only what their membership's scope allows (``portal.accounts.scoping.scope_filter``, the same filter the
portal uses). Writes need a write role in the record's organization. Another organization's record is a 404 on
every admin page (change, delete, history), never a redirect that confirms it exists.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import reduce
from operator import or_
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, IntegerField, Model, OuterRef, Prefetch, Q, QuerySet, Subquery, UniqueConstraint
from django.db.models.functions import Coalesce
from django.forms.models import BaseInlineFormSet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from simple_history.admin import SimpleHistoryAdmin

from portal.accounts.models import WRITE_ROLES, Membership, Organization
from portal.accounts.scoping import Tenant, scope_filter
from portal.locations.models import Location

# Models whose scope filter joins through a to-many relation: filter by a subquery so rows are not repeated.
_MULTI_JOIN_SCOPES = {"homes.person", "documents.document"}


@dataclass(frozen=True)
class AdminAccess:
    """The organizations (with scope and role) a staff user may act on in the admin, read once per request."""

    user: Any
    tenants: tuple[Tenant, ...]

    @property
    def is_superuser(self) -> bool:
        return bool(self.user.is_superuser)

    def with_roles(self, roles: Iterable[str] | None) -> tuple[Tenant, ...]:
        if roles is None:
            return self.tenants
        wanted = set(roles)
        return tuple(t for t in self.tenants if t.membership is not None and t.membership.role in wanted)

    def org_ids(self, roles: Iterable[str] | None = None) -> set[int]:
        return {t.organization.pk for t in self.with_roles(roles)}

    def role_in(self, org_id: int | None) -> str | None:
        for tenant in self.tenants:
            if tenant.organization.pk == org_id and tenant.membership is not None:
                return tenant.membership.role
        return None


def admin_access(request: HttpRequest) -> AdminAccess:
    cached = getattr(request, "_lintel_admin_access", None)
    if cached is not None and cached.user is request.user:
        return cached
    tenants: tuple[Tenant, ...] = ()
    # The login page asks too (for its app list): an anonymous visitor, or a non-staff user, acts for no one.
    if request.user.is_authenticated and request.user.is_staff and not request.user.is_superuser:
        memberships = Membership.objects.filter(user=request.user).select_related("organization").prefetch_related(
            Prefetch("scope", queryset=Location.objects.only("id", "path"))
        )
        tenants = tuple(
            Tenant(m.organization, tuple(sorted(loc.path for loc in m.scope.all())), m) for m in memberships
        )
    access = AdminAccess(request.user, tenants)
    request._lintel_admin_access = access  # type: ignore[attr-defined]
    return access


def visible_filter(model: type[Model], tenants: Iterable[Tenant]) -> Q:
    """Rows of ``model`` visible to any of ``tenants`` (the union of each membership's scope)."""
    parts = [scope_filter(model, tenant) for tenant in tenants]
    return reduce(or_, parts) if parts else Q(pk__in=[])


def count_of(model: type[Model], fk: str) -> Coalesce:
    """A per-row count as a correlated subquery: no GROUP BY, no row multiplication, no per-row query."""
    counted = model._default_manager.filter(**{fk: OuterRef("pk")}).order_by().values(fk)
    return Coalesce(Subquery(counted.annotate(n=Count("pk")).values("n"), output_field=IntegerField()), 0)


def add_domain_error(form: forms.BaseForm, error: ValidationError) -> None:
    """Show a refusal on the field it names when the form has that field, otherwise above the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def org_id_of(obj: Any) -> int | None:
    if obj is None:
        return None
    return obj.pk if isinstance(obj, Organization) else getattr(obj, "organization_id", None)


class ScopedPermissionsMixin:
    """Role-based permissions shared by model admins and inlines (the membership role is Lintel's permission)."""

    view_roles: frozenset[str] | None = None  # None: any member may look
    write_roles: frozenset[str] = frozenset(WRITE_ROLES)
    can_add = True
    can_delete = True

    def _allowed(self, request: HttpRequest, obj: Any, roles: frozenset[str] | None) -> bool:
        access = admin_access(request)
        if access.is_superuser:
            return True
        if obj is None:
            return bool(access.with_roles(roles))
        role = access.role_in(org_id_of(obj))
        return role is not None and (roles is None or role in roles)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._allowed(request, None, self.view_roles)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request, obj, self.view_roles) or self.has_change_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request, obj, self.write_roles)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.can_add and self._allowed(request, obj, self.write_roles)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.can_delete and self._allowed(request, obj, self.write_roles)

    def visibility(self, access: AdminAccess) -> Q:
        """Which rows the user may see; organization-owned models follow the membership scope."""
        return visible_filter(self.model, access.with_roles(self.view_roles))  # type: ignore[attr-defined]

    def scoped_queryset(self, request: HttpRequest, qs: QuerySet) -> QuerySet:
        access = admin_access(request)
        if access.is_superuser:
            return qs
        condition = self.visibility(access)
        if any(t.is_scoped for t in access.tenants) and qs.model._meta.label_lower in _MULTI_JOIN_SCOPES:
            return qs.filter(pk__in=qs.model._default_manager.filter(condition).values("pk"))
        return qs.filter(condition)

    def get_object(self, request: HttpRequest, object_id: str, from_field: str | None = None) -> Any:
        obj = super().get_object(request, object_id, from_field)  # type: ignore[misc]
        if obj is None:
            # Not a redirect with "perhaps it was deleted": that would confirm another tenant's id exists.
            raise Http404(f"No {self.model._meta.verbose_name} with this id.")
        return obj

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        kwargs.setdefault("queryset", self.choices_for(db_field.related_model, request))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        kwargs.setdefault("queryset", self.choices_for(db_field.related_model, request))
        return super().formfield_for_manytomany(db_field, request, **kwargs)  # type: ignore[misc]

    def choices_for(self, model: type[Model], request: HttpRequest) -> QuerySet:
        """What a foreign key may point at: for a member, only rows their admin page for that model shows."""
        access = admin_access(request)
        qs = model._default_manager.all()
        if access.is_superuser:
            return qs
        if model is Organization:
            return qs.filter(pk__in=access.org_ids(self.write_roles))
        related_admin = self.admin_site._registry.get(model)  # type: ignore[attr-defined]
        if isinstance(related_admin, ScopedPermissionsMixin):
            return related_admin.scoped_queryset(request, qs)
        return qs.none()  # a model without a scoped admin is never offered to members


class ScopedModelAdmin(ScopedPermissionsMixin, admin.ModelAdmin):
    """The base of every Lintel model admin: scoped rows, 404 for others' ids, saves through the services."""

    list_per_page = 50

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return self.scoped_queryset(request, super().get_queryset(request))

    def changeform_view(
        self, request: HttpRequest, object_id: str | None = None, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as exc:
            # The form's checks mirror the services; this catches what changed between check and save
            # (a concurrent edit). The transaction was rolled back, so nothing was saved.
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        obj._history_user = request.user
        saved = self.save_through_service(request, obj, form, change)
        if saved is not None and saved is not obj:
            adopt(obj, saved)

    def save_through_service(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> Any:
        obj.save()
        return obj

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        inline = getattr(formset, "service_inline", None)
        if inline is None:
            return super().save_formset(request, form, formset, change)
        formset.save(commit=False)  # fills new/changed/deleted_objects for the change message; writes nothing
        parent = formset.instance
        for row in formset.initial_forms:
            if row in formset.deleted_forms:
                if row.instance.pk is not None:
                    inline.delete_through_service(request, row.instance)
            elif row.has_changed():
                inline.update_through_service(request, parent, row)
        for row in formset.extra_forms:
            if row.has_changed() and row not in formset.deleted_forms:
                inline.create_through_service(request, parent, row)
        return None


class ScopedAdmin(ScopedModelAdmin, SimpleHistoryAdmin):
    """A scoped admin with simple_history's history view, scoped too, and without revert."""

    history_list_display = ["actor_kind", "actor_label"]

    def history_view(self, request: HttpRequest, object_id: str, extra_context: dict | None = None) -> HttpResponse:
        if not request.user.is_superuser:
            self.get_object(request, unquote(object_id))  # a member never reads another tenant's history
        return super().history_view(request, object_id, extra_context)

    def history_form_view(
        self, request: HttpRequest, object_id: str, version_id: str, extra_context: dict | None = None
    ) -> HttpResponse:
        if request.method == "POST":
            raise PermissionDenied("Reverting is disabled: change the record through its form so the rules apply.")
        self.get_object(request, unquote(object_id))
        return super().history_form_view(request, object_id, version_id, extra_context)

    def revert_disabled(self, request: HttpRequest, obj: Any = None) -> bool:
        return True  # a revert would write the old row directly, around the services' rules


class ParentAwareFormSet(BaseInlineFormSet):
    """Hands each row its parent record, so a row's checks can use the parent's organization before it is saved."""

    def _construct_form(self, i: int, **kwargs: Any) -> Any:
        form = super()._construct_form(i, **kwargs)
        form.parent_instance = self.instance
        return form


class ScopedInline(ScopedPermissionsMixin, admin.TabularInline):
    """An inline whose permissions follow the parent record's organization and whose rows save via services.

    Subclasses implement create/update/delete_through_service; ScopedAdmin.save_formset calls them.
    """

    extra = 0
    show_change_link = True
    formset = ParentAwareFormSet

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return self.scoped_queryset(request, super().get_queryset(request))

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        formset = super().get_formset(request, obj, **kwargs)
        formset.service_inline = self
        return formset

    def create_through_service(self, request: HttpRequest, parent: Model, row: forms.ModelForm) -> None:
        raise NotImplementedError

    def update_through_service(self, request: HttpRequest, parent: Model, row: forms.ModelForm) -> None:
        raise NotImplementedError

    def delete_through_service(self, request: HttpRequest, obj: Model) -> None:
        raise NotImplementedError


class DerivedOrgForm(forms.ModelForm):
    """A form for a record whose organization follows from another record (a home's, a lease's, a parent's).

    The organization is not a form field, so Django would skip the "unique per organization" constraints;
    they are checked here once the organization is known, and shown as form errors instead of failing at save.
    """

    def derived_organization_id(self) -> int | None:
        parent = getattr(self, "parent_instance", None)
        return org_id_of(parent)

    def _post_clean(self) -> None:
        super()._post_clean()
        org_id = self.derived_organization_id()
        if org_id is None:
            return
        self.instance.organization_id = org_id
        for constraint in self.instance._meta.constraints:
            if not isinstance(constraint, UniqueConstraint) or "organization" not in constraint.fields:
                continue
            try:
                constraint.validate(type(self.instance), self.instance, exclude=set(self.errors))
            except ValidationError as exc:
                named = [f for f in constraint.fields if f != "organization" and f in self.fields]
                self.add_error(named[-1] if named else None, exc)


def adopt(obj: Model, saved: Model) -> None:
    """Copy a row a service created or reloaded onto the admin's instance (the admin keeps using its object)."""
    for field in obj._meta.concrete_fields:
        setattr(obj, field.attname, getattr(saved, field.attname))
    obj._state.adding = False
    obj._state.db = saved._state.db


def changed_values(form: forms.ModelForm, allowed: Iterable[str]) -> dict[str, Any]:
    """The cleaned values of the fields the user changed, limited to what a service accepts."""
    allowed = set(allowed)
    return {name: form.cleaned_data[name] for name in form.changed_data if name in allowed}
